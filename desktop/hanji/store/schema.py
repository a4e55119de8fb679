"""The project file's schema and its migrations: one function per schema change, in order.

Tables are made with sqlite-utils (``create_table`` with primary and foreign keys, NOT NULLs and
defaults) on the migration's own connection and transaction; the full-text indexes are SQL (see
:func:`m002_search` for why).

``PRAGMA user_version`` holds the schema version; ``PRAGMA application_id`` marks the file as a
Hanji project. Migrations run in one transaction, after a backup copy of the file.

The SQL functions the search indexes' triggers call and an import batch's deferred indexing are
:mod:`hanji.store.search_index`'s (re-exported here).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from hanji.store.search_index import defer_search_index, grams, index_rows, register_functions

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "defer_search_index", "grams", "index_rows",
           "register_functions"]

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


def _db(conn: sqlite3.Connection):
    """sqlite-utils on the migration's own connection (inside its transaction)."""
    import sqlite_utils

    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)


def _table(db, name: str, columns: dict[str, Any], pk: str, not_null: tuple[str, ...] = (),
           defaults: dict[str, Any] | None = None, foreign_keys: tuple = (),
           indexes: dict[str, tuple[str, ...]] | None = None) -> None:
    db.create_table(name, columns, pk=pk, not_null=set(not_null), defaults=defaults or {},
                    foreign_keys=list(foreign_keys))
    for index_name, cols in (indexes or {}).items():
        db[name].create_index(list(cols), index_name=index_name, unique=index_name.endswith("_unique"))


def m001_initial(conn: sqlite3.Connection) -> None:
    """The tables of a project (sqlite-utils' ``create_table``: primary keys, NOT NULL, defaults and
    the regions', links' and key-values' foreign keys to their document)."""
    db = _db(conn)
    doc_fk = (("doc_id", "documents", "id"),)
    _table(db, "meta", {"key": str, "value": str}, pk="key")
    _table(db, "images", {"sha256": str, "data": bytes, "size": int, "mime": str}, pk="sha256",
           not_null=("data", "size", "mime"), defaults={"mime": ""})
    _table(db, "documents", {"id": int, "name": str, "sha256": str, "width": int, "height": int, "status": str,
                             "doc_type": str, "path": str, "attrs": str, "added": float, "updated": float}, pk="id",
           not_null=("name", "sha256", "width", "height", "status", "doc_type", "attrs", "added", "updated"),
           defaults={"status": "new", "doc_type": "", "attrs": "{}"},
           indexes={"documents_sha256_unique": ("sha256",), "documents_status": ("status",)})
    _table(db, "regions", {"id": int, "doc_id": int, "kind": str, "points": str, "text": str, "status": str,
                           "source": str, "confidence": float, "ord": int, "label": str, "tags": str,
                           "machine_text": str, "attrs": str, "updated": float}, pk="id",
           not_null=("doc_id", "kind", "points", "text", "status", "source", "label", "tags", "attrs", "updated"),
           defaults={"text": "", "source": "human", "label": "", "tags": "[]", "attrs": "{}"}, foreign_keys=doc_fk,
           indexes={"regions_doc": ("doc_id", "ord"), "regions_status": ("status",)})
    _table(db, "links", {"id": int, "doc_id": int, "src": int, "dst": int, "key": str}, pk="id",
           not_null=("doc_id", "src", "dst", "key"), defaults={"key": ""},
           foreign_keys=doc_fk + (("src", "regions", "id"), ("dst", "regions", "id")),
           indexes={"links_doc": ("doc_id",)})
    _table(db, "keyvalues", {"id": int, "doc_id": int, "key": str, "value": str, "region_ids": str, "source": str,
                             "confidence": float}, pk="id",
           not_null=("doc_id", "key", "value", "region_ids", "source"),
           defaults={"value": "", "region_ids": "[]", "source": "human"}, foreign_keys=doc_fk,
           indexes={"keyvalues_doc": ("doc_id",)})
    _table(db, "entity_types", {"name": str, "color": str, "key": str, "title": str, "personal": int, "doc_type": str,
                                "position": int}, pk="name",
           not_null=("color", "key", "title", "personal", "doc_type", "position"),
           defaults={"key": "", "title": "", "personal": 0, "doc_type": "", "position": 0})
    _table(db, "history", {"id": int, "step": int, "label": str, "deltas": str, "undone": int, "at": float}, pk="id",
           not_null=("step", "label", "deltas", "undone", "at"), defaults={"undone": 0},
           indexes={"history_step": ("step",), "history_undone": ("undone", "step")})
    _table(db, "jobs", {"name": str, "kind": str, "state": str, "updated": float}, pk="name",
           not_null=("kind", "state", "updated"))


