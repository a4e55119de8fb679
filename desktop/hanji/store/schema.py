"""The project file's schema and its migrations: one function per schema change, in order.

``PRAGMA user_version`` holds the schema version; ``PRAGMA application_id`` marks the file as a
Hanji project. Migrations run in one transaction, after a backup copy of the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x48414E4A  # "HANJ"


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one (``executescript`` would commit the open transaction)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            conn.execute(buf)
            buf = ""
    if buf.strip():
        conn.execute(buf)


def m001_initial(conn: sqlite3.Connection) -> None:
    _script(conn,
        """
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
    )


def m002_search(conn: sqlite3.Connection) -> None:
    """Full-text search over transcriptions (trigram tokenizer: Hangul substrings match)."""
    _script(conn,
        """
        CREATE VIRTUAL TABLE regions_fts USING fts5(text, content='regions', content_rowid='id',
                                                    tokenize='trigram');
        CREATE TRIGGER regions_ai AFTER INSERT ON regions BEGIN
            INSERT INTO regions_fts(rowid, text) VALUES (new.id, new.text); END;
        CREATE TRIGGER regions_ad AFTER DELETE ON regions BEGIN
            INSERT INTO regions_fts(regions_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
        CREATE TRIGGER regions_au AFTER UPDATE OF text ON regions BEGIN
            INSERT INTO regions_fts(regions_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO regions_fts(rowid, text) VALUES (new.id, new.text); END;
        INSERT INTO regions_fts(regions_fts) VALUES ('rebuild');
        """
    )


def m003_models(conn: sqlite3.Connection) -> None:
    """Models trained on the project's labels, with their held-out metrics."""
    _script(conn,
        """
        CREATE TABLE models (
            id INTEGER PRIMARY KEY, task TEXT NOT NULL, name TEXT NOT NULL, weights BLOB NOT NULL,
            sha256 TEXT NOT NULL, metrics TEXT NOT NULL DEFAULT '{}', active INTEGER NOT NULL DEFAULT 0,
            created REAL NOT NULL);
        """
    )


def m004_keyvalue_search(conn: sqlite3.Connection) -> None:
    """Full-text search over key-values (key and value, trigram tokenizer like regions_fts)."""
    _script(conn,
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS keyvalues_fts USING fts5(key, value, content='keyvalues',
                                                                    content_rowid='id', tokenize='trigram');
        CREATE TRIGGER IF NOT EXISTS keyvalues_ai AFTER INSERT ON keyvalues BEGIN
            INSERT INTO keyvalues_fts(rowid, key, value) VALUES (new.id, new.key, new.value); END;
        CREATE TRIGGER IF NOT EXISTS keyvalues_ad AFTER DELETE ON keyvalues BEGIN
            INSERT INTO keyvalues_fts(keyvalues_fts, rowid, key, value)
            VALUES ('delete', old.id, old.key, old.value); END;
        CREATE TRIGGER IF NOT EXISTS keyvalues_au AFTER UPDATE OF key, value ON keyvalues BEGIN
            INSERT INTO keyvalues_fts(keyvalues_fts, rowid, key, value)
            VALUES ('delete', old.id, old.key, old.value);
            INSERT INTO keyvalues_fts(rowid, key, value) VALUES (new.id, new.key, new.value); END;
        INSERT INTO keyvalues_fts(keyvalues_fts) VALUES ('rebuild');
        """
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_search, m003_models,
                                                         m004_keyvalue_search]
SCHEMA_VERSION = len(MIGRATIONS)
