"""An import batch's rows written without their tables' insert triggers, whose work is done once for
all of the batch's rows before it commits (SQLite).

Each region an import inserted ran three triggers: the counts' (an upsert of its status's row of
``counts``, migration 5) and the two search indexes' (deferred in a batch since migration 10, but each
still called ``hanji_deferred()``, a Python function, to learn it): 3.6 us of the 8.4 us a region's
insert took. :func:`suspend` drops them inside the batch's transaction and :func:`resume` adds the
batch's rows to the counts and the search indexes in a few statements and makes the triggers again
from their own SQL, before the batch commits. SQLite's schema changes are part of the transaction: a
batch rolled back, or a process killed midway, leaves the triggers as they were, and no other
connection ever sees the tables without them (they read the last commit).

As with the deferred indexing, rows inserted in the batch must not be updated or deleted before
:func:`resume` (their triggers would take out of the counts and indexes what was never put in); an
import batch only adds them.
"""

from __future__ import annotations

import sqlite3

from hanji.store.search_index import index_rows

# each table's insert triggers whose work resume() does: all of the insert triggers of these tables
# (tests/store/test_import_writes.py fails when a migration adds one, until it is added here and to resume)
SUSPENDED = {
    "regions": ("counts_regions_ai", "regions_ai", "regions_short_fts_ai"),
    "keyvalues": ("counts_keyvalues_ai", "keyvalues_ai", "keyvalues_short_fts_ai"),
    "links": ("counts_links_ai",),
}
_NAMES = tuple(n for names in SUSPENDED.values() for n in names)


class Suspended:
    """What :func:`suspend` took away: the triggers' SQL and each table's last id before the batch."""

    def __init__(self, after: dict[str, int], sql: list[str]):
        self.after = after
        self.sql = sql


def suspend(conn: sqlite3.Connection) -> Suspended | None:
    """Inside a transaction: drop the insert triggers of ``SUSPENDED`` (None, nothing dropped, when the
    schema's triggers are not those: the caller defers the search indexes as before)."""
    found = dict(conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                              f"({','.join('?' * len(_NAMES))})", _NAMES).fetchall())
    if set(found) != set(_NAMES):
        return None
    after = {t: conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}").fetchone()[0] for t in SUSPENDED}
    for name in _NAMES:
        conn.execute(f"DROP TRIGGER {name}")
    return Suspended(after, [found[n] for n in _NAMES])


def resume(conn: sqlite3.Connection, s: Suspended, region_grams: list[tuple[int, str]] | None = None) -> None:
    """Count and index the rows inserted since :func:`suspend` (ids above ``s.after``) as their
    triggers would have, then make the triggers again. ``region_grams``: as :func:`index_rows` takes."""
    conn.execute("INSERT INTO counts(name, n) SELECT 'regions:' || status, COUNT(*) FROM regions WHERE id > ? "
                 "GROUP BY status ON CONFLICT(name) DO UPDATE SET n = n + excluded.n", (s.after["regions"],))
    for table in ("links", "keyvalues"):
        conn.execute(f"INSERT INTO counts(name, n) SELECT '{table}', COUNT(*) FROM {table} WHERE id > ? "
                     "HAVING COUNT(*) > 0 ON CONFLICT(name) DO UPDATE SET n = n + excluded.n", (s.after[table],))
    index_rows(conn, s.after, region_grams)
    for sql in s.sql:
        conn.execute(sql)
