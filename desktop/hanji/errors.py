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
