"""The project store behind :class:`ProjectStore`: one SQLite file per project (the default), or a
PostgreSQL database shared by a team (``postgresql://user@host:port/dbname``,
:class:`~hanji.store.pgstore.PgProjectStore`). :func:`open_project` and :func:`create_project` take
either name; so do ``ProjectStore.open`` and ``ProjectStore.create``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from hanji.store import pgstore as _pgstore  # noqa: F401 - puts the PostgreSQL backend in names.BACKENDS
from hanji.store.history import Change
from hanji.store.names import is_url, project_name
from hanji.store.project import ProjectStore


def open_project(name: str | Path, readonly: bool = False, integrity: bool | None = None) -> ProjectStore:
    """Open the project a path or a ``postgresql://`` URL names (a clear error for anything else)."""
    return ProjectStore.open(name, readonly=readonly, integrity=integrity)


def create_project(name: str | Path, entity_types: Iterable = ()) -> ProjectStore:
    """Create a project: a new file at a path, or a new project in an empty PostgreSQL database."""
    return ProjectStore.create(name, entity_types)


__all__ = ["Change", "ProjectStore", "create_project", "is_url", "open_project", "project_name"]
