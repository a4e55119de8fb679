"""Imports into a project and their reversal: the store's side of ``hanji import``.

An import is not an undo step (it can be thousands of documents); it is an :class:`ImportRun`,
which writes documents in batches (one transaction each, a savepoint per document, so a bad
entry takes back only its own document) and remembers everything it wrote or changed, so that a
strict import that stops on a bad entry can :meth:`~ImportRun.revert` and leave the project as it
was. Regions, links and key-values go in with ``executemany`` of one prepared statement per table
and document, on the store's own connection.

    run = store.imports()
    with run.batch("import:funsd:/data", {"done": 64}):     # one transaction, job state saved in it
        with run.document():                               # a savepoint: the document whole or not at all
            doc, state = run.add_document(info, "receipt_001.png")
            ids = run.add_annotations(doc.id, regions, links, keyvalues)
    run.revert()                                           # take back everything the run wrote
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from hanji.domain.model import Document, EntityType, KeyValue, Link, Region
from hanji.errors import HanjiError
from hanji.store import rows
from hanji.store.documents import REMOVED_MAX
from hanji.store.history import Change, merge_changes
from hanji.store.images import ImageInfo
from hanji.store.schema import defer_search_index, index_rows
from hanji.store.search_index import text_grams
from hanji.store.triggers_off import triggers_off

NEW, ANNOTATE, DUPLICATE = "new", "annotate", "duplicate"  # what add_document found
_QUEUED = ("images", "documents", "regions", "links", "keyvalues")  # in the order queued rows are sent
_IMAGE_COLUMNS = ("sha256", "data", "size", "mime")
_ANNOTATION_TABLES = ("links", "keyvalues", "regions")  # in the order rows are deleted
_DOC_KEPT = ("status", "doc_type", "attrs", "updated")  # what an import may change on a document there before


class ImportRun:
    """One import into ``store`` (from :meth:`ProjectStore.imports`): writes, and what it wrote."""

    def __init__(self, store: Any) -> None:  # the ProjectStore (not imported: it imports this module)
        self._store = store
        self.new_docs: list[int] = []
        self._new_set: set[int] = set()  # the same ids, to ask "is it new" in constant time (not the list)
        # (first, last) id ranges of the rows written: memory by batch, not by dataset
        self.new_rows: dict[str, list[tuple[int, int]]] = {t: [] for t in _ANNOTATION_TABLES}
        self.doc_before: dict[int, tuple] = {}
        self.tags_before: dict[int, tuple] = {}
        self.new_types: list[str] = []
        self._changes: list[Change] = []
        # inside a batch (one writer holds its transaction) the next free id of each table, so that a
        # document's rows need no MAX(id) query; forgotten when a document's savepoint is taken back
        self._next_id: dict[str, int] | None = None
        self._in_document = 0  # inside document(): its savepoint keeps the document whole, no inner one
        # PostgreSQL, inside a batch: new documents' rows wait here and go in a few statements of many
        # rows at the batch's end (a statement is a round trip to the server: eight a document made an
        # import wait on the server, not work); the document's savepoint is taken only when it writes
        # anything else (an existing document annotated), after the earlier documents' rows went in
        self._queue: dict[str, list[tuple]] | None = None
        self._flushed: dict[str, int] = {}  # rows of each table sent from the queue in this batch
        self._queued_shas: dict[str, Document] = {}  # the queued new documents by image
        self._doc_stack: contextlib.ExitStack | None = None  # the document's savepoint, once taken
        self._doc_mark: dict[str, int] = {}
        # inside a batch, what :meth:`expect` read of the batch's images: the document of each (None:
        # not in the project) and whether it has annotations; an entry is used once (popped), so an
        # image seen again (or a document taken back) is asked of the project as before
        self._known: dict[str, tuple[Document, bool] | None] = {}
        # SQLite, inside a batch: (id, tokens) of the regions written, for the short-query index at its end
        self._grams: list[tuple[int, str]] | None = None

    # ------------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def batch(self, job_name: str | None = None, state: dict[str, Any] | None = None) -> Iterator[None]:
        """One transaction for a batch of documents; ``state`` is saved as job ``job_name``'s in it,
        so that a resumed import knows exactly which documents were committed. Listeners hear of
        the batch once it is committed (never of rows that were rolled back)."""
        store = self._store
        with store._mutex:
            store._group_depth += 1  # the store's own changes wait in store._pending
            start = len(store._pending)
            try:
                with _subjournal_in_memory(store), store._tx() as conn:
                    self._next_id = {} if not store._savepoints else None
                    if not store._savepoints:
                        self._queue = {t: [] for t in _QUEUED}
                        self._flushed = dict.fromkeys(_QUEUED, 0)
                    deferred = store.backend == "sqlite" and not store._savepoints
                    if deferred:  # the search indexes take the batch's rows at its end, in one go
                        after = {t: conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0]
                                 for t in ("regions", "keyvalues")}
                        defer_search_index(conn, True)
                        self._grams = []
                    try:
                        yield
                        self._flush()  # (while the indexes are deferred: rows the triggers see skip them)
                    finally:
                        if deferred:
                            defer_search_index(conn, False)
                    if deferred:
                        index_rows(conn, after, self._grams)
                    if job_name is not None:
                        conn.execute("INSERT OR REPLACE INTO jobs(name, kind, state, updated) VALUES (?,?,?,?)",
                                     (job_name, "import", json.dumps(state or {}, ensure_ascii=False), time.time()))
            except BaseException:
                del store._pending[start:]
                self._changes = []
                raise
            finally:
                store._group_depth -= 1
                self._next_id = None
                self._grams = None
                self._queue, self._queued_shas, self._known = None, {}, {}
            held = store._pending[start:] + self._changes
            del store._pending[start:]
            self._changes = []
            for ch in merge_changes(held):
                store._emit(ch)

    @contextlib.contextmanager
    def document(self) -> Iterator[None]:
        """A savepoint for one document: when the block raises, what it wrote is taken back (and
        forgotten here), the batch's other documents stay."""
        store = self._store
        # lengths only (dicts keep their order): nothing here grows with the run's size
        mark = (len(self.new_docs), {t: len(v) for t, v in self.new_rows.items()}, len(self.doc_before),
                len(self.tags_before), len(self._changes), len(store._pending),
                len(self._grams) if self._grams is not None else 0)
        ids_before = dict(self._next_id) if self._next_id is not None else None
        queue = self._queue
        if queue is not None and self._in_document:
            queue = None  # a document inside a document: the outer one's savepoint covers it
        if queue is not None:
            qmark = {t: self._flushed[t] + len(q) for t, q in queue.items()}
            shas = len(self._queued_shas)
        try:
            if queue is None:
                with store._tx():
                    self._in_document += 1
                    try:
                        yield
                    finally:
                        self._in_document -= 1
            else:
                self._doc_mark, self._doc_stack = qmark, contextlib.ExitStack()
                try:
                    with self._doc_stack:  # the savepoint, when the document took one, ends here
                        self._in_document += 1
                        try:
                            yield
                        finally:
                            self._in_document -= 1
                finally:
                    self._doc_stack = None
        except BaseException:
            if queue is not None and self._queue is not None:  # its queued rows are not sent
                for t, q in self._queue.items():
                    del q[max(0, qmark[t] - self._flushed[t]):]
                for sha in list(self._queued_shas)[shas:]:
                    del self._queued_shas[sha]
            n_docs, n_rows, docs_before, tags_before, n_changes, n_pending, n_grams = mark
            self._new_set.difference_update(self.new_docs[n_docs:])
            del self.new_docs[n_docs:]
            for t, n in n_rows.items():
                del self.new_rows[t][n:]
            for k in list(self.doc_before)[docs_before:]:
                del self.doc_before[k]
            for k in list(self.tags_before)[tags_before:]:
                del self.tags_before[k]
            del self._changes[n_changes:]
            del store._pending[n_pending:]
            if self._grams is not None:  # its regions are not there to index
                del self._grams[n_grams:]
            if self._next_id is not None:
                self._next_id = ids_before  # the ids it took are free again (queued rows are not in the tables)
            raise

    # ------------------------------------------------------------------ writes
    def has_annotations(self, doc_id: int) -> bool:
        conn = self._store.conn
        with self._store._mutex:
            return any(conn.execute(f"SELECT 1 FROM {t} WHERE doc_id=? LIMIT 1", (doc_id,)).fetchone()
                       for t in _ANNOTATION_TABLES)

    def expect(self, shas: Iterable[str]) -> None:
        """Inside a batch, before its documents: read in one statement (500 images a statement) which
        of these images the project has, with their documents and whether they have annotations, so
        that :meth:`add_document` need not ask the project once a document (two round trips each to
        a server). The batch's transaction holds the project's write lock: nobody else adds or removes
        documents until it ends, and what this batch writes itself is seen by :meth:`add_document`."""
        store = self._store
        if not store.conn.in_transaction:
            return
        todo = list(dict.fromkeys(s for s in shas if s not in self._queued_shas and s not in self._known))
        cols = ",".join(f"d.{c}" for c in rows.DOCUMENT_COLUMNS)
        annotated = " OR ".join(f"EXISTS (SELECT 1 FROM {t} x WHERE x.doc_id = d.id)" for t in _ANNOTATION_TABLES)
        with store._mutex:
            self._direct()
            for lo in range(0, len(todo), 500):
                part = todo[lo:lo + 500]
                self._known.update(dict.fromkeys(part))
                for r in store.conn.execute(f"SELECT {cols}, CASE WHEN {annotated} THEN 1 ELSE 0 END FROM documents d "
                                            f"WHERE d.sha256 IN ({','.join('?' * len(part))})", part).fetchall():
                    self._known[r[2]] = (rows.document_from_row(r[:-1]), bool(r[-1]))

    def add_document(self, info: ImageInfo, name: str, status: str | None = None, doc_type: str | None = None,
                     attrs: dict[str, Any] | None = None) -> tuple[Document, str]:
        """The document of this image: added (``NEW``, with ``status``, ``doc_type`` and ``attrs``
        when given), or already in the project without annotations (``ANNOTATE``: the import gives
        it some; the fields given here are not applied, see :meth:`update_document`), or with
        annotations (``DUPLICATE``: the import leaves it alone).

        A new document is one row written here (its image, then the document with its fields), not
        the store's add and update: no document read back, no claim (no other seat can have a
        document that did not exist), no history row."""
        store = self._store
        if info.sha256 in self._queued_shas:
            self._direct()  # the same image earlier in this batch: its rows go in first, then it is found
            known = False
        else:
            known = self._known.pop(info.sha256, False)
        if known is False:  # not read ahead (or seen before in this batch): asked now
            existing = store.document_by_sha(info.sha256)
            if existing is not None:
                return existing, DUPLICATE if self.has_annotations(existing.id) else ANNOTATE
        elif known is not None:
            return known[0], DUPLICATE if known[1] else ANNOTATE
        doc = Document(name=name, width=info.width, height=info.height, sha256=info.sha256, status=status or "new",
                       doc_type=doc_type or "", attrs=dict(attrs or {}))
        now = time.time()
        attrs_json = json.dumps(doc.attrs, ensure_ascii=False) if doc.attrs else "{}"
        if self._queue is not None and self._in_document:
            with store._mutex:
                doc.id = self._ids(store.conn, "documents", 1)
            self._queue["images"].append((info.sha256, info.data, len(info.data), info.mime))
            self._queue["documents"].append((doc.id, name, info.sha256, info.width, info.height, doc.status,
                                             doc.doc_type, None, attrs_json, now, now))
            self._queued_shas[info.sha256] = doc
        else:
            with self._writing() as conn:
                conn.execute("INSERT OR IGNORE INTO images(sha256, data, size, mime) VALUES (?,?,?,?)",
                             (info.sha256, info.data, len(info.data), info.mime))
                doc.id = self._ids(conn, "documents", 1)
                # the name as given (the store's own add keeps it so; reading it back makes it NFC)
                conn.execute("INSERT INTO documents(id, name, sha256, width, height, status, doc_type, path, attrs, "
                             "added, updated) VALUES (?,?,?,?,?,?,?,NULL,?,?,?)",
                             (doc.id, name, info.sha256, info.width, info.height, doc.status, doc.doc_type,
                              attrs_json, now, now))
        store._emit(Change("documents", {doc.id}, {doc.id}, "add"))
        self.new_docs.append(doc.id)
        self._new_set.add(doc.id)
        return doc, NEW

    def add_annotations(self, doc_id: int, regions: Sequence[Region] | rows.RegionRows, links: Sequence[Link] = (),
                        keyvalues: Sequence[KeyValue] = ()) -> list[int]:
        """Add a document's regions, and links and key-values that point at them by index
        (``Link.src``/``dst``, ``KeyValue.region_ids``: positions in ``regions``). Returns the
        regions' ids (also set on the ``regions`` given, when they are :class:`Region` objects;
        :class:`rows.RegionRows` are rows made ahead, by an import's reader process, written as they
        are). Bulk inserts; not undo steps."""
        store = self._store
        queued = (self._queue is not None and self._in_document and self._doc_stack is not None
                  and doc_id in self._new_set)
        with self._writing(queued) as conn:
            if doc_id not in self._new_set:  # a document already there: not while another seat edits it
                store._take(conn, [doc_id])
            now = time.time()
            first = self._ids(conn, "regions", len(regions))
            region_ids = list(range(first, first + len(regions)))
            if isinstance(regions, rows.RegionRows):
                if regions.lines is None:
                    values = [(i, doc_id, *v, now) for i, v in zip(region_ids, regions.values)]
                elif store.backend == "sqlite":
                    raise ValueError("regions as COPY lines go into a PostgreSQL project")
                else:  # COPY lines: the id and document before the reader's part, the time after
                    values = [f"{i}\t{doc_id}\t{line}\t{now}\n" for i, line in zip(region_ids, regions.lines)]
                grams = regions.grams
            else:
                values = []
                for r, i in zip(regions, region_ids):
                    r.id, r.doc_id = i, doc_id
                    values.append(rows.region_values(r, i, doc_id, now))
                grams = None
            self._insert(conn, "regions", rows.REGION_COLUMNS, values, first)
            if self._grams is not None and values:  # the batch indexes them at its end
                self._grams.extend(zip(region_ids, grams if grams is not None else [text_grams(v[4]) for v in values]))
            if links:
                first = self._ids(conn, "links", len(links))
                self._insert(conn, "links", rows.LINK_COLUMNS, [
                    (first + k, doc_id, region_ids[lk.src], region_ids[lk.dst], lk.key) for k, lk in enumerate(links)
                ], first)
            if keyvalues:
                first = self._ids(conn, "keyvalues", len(keyvalues))
                kv_rows = [rows.keyvalue_row(KeyValue(kv.key, kv.value, [region_ids[i] for i in kv.region_ids],
                                                      kv.source, kv.confidence, id=first + k, doc_id=doc_id))
                           for k, kv in enumerate(keyvalues)]
                self._insert(conn, "keyvalues", rows.KEYVALUE_COLUMNS,
                             [tuple(r[c] for c in rows.KEYVALUE_COLUMNS) for r in kv_rows], first)
        if region_ids:
            self._changes.append(Change("regions", {doc_id}, set(region_ids), "import"))
        return region_ids

    @contextlib.contextmanager
    def _writing(self, queued: bool = False) -> Iterator[Any]:
        """The connection for one write: inside :meth:`document` as it is (the document's savepoint
        takes back all of it or nothing; a savepoint a write cost a batch four statements a document),
        elsewhere in a transaction (or savepoint) of its own. ``queued``: the rows go to the batch's
        queue (:meth:`_insert`), nothing is sent now."""
        if queued:
            with self._store._mutex:
                yield self._store.conn
        elif self._in_document:
            self._direct()
            with self._store._mutex:
                yield self._store.conn
        else:
            self._direct()
            with self._store._tx() as conn:
                yield conn

    def _direct(self) -> None:
        """Before a statement that writes or reads past the queue (PostgreSQL batches): the queued rows
        go in, and a document writing for the first time takes its savepoint, after the rows of the
        documents before it (so that taking it back leaves theirs)."""
        if self._queue is None:
            return
        if self._doc_stack is not None and self._in_document:
            self._flush(self._doc_mark)
            stack, self._doc_stack = self._doc_stack, None
            stack.enter_context(self._store._tx())
        self._flush()

    def _flush(self, upto: dict[str, int] | None = None) -> None:
        """Send the queued rows (those before ``upto``, absolute counts, when given), a few statements a
        table (:func:`rows.insert_rows`: statements of many rows on PostgreSQL, executemany of one
        prepared statement on SQLite; a batch's regions, links and key-values there without their
        insert triggers, :func:`_insert_untriggered`)."""
        if self._queue is None:
            return
        store = self._store
        with store._mutex:
            for t in _QUEUED:
                q = self._queue[t]
                n = len(q) if upto is None else max(0, min(len(q), upto[t] - self._flushed[t]))
                if not n:
                    continue
                cols = list(rows.COLUMNS.get(t, _IMAGE_COLUMNS))
                if t == "images":  # one a project may hold already (COPY cannot skip a row)
                    rows.insert_rows(store.backend, store.conn, t, cols, q[:n], " ON CONFLICT DO NOTHING")
                elif store.backend != "sqlite":  # ids given here: no row of these tables can be there
                    store.conn.copy_rows(t, cols, q[:n])
                elif t == "documents":  # with their triggers (a few a batch)
                    rows.insert_rows(store.backend, store.conn, t, cols, q[:n])
                else:  # a row a region: without its triggers, their work done here and at the batch's end
                    _insert_untriggered(store.conn, t, cols, q[:n])
                del q[:n]
                self._flushed[t] += n

    def _ids(self, conn, table: str, n: int) -> int:
        """The first of ``n`` free ids of ``table`` (the next ones: one writer holds the transaction).
        Inside a batch the table is asked once and the ids counted on from there; documents' ids
        only grow (an id a removed document had may come back with an undo)."""
        nxt = self._next_id.get(table) if self._next_id is not None else None
        if nxt is None:
            nxt = conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]
            if table == "documents":
                floor = conn.execute("SELECT value FROM meta WHERE key=?", (REMOVED_MAX,)).fetchone()
                nxt = max(nxt, int(floor[0]) + 1 if floor else 1)
        if self._next_id is not None:
            self._next_id[table] = nxt + n
        return nxt

    def _insert(self, conn, table: str, cols: Sequence[str], values: list[tuple], first: int) -> None:
        """Insert rows (tuples in ``cols`` order, ids from ``first`` on) with one prepared statement
        (executemany on SQLite; on PostgreSQL statements of many rows, whose count triggers then run
        once a statement, or ``COPY`` when the rows are its text lines), and remember their id range
        for :meth:`revert`."""
        if not values:
            return
        if self._queue is not None and self._in_document and self._doc_stack is not None:
            self._queue[table].extend(values)  # a new document's rows, sent at the batch's end
        elif type(values[0]) is str:  # COPY lines (PostgreSQL; rows.RegionRows.lines)
            conn.copy_rows(table, list(cols), values)
        else:
            rows.insert_rows(self._store.backend, conn, table, list(cols), values)
        self.new_rows[table].append((first, first + len(values) - 1))

    def update_document(self, doc: Document, **changes: Any) -> None:
        """Change a document the import annotates (status, doc type, attrs); its earlier values are kept."""
        self._direct()
        if doc.id not in self.doc_before and doc.id not in self._new_set:
            row = self._store._get_row(self._store.conn, "documents", doc.id)
            self.doc_before[doc.id] = tuple(row[c] for c in _DOC_KEPT)
        self._store.update_document(doc.id, record=False, **changes)

    def retag(self, tags: dict[int, list[str]]) -> None:
        """Put BIO tags on regions already in the project (their earlier tags are kept)."""
        self._direct()
        for rid in tags:
            if rid not in self.tags_before:
                row = self._store._get_row(self._store.conn, "regions", rid)
                if row is None:
                    raise HanjiError(f"no region {rid} in the project", self._store.path)
                self.tags_before[rid] = (row["tags"], row["updated"])
        self._store.update_regions({rid: {"tags": t} for rid, t in tags.items()}, label="import tags", record=False)

    def add_entity_type(self, e: EntityType) -> None:
        self._direct()
        self._store.set_entity_type(e, record=False)
        self.new_types.append(e.name)

    # ------------------------------------------------------------------ reversal
    def revert(self) -> None:
        """Take back everything this run wrote (imports are not undo steps, so this is the way back)."""
        store = self._store
        with store._tx() as conn:
            for table in _ANNOTATION_TABLES:
                conn.executemany(f"DELETE FROM {table} WHERE id BETWEEN ? AND ?", self.new_rows[table])
            for doc_id in self.new_docs:
                sha = conn.execute("SELECT sha256 FROM documents WHERE id=?", (doc_id,)).fetchone()
                for table in _ANNOTATION_TABLES:
                    conn.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
                conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))
                conn.execute("DELETE FROM claims WHERE doc_id=? AND seat=?", (doc_id, store.seat))  # its own edits' claims
                if sha and not conn.execute("SELECT 1 FROM documents WHERE sha256=?", sha).fetchone():
                    conn.execute("DELETE FROM images WHERE sha256=?", sha)
            for doc_id, row in self.doc_before.items():
                conn.execute(f"UPDATE documents SET {'=?, '.join(_DOC_KEPT)}=? WHERE id=?", (*row, doc_id))
            for rid, row in self.tags_before.items():
                conn.execute("UPDATE regions SET tags=?, updated=? WHERE id=?", (*row, rid))
            for name in self.new_types:
                conn.execute("DELETE FROM entity_types WHERE name=?", (name,))
        touched = set(self.new_docs) | set(self.doc_before)
        self.new_docs, self.doc_before, self.tags_before, self.new_types = [], {}, {}, []
        self._new_set = set()
        self.new_rows = {t: [] for t in _ANNOTATION_TABLES}
        self._changes = []
        if touched:  # tell the window (the store's own deletes do the same)
            store._emit(Change("documents", touched, touched, "delete"))


