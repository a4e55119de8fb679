"""The search indexes' side of the SQLite schema: the SQL functions their triggers call
(``hanji_grams``: the short-query index's tokens, :func:`grams`; ``hanji_deferred``) and the
deferred indexing of an import batch (:func:`defer_search_index`, :func:`index_rows`). The indexes
themselves are made by migrations 2, 4, 9 and 10 in :mod:`hanji.store.schema`, which re-exports
these names."""

from __future__ import annotations

import sqlite3


def grams(*texts: str | None) -> str:
    """The short-query index's tokens of ``texts`` (SQL: ``hanji_grams(text, ...)``): every
    character with the one after it (the last with an end mark, 0), lower-cased, each pair as the
    16 hex digits of its UTF-32 (8 a character), so that the ``ascii`` tokenizer keeps it whole. A
    two-character query is then one token, a one-character query the prefix of a token. Never
    change what this returns: the contentless index deletes a row by the tokens it was given (a
    change needs a migration that rebuilds ``regions_short_fts`` and ``keyvalues_short_fts``)."""
    out: set[str] = set()
    for t in texts:
        if t:
            h = (t.lower() + "\x00").encode("utf-32-be").hex()
            out.update([h[i:i + 16] for i in range(0, len(h) - 8, 8)])
    return " ".join(out)


def _grams1(t: str | None) -> str:
    """:func:`grams` of one text (what the regions' triggers and an import batch's indexing call,
    once a region), without the loop over arguments."""
    if not t:
        return ""
    h = (t.lower() + "\x00").encode("utf-32-be").hex()
    return " ".join({h[i:i + 16] for i in range(0, len(h) - 8, 8)})


text_grams = _grams1  # one text's tokens: an import's reader makes them ahead, in its own process (rows.RegionRows)

_DEFERRED: set[int] = set()  # id() of the connections inside an import batch (see :func:`defer_search_index`)


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the schema's triggers call: every connection that writes must have them
    (SQLite-only; the PostgreSQL backend needs its own short-query index)."""
    key = id(conn)
    try:
        conn.create_function("hanji_grams", -1, grams, deterministic=True)
        conn.create_function("hanji_grams", 1, _grams1, deterministic=True)  # SQLite takes it for one argument
        conn.create_function("hanji_deferred", 0, lambda: key in _DEFERRED)
    except sqlite3.OperationalError:  # already there, and in use by a statement of this connection
        pass


def defer_search_index(conn: sqlite3.Connection, on: bool) -> None:
    """While on, rows inserted on ``conn`` are not put in the search indexes by the insert
    triggers (migration 10): an import batch indexes its new rows in one statement a table before
    it commits (:func:`index_rows`). FTS5 writes its pending terms out at every savepoint, and an
    insert with triggers opens one a row: indexing row by row cost an import 45 us a region of its
    70 us in SQLite. Rows inserted while deferred must not be updated or deleted before they are
    indexed (their index 'delete' would remove terms never added)."""
    if on:
        _DEFERRED.add(id(conn))
    else:
        _DEFERRED.discard(id(conn))


def index_rows(conn: sqlite3.Connection, after: dict[str, int], region_grams: list[tuple[int, str]] | None = None
               ) -> None:
    """Put the rows of ``regions`` and ``keyvalues`` with ids above ``after[table]`` (inserted
    while :func:`defer_search_index` was on) into the search indexes, one statement an index.
    ``region_grams``: ``(id, hanji_grams(text))`` of those regions, made beforehand (an import's
    reader process makes them); taken when they are one a region of the batch, else the tokens are
    made here."""
    conn.execute("INSERT INTO regions_fts(rowid, text) SELECT id, text FROM regions WHERE id > ?", (after["regions"],))
    n = None if region_grams is None else conn.execute("SELECT COUNT(*) FROM regions WHERE id > ?",
                                                       (after["regions"],)).fetchone()[0]
    if n is not None and n == len(region_grams):
        conn.executemany("INSERT INTO regions_short_fts(rowid, grams) VALUES (?, ?)", region_grams)
    else:
        conn.execute("INSERT INTO regions_short_fts(rowid, grams) SELECT id, hanji_grams(text) FROM regions "
                     "WHERE id > ?", (after["regions"],))
    conn.execute("INSERT INTO keyvalues_fts(rowid, key, value) SELECT id, key, value FROM keyvalues WHERE id > ?",
                 (after["keyvalues"],))
    conn.execute("INSERT INTO keyvalues_short_fts(rowid, grams) SELECT id, hanji_grams(key, value) FROM keyvalues "
                 "WHERE id > ?", (after["keyvalues"],))
