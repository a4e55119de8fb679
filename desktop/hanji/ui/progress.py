"""A job's progress dialog that progress from a worker can never touch once it is gone.

A window-modal QProgressDialog processes events inside ``setValue`` (so that its Cancel button
works); a job's "finished" signal, queued right behind its last progress, was then delivered inside
that call, and the handler closed and deleted the dialog while ``setValue`` was still running on it:
a segfault at the end of pre-annotating, or ``Internal C++ object (QProgressDialog) already
deleted`` on the next line. Here a worker's progress is only recorded; the dialog is updated from
a zero-delay timer of its own, nothing touches it after the job has ended, and the end of a job that
arrives while ``setValue`` runs waits until it has returned.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from hanji.ui.i18n import tr


class JobProgress(QObject):
    def __init__(self, parent: QWidget, title: str, show_after_ms: int = 300, modal: bool = True,
                 status: Callable[[str], None] | None = None):
        super().__init__(parent)
        self.title = title
        self.live = True  # until the job has ended: after that nothing touches the dialog
        self.dialog = dlg = QProgressDialog(title, tr("Cancel"), 0, 0, parent)
        dlg.setWindowTitle(title)
        dlg.setWindowModality(Qt.WindowModality.WindowModal if modal else Qt.WindowModality.NonModal)
        dlg.setMinimumDuration(show_after_ms)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumWidth(420)
        self.canceled = dlg.canceled
        self._status = status
        self._pending: tuple[int, int, str] | None = None
        self._in_set_value = False
        self._after: list[Callable[[], None]] = []  # the job's end, when it came inside setValue
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._apply)

    def report(self, done: int, total: int, msg: str) -> None:
        """A worker's progress (on the GUI thread): the latest is shown when the event loop is next idle."""
        if not self.live:
            return
        self._pending = (done, total, msg)
        if self._status is not None:
            count = f" {done}/{total}" if total > 0 else ""
            self._status(f"{self.title}{count} {msg}".strip())
        if not self._timer.isActive():
            self._timer.start()

    def _apply(self) -> None:
        if not self.live or self._pending is None:
            return
        done, total, msg = self._pending
        self._pending = None
        dlg = self.dialog
        # a job of one item (one document) has no steps to count: a busy bar until it ends, never 0 % -> done
        dlg.setMaximum(max(total, 0) if total != 1 else 0)
        dlg.setLabelText(f"{self.title}\n{msg}" if msg else self.title)
        self._in_set_value = True
        try:
            dlg.setValue(min(done, total) if total > 1 else 0)  # may process events (a modal dialog)
        finally:
            self._in_set_value = False
        after, self._after = self._after, []
        for fn in after:
            fn()

    def end(self, then: Callable[[], None] | None = None) -> None:
        """The job has ended: close the dialog, then run ``then`` (after ``setValue`` has returned when
        the end arrived inside it)."""
        if self._in_set_value:
            self._after.append(lambda: self.end(then))
            return
        if self.live:
            self.live = False
            self._timer.stop()
            self.dialog.close()
            self.dialog.deleteLater()
            self.deleteLater()
        if then is not None:
            then()
