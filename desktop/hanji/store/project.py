"""The project file: one SQLite file holding images, regions, labels, schema and undo history.

Every edit is one transaction, committed (``synchronous=FULL``, WAL) before the call returns, and
recorded as a history step of row deltas so that undo/redo survives a restart.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import Document, EntityType, KeyValue, Link, Region
from hanji.errors import HanjiError
from hanji.store import rows
from hanji.store.checkpoint import SAFETY_PAGES, Checkpointer
from hanji.store.files import connect as _connect
from hanji.store.files import migrate as _migrate
from hanji.store.files import validate as _validate
from hanji.store.history import Change, History, merge_changes
from hanji.store.images import ImageInfo, inspect_bytes, read_image_file
from hanji.store.lock import ProjectLock
from hanji.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from hanji.store.search import Search
from hanji.store.trained import ModelTable


class ProjectStore(History, Search):
    """A Hanji project file, open for reading and writing by one process."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: ProjectLock | None, readonly: bool):
        self.path = path
        self.conn = conn
        self._lock = lock
        self.readonly = readonly
        self._mutex = threading.RLock()
        self._listeners: list[Callable[[Change], None]] = []
        self._step: int | None = None  # the open history step while inside ``group``
        self._group_depth = 0
        self._pending: list[Change] = []
        self._checkpointer: Checkpointer | None = None
        if not readonly:
            conn.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")
            self._checkpointer = Checkpointer(path)

    @property
    def db(self):
        """A sqlite-utils view of the file, for introspection and bulk helpers (imported lazily: it costs
        about half a second, which the window's startup cannot spare)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # ------------------------------------------------------------------ open / create / close
    @classmethod
    def create(cls, path: str | Path, entity_types: Iterable[EntityType] = ()) -> ProjectStore:
        """Create a new project file. Refuses to overwrite one that exists."""
        path = Path(path)
        if path.exists():
            raise HanjiError("a file of that name already exists; choose another name", path)
        if not path.parent.exists():
            raise HanjiError("the folder does not exist", path.parent)
        tmp = path.with_name(path.name + ".creating")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN")
            for m in MIGRATIONS:
                m(conn)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            now = str(time.time())
            conn.execute("INSERT INTO meta(key, value) VALUES ('created', ?)", (now,))
            from hanji import __version__

            conn.execute("INSERT INTO meta(key, value) VALUES ('hanji_version', ?)", (__version__,))
            for i, e in enumerate(entity_types):
                r = rows.entity_row(e, i)
                conn.execute(
                    "INSERT INTO entity_types VALUES (:name,:color,:key,:title,:personal,:doc_type,:position)", r
                )
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        conn.close()
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        tmp.replace(path)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> ProjectStore:
        """Open a project; a clear :class:`HanjiError` for anything but a healthy Hanji project."""
        path = Path(path)
        if not path.exists():
            raise HanjiError("no such project file", path)
        if path.is_dir():
            raise HanjiError("is a folder, not a project file", path)
        lock = None
        if not readonly:
            lock = ProjectLock(path)
            lock.acquire()
        try:
            version = _validate(path)
            if readonly:
                conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, isolation_level=None,
                                       check_same_thread=False)
                if version < SCHEMA_VERSION:
                    raise HanjiError("the project needs an upgrade; open it for writing once", path)
            else:
                if version < SCHEMA_VERSION:
                    _migrate(path, version)
                conn = _connect(path)
        except BaseException:
            if lock:
                lock.release()
            raise
        return cls(path, conn, lock, readonly)

    def close(self) -> None:
        with self._mutex:
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
            if self.conn is not None:
                try:
                    if not self.readonly:
                        self.conn.execute("PRAGMA optimize")
                finally:
                    self.conn.close()
                    self.conn = None  # type: ignore[assignment]
            if self._lock:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ listeners
    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call ``listener(change)`` after every committed change; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, change: Change) -> None:
        if self._group_depth:
            self._pending.append(change)
            return
        for fn in list(self._listeners):
            fn(change)

    # ------------------------------------------------------------------ transactions & history
    @contextlib.contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One transaction (nested calls join the outer one)."""
        with self._mutex:
            if self.readonly:
                raise HanjiError("the project is open read-only", self.path)
            if self.conn.in_transaction:
                yield self.conn
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            if self._checkpointer is not None:
                self._checkpointer.nudge()

    @contextlib.contextmanager
    def group(self, label: str = "edit") -> Iterator[None]:
        """Edits inside form one undo step (a drag, a paste, a pre-annotation of a document).

        Each edit inside still commits on its own, so nothing is lost if the process dies midway.
        """
        with self._mutex:
            outer = self._group_depth == 0
            if outer:
                self._step = None
            self._group_depth += 1
            try:
                yield
            finally:
                self._group_depth -= 1
                if outer:
                    self._step = None
                    pending, self._pending = self._pending, []
                    for ch in merge_changes(pending):
                        self._emit(ch)

    # ------------------------------------------------------------------ documents & images
    def add_image(self, path: str | Path, link: bool = False, name: str | None = None) -> tuple[Document, bool]:
        """Add an image file. Returns ``(document, added)``; ``added`` is False for a duplicate.

        With ``link=True`` the image stays where it is (path and hash recorded), for collections
        too large to copy into the project.
        """
        path = Path(path)
        info = read_image_file(path)
        return self._add_info(info, name or path.name, str(path.resolve()) if link else None)

    def add_image_bytes(self, name: str, data: bytes) -> tuple[Document, bool]:
        return self._add_info(inspect_bytes(data, name), name, None)

    def add_image_info(self, info: ImageInfo, name: str) -> tuple[Document, bool]:
        """Add an image already read and checked with ``images.inspect_bytes`` (imports: no second decode)."""
        return self._add_info(info, name, None)

    def _add_info(self, info: ImageInfo, name: str, linked: str | None) -> tuple[Document, bool]:
        with self._mutex:
            existing = self.conn.execute("SELECT id FROM documents WHERE sha256=?", (info.sha256,)).fetchone()
            if existing:
                return self.document(existing[0]), False
            now = time.time()
            with self.atomic() as conn:
                if linked is None:
                    conn.execute("INSERT OR IGNORE INTO images(sha256, data, size, mime) VALUES (?,?,?,?)",
                                 (info.sha256, info.data, len(info.data), info.mime))
                cur = conn.execute(
                    "INSERT INTO documents(name, sha256, width, height, status, doc_type, path, attrs, added, "
                    "updated) VALUES (?,?,?,?, 'new', '', ?, '{}', ?, ?)",
                    (name, info.sha256, info.width, info.height, linked, now, now),
                )
                doc_id = cur.lastrowid
            self._emit(Change("documents", {doc_id}, {doc_id}, "add"))
            return self.document(doc_id), True

    def documents(self, status: str | None = None) -> list[Document]:
        sql = f"SELECT {','.join(rows.DOCUMENT_COLUMNS)} FROM documents"
        args: tuple = ()
        if status:
            sql += " WHERE status=?"
            args = (status,)
        with self._mutex:
            return [rows.document_from_row(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def document(self, doc_id: int) -> Document:
        with self._mutex:
            r = self.conn.execute(
                f"SELECT {','.join(rows.DOCUMENT_COLUMNS)} FROM documents WHERE id=?", (doc_id,)
            ).fetchone()
        if not r:
            raise HanjiError(f"no document {doc_id} in the project", self.path)
        return rows.document_from_row(r)

    def document_by_sha(self, sha256: str) -> Document | None:
        with self._mutex:
            r = self.conn.execute("SELECT id FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return self.document(r[0]) if r else None

    def image_bytes(self, doc_id: int) -> bytes:
        """The encoded image of a document; a clear error when a linked file went missing or changed."""
        doc = self.document(doc_id)
        with self._mutex:
            r = self.conn.execute("SELECT data FROM images WHERE sha256=?", (doc.sha256,)).fetchone()
        if r:
            return r[0]
        if not doc.path:
            raise HanjiError(f"the image of document {doc.name!r} is missing from the project", self.path)
        p = Path(doc.path)
        if not p.exists():
            raise HanjiError(f"the linked image of document {doc.name!r} is missing; move it back or "
                             "relink it", p)
        data = p.read_bytes()
        import hashlib

        if hashlib.sha256(data).hexdigest() != doc.sha256:
            raise HanjiError(f"the linked image of document {doc.name!r} has changed since it was added", p)
        return data

    def relink(self, doc_id: int, new_path: str | Path) -> None:
        info = read_image_file(new_path)
        doc = self.document(doc_id)
        if info.sha256 != doc.sha256:
            raise HanjiError(f"this is not the image of document {doc.name!r} (its content differs)", new_path)
        with self.atomic() as conn:
            conn.execute("UPDATE documents SET path=? WHERE id=?", (str(Path(new_path).resolve()), doc_id))
        self._emit(Change("documents", {doc_id}, {doc_id}))

    def update_document(self, doc_id: int, record: bool = True, **changes: Any) -> Document:
        """Change a document's ``status``, ``doc_type``, ``name`` or ``attrs`` (an undoable edit)."""
        allowed = {"status", "doc_type", "name", "attrs"}
        bad = set(changes) - allowed
        if bad:
            raise ValueError(f"cannot change {sorted(bad)} of a document")

        def fn(conn):
            before = self._get_row(conn, "documents", doc_id)
            if before is None:
                raise HanjiError(f"no document {doc_id} in the project", self.path)
            doc = rows.document_from_row(before)
            for k, v in changes.items():
                setattr(doc, k, v)
            doc.__post_init__()
            after = dict(before, status=doc.status, doc_type=doc.doc_type, name=doc.name,
                         attrs=json.dumps(doc.attrs, ensure_ascii=False), updated=time.time())
            if after == before:
                return []
            self._put_row(conn, "documents", after)
            return [["documents", doc_id, before, after]]

        self._edit("document", fn, record)
        return self.document(doc_id)

    def delete_document(self, doc_id: int) -> None:
        """Remove a document with its regions, links and key-values (not undoable)."""
        doc = self.document(doc_id)
        with self.atomic() as conn:
            for t in ("links", "keyvalues", "regions"):
                conn.execute(f"DELETE FROM {t} WHERE doc_id=?", (doc_id,))
            conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))
            if not conn.execute("SELECT 1 FROM documents WHERE sha256=?", (doc.sha256,)).fetchone():
                conn.execute("DELETE FROM images WHERE sha256=?", (doc.sha256,))
            # steps that touched this document would bring back rows of a document that is gone;
            # steps on other documents stay undoable
            conn.execute(
                "DELETE FROM history WHERE step IN (SELECT h.step FROM history h, json_each(h.deltas) d "
                "WHERE json_extract(d.value, '$[2].doc_id') = :d OR json_extract(d.value, '$[3].doc_id') = :d "
                "OR (json_extract(d.value, '$[0]') = 'documents' AND json_extract(d.value, '$[1]') = :d))",
                {"d": doc_id})
        self._emit(Change("documents", {doc_id}, {doc_id}, "delete"))

    # ------------------------------------------------------------------ regions
    def regions(self, doc_id: int) -> list[Region]:
        """A document's regions in reading order (unordered ones last, by id)."""
        with self._mutex:
            cur = self.conn.execute(
                f"SELECT {','.join(rows.REGION_COLUMNS)} FROM regions WHERE doc_id=? "
                "ORDER BY ord IS NULL, ord, id",
                (doc_id,),
            )
            return [rows.region_from_row(r) for r in cur]

    def region(self, region_id: int) -> Region:
        with self._mutex:
            row = self._get_row(self.conn, "regions", region_id)
        if row is None:
            raise HanjiError(f"no region {region_id} in the project", self.path)
        return rows.region_from_row(row)

    def add_region(self, doc_id: int, region: Region, record: bool = True) -> Region:
        return self.add_regions(doc_id, [region], record=record)[0]

    def add_regions(self, doc_id: int, regions: list[Region], label: str = "add region",
                    record: bool = True) -> list[Region]:
        """Add regions to a document in one transaction (one undo step)."""
        out: list[Region] = []

        def fn(conn):
            if not conn.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone():
                raise HanjiError(f"no document {doc_id} in the project", self.path)
            deltas = []
            out.clear()
            for r in regions:
                r.doc_id = doc_id
                r.id = None
                row = rows.region_row(r)
                r.id = self._put_row(conn, "regions", row)
                row["id"] = r.id
                deltas.append(["regions", r.id, None, row])
                out.append(r)
            return deltas

        self._edit(label, fn, record)
        return out

    def update_region(self, region_id: int, label: str = "edit region", record: bool = True,
                      **changes: Any) -> Region:
        """Change fields of a region (points, text, status, tags, label, order, ...): one undoable edit."""
        return self.update_regions({region_id: changes}, label=label, record=record)[0]

    def update_regions(self, changes: dict[int, dict[str, Any]], label: str = "edit regions",
                       record: bool = True) -> list[Region]:
        out: list[Region] = []

        def fn(conn):
            deltas = []
            out.clear()
            for rid, ch in changes.items():
                before = self._get_row(conn, "regions", rid)
                if before is None:
                    raise HanjiError(f"no region {rid} in the project", self.path)
                r = rows.region_from_row(before)
                for k, v in ch.items():
                    if k in ("id", "doc_id") or not hasattr(r, k):
                        raise ValueError(f"cannot change {k!r} of a region")
                    setattr(r, k, v)
                r.__post_init__()
                after = rows.region_row(r)
                cmp_keys = [c for c in rows.REGION_COLUMNS if c != "updated"]
                if all(after[c] == before[c] for c in cmp_keys):
                    out.append(r)
                    continue
                self._put_row(conn, "regions", after)
                deltas.append(["regions", rid, before, after])
                out.append(r)
            return deltas

        self._edit(label, fn, record)
        return out

    def delete_regions(self, region_ids: Iterable[int], label: str = "delete region",
                       record: bool = True) -> None:
        ids = list(region_ids)

        def fn(conn):
            deltas = []
            for rid in ids:
                for lrow in conn.execute(
                    f"SELECT {','.join(rows.LINK_COLUMNS)} FROM links WHERE src=? OR dst=?", (rid, rid)
                ).fetchall():
                    lk = dict(zip(rows.LINK_COLUMNS, lrow))
                    self._del_row(conn, "links", lk["id"])
                    deltas.append(["links", lk["id"], lk, None])
                before = self._get_row(conn, "regions", rid)
                if before is None:
                    continue
                self._del_row(conn, "regions", rid)
                deltas.append(["regions", rid, before, None])
            return deltas

        self._edit(label, fn, record)

    def delete_region(self, region_id: int) -> None:
        self.delete_regions([region_id])

    def set_order(self, doc_id: int, region_ids: list[int], record: bool = True) -> None:
        """Store a reading order: ``region_ids`` get indices 0..n-1."""
        self.update_regions({rid: {"order": i} for i, rid in enumerate(region_ids)}, label="reading order",
                            record=record)

    # ------------------------------------------------------------------ links and key-values
    def links(self, doc_id: int) -> list[Link]:
        with self._mutex:
            cur = self.conn.execute(f"SELECT {','.join(rows.LINK_COLUMNS)} FROM links WHERE doc_id=? ORDER BY id",
                                    (doc_id,))
            return [rows.link_from_row(r) for r in cur]

    def add_link(self, src: int, dst: int, key: str = "", record: bool = True) -> Link:
        a, b = self.region(src), self.region(dst)
        if a.doc_id != b.doc_id:
            raise HanjiError("a link joins two regions of the same document", self.path)
        link = Link(src=src, dst=dst, key=key, doc_id=a.doc_id)

        def fn(conn):
            row = rows.link_row(link)
            link.id = self._put_row(conn, "links", row)
            row["id"] = link.id
            return [["links", link.id, None, row]]

        self._edit("link", fn, record)
        return link

    def delete_link(self, link_id: int) -> None:
        def fn(conn):
            before = self._get_row(conn, "links", link_id)
            if before is None:
                return []
            self._del_row(conn, "links", link_id)
            return [["links", link_id, before, None]]

        self._edit("unlink", fn)

    def keyvalues(self, doc_id: int) -> list[KeyValue]:
        with self._mutex:
            cur = self.conn.execute(
                f"SELECT {','.join(rows.KEYVALUE_COLUMNS)} FROM keyvalues WHERE doc_id=? ORDER BY id", (doc_id,)
            )
            return [rows.keyvalue_from_row(r) for r in cur]

    def set_keyvalues(self, doc_id: int, kvs: list[KeyValue], record: bool = True,
                      label: str = "key-values") -> list[KeyValue]:
        """Replace a document's key-values with ``kvs`` (one undoable step)."""

        def fn(conn):
            deltas = []
            for r in conn.execute(f"SELECT {','.join(rows.KEYVALUE_COLUMNS)} FROM keyvalues WHERE doc_id=?",
                                  (doc_id,)).fetchall():
                before = dict(zip(rows.KEYVALUE_COLUMNS, r))
                self._del_row(conn, "keyvalues", before["id"])
                deltas.append(["keyvalues", before["id"], before, None])
            for kv in kvs:
                kv.doc_id, kv.id = doc_id, None
                row = rows.keyvalue_row(kv)
                kv.id = self._put_row(conn, "keyvalues", row)
                row["id"] = kv.id
                deltas.append(["keyvalues", kv.id, None, row])
            return deltas

        self._edit(label, fn, record)
        return kvs

    # ------------------------------------------------------------------ label schema
    def entity_types(self) -> list[EntityType]:
        with self._mutex:
            cur = self.conn.execute(f"SELECT {','.join(rows.ENTITY_COLUMNS)} FROM entity_types ORDER BY position, name")
            return [rows.entity_from_row(r) for r in cur]

    def set_entity_type(self, e: EntityType, position: int | None = None, record: bool = True) -> None:
        def fn(conn):
            before = self._get_row(conn, "entity_types", e.name)
            pos = position if position is not None else (
                before["position"] if before else conn.execute(
                    "SELECT COALESCE(MAX(position), -1) + 1 FROM entity_types").fetchone()[0])
            after = rows.entity_row(e, pos)
            if after == before:
                return []
            self._put_row(conn, "entity_types", after)
            return [["entity_types", e.name, before, after]]

        self._edit("label schema", fn, record)

    def delete_entity_type(self, name: str) -> None:
        def fn(conn):
            before = self._get_row(conn, "entity_types", name)
            if before is None:
                return []
            self._del_row(conn, "entity_types", name)
            return [["entity_types", name, before, None]]

        self._edit("label schema", fn)

    # ------------------------------------------------------------------ trained models
    @property
    def models(self):
        """The models trained on this project's labels (:class:`hanji.store.trained.ModelTable`)."""
        return ModelTable(self)

    # ------------------------------------------------------------------ meta, jobs, counts
    def meta(self, key: str, default: str | None = None) -> str | None:
        with self._mutex:
            r = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return r[0] if r else default

    def set_meta(self, key: str, value: str) -> None:
        with self.atomic() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)", (key, value))

    def job_state(self, name: str) -> dict[str, Any] | None:
        with self._mutex:
            r = self.conn.execute("SELECT state FROM jobs WHERE name=?", (name,)).fetchone()
        return json.loads(r[0]) if r else None

    def save_job_state(self, name: str, kind: str, state: dict[str, Any] | None) -> None:
        with self.atomic() as conn:
            if state is None:
                conn.execute("DELETE FROM jobs WHERE name=?", (name,))
            else:
                conn.execute("INSERT OR REPLACE INTO jobs(name, kind, state, updated) VALUES (?,?,?,?)",
                             (name, kind, json.dumps(state, ensure_ascii=False), time.time()))

    def counts(self) -> dict[str, Any]:
        """Counts by status for ``hanji info`` and the status bar."""
        with self._mutex:
            c = self.conn
            docs = dict(c.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())
            regs = dict(c.execute("SELECT status, COUNT(*) FROM regions GROUP BY status").fetchall())
            return {
                "documents": sum(docs.values()),
                "documents_by_status": docs,
                "regions": sum(regs.values()),
                "regions_by_status": regs,
                "links": c.execute("SELECT COUNT(*) FROM links").fetchone()[0],
                "keyvalues": c.execute("SELECT COUNT(*) FROM keyvalues").fetchone()[0],
                "entity_types": c.execute("SELECT COUNT(*) FROM entity_types").fetchone()[0],
                "linked_images": c.execute("SELECT COUNT(*) FROM documents WHERE path IS NOT NULL").fetchone()[0],
                "image_bytes": c.execute("SELECT COALESCE(SUM(size), 0) FROM images").fetchone()[0],
                "history_steps": c.execute("SELECT COUNT(DISTINCT step) FROM history").fetchone()[0],
                "schema_version": c.execute("PRAGMA user_version").fetchone()[0],
            }

    def optimize(self) -> None:
        """After bulk work (an import): merge the search index's segments and refresh planner statistics."""
        with self.atomic() as conn:
            conn.execute("INSERT INTO regions_fts(regions_fts) VALUES ('optimize')")
        self.conn.execute("PRAGMA optimize")
