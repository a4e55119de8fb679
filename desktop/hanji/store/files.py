"""Opening a project file safely: header and integrity checks, the connection's settings, migrations."""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from pathlib import Path

from hanji.errors import HanjiError
from hanji.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, register_functions

SQLITE_HEADER = b"SQLite format 3\x00"
# a file this small gets SQLite's quick_check at every open (a few milliseconds); a larger one only
# after an unclean shutdown, or with ``hanji check --integrity``: the check reads the whole file,
# 1.6 s at 100,000 documents, which every command and every open of the window paid
CHECK_EVERY_OPEN_BYTES = 16 * 1024 * 1024


def check_header(path: Path) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as e:
        raise HanjiError(f"cannot read the project: {e.strerror}", path) from e
    if len(head) == 0:
        raise HanjiError("the file is empty, not a Hanji project", path)
    if not head.startswith(SQLITE_HEADER):
        raise HanjiError("not a Hanji project (the file is not an SQLite database)", path)
    if len(head) < 100:
        raise HanjiError("the project file is truncated (shorter than its header)", path)
    page_size = int.from_bytes(head[16:18], "big")
    if page_size == 1:  # how the header writes 65536
        page_size = 65536
    pages = int.from_bytes(head[28:32], "big")
    # the header's page count is valid when the change counters agree (SQLite >= 3.7.0 writes both);
    # with edits still in the write-ahead log it may run ahead of the file (a checkpoint that a full
    # disk stopped after its first page): SQLite reads the log, and the quick check then runs
    if (head[24:28] == head[92:96] and pages and os.path.getsize(path) < pages * page_size
            and not unclean_shutdown(path)):
        raise HanjiError(f"the project file is truncated ({os.path.getsize(path):,} bytes of "
                         f"{pages * page_size:,})", path)


def unclean_shutdown(path: Path) -> bool:
    """Whether the last program that wrote the project did not close it: its write-ahead log is
    still there with edits in it (a clean close folds the log in and removes it). A reader that has
    it open leaves one too; then the check is merely done once more than needed."""
    wal = Path(str(path) + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def needs_check(path: Path) -> bool:
    """Whether opening ``path`` should run the quick check: a small file, or one not closed cleanly."""
    try:
        small = os.path.getsize(path) <= CHECK_EVERY_OPEN_BYTES
    except OSError:
        small = True
    return small or unclean_shutdown(path)


def ro_uri(path: Path) -> str:
    """The SQLite URI that opens ``path`` read-only: the path quoted (a ``#``, ``?`` or ``%`` in a folder
    name is part of the name, not of the URI), and ``immutable`` when its folder cannot be written
    (SQLite could not make the ``-shm`` file a read-only WAL reader needs; where a writer elsewhere
    keeps one, SQLite reads through it)."""
    path = Path(os.path.abspath(path))
    uri = f"file:{urllib.parse.quote(path.as_posix())}?mode=ro"
    if not writable(path) and not os.path.exists(str(path) + "-shm"):
        # nobody has it open for writing (a writer keeps the -shm file) and SQLite could not make one
        uri += "&immutable=1"
    return uri


def writable(path: Path) -> bool:
    """Whether the project file and its folder can be written (a read-only folder, file or file system
    cannot: root passes ``os.access`` on a read-only mount, so that is asked of the file system too)."""
    path = Path(os.path.abspath(path))
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return False
    try:
        return not (os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return True


def read_only_reason(path: Path) -> str | None:
    """Why a healthy project cannot be opened for writing, or None when it can."""
    path = Path(os.path.abspath(path))
    try:
        if hasattr(os, "statvfs") and os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except OSError:
        pass
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK):
        return "its folder is read-only"
    return None


def validate(path: Path, integrity: bool | None = None) -> int:
    """Check a project file read-only; return its schema version. Never writes to the file.

    ``integrity``: True runs SQLite's full ``integrity_check`` (every page, index and constraint),
    False none, None the quick check when :func:`needs_check` says so (constant time otherwise:
    the header, the application id and the schema version)."""
    check_header(path)
    if integrity is None:
        integrity = needs_check(path) and "quick"
    wal = Path(str(path) + "-wal")
    if not writable(path) and wal.exists() and wal.stat().st_size > 0:
        raise HanjiError("the project has edits still in its log file (-wal) but cannot be written here to "
                         "bring them in; copy the project with its -wal file to a writable folder", path)
    try:
        conn = sqlite3.connect(ro_uri(path), uri=True)
    except sqlite3.Error as e:
        raise HanjiError(f"cannot open the project: {e}", path) from e
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise HanjiError("not a Hanji project (an SQLite database of another program)", path)
        if integrity:
            pragma = "quick_check" if integrity == "quick" else "integrity_check"
            problems = [r[0] for r in conn.execute(f"PRAGMA {pragma}(5)").fetchall()]
            if problems != ["ok"]:
                raise HanjiError("the project file is damaged: " + "; ".join(problems), path)
    except sqlite3.DatabaseError as e:
        raise HanjiError(f"the project file is damaged or truncated ({e})", path) from e
    finally:
        conn.close()
    if version > SCHEMA_VERSION:
        raise HanjiError(
            f"the project was written by a newer Hanji (schema {version}, this one reads up to "
            f"{SCHEMA_VERSION}); update Hanji to open it",
            path,
        )
    return version


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    register_functions(conn)  # the short-query index's triggers call hanji_grams
    return conn


def migrate(path: Path, version: int) -> None:
    """Bring an older project up to date: backup copy first, then all steps in one transaction."""
    backup = path.with_name(f"{path.name}.v{version}.bak")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(backup))
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    conn = sqlite3.connect(str(path), isolation_level=None)
    register_functions(conn)  # for migrations after the one that made the triggers
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for m in MIGRATIONS[version:]:
                m(conn)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException as e:
            conn.execute("ROLLBACK")
            raise HanjiError(f"upgrading the project failed ({e}); it is unchanged, and a copy is in "
                             f"{backup.name}", path) from e
    finally:
        conn.close()
