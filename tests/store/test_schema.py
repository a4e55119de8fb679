"""The schema made with sqlite-utils (``create_table``) is the one project files were made with
before (raw SQL, kept here as the reference): the same columns, types' affinities, NOT NULLs,
defaults, primary keys, unique columns, foreign keys and indexes, so old and new files behave alike."""

from __future__ import annotations

import sqlite3

from hanji.store import schema

OLD_M001 = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE images (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL,
                     mime TEXT NOT NULL DEFAULT '');
CREATE TABLE documents (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
    width INTEGER NOT NULL, height INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'new',
    doc_type TEXT NOT NULL DEFAULT '', path TEXT, attrs TEXT NOT NULL DEFAULT '{}',
    added REAL NOT NULL, updated REAL NOT NULL);
CREATE INDEX documents_status ON documents(status);
CREATE TABLE regions (
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id),
    kind TEXT NOT NULL, points TEXT NOT NULL, text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'human', confidence REAL,
    ord INTEGER, label TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '[]',
    machine_text TEXT, attrs TEXT NOT NULL DEFAULT '{}', updated REAL NOT NULL);
CREATE INDEX regions_doc ON regions(doc_id, ord);
CREATE INDEX regions_status ON regions(status);
CREATE TABLE links (
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id),
    src INTEGER NOT NULL REFERENCES regions(id), dst INTEGER NOT NULL REFERENCES regions(id),
    key TEXT NOT NULL DEFAULT '');
CREATE INDEX links_doc ON links(doc_id);
CREATE TABLE keyvalues (
    id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id),
    key TEXT NOT NULL, value TEXT NOT NULL DEFAULT '', region_ids TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT 'human', confidence REAL);
CREATE INDEX keyvalues_doc ON keyvalues(doc_id);
CREATE TABLE entity_types (
    name TEXT PRIMARY KEY, color TEXT NOT NULL, key TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '', personal INTEGER NOT NULL DEFAULT 0,
    doc_type TEXT NOT NULL DEFAULT '', position INTEGER NOT NULL DEFAULT 0);
CREATE TABLE history (
    id INTEGER PRIMARY KEY, step INTEGER NOT NULL, label TEXT NOT NULL,
    deltas TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0, at REAL NOT NULL);
CREATE INDEX history_step ON history(step);
CREATE INDEX history_undone ON history(undone, step);
CREATE TABLE jobs (name TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL,
                   updated REAL NOT NULL);
"""

TABLES = ("meta", "images", "documents", "regions", "links", "keyvalues", "entity_types", "history", "jobs")


def _affinity(decl: str) -> str:
    d = decl.upper()
    if "INT" in d:
        return "INTEGER"
    if any(k in d for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in d or not d:
        return "BLOB"
    if any(k in d for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _describe(conn: sqlite3.Connection) -> dict:
    out = {}
    for t in TABLES:
        cols = [(name, _affinity(decl), bool(notnull), None if dflt is None else str(dflt).strip("'\""), pk)
                for _, name, decl, notnull, dflt, pk in conn.execute(f"PRAGMA table_info({t})")]
        fks = sorted((r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({t})"))
        indexes = []
        for _, name, unique, origin, _partial in conn.execute(f"PRAGMA index_list({t})"):
            if origin == "pk":
                continue
            icols = [r[2] for r in conn.execute(f"PRAGMA index_info('{name}')")]
            indexes.append((tuple(icols), bool(unique)))
        out[t] = (cols, fks, sorted(indexes))
    return out


def test_sqlite_utils_schema_is_the_old_one():
    old = sqlite3.connect(":memory:", isolation_level=None)
    for stmt in OLD_M001.split(";"):
        if stmt.strip():
            old.execute(stmt)
    new = sqlite3.connect(":memory:", isolation_level=None)
    new.execute("BEGIN")
    schema.m001_initial(new)
    assert new.in_transaction  # nothing in it committed the migration's transaction
    new.execute("COMMIT")
    assert _describe(new) == _describe(old)


def test_all_migrations_run_in_one_transaction():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("BEGIN")
    for m in schema.MIGRATIONS:
        m(conn)
        assert conn.in_transaction, m.__name__
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0  # all of it taken back


def test_search_index_functions_still_importable_from_schema():
    """They live in store/search_index.py; files.py, imports.py and packages.py import them from schema."""
    from hanji.store import search_index

    for name in ("grams", "register_functions", "defer_search_index", "index_rows"):
        assert getattr(schema, name) is getattr(search_index, name)
