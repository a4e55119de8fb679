"""The one exception type for errors a user can cause."""

from __future__ import annotations

from pathlib import Path


class HanjiError(Exception):
    """An error a user can cause: the message names the file, the place in it and what is wrong."""

    def __init__(self, message: str, path: str | Path | None = None, where: str | None = None):
        self.path = str(path) if path is not None else None
        self.where = where
        parts = []
        if self.path:
            parts.append(self.path + (f" ({where})" if where else ""))
        parts.append(message)
        super().__init__(": ".join(parts))
        self.reason = message

    def __reduce__(self):
        """Pickled with its fields (an import's reader process sends its errors to the importing one;
        the default would call the class with the joined message alone)."""
        return _rebuild, (type(self), self.reason, self.path, self.where), self.__dict__


def _rebuild(cls: type[HanjiError], message: str, path: str | None, where: str | None) -> HanjiError:
    e = cls.__new__(cls)
    HanjiError.__init__(e, message, path, where)
    return e


class ReadOnlyProject(HanjiError):
    """A healthy project that cannot be written where it is (read-only file, folder or file system):
    open it with ``readonly=True``."""


class OutsideDataset(HanjiError):
    """An image a dataset names outside the folder it was imported from (refused unless allowed).
    ``folder`` is the folder the name points into, so that a window can offer to allow it."""

    def __init__(self, message: str, path=None, where=None, folder: str = ""):
        super().__init__(message, path, where)
        self.folder = folder


class DiskFull(HanjiError):
    """The disk (or the project's size limit) is full: what was being written was not written, and
    everything before it is intact. Not a bad entry: a job stops on it instead of skipping."""