def m002_search(conn: sqlite3.Connection) -> None:
    """Full-text search over transcriptions (trigram tokenizer: Hangul substrings match).

    Written in SQL, not with sqlite-utils' ``enable_fts``: that runs ``executescript``, which commits
    the migration's transaction halfway (a failed upgrade would leave a half-migrated file), and its
    update trigger re-indexes a region's text on every change of any column (a dragged box would
    rewrite the index); these triggers fire only when the text changes."""
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


def _bump(name_sql: str, delta: str) -> str:
    sql = (f"INSERT INTO counts(name, n) VALUES ({name_sql}, {delta}) "
           f"ON CONFLICT(name) DO UPDATE SET n = n + ({delta});")
    if delta.startswith("-") and "||" in name_sql:  # a status no row has any more leaves no row behind
        sql += f" DELETE FROM counts WHERE name = {name_sql} AND n = 0;"
    return sql


def m005_counts(conn: sqlite3.Connection) -> None:
    """Counts kept up to date by triggers in the same transaction as each edit, so that the window's
    status bar and ``hanji info`` read a few rows instead of counting the whole project (393 ms an
    edit at 100,000 documents). ``counts(name, n)``: ``documents:<status>``, ``regions:<status>``,
    ``links``, ``keyvalues``, ``linked_images``, ``image_bytes``, ``history_steps``."""
    _table(_db(conn), "counts", {"name": str, "n": int}, pk="name", not_null=("n",), defaults={"n": 0})
    doc = "'documents:' || {0}.status"
    reg = "'regions:' || {0}.status"
    _script(conn, f"""
        CREATE TRIGGER counts_documents_ai AFTER INSERT ON documents BEGIN
            {_bump(doc.format("new"), "1")}
            {_bump("'linked_images'", "new.path IS NOT NULL")} END;
        CREATE TRIGGER counts_documents_ad AFTER DELETE ON documents BEGIN
            {_bump(doc.format("old"), "-1")}
            {_bump("'linked_images'", "-(old.path IS NOT NULL)")} END;
        CREATE TRIGGER counts_documents_au AFTER UPDATE OF status, path ON documents
            WHEN old.status IS NOT new.status OR (old.path IS NULL) IS NOT (new.path IS NULL) BEGIN
            {_bump(doc.format("old"), "-1")}
            {_bump(doc.format("new"), "1")}
            {_bump("'linked_images'", "(new.path IS NOT NULL) - (old.path IS NOT NULL)")} END;
        CREATE TRIGGER counts_regions_ai AFTER INSERT ON regions BEGIN
            {_bump(reg.format("new"), "1")} END;
        CREATE TRIGGER counts_regions_ad AFTER DELETE ON regions BEGIN
            {_bump(reg.format("old"), "-1")} END;
        CREATE TRIGGER counts_regions_au AFTER UPDATE OF status ON regions WHEN old.status IS NOT new.status BEGIN
            {_bump(reg.format("old"), "-1")}
            {_bump(reg.format("new"), "1")} END;
        CREATE TRIGGER counts_links_ai AFTER INSERT ON links BEGIN {_bump("'links'", "1")} END;
        CREATE TRIGGER counts_links_ad AFTER DELETE ON links BEGIN {_bump("'links'", "-1")} END;
        CREATE TRIGGER counts_keyvalues_ai AFTER INSERT ON keyvalues BEGIN {_bump("'keyvalues'", "1")} END;
        CREATE TRIGGER counts_keyvalues_ad AFTER DELETE ON keyvalues BEGIN {_bump("'keyvalues'", "-1")} END;
        CREATE TRIGGER counts_images_ai AFTER INSERT ON images BEGIN {_bump("'image_bytes'", "new.size")} END;
        CREATE TRIGGER counts_images_ad AFTER DELETE ON images BEGIN {_bump("'image_bytes'", "-old.size")} END;
        CREATE TRIGGER counts_history_ai AFTER INSERT ON history
            WHEN NOT EXISTS (SELECT 1 FROM history WHERE step = new.step AND id <> new.id) BEGIN
            {_bump("'history_steps'", "1")} END;
        CREATE TRIGGER counts_history_ad AFTER DELETE ON history
            WHEN NOT EXISTS (SELECT 1 FROM history WHERE step = old.step) BEGIN
            {_bump("'history_steps'", "-1")} END;
        INSERT INTO counts(name, n) SELECT 'documents:' || status, COUNT(*) FROM documents GROUP BY status;
        INSERT INTO counts(name, n) SELECT 'regions:' || status, COUNT(*) FROM regions GROUP BY status;
        INSERT INTO counts(name, n) VALUES
            ('links', (SELECT COUNT(*) FROM links)),
            ('keyvalues', (SELECT COUNT(*) FROM keyvalues)),
            ('linked_images', (SELECT COUNT(*) FROM documents WHERE path IS NOT NULL)),
            ('image_bytes', (SELECT COALESCE(SUM(size), 0) FROM images)),
            ('history_steps', (SELECT COUNT(DISTINCT step) FROM history));
        """)


