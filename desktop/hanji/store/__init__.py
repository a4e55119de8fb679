"""The project store: one SQLite file per project, behind :class:`ProjectStore`."""

from hanji.store.history import Change
from hanji.store.project import ProjectStore

__all__ = ["Change", "ProjectStore"]
