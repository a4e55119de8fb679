"""Shared test helpers: images rendered in code, and the location of ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers import SHARED_DATA


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is not here")
    return SHARED_DATA


@pytest.fixture
def project(tmp_path):
    from hanji.store import ProjectStore

    store = ProjectStore.create(tmp_path / "p.hanji")
    yield store
    store.close()


# ---------------------------------------------------------------------------------------- PostgreSQL
@pytest.fixture(scope="session")
def pg_cluster():
    """A throw-away PostgreSQL cluster for the session (Unix socket in a temp folder, no network
    port; see tests/pg_cluster.py); skips the test when PostgreSQL or psycopg is not installed."""
    from pg_cluster import Cluster, cluster_unavailable

    cluster = Cluster.start()
    if cluster is None:
        pytest.skip(f"no PostgreSQL test cluster: {cluster_unavailable()}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a fresh, empty database on the session's cluster (dropped after the test)."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)