def m006_team(conn: sqlite3.Connection) -> None:
    """Who did what, review and labeling consistency (issue 21), as plain tables a second backend can
    carry as they are: each history entry names its ``author`` and the document it touched
    (``doc_id``, filled in here for the steps already there); ``reviews`` holds a document's review
    decision (one row a document), ``review_events`` every submission, decision and comment (a
    comment may be pinned to a region); ``assignments`` names the labelers a document is given to
    on purpose (two for the agreement share); ``label_versions`` keeps each labeler's finished
    version of such a document (regions and key-values as JSON). No foreign keys: a removed
    document's review rows stay until an undo brings it back, and queries join ``documents``."""
    db = _db(conn)
    history = db["history"]
    history.add_column("author", str, not_null_default="")
    history.add_column("doc_id", int)
    conn.execute(
        "UPDATE history SET doc_id = COALESCE(json_extract(deltas, '$[0][3].doc_id'), "
        "json_extract(deltas, '$[0][2].doc_id'), CASE WHEN json_extract(deltas, '$[0][0]') = 'documents' "
        "THEN json_extract(deltas, '$[0][1]') END)")
    history.create_index(["doc_id"], index_name="history_doc")
    history.create_index(["author", "at"], index_name="history_author")
    _table(db, "reviews", {"doc_id": int, "state": str, "labeler": str, "reviewer": str, "at": float}, pk="doc_id",
           not_null=("state", "labeler", "reviewer", "at"), defaults={"labeler": "", "reviewer": ""},
           indexes={"reviews_state": ("state",)})
    _table(db, "review_events", {"id": int, "doc_id": int, "action": str, "author": str, "labeler": str,
                                 "region_id": int, "comment": str, "at": float}, pk="id",
           not_null=("doc_id", "action", "author", "labeler", "comment", "at"),
           defaults={"author": "", "labeler": "", "comment": ""},
           indexes={"review_events_doc": ("doc_id", "id"), "review_events_labeler": ("labeler", "action")})
    db.create_table("assignments", {"doc_id": int, "author": str, "at": float}, pk=("doc_id", "author"),
                    not_null={"doc_id", "author", "at"})
    db.create_table("label_versions", {"doc_id": int, "author": str, "regions": str, "keyvalues": str, "at": float},
                    pk=("doc_id", "author"), not_null={"doc_id", "author", "regions", "keyvalues", "at"},
                    defaults={"regions": "[]", "keyvalues": "[]"})


