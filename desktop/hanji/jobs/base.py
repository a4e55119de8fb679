"""What every long job shares: a progress callback and a cancel token.

A job is a plain function ``run(store, ..., progress=..., cancel=...)``. It calls
``progress(done, total, message)`` as it goes, calls ``cancel.check()`` between units of work
(raising :class:`Cancelled`), commits each unit in its own transaction, and records where it got
to (``store.save_job_state``) so that running it again resumes instead of repeating work.
The window runs jobs on a QThread (``hanji.ui.worker``); the CLI runs them with a progress bar.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Cancelled(Exception):
    """Raised inside a job when its cancel token was set."""


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, message: str = "") -> None: ...


def no_progress(done: int, total: int | None = None, message: str = "") -> None:
    return None


class CancelToken:
    """Set from any thread; checked by the job between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()
