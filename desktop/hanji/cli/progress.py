"""A progress bar for long commands (tqdm on stderr), fed by a job's progress callback. tqdm is
imported when a bar is made: every command module imports this one, and tqdm's import (its version
through importlib.metadata, logging, email) is a tenth of a command's start."""

from __future__ import annotations

import sys


class Bar:
    """``Bar(desc)`` is a job progress callback ``(done, total, message)``; use as a context manager."""

    def __init__(self, desc: str, unit: str = "it"):
        from tqdm import tqdm

        self.bar = tqdm(desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, disable=None)

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        if total is not None and self.bar.total != total:
            self.bar.total = total
        self.bar.n = done
        if message:
            self.bar.set_postfix_str(message[:40], refresh=False)
        self.bar.refresh()

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc) -> None:
        self.bar.close()
