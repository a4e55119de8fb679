"""Full-text search over a project: FTS5 trigram indexes (Hangul substrings included); queries
shorter than a trigram fall back to a LIKE scan."""

from __future__ import annotations

from typing import Any

from hanji.domain.model import KeyValue, Region
from hanji.store import rows


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Search:
    """The search half of :class:`~hanji.store.project.ProjectStore` (it supplies ``conn`` and ``_mutex``)."""

    def _search(self, query: str, limit: int, table: str, alias: str, columns: tuple[str, ...],
                like_columns: tuple[str, ...], order: str) -> list[Any]:
        from hanji.domain.text import nfc

        q = nfc(query).strip()
        if not q:
            return []
        cols = ",".join(f"{alias}.{c}" for c in columns)
        with self._mutex:
            if len(q) >= 3:
                phrase = '"' + q.replace('"', '""') + '"'
                return self.conn.execute(
                    f"SELECT {cols} FROM {table}_fts f JOIN {table} {alias} ON {alias}.id=f.rowid "
                    f"WHERE {table}_fts MATCH ? ORDER BY {order} LIMIT ?", (phrase, limit)).fetchall()
            where = " OR ".join(f"{alias}.{c} LIKE ? ESCAPE '\\'" for c in like_columns)
            return self.conn.execute(
                f"SELECT {cols} FROM {table} {alias} WHERE {where} ORDER BY {order} LIMIT ?",
                (*[_like(q)] * len(like_columns), limit)).fetchall()

    def search(self, query: str, limit: int = 100) -> list[Region]:
        """Regions whose text contains ``query`` (FTS5 trigram; shorter queries fall back to LIKE)."""
        found = self._search(query, limit, "regions", "r", rows.REGION_COLUMNS, ("text",), "r.doc_id, r.ord")
        return [rows.region_from_row(r) for r in found]

    def search_keyvalues(self, query: str, limit: int = 100) -> list[KeyValue]:
        """Key-values whose key or value contains ``query`` (FTS5 trigram; shorter queries use LIKE)."""
        found = self._search(query, limit, "keyvalues", "k", rows.KEYVALUE_COLUMNS, ("key", "value"),
                             "k.doc_id, k.id")
        return [rows.keyvalue_from_row(r) for r in found]
