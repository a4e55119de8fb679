"""A project file's triggers switched off on one connection for one bulk insert (an import batch's
new rows), which then does their work itself in the same transaction.

Each row an import inserts fired three triggers (the counts, the two search indexes, the last two
skipping the row while an import batch defers its indexing): SQLite runs each trigger as a
sub-program, and firing them, even to skip, cost the import more than inserting the row. With
``SQLITE_DBCONFIG_ENABLE_TRIGGER`` off the connection's statements run no trigger of the project;
the setting is the connection's, in memory, never written to the file: another connection, and this
one after the block (or after a crash), runs every trigger as before. The caller keeps what the
triggers keep, in the same transaction (:meth:`hanji.store.imports.ImportRun._flush`: the counts
of the rows it inserted, the search indexes at the batch's end), so a kill at any point leaves
either the whole batch or none of it.

Python 3.12 has ``Connection.setconfig``; for Python 3.10 and 3.11 the same SQLite call is made
through ctypes, only where it is known to work (Linux on x86-64, the SQLite library the ``sqlite3``
module is linked with, CPython's connection object holding the handle first) and only after the
handle is checked to be this connection's. Where it cannot
be made, :func:`triggers_off` yields False and the triggers stay on.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Iterator

ENABLE_TRIGGER = 1003  # SQLITE_DBCONFIG_ENABLE_TRIGGER


def _ctypes_config():
    """``(sqlite3_db_config, sqlite3_db_filename)`` of the library the sqlite3 module calls, or None."""
    import platform

    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None  # varargs through ctypes: only where ints are passed as for a plain call
    if sys.version_info[:2] not in ((3, 10), (3, 11)):
        return None  # the connection object's layout is known for these (3.12 on: Connection.setconfig)
    try:
        import _sqlite3
        import ctypes

        lib = ctypes.CDLL(_sqlite3.__file__)  # its own symbols and those of the libsqlite3 it loaded
        config, filename = lib.sqlite3_db_config, lib.sqlite3_db_filename
    except (ImportError, OSError, AttributeError):
        return None
    config.restype = ctypes.c_int
    filename.restype = ctypes.c_char_p
    filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    return config, filename


_CTYPES: list = []  # [(config, filename) or None], filled on first use


def _handle(conn: sqlite3.Connection) -> int | None:
    """The ``sqlite3*`` of ``conn`` (CPython's connection object holds it first after its header),
    when SQLite confirms it: the handle's main database is the file this connection has open."""
    import ctypes

    if not _CTYPES:
        _CTYPES.append(_ctypes_config())
    if _CTYPES[0] is None:
        return None
    db = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
    if not db:
        return None
    want = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    got = _CTYPES[0][1](db, b"main")
    if not want or got is None or got.decode("utf-8", "replace") != want:
        return None
    return db


def _set(conn: sqlite3.Connection, on: bool) -> bool:
    """Turn the connection's triggers on or off; True when SQLite says they are so now."""
    if hasattr(conn, "setconfig"):  # Python 3.12
        try:
            conn.setconfig(ENABLE_TRIGGER, on)
            return conn.getconfig(ENABLE_TRIGGER) == on
        except (sqlite3.Error, ValueError):
            return False
    import ctypes

    db = _handle(conn)
    if db is None:
        return False
    out = ctypes.c_int(-1)
    rc = _CTYPES[0][0](ctypes.c_void_p(db), ctypes.c_int(ENABLE_TRIGGER), ctypes.c_int(int(on)), ctypes.byref(out))
    return rc == 0 and out.value == int(on)


@contextlib.contextmanager
def triggers_off(conn: sqlite3.Connection) -> Iterator[bool]:
    """Inside the block ``conn`` runs no trigger of the project file (True), or, where that cannot be
    done, every trigger as always (False). The triggers are on again when the block ends, however it
    ends; if that failed the connection is closed rather than left writing without them."""
    off = _set(conn, False)
    try:
        yield off
    finally:
        if off and not _set(conn, True):
            conn.close()  # never go on writing without the counts and indexes; the transaction is rolled back
            raise sqlite3.OperationalError("could not switch the project's triggers back on")
