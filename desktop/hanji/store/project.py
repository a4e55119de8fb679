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

from hanji.domain.model import EntityType
from hanji.errors import DiskFull, HanjiError, ReadOnlyProject
from hanji.store import names as _names
from hanji.store import rows
from hanji.store.annotations import Annotations
from hanji.store.checkpoint import SAFETY_PAGES, Checkpointer
from hanji.store.claims import Claims
from hanji.store.documents import Documents
from hanji.store.files import connect as _connect
from hanji.store.files import migrate as _migrate
from hanji.store.files import read_only_reason as _read_only_reason
from hanji.store.files import ro_uri as _ro_uri
from hanji.store.files import validate as _validate
from hanji.store.history import Change, History, merge_changes
from hanji.store.imports import ImportRun
from hanji.store.lock import ProjectLock
from hanji.store.notify import Notify
from hanji.store.packages import Packages
from hanji.store.people import People
from hanji.store.review import Review
from hanji.store.scan import Scan
from hanji.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from hanji.store.search import Search
from hanji.store.trained import ModelTable


class ProjectStore(Documents, Annotations, History, Search, Scan, People, Review, Packages, Claims, Notify):
    """A Hanji project file, open for reading and writing by one process."""

    backend = "sqlite"  # or "postgresql" (hanji.store.pgstore.PgProjectStore)

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: ProjectLock | None, readonly: bool):
        self.path = path
        self.conn = conn
        self._lock = lock
        self.readonly = readonly
        self._mutex = threading.RLock()
        self._listeners: list[Callable[[Change], None]] = []
        self._step: int | None = None  # the open history step while inside ``group``
        self._group_depth = 0
        self._savepoints = 0  # open savepoints of nested atomic() blocks
        self._sqlite_utils = None
        self._pending: list[Change] = []
        self._checkpointer: Checkpointer | None = None
        if not readonly and self.backend == "sqlite":
            conn.execute(f"PRAGMA wal_autocheckpoint={SAFETY_PAGES}")
            self._checkpointer = Checkpointer(path)

    @property
    def _db(self):
        """A sqlite-utils view of the same connection, for bulk inserts (imports); imported on first
        use, as the window's startup does not need it."""
        if self._sqlite_utils is None:
            import sqlite_utils

            self._sqlite_utils = sqlite_utils.Database(self.conn, recursive_triggers=False, execute_plugins=False)
        return self._sqlite_utils

    def imports(self) -> ImportRun:
        """A new import run (:class:`hanji.store.imports.ImportRun`): batched writes that can be taken back."""
        return ImportRun(self)

    # ------------------------------------------------------------------ open / create / close
    @classmethod
    def create(cls, path: str | Path, entity_types: Iterable[EntityType] = ()) -> ProjectStore:
        """Create a new project file (or, for a ``postgresql://`` URL, a project in that empty
        database). Refuses to overwrite one that exists."""
        if _names.is_url(path) and cls.backend == "sqlite":
            return _names.BACKENDS["postgresql"].create(path, entity_types)
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
    def open(cls, path: str | Path, readonly: bool = False, integrity: bool | None = None) -> ProjectStore:
        """Open a project; a clear :class:`HanjiError` for anything but a healthy Hanji project.

        Constant time for a large project closed cleanly; ``integrity=True`` checks every page
        first (``hanji check --integrity``), see :func:`hanji.store.files.validate`. A
        ``postgresql://`` URL opens the project in that database (:mod:`hanji.store.pgstore`)."""
        if _names.is_url(path) and cls.backend == "sqlite":
            return _names.BACKENDS["postgresql"].open(path, readonly, integrity)
        path = Path(path)
        if not path.exists():
            raise HanjiError("no such project file", path)
        if path.is_dir():
            raise HanjiError("is a folder, not a project file", path)
        lock = None
        if not readonly:
            reason = _read_only_reason(path)
            if reason:
                _validate(path, integrity)  # a damaged file is said to be damaged first
                raise ReadOnlyProject(f"{reason}: the project can only be opened read-only", path)
            lock = ProjectLock(path)
            lock.acquire()
        try:
            version = _validate(path, integrity)
            if readonly:
                conn = sqlite3.connect(_ro_uri(path), uri=True, isolation_level=None, check_same_thread=False)
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
            if self.conn is not None and not self.readonly:
                self._seat_closing()  # other seats: this seat's claims go back, it stops listening
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
            if self.conn is not None:
                try:
                    if not self.readonly:
                        self.conn.execute("PRAGMA optimize")
                except sqlite3.Error:
                    pass  # statistics for the query planner only (a full disk must not stop a close)
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
        self._announce(change)  # to other seats, when not announced in its transaction (store/notify.py)
        for fn in list(self._listeners):
            fn(change)

    # ------------------------------------------------------------------ transactions & history
    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction. Nested blocks are savepoints: an error inside one takes back only what
        that block wrote (the outer block goes on if it catches the error), so an import can keep
        each document whole inside a batch's transaction."""
        with self._tx():
            yield  # nothing of the backend's (its connection) leaves the store

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """:meth:`atomic`, giving the connection to the store's own modules. A full disk is a
        :class:`DiskFull` error (the transaction taken back, everything before it intact)."""
        try:
            with self._tx_inner() as conn:
                yield conn
        except sqlite3.OperationalError as e:
            if _is_full(e):
                self._full = True
                raise _disk_full(self.path) from e
            raise

    @contextlib.contextmanager
    def _tx_inner(self) -> Iterator[sqlite3.Connection]:
        with self._mutex:
            if self.readonly:
                raise HanjiError("the project is open read-only", self.path)
            conn = self.conn
            if conn.in_transaction:
                self._savepoints += 1
                name = f"hanji_{self._savepoints}"
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # an error may have ended the whole transaction already
                        conn.execute(f"ROLLBACK TO {name}")
                        conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self._still_open(conn)
                    conn.execute(f"RELEASE {name}")
                finally:
                    self._savepoints -= 1
                return
            conn.execute("BEGIN IMMEDIATE")
            self._full = False
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            self._still_open(conn)
            conn.execute("COMMIT")
            if self._checkpointer is not None:
                self._checkpointer.nudge()

    def _still_open(self, conn: sqlite3.Connection) -> None:
        """A block that caught an error SQLite answered by ending the whole transaction (a full disk
        does) must not go on as if its writes were there."""
        if not conn.in_transaction:
            if getattr(self, "_full", False):
                raise _disk_full(self.path)
            raise HanjiError("the change was not written: the database ended the transaction after an "
                             "error", self.path)

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
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?,?)", (key, value))

    def job_state(self, name: str) -> dict[str, Any] | None:
        with self._mutex:
            r = self.conn.execute("SELECT state FROM jobs WHERE name=?", (name,)).fetchone()
        return json.loads(r[0]) if r else None

    def save_job_state(self, name: str, kind: str, state: dict[str, Any] | None) -> None:
        with self._tx() as conn:
            if state is None:
                conn.execute("DELETE FROM jobs WHERE name=?", (name,))
            else:
                conn.execute("INSERT OR REPLACE INTO jobs(name, kind, state, updated) VALUES (?,?,?,?)",
                             (name, kind, json.dumps(state, ensure_ascii=False), time.time()))

    def counts(self) -> dict[str, Any]:
        """Counts by status for ``hanji info`` and the status bar: read from the ``counts`` table,
        which triggers keep up to date in each edit's transaction (a few rows, whatever the size)."""
        with self._mutex:
            c = self.conn
            kept = dict(c.execute("SELECT name, n FROM counts WHERE n <> 0 OR name NOT LIKE '%:%'").fetchall())
            docs = {k.split(":", 1)[1]: n for k, n in kept.items() if k.startswith("documents:")}
            regs = {k.split(":", 1)[1]: n for k, n in kept.items() if k.startswith("regions:")}
            return {
                "documents": sum(docs.values()),
                "documents_by_status": docs,
                "regions": sum(regs.values()),
                "regions_by_status": regs,
                "links": kept.get("links", 0),
                "keyvalues": kept.get("keyvalues", 0),
                "entity_types": c.execute("SELECT COUNT(*) FROM entity_types").fetchone()[0],
                "linked_images": kept.get("linked_images", 0),
                "image_bytes": kept.get("image_bytes", 0),
                "history_steps": kept.get("history_steps", 0),
                "schema_version": c.execute("PRAGMA user_version").fetchone()[0],
            }

    def optimize(self) -> None:
        """After bulk work (an import): merge the search index's segments and refresh planner statistics."""
        with self._tx() as conn:
            conn.execute("INSERT INTO regions_fts(regions_fts) VALUES ('optimize')")
        self.conn.execute("PRAGMA optimize")


def _is_full(e: sqlite3.Error) -> bool:
    """SQLITE_FULL: the disk, or the file's page limit, is full."""
    return getattr(e, "sqlite_errorcode", None) == 13 or "database or disk is full" in str(e)


def _disk_full(path: Path) -> DiskFull:
    return DiskFull("the disk is full: this change was not written (everything before it is kept; free some "
                    "space and go on)", path)