_STATUS = rows.REGION_COLUMNS.index("status")


def _insert_untriggered(conn, table: str, cols: list[str], values: list[tuple]) -> None:
    """SQLite, an import batch's new rows of ``table`` (regions, links, key-values of new documents;
    ids given, so none can be there): inserted without their insert triggers where the connection can
    switch them off (:mod:`hanji.store.triggers_off`), their counts kept here in the same statement's
    transaction; the search indexes take them at the batch's end (:func:`index_rows`, rows above the
    batch's first id), as they take rows inserted while the batch defers them. Where the triggers
    cannot be switched off, inserted with them (the batch defers the indexes: they count only)."""
    with triggers_off(conn) as off:
        rows.insert_rows("sqlite", conn, table, cols, values)
        if not off:
            return
        if table == "regions":
            counts = Counter(v[_STATUS] for v in values)
            bumps = [("regions:" + status, n) for status, n in sorted(counts.items())]
        else:  # links, keyvalues
            bumps = [(table, len(values))]
        conn.executemany("INSERT INTO counts(name, n) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n",
                         bumps)


@contextlib.contextmanager
def _subjournal_in_memory(store: Any) -> Iterator[None]:
    """SQLite keeps the pages a savepoint changes in a sub-journal, a temporary file once it passes
    64 KiB, and then for the rest of the transaction: every document's savepoint of a batch wrote
    its pages there through the kernel (an import's inserts took twice as long inside savepoints).
    With ``temp_store=MEMORY`` when the transaction begins (SQLite reads it then) the sub-journal
    stays in memory; it is emptied when each document's savepoint is released, so it holds one
    document's pages at most. Only for the batch: elsewhere a large sort may still spill to disk."""
    conn = store.conn
    if store.backend != "sqlite" or conn.in_transaction:
        yield
        return
    was = conn.execute("PRAGMA temp_store").fetchone()[0]
    conn.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # a connection closed meanwhile: nothing to restore
            conn.execute(f"PRAGMA temp_store={int(was)}")