def m007_packages(conn: sqlite3.Connection) -> None:
    """Offline seats (issue 22): a project split into work packages and merged back. In the base
    project ``packages`` lists the packages handed out (``merged`` set once merged back) and
    ``package_checkouts`` the documents each holds (one package a document); ``conflicts`` keeps
    both versions of everything a merge could not take (JSON, with the base version), open until
    resolved. In a package ``package_base`` holds each document's version at split time (JSON), the
    base of the three-way merge."""
    db = _db(conn)
    _table(db, "packages", {"id": str, "seat": str, "path": str, "docs": int, "created": float, "merged": float,
                            "info": str}, pk="id", not_null=("seat", "path", "docs", "created", "info"),
           defaults={"seat": "", "path": "", "docs": 0, "info": "{}"})
    _table(db, "package_checkouts", {"doc_id": int, "package": str, "seat": str, "at": float}, pk="doc_id",
           not_null=("package", "seat", "at"), defaults={"seat": ""},
           indexes={"package_checkouts_package": ("package",)})
    _table(db, "package_base", {"doc_id": int, "version": str}, pk="doc_id", not_null=("version",))
    _table(db, "conflicts", {"id": int, "doc_id": int, "package": str, "kind": str, "target": str, "base": str,
                             "ours": str, "theirs": str, "state": str, "resolution": str, "at": float}, pk="id",
           not_null=("doc_id", "package", "kind", "target", "base", "ours", "theirs", "state", "resolution", "at"),
           defaults={"target": "", "base": "null", "ours": "null", "theirs": "null", "state": "open",
                     "resolution": ""},
           indexes={"conflicts_state": ("state", "doc_id"), "conflicts_package": ("package",)})


def m008_claims(conn: sqlite3.Connection) -> None:
    """Claims (issue 21, many writers at once): the seat (one open store of one person) that has a
    document open for editing. One row a document: ``holder`` (the person), ``seat`` (a random id of
    the open store), ``taken`` and ``renewed`` (seconds since the epoch; the database server's clock
    on PostgreSQL). A claim not renewed by an edit for the project's ``claim_expiry_s`` (meta, 600 s
    by default) has expired and may be taken by another seat; see :mod:`hanji.store.claims`. No
    foreign key: a removed document's claim is simply never renewed."""
    _table(_db(conn), "claims", {"doc_id": int, "holder": str, "seat": str, "taken": float, "renewed": float},
           pk="doc_id", not_null=("holder", "seat", "taken", "renewed"), defaults={"holder": ""},
           indexes={"claims_seat": ("seat",)})


