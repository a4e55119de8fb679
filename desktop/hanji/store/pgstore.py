""":class:`PgProjectStore`: the same store on PostgreSQL (:mod:`hanji.store.pg` gives the store's
modules their connection surface; this class replaces what is SQLite's alone: opening and creating,
no file lock, no WAL checkpoints, and search without FTS5)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hanji.domain.model import EntityType, KeyValue, Region
from hanji.domain.text import nfc
from hanji.store import names, rows
from hanji.store.project import ProjectStore


class PgProjectStore(ProjectStore):
    """A Hanji project in a PostgreSQL database (``postgresql://user@host:port/dbname``). Many
    seats may have it open for writing at once; each edit is one transaction, committed (on the
    server's disk) before the call returns."""

    backend = "postgresql"
    _STEPS_OF_DOCUMENT = (
        "DELETE FROM history WHERE step IN (SELECT h.step FROM history h, jsonb_array_elements(h.deltas::jsonb) d "
        "WHERE (d.value -> 2 ->> 'doc_id')::bigint = :d OR (d.value -> 3 ->> 'doc_id')::bigint = :d "
        "OR (d.value ->> 0 = 'documents' AND (d.value ->> 1)::bigint = :d))")

    @classmethod
    def create(cls, path: str, entity_types: Iterable[EntityType] = ()) -> PgProjectStore:
        from hanji.store import pg_project

        pg_project.create(str(path), [rows.entity_row(e, i) for i, e in enumerate(entity_types)])
        return cls.open(path)

    @classmethod
    def open(cls, path: str, readonly: bool = False, integrity: bool | None = None) -> PgProjectStore:
        """Connect; a clear error for no server, a wrong password, a database that is not a Hanji
        project or one of a newer Hanji. ``integrity`` asks nothing more of the server (PostgreSQL
        keeps its own pages consistent); the schema is checked at every open."""
        from hanji.store import pg_project

        conn = pg_project.open_connection(str(path), readonly)
        return cls(conn.display, conn, None, readonly)

    def add_image(self, path, link: bool = False, name: str | None = None):
        """Add an image file; it is always kept in the database (``link`` is ignored): a path on this
        seat's disk is nothing to the other seats."""
        return super().add_image(path, link=False, name=name)

    READ_AHEAD = 32  # images read in one statement when they are asked for in id order (an export)
    READ_AHEAD_BYTES = 16 << 20  # (at most this much beyond the one asked for)

    def image_bytes(self, doc_id: int) -> bytes:
        """The encoded image of a document. Asked for in id order (an export, a check), the images of
        the next documents come in the same statement (up to :attr:`READ_AHEAD` documents and
        :attr:`READ_AHEAD_BYTES`): one round trip a few dozen documents instead of two a document."""
        with self._mutex:
            ahead: dict[int, bytes] = self.__dict__.setdefault("_images_ahead", {})
            data = ahead.pop(doc_id, None)
            if data is not None:
                return data
            last = self.__dict__.get("_image_last")
            self._image_last = doc_id
            got = self.conn.execute(
                "SELECT id, data FROM (SELECT d.id, i.data, i.size, SUM(i.size) OVER (ORDER BY d.id) AS run "
                "FROM documents d JOIN images i ON i.sha256 = d.sha256 WHERE d.id >= ? ORDER BY d.id LIMIT ?) x "
                "WHERE id = ? OR run - size < ?",
                (doc_id, self.READ_AHEAD if last is not None and last < doc_id else 1, doc_id,
                 self.READ_AHEAD_BYTES)).fetchall()
            ahead.clear()
            for i, d in got:
                if i == doc_id:
                    data = d
                else:
                    ahead[i] = d
        if data is None:  # no such document, or its image is not in the database: the clear errors
            return super().image_bytes(doc_id)
        return data

    def _emit(self, change) -> None:
        if change.table == "documents":  # a removed document's image is not read ahead
            self.__dict__.get("_images_ahead", {}).clear()
        super()._emit(change)

    @property
    def _db(self):
        raise NotImplementedError("sqlite-utils is the SQLite backend's")

    def optimize(self) -> None:
        """After bulk work: fresh planner statistics."""
        with self._mutex:
            self.conn.execute("ANALYZE")

    def document_count(self, status: str | None = None, doc_type: str | None = None,
                       name: str | None = None) -> int:
        """As on SQLite; with no filter but the status, read from the ``counts`` table the triggers
        keep (the documents pane asks it after every change: a count of every document's row grows
        with the project, a few ms a 10,000 on PostgreSQL)."""
        if doc_type is not None or name:
            return super().document_count(status, doc_type, name)
        with self._mutex:
            if status:
                r = self.conn.execute("SELECT COALESCE(SUM(n), 0) FROM counts WHERE name = ?",
                                      (f"documents:{status}",)).fetchone()
            else:
                r = self.conn.execute("SELECT COALESCE(SUM(n), 0) FROM counts WHERE name LIKE 'documents:%'").fetchone()
        return int(r[0])

    # ------------------------------------------------------------------ search
    SEARCH_PROBE = 4000  # ids a search reads first (by the primary key), for a query common enough
    SEARCH_OPEN = 2000  # matches past the probe expected at most (at the probe's rate): one open window

    def _pg_search(self, query: str, limit: int, table: str, columns: tuple[str, ...],
                   like_columns: tuple[str, ...], order) -> list[Any]:
        """The first ``limit`` rows by id whose ``like_columns`` contain ``query`` (lower-cased by the
        server on both sides), sorted by ``order`` (a key of a row). The ids up to
        :attr:`SEARCH_PROBE` are read first (a common query has its first hits there: they are the
        answer); then windows of ids eight times larger each, the last one open, where the character-
        pair index of the step ``pg1_short_search`` (rows whose array holds the query's pairs, its
        character for one; then ``strpos``) and the id range are combined: each statement reads only
        the matches of its window. Left to the planner, one statement walked the ids for a query its
        statistics called common and read all 2,000,000 texts for one that matched nothing (minutes
        at 100,000 documents), and sorting all of a mid-common query's matches took 0.7 s.

        Each window's statement intersects the whole index's lists of the query's pairs, whatever its
        ids (16 ms at 100,000 documents for a query of digits, whose pairs are common, matching a few
        hundred texts): when the probe's hits (one more than it found) over its ids, times the ids
        beyond it, expect at most :attr:`SEARCH_OPEN` matches, the windows are one open window. At
        100,000 documents, load 11 on 2 cores, 200 queries of 3-8 characters: 723 -> 392 statements,
        p95 121-143 -> 60-93 ms, the same hits."""
        q = nfc(query).strip()
        if not q or limit <= 0:
            return []
        cols = ",".join(columns)
        # (the collation of the indexes of the step pg3_grams_c: the planner takes them only so)
        grams = "(" + " || ".join(f"hanji_grams(lower({c}))" for c in like_columns) + ') COLLATE "C"'
        found = " OR ".join(f"strpos(lower({c}), lower(?)) > 0" for c in like_columns)
        args = [q] * len(like_columns)
        lo = self.SEARCH_PROBE
        with self._mutex:
            got = self.conn.execute(f"SELECT {cols} FROM {table} WHERE id <= {lo} AND ({found}) ORDER BY id LIMIT ?",
                                    (*args, limit), prepare=False).fetchall()
            top = None if len(got) >= limit else self.conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0]
            size = lo * 8
            if top is not None and (len(got) + 1) * (top - lo) <= self.SEARCH_OPEN * lo:
                size = top  # few matches expected past the probe: all of them in one statement
            while top is not None and lo < top and len(got) < limit:
                hi = lo + size if lo + size < top else None
                window = f"id > {lo}" + (f" AND id <= {hi}" if hi is not None else "")
                # (id + 0: the window's matches sorted, never a walk of the ids)
                got += self.conn.execute(
                    f"SELECT {cols} FROM {table} WHERE {window} AND {grams} @> hanji_query_grams(lower(?)) "
                    f"AND ({found}) ORDER BY id + 0 LIMIT ?", (q, *args, limit - len(got)), prepare=False).fetchall()
                if hi is None:
                    break
                lo, size = hi, size * 8
        return sorted(got[:limit], key=order)

    def search(self, query: str, limit: int = 100) -> list[Region]:
        """Regions whose text contains ``query`` (case-insensitive, any length): the first ``limit``
        by id, in reading order."""
        found = self._pg_search(query, limit, "regions", rows.REGION_COLUMNS, ("text",),
                                lambda r: (r[1], r[8] is None, r[8] or 0, r[0]))  # doc_id, ord (NULL last), id
        return [rows.region_from_row(r) for r in found]

    def search_keyvalues(self, query: str, limit: int = 100) -> list[KeyValue]:
        found = self._pg_search(query, limit, "keyvalues", rows.KEYVALUE_COLUMNS, ("key", "value"),
                                lambda r: (r[1], r[0]))  # doc_id, id
        return [rows.keyvalue_from_row(r) for r in found]


names.BACKENDS["postgresql"] = PgProjectStore
