"""Helpers for store tests that run on both backends (tests/store/conftest.py parametrises them)."""

from __future__ import annotations


def other_connection(store):
    """A second connection to the store's project, as another program would open (``?`` parameters
    on both backends)."""
    if store.backend == "sqlite":
        import sqlite3

        return sqlite3.connect(str(store.path))
    from hanji.store.pg import PgConnection

    return PgConnection(store.conn.url)