def m009_short_search(conn: sqlite3.Connection) -> None:
    """Search for one- and two-character queries (issue 20), too short for the trigram indexes: a
    contentless FTS5 index of each region's (and key-value's) character pairs (:func:`grams`, ascii
    tokenizer, no positions), kept by triggers like the trigram ones. A two-character query is one
    token; one character a prefix. SQLite-only (the triggers call ``hanji_grams``, which
    :func:`register_functions` gives each connection); the PostgreSQL backend must port it."""
    register_functions(conn)
    _script(conn,
        """
        CREATE VIRTUAL TABLE regions_short_fts USING fts5(grams, content='', detail='none', columnsize=0, prefix='8',
                                                      tokenize='ascii');
        CREATE TRIGGER regions_short_fts_ai AFTER INSERT ON regions BEGIN
            INSERT INTO regions_short_fts(rowid, grams) VALUES (new.id, hanji_grams(new.text)); END;
        CREATE TRIGGER regions_short_fts_ad AFTER DELETE ON regions BEGIN
            INSERT INTO regions_short_fts(regions_short_fts, rowid, grams)
            VALUES ('delete', old.id, hanji_grams(old.text)); END;
        CREATE TRIGGER regions_short_fts_au AFTER UPDATE OF text ON regions BEGIN
            INSERT INTO regions_short_fts(regions_short_fts, rowid, grams)
            VALUES ('delete', old.id, hanji_grams(old.text));
            INSERT INTO regions_short_fts(rowid, grams) VALUES (new.id, hanji_grams(new.text)); END;
        INSERT INTO regions_short_fts(rowid, grams) SELECT id, hanji_grams(text) FROM regions;
        CREATE VIRTUAL TABLE keyvalues_short_fts USING fts5(grams, content='', detail='none', columnsize=0, prefix='8',
                                                        tokenize='ascii');
        CREATE TRIGGER keyvalues_short_fts_ai AFTER INSERT ON keyvalues BEGIN
            INSERT INTO keyvalues_short_fts(rowid, grams) VALUES (new.id, hanji_grams(new.key, new.value)); END;
        CREATE TRIGGER keyvalues_short_fts_ad AFTER DELETE ON keyvalues BEGIN
            INSERT INTO keyvalues_short_fts(keyvalues_short_fts, rowid, grams)
            VALUES ('delete', old.id, hanji_grams(old.key, old.value)); END;
        CREATE TRIGGER keyvalues_short_fts_au AFTER UPDATE OF key, value ON keyvalues BEGIN
            INSERT INTO keyvalues_short_fts(keyvalues_short_fts, rowid, grams)
            VALUES ('delete', old.id, hanji_grams(old.key, old.value));
            INSERT INTO keyvalues_short_fts(rowid, grams) VALUES (new.id, hanji_grams(new.key, new.value)); END;
        INSERT INTO keyvalues_short_fts(rowid, grams) SELECT id, hanji_grams(key, value) FROM keyvalues;
        INSERT INTO regions_short_fts(regions_short_fts) VALUES ('optimize');
        """
    )


def m010_deferred_index(conn: sqlite3.Connection) -> None:
    """The search indexes' insert triggers skip rows inserted while the connection defers them
    (:func:`defer_search_index`: an import batch, which indexes its rows in one statement a
    table). SQLite-only; nothing to do on PostgreSQL."""
    register_functions(conn)
    _script(conn,
        """
        DROP TRIGGER regions_ai;
        CREATE TRIGGER regions_ai AFTER INSERT ON regions WHEN NOT hanji_deferred() BEGIN
            INSERT INTO regions_fts(rowid, text) VALUES (new.id, new.text); END;
        DROP TRIGGER regions_short_fts_ai;
        CREATE TRIGGER regions_short_fts_ai AFTER INSERT ON regions WHEN NOT hanji_deferred() BEGIN
            INSERT INTO regions_short_fts(rowid, grams) VALUES (new.id, hanji_grams(new.text)); END;
        DROP TRIGGER keyvalues_ai;
        CREATE TRIGGER keyvalues_ai AFTER INSERT ON keyvalues WHEN NOT hanji_deferred() BEGIN
            INSERT INTO keyvalues_fts(rowid, key, value) VALUES (new.id, new.key, new.value); END;
        DROP TRIGGER keyvalues_short_fts_ai;
        CREATE TRIGGER keyvalues_short_fts_ai AFTER INSERT ON keyvalues WHEN NOT hanji_deferred() BEGIN
            INSERT INTO keyvalues_short_fts(rowid, grams) VALUES (new.id, hanji_grams(new.key, new.value)); END;
        """
    )


m010_deferred_index.pg = ""  # type: ignore[attr-defined]  # (hanji.store.pg_schema.pg_script)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m002_search, m003_models,
                                                         m004_keyvalue_search, m005_counts, m006_team,
                                                         m007_packages, m008_claims, m009_short_search,
                                                         m010_deferred_index]
SCHEMA_VERSION = len(MIGRATIONS)
