"""What every long job shares: a progress callback and a cancel token.

A job is a plain function ``run(store, ..., progress=..., cancel=...)``. It calls
``progress(done, total, message)`` as it goes, calls ``cancel.check()`` between units of work
(raising :class:`Cancelled`), commits each unit in its own transaction, and records where it got
to (``store.save_job_state``) so that running it again resumes instead of repeating work.
The window runs jobs on a QThread (``hanji.ui.worker``); the CLI runs them with a progress bar.
"""

from __future__ import annotations

import sys
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


def can_fork() -> bool:
    """Whether a job may fork worker processes here (the images hashed by ``hanji duplicates``, an
    import's reader): Linux, no Qt loaded, on the main thread (the command line, or a script). A job
    of the window runs on a QThread beside Qt's own, which a fork would copy mid-step; and a worker
    started fresh instead would run the caller's main script again, which a script without a
    ``__main__`` guard does not survive. The daemon threads a command may have (tqdm's monitor, the
    store's WAL checkpointer) are not copied into a worker, and a worker touches nothing of theirs:
    it works on what it is given and sends back plain data."""
    if not sys.platform.startswith("linux") or "PySide6.QtCore" in sys.modules:
        return False
    return threading.current_thread() is threading.main_thread()


def worker_start(parent: int, project: str | None = None) -> None:
    """First thing in a forked worker: be killed when the process that forked it ends, however it
    ends (Linux's PR_SET_PDEATHSIG; a worker left behind by a killed command would wait forever on
    a queue nobody reads), and close the worker's copies of the descriptors of the ``project`` file
    (and its log and shared memory): the copy of the one the project's lock is taken on would keep
    the project locked after the command ended. ``parent``: the forking process's pid, read before
    the fork (it may have died already)."""
    import ctypes
    import os
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)
    if project is None:
        return
    names = {os.path.realpath(project) + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") in names:
                os.close(int(fd))
        except OSError:
            continue
