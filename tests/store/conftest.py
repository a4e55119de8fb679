"""The store's tests run on both backends: ``project``, ``project_name`` and ``new_project_name``
are parametrised over SQLite (a file in the test's folder) and PostgreSQL (a fresh database on the
session's throw-away cluster, tests/pg_cluster.py; skipped with the reason when PostgreSQL or
psycopg is missing). ``sqlite_only`` marks what only a file has (its header, locks, WAL)."""

from __future__ import annotations

import itertools

import pytest

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def new_project_name(backend, tmp_path, request):
    """Call it for the name of a new project that does not exist yet: a path, or an empty database's URL."""
    made: list[str] = []
    counter = itertools.count(1)
    cluster = request.getfixturevalue("pg_cluster") if backend == "postgresql" else None

    def make():
        if cluster is None:
            return tmp_path / f"p{next(counter)}.hanji"
        url = cluster.new_database()
        made.append(url)
        return url

    yield make
    for url in made:
        cluster.drop_database(url)


@pytest.fixture
def project_name(new_project_name):
    return new_project_name()


@pytest.fixture
def project(project_name):
    from hanji.store import create_project

    store = create_project(project_name)
    yield store
    store.close()
