"""Long work off the GUI thread: a job function run on a QThread with progress and cancel."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from hanji.jobs.base import Cancelled, CancelToken

_LIVE: set[Worker] = set()  # started and not yet finished (kept alive, and waited for at close)


def wait_all(ms: int = 60000, cancel: bool = False) -> bool:
    """Wait for every running worker (cancelling them first if asked): before a project closes."""
    ok = True
    for w in list(_LIVE):
        if cancel:
            w.cancel()
        ok = w.wait(ms) and ok
    return ok


class Worker(QObject):
    """Runs ``fn(progress=..., cancel=...)``; emits progress, then exactly one of finished/failed/cancelled."""

    progress = Signal(int, int, str)  # done, total (-1 unknown), message
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable, *args, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.token = CancelToken()
        self.thread = QThread()
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)

    def start(self) -> None:
        _LIVE.add(self)
        self.thread.finished.connect(lambda: _LIVE.discard(self))
        self.thread.start()

    def cancel(self) -> None:
        self.token.cancel()

    def wait(self, ms: int = 30000) -> bool:
        done = self.thread.wait(ms)
        if done:
            _LIVE.discard(self)
        return done

    def _progress(self, done: int, total: int | None = None, message: str = "") -> None:
        self.progress.emit(int(done), -1 if total is None else int(total), message)

    def _run(self) -> None:
        try:
            result = self.fn(*self.args, progress=self._progress, cancel=self.token, **self.kwargs)
        except Cancelled:
            self.cancelled.emit()
        except Exception as e:  # reported to the window, which shows the message
            msg = str(e) if e.__class__.__name__ == "HanjiError" else f"{e.__class__.__name__}: {e}"
            self.failed.emit(msg + "\n" + traceback.format_exc(limit=3) if not str(e) else msg)
        else:
            self.finished.emit(result)
        finally:
            # quit from the worker's own thread: a queued quit would wait for the GUI thread,
            # which may itself be waiting for this thread to end
            self.thread.quit()
