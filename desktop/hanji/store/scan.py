"""Reading a whole project in bounded memory and few statements: the half of
:class:`~hanji.store.project.ProjectStore` that jobs over every document (checks, statistics, what to
label next, exports) and the window's documents list use. Documents come in pages by id (keyset
paging on the primary key, never OFFSET over the whole table), each page's regions, links and
key-values in one statement per table."""

from __future__ import annotations

from collections.abc import Iterator

from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.store import rows

PAGE = 500  # documents a page
CHECK_COLUMNS = ("id", "doc_id", "points", "text", "status", "label", "tags")  # what the dataset checks read


def _where(status: str | None, doc_type: str | None, name: str | None) -> tuple[str, list]:
    parts, args = [], []
    if status:
        parts.append("status=?")
        args.append(status)
    if doc_type is not None:
        parts.append("doc_type IS ?")
        args.append(doc_type)
    if name:
        parts.append("instr(lower(name), ?) > 0")
        args.append(name.lower())
    return (" AND ".join(parts) or "TRUE"), args


_GROUPS = {("documents", "status"), ("documents", "doc_type"), ("regions", "status"), ("regions", "kind"),
           ("regions", "label"), ("keyvalues", "key")}
_TABLES = ("documents", "regions", "links", "keyvalues")


class Scan:
    """Pages of documents and whole-project iteration."""

    def document_page(self, after: int = 0, limit: int = PAGE, status: str | None = None,
                      doc_type: str | None = None, name: str | None = None) -> list[Document]:
        """Up to ``limit`` documents with ids above ``after``, by id, of the status, document type
        (``''`` for none) and containing ``name`` (case-insensitive) where given."""
        where, args = _where(status, doc_type, name)
        with self._mutex:
            cur = self.conn.execute(f"SELECT {','.join(rows.DOCUMENT_COLUMNS)} FROM documents "
                                    f"WHERE id > ? AND {where} ORDER BY id LIMIT ?", (after, *args, limit))
            return [rows.document_from_row(r) for r in cur]

    def document_count(self, status: str | None = None, doc_type: str | None = None,
                       name: str | None = None) -> int:
        where, args = _where(status, doc_type, name)
        with self._mutex:
            return self.conn.execute(f"SELECT COUNT(*) FROM documents WHERE {where}", args).fetchone()[0]

    def image_keys(self, page: int = 5 * PAGE) -> Iterator[tuple[int, str, str]]:
        """``(id, sha256, name)`` of every document by id, ``page`` at a time: what a job over every
        image needs (``hanji duplicates``' fingerprints), without a document object each (their
        attributes' JSON read for 100,000 documents took a second before the hashing could start)."""
        after = 0
        while True:
            with self._mutex:
                got = self.conn.execute("SELECT id, sha256, name FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                                        (after, page)).fetchall()
            yield from got
            if len(got) < page:
                return
            after = got[-1][0]

    def document_ids(self, status: str | None = None, doc_type: str | None = None,
                     name: str | None = None) -> list[int]:
        """The ids of the documents of the filter, by id (one column: no document objects)."""
        where, args = _where(status, doc_type, name)
        with self._mutex:
            return [r[0] for r in self.conn.execute(f"SELECT id FROM documents WHERE {where} ORDER BY id", args)]

    def neighbour_id(self, doc_id: int, step: int = 1, status: str | None = None, doc_type: str | None = None,
                     name: str | None = None, not_status: str | None = None) -> int | None:
        """The document ``step`` places after (before, if negative) ``doc_id`` among those of the filter
        (and not of ``not_status``), by id; None past the end. One indexed query (the primary key)."""
        where, args = _where(status, doc_type, name)
        if not_status:
            where += " AND status <> ?"
            args.append(not_status)
        op, order = (">", "ASC") if step > 0 else ("<", "DESC")
        with self._mutex:
            r = self.conn.execute(f"SELECT id FROM documents WHERE id {op} ? AND {where} ORDER BY id {order} "
                                  "LIMIT 1 OFFSET ?", (doc_id, *args, abs(step) - 1)).fetchone()
        return r[0] if r else None

    def document_types(self) -> list[str | None]:
        """The document types in use (one scan of one column)."""
        with self._mutex:
            return [r[0] for r in self.conn.execute("SELECT DISTINCT doc_type FROM documents")]

    def iter_documents(self, page: int = PAGE) -> Iterator[Document]:
        """Every document by id, ``page`` at a time (nothing holds the whole list)."""
        for docs in self._document_pages(page):
            yield from docs

    def _document_pages(self, page: int = PAGE) -> Iterator[list[Document]]:
        """Every document by id as lists of up to ``page`` (keyset paging; the next page is read when
        the caller asks for it)."""
        after = 0
        while True:
            docs = self.document_page(after, page)
            if not docs:
                return
            yield docs
            if len(docs) < page:
                return
            after = docs[-1].id

    def _page_links(self, lo: int, hi: int) -> list[Link]:
        """The links of the documents ``lo``..``hi`` by id (the caller holds the mutex)."""
        return [rows.link_from_row(r) for r in self.conn.execute(
            f"SELECT {','.join(rows.LINK_COLUMNS)} FROM links WHERE doc_id BETWEEN ? AND ? ORDER BY id", (lo, hi))]

    def _page_keyvalues(self, lo: int, hi: int) -> list[KeyValue]:
        """The key-values of the documents ``lo``..``hi`` by id (the caller holds the mutex)."""
        return [rows.keyvalue_from_row(r) for r in self.conn.execute(
            f"SELECT {','.join(rows.KEYVALUE_COLUMNS)} FROM keyvalues WHERE doc_id BETWEEN ? AND ? ORDER BY id",
            (lo, hi))]

    def iter_annotated(self, page: int = PAGE, links: bool = True, keyvalues: bool = True
                       ) -> Iterator[tuple[Document, list[Region], list[Link], list[KeyValue]]]:
        """Every document with its regions (reading order), links and key-values, as
        ``regions()``/``links()``/``keyvalues()`` give them; four statements a page of documents."""
        for docs in self._document_pages(page):
            lo, hi = docs[0].id, docs[-1].id
            regs: dict[int, list[Region]] = {}
            lks: dict[int, list[Link]] = {}
            kvs: dict[int, list[KeyValue]] = {}
            with self._mutex:
                for r in self.conn.execute(f"SELECT {','.join(rows.REGION_COLUMNS)} FROM regions WHERE doc_id "
                                           "BETWEEN ? AND ? ORDER BY doc_id, ord IS NULL, ord, id", (lo, hi)):
                    regs.setdefault(r[1], []).append(rows.region_from_row(r))
                for lk in self._page_links(lo, hi) if links else ():
                    lks.setdefault(lk.doc_id, []).append(lk)
                for kv in self._page_keyvalues(lo, hi) if keyvalues else ():
                    kvs.setdefault(kv.doc_id, []).append(kv)
            for d in docs:
                yield d, regs.get(d.id, []), lks.get(d.id, []), kvs.get(d.id, [])

    def iter_region_columns_by_document(self, columns: tuple[str, ...] = CHECK_COLUMNS, page: int = PAGE,
                                        links: bool = True, keyvalues: bool = True
                                        ) -> Iterator[tuple[list[Document], dict[str, tuple], list[Link],
                                                            list[KeyValue]]]:
        """Every document with its regions as columns: ``(documents, {column: values}, links,
        key-values)`` a page of documents at a time, the regions' ``columns`` as stored (tuples; points
        and tags as JSON text) by document id and reading order, links and key-values by id (each with
        its ``doc_id``); four statements a page, no :class:`Region` object (checks over millions of
        regions)."""
        bad = [c for c in columns if c not in rows.REGION_COLUMNS]
        if bad:
            raise ValueError(f"no region column(s) {bad}")
        for docs in self._document_pages(page):
            lo, hi = docs[0].id, docs[-1].id
            with self._mutex:
                cols = self._region_rows(columns, lo, hi)
                lks = self._page_links(lo, hi) if links else []
                kvs = self._page_keyvalues(lo, hi) if keyvalues else []
            yield docs, dict(zip(columns, cols)), lks, kvs

    def iter_readings(self, page: int = PAGE) -> Iterator[tuple[Document, list[tuple[str, float | None]]]]:
        """Every document with its regions' ``(status, confidence)``, a page of documents at a time
        (what to label next needs no more of a region than that)."""
        for docs in self._document_pages(page):
            got: dict[int, list[tuple[str, float | None]]] = {}
            with self._mutex:
                for doc_id, status, conf in self.conn.execute(
                        "SELECT doc_id, status, confidence FROM regions WHERE doc_id BETWEEN ? AND ?",
                        (docs[0].id, docs[-1].id)):
                    got.setdefault(doc_id, []).append((status, conf))
            for d in docs:
                yield d, got.get(d.id, [])

    # ------------------------------------------------------------------ aggregates, for statistics
    def group_counts(self, table: str, column: str) -> dict:
        """``{value: rows}`` of one column (statuses, kinds, labels, document types, keys), counted by
        the database."""
        if (table, column) not in _GROUPS:
            raise ValueError(f"no counts of {table}.{column}")
        with self._mutex:
            return dict(self.conn.execute(f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}").fetchall())

    def row_count(self, table: str) -> int:
        if table not in _TABLES:
            raise ValueError(f"no table {table}")
        with self._mutex:
            return self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def iter_region_columns(self, page: int = PAGE) -> Iterator[tuple[tuple[str, ...], tuple[str, ...],
                                                                       tuple[str, ...]]]:
        """Every region's points, text and tags as stored (JSON text for points and tags), in document
        and reading order: a tuple of each per page of documents (statistics over millions of
        regions, without making :class:`Region` objects)."""
        after = 0
        while True:
            with self._mutex:
                ids = [r[0] for r in self.conn.execute("SELECT id FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                                                       (after, page))]
                if not ids:
                    return
                got = self._region_rows(("points", "text", "tags"), ids[0], ids[-1])
            if got[0]:
                yield got[0], got[1], got[2]
            if len(ids) < page:
                return
            after = ids[-1]

    def _region_rows(self, columns: tuple[str, ...], lo: int, hi: int) -> list[tuple]:
        """The ``columns`` of the regions of documents ``lo``..``hi`` (a tuple each, empty when none), by
        document id and reading order (a document's unordered regions last, by id). Read in the
        index's order, ``(doc_id, ord)`` then id, without a sort; the unordered ones (ord NULL) come
        first on SQLite and last on PostgreSQL, and are put last here keeping their order."""
        select = [*columns, *(() if "doc_id" in columns else ("doc_id",)), "ord IS NULL"]
        at_doc = select.index("doc_id")
        got = self.conn.execute(f"SELECT {','.join(select)} FROM regions WHERE doc_id BETWEEN ? AND ? "
                                "ORDER BY doc_id, ord, id", (lo, hi)).fetchall()
        cols = list(zip(*got)) if got else [() for _ in select]
        if any(cols[-1]):
            got.sort(key=lambda r: (r[at_doc], bool(r[-1])))  # stable: the reading order otherwise kept
            cols = list(zip(*got))
        return cols[:len(columns)]
