"""Full-text search over a project, answered by indexes (nothing held in memory): queries of three
or more characters by the FTS5 trigram indexes (Hangul substrings included), one- and two-character
queries by the character-pair indexes of migration 9 (``regions_short_fts``, ``keyvalues_short_fts``; see
:func:`hanji.store.schema.grams`). Both take the first ``limit`` matches by row id (the order rows
were added, so a search stops early however common the query) and return them in reading order.
SQLite-only (FTS5); the PostgreSQL backend answers the same calls its own way."""

from __future__ import annotations

from typing import Any

from hanji.domain.model import KeyValue, Region
from hanji.domain.text import nfc
from hanji.store import rows


def grams_query(q: str) -> str | None:
    """The character-pair index's query for a one- or two-character ``q`` (lower-cased as the index
    is): the pair's token, or a prefix query for one character; None for any other ``q``."""
    q = q.lower()
    if "\x00" in q or not 1 <= len(q) <= 2:
        return None
    return q.encode("utf-32-be").hex() + ("*" if len(q) == 1 else "")


class Search:
    """The search half of :class:`~hanji.store.project.ProjectStore` (it supplies ``conn`` and ``_mutex``)."""

    def _search(self, query: str, limit: int, table: str, alias: str, columns: tuple[str, ...],
                order: str) -> list[Any]:
        q = nfc(query).strip()
        if not q or limit <= 0:
            return []
        if len(q) >= 3 and len(q.lower()) >= 3:
            index, match = f"{table}_fts", '"' + q.replace('"', '""') + '"'
        else:
            index, match = f"{table}_short_fts", grams_query(q)
            if match is None:
                return []
        cols = ",".join(f"{alias}.{c}" for c in columns)
        with self._mutex:
            return self.conn.execute(
                f"SELECT {cols} FROM {table} {alias} WHERE {alias}.id IN (SELECT rowid FROM {index} "
                f"WHERE {index} MATCH ? ORDER BY rowid LIMIT ?) ORDER BY {order}", (match, limit)).fetchall()

    def search(self, query: str, limit: int = 100) -> list[Region]:
        """Regions whose text contains ``query`` (case-insensitive): the first ``limit`` by id, in
        reading order."""
        found = self._search(query, limit, "regions", "r", rows.REGION_COLUMNS, "r.doc_id, r.ord IS NULL, r.ord, r.id")
        return [rows.region_from_row(r) for r in found]

    def search_keyvalues(self, query: str, limit: int = 100) -> list[KeyValue]:
        """Key-values whose key or value contains ``query``: the first ``limit`` by id, by document."""
        found = self._search(query, limit, "keyvalues", "k", rows.KEYVALUE_COLUMNS, "k.doc_id, k.id")
        return [rows.keyvalue_from_row(r) for r in found]

    def document_names(self, doc_ids) -> dict[int, str]:
        """``{id: name}`` of the given documents (one statement, by the primary key)."""
        ids = sorted(set(doc_ids))
        out: dict[int, str] = {}
        with self._mutex:
            for lo in range(0, len(ids), 500):
                part = ids[lo:lo + 500]
                out.update(self.conn.execute(f"SELECT id, name FROM documents WHERE id IN ({','.join('?' * len(part))})",
                                             part).fetchall())
        return out
