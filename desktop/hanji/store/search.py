"""Full-text search over a project: FTS5 trigram indexes (Hangul substrings included); queries
shorter than a trigram fall back to a LIKE scan."""

from __future__ import annotations

import bisect
from typing import Any

from hanji.domain.model import KeyValue, Region
from hanji.domain.text import nfc
from hanji.store import rows


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Search:
    """The search half of :class:`~hanji.store.project.ProjectStore` (it supplies ``conn`` and ``_mutex``)."""

    def _search(self, query: str, limit: int, table: str, alias: str, columns: tuple[str, ...],
                like_columns: tuple[str, ...], order: str) -> list[Any]:
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

    # ------------------------------------------------------------------ short queries, in memory
    def version(self) -> tuple:
        """Changes when the project's data changed (here or in another connection): for caches."""
        with self._mutex:
            return self.conn.total_changes, self.conn.execute("PRAGMA data_version").fetchone()[0]

    def short_region_ids(self, q: str, limit: int) -> list[int]:
        """Ids of regions whose text contains ``q``, in reading order, from an in-memory copy of
        the texts rebuilt only when the project changed: for a window asking many one- and
        two-character questions (too short for trigrams; a LIKE scan each time is slower)."""
        texts = self._short_texts()
        blob, starts, ids = texts
        out: list[int] = []
        i = blob.find(q)
        while i >= 0 and len(out) < limit:
            k = bisect.bisect_right(starts, i) - 1
            out.append(ids[k])
            nxt = starts[k + 1] if k + 1 < len(starts) else len(blob)
            i = blob.find(q, nxt)  # the next region: one hit per region
        return out

    def _short_texts(self) -> tuple[str, list[int], list[int]]:
        with self._mutex:
            key = self.version()
            cache = getattr(self, "_short_cache", None)
            if cache is not None and cache[0] == key:
                return cache[1]
            ids, starts, parts, pos = [], [], [], 0
            for rid, text in self.conn.execute("SELECT id, text FROM regions ORDER BY doc_id, ord IS NULL, ord, id"):
                ids.append(rid)
                starts.append(pos)
                parts.append(text)
                pos += len(text) + 1
            texts = ("\x00".join(parts), starts, ids)
            self._short_cache = (key, texts)
            return texts
