"""Long work off the GUI thread: a job function run on a QThread with progress and cancel."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

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


class GuiRelay(QObject):
    """Runs a worker's callbacks on the thread that made the relay (the GUI thread).

    A signal connected to a plain function or lambda runs it on the emitting (worker) thread, where
    touching a widget can crash; connected to a slot of this QObject, which lives in the GUI thread,
    the call is queued to the GUI thread."""

    def __init__(self, worker: Worker, progress=None, finished=None, failed=None, cancelled=None, parent=None):
        super().__init__(parent)
        self._cb = {"progress": progress, "finished": finished, "failed": failed, "cancelled": cancelled}
        worker.progress.connect(self.on_progress)
        worker.finished.connect(self.on_finished)
        worker.failed.connect(self.on_failed)
        worker.cancelled.connect(self.on_cancelled)
        worker.relays.append(self)  # kept alive as long as the worker

    def _call(self, name, *args) -> None:
        cb = self._cb[name]
        if cb is not None:
            cb(*args)

    @Slot(int, int, str)
    def on_progress(self, done, total, msg):
        self._call("progress", done, total, msg)

    @Slot(object)
    def on_finished(self, result):
        self._call("finished", result)

    @Slot(str)
    def on_failed(self, message):
        self._call("failed", message)

    @Slot()
    def on_cancelled(self):
        self._call("cancelled")


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
        self.relays: list[GuiRelay] = []
        self.thread = QThread()
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)

    def on_gui(self, progress=None, finished=None, failed=None, cancelled=None) -> GuiRelay:
        """Callbacks that run on the calling (GUI) thread; see GuiRelay. Call before ``start``."""
        return GuiRelay(self, progress, finished, failed, cancelled)

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
