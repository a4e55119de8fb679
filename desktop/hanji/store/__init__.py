"""The SQLite project file."""

from hanji.store.project import Change, ProjectStore

__all__ = ["Change", "ProjectStore"]
