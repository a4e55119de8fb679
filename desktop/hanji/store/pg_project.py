"""A Hanji project's schema on a PostgreSQL server: making a database a new project, telling a
project from an empty database or another program's tables, upgrading it (the steps of
:data:`hanji.store.schema.MIGRATIONS` in their PostgreSQL form, then PostgreSQL's own
:data:`~hanji.store.pg_schema.PG_STEPS`) in one transaction, and opening a connection to it."""

from __future__ import annotations

import time
from typing import Any

from hanji.errors import HanjiError
from hanji.store.pg import PgConnection, _first_line, _psycopg


def schema_version(conn: PgConnection) -> int:
    """The project's schema version; a clear error for a database that is not a Hanji project."""
    return _versions(conn)[0]


def _versions(conn: PgConnection) -> tuple[int, int]:
    """The project's schema version and how many of :data:`~hanji.store.pg_schema.PG_STEPS` it has
    (one statement); a clear error for a database that is not a Hanji project."""
    from hanji.store.pg_schema import PG_STEPS_KEY
    from hanji.store.schema import APPLICATION_ID

    psycopg = _psycopg()
    has_meta = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
    if not has_meta:
        n = conn.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
        if n == 0:
            raise HanjiError("the database is empty, not a Hanji project yet; make it one with `hanji new URL`",
                             conn.display)
        raise HanjiError("not a Hanji project (the database holds another program's tables)", conn.display)
    try:
        got = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('application_id', "
                                "'schema_version', ?)", (PG_STEPS_KEY,)).fetchall())
    except (psycopg.Error, HanjiError) as e:
        raise HanjiError("not a Hanji project (the database holds another program's tables)", conn.display) from e
    if got.get("application_id") != str(APPLICATION_ID) or not str(got.get("schema_version", "")).isdigit():
        raise HanjiError("not a Hanji project (the database holds another program's tables)", conn.display)
    steps = str(got.get(PG_STEPS_KEY) or "0")
    return int(got["schema_version"]), int(steps) if steps.isdigit() else 0


def _run_steps(conn: PgConnection, first: int, first_pg: int | None = None) -> None:
    """Schema steps ``first``... of :data:`MIGRATIONS`, then PostgreSQL's own steps ``first_pg``...
    of :data:`~hanji.store.pg_schema.PG_STEPS` (none when None), in the open transaction."""
    from hanji.store.pg_schema import PG_STEPS, pg_script
    from hanji.store.schema import MIGRATIONS

    scripts = []
    for m in MIGRATIONS[first:]:
        sql = pg_script(m)
        if sql is None:
            raise HanjiError(f"this Hanji has no PostgreSQL form of the schema step {m.__name__}", conn.display)
        scripts.append(sql)
    if first_pg is not None:
        scripts += [sql for _, sql in PG_STEPS[first_pg:]]
    for sql in scripts:
        if sql.strip():
            try:
                conn.raw.execute(sql)
            except _psycopg().Error as e:
                raise conn._error(e) from e


def create(url: str, entity_rows: list[dict[str, Any]]) -> None:
    """Make the database at ``url`` a new, empty Hanji project (one transaction). Refuses a database
    that already holds a project or another program's tables."""
    from hanji import __version__
    from hanji.store.pg_schema import PG_STEPS, PG_STEPS_KEY
    from hanji.store.schema import APPLICATION_ID, SCHEMA_VERSION

    conn = PgConnection(url)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]:
                raise HanjiError("the database already holds a Hanji project; choose another database "
                                 "(createdb NAME)", conn.display)
            n = conn.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
            if n:
                raise HanjiError(f"the database is not empty ({n} tables of another program); make a new one "
                                 "with createdb NAME", conn.display)
            _run_steps(conn, 0, 0)
            meta = {"application_id": str(APPLICATION_ID), "schema_version": str(SCHEMA_VERSION),
                    PG_STEPS_KEY: str(len(PG_STEPS)), "created": str(time.time()), "hanji_version": __version__}
            for k, v in meta.items():
                conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (k, v))
            for r in entity_rows:
                conn.execute("INSERT INTO entity_types(name, color, key, title, personal, doc_type, position) "
                             "VALUES (:name,:color,:key,:title,:personal,:doc_type,:position)", r)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def migrate(conn: PgConnection) -> int:
    """Bring the project up to this Hanji's schema, PostgreSQL's own steps included, in one
    transaction (another seat may have done it meanwhile: the versions are read again under the
    lock). Returns the version."""
    from hanji.store.pg_schema import PG_STEPS, PG_STEPS_KEY
    from hanji.store.schema import SCHEMA_VERSION

    conn.execute("BEGIN IMMEDIATE")
    try:
        version, steps = _versions(conn)
        if version < SCHEMA_VERSION or steps < len(PG_STEPS):
            _run_steps(conn, min(version, SCHEMA_VERSION), steps if steps < len(PG_STEPS) else None)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                         "EXCLUDED.value", (PG_STEPS_KEY, str(max(steps, len(PG_STEPS)))))
    except BaseException as e:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(e, Exception):
            why = e.reason if isinstance(e, HanjiError) else _first_line(e)
            raise HanjiError(f"upgrading the project failed ({why}); it is unchanged", conn.display) from e
        raise
    conn.execute("COMMIT")
    return SCHEMA_VERSION


def open_connection(url: str, readonly: bool) -> PgConnection:
    """A connection to the project at ``url``, its schema brought up to date when opened for writing."""
    from hanji.store.pg_schema import PG_STEPS
    from hanji.store.schema import SCHEMA_VERSION

    conn = PgConnection(url, readonly=readonly)
    try:
        version, steps = _versions(conn)
        if version > SCHEMA_VERSION:
            raise HanjiError(f"the project was written by a newer Hanji (schema {version}, this one reads up to "
                             f"{SCHEMA_VERSION}); update Hanji to open it", conn.display)
        if version < SCHEMA_VERSION or steps < len(PG_STEPS):
            if readonly:
                raise HanjiError("the project needs an upgrade; open it for writing once", conn.display)
            migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn
