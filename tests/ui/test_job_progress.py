"""A job run from the window, to its end, many times: the progress dialog is shown (the job outlasts
its delay), the last progress and the end arrive back to back, and nothing touches the dialog once
it is gone (issue 17, blocker 2: a segfault in ``dlg.setValue`` at the end of pre-annotating)."""

from __future__ import annotations

import threading
import time

import pytest
import shiboken6

from hanji.domain.model import Region


class SlowPipeline:
    recognizer_name = "fake-slow"
    source = "model:fake"
    low_confidence = 0.8

    def __init__(self, delay: float, fail: bool = False):
        self.delay, self.fail = delay, fail

    def page(self, rgb):
        time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("the model broke")
        h, w = rgb.shape[:2]
        return [Region(points=[(10, 10), (w * 0.6, 10), (w * 0.6, 60), (10, 60)], kind="quad", text="가짜",
                       machine_text="가짜", confidence=0.95, status="machine", source=self.source)]


@pytest.fixture
def slow(monkeypatch):
    from hanji.ui import model_cache

    pipe = SlowPipeline(0.35)
    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", lambda *a: pipe)
    return pipe


def run_to_end(qtbot, window, start) -> None:
    ended = threading.Event()
    w = start()
    assert w is not None
    for sig in (w.finished, w.failed, w.cancelled):
        sig.connect(lambda *_: ended.set())
    qtbot.waitUntil(lambda: ended.is_set() and window.job is None, timeout=20000)
    qtbot.wait(30)  # the dialog's deferred deletion, any late progress
    return w


def test_preannotating_from_the_window_many_times_ends_without_a_crash(window, qtbot, slow):
    from hanji.ui import jobs_menu

    dialogs = []
    for k in range(10):
        if k % 2:
            window.session.set_document(window.documents.visible_ids()[k // 2 % 2])
        w = run_to_end(qtbot, window, lambda: jobs_menu.preannotate_current(window))
        dialogs.append(w.dialog)
        assert not shiboken6.isValid(w.dialog) or not w.dialog.isVisible()
    # whole project and selected documents too (several documents: progress between them)
    for start in (lambda: jobs_menu.preannotate_selected(window), lambda: jobs_menu.preannotate_project(window)):
        run_to_end(qtbot, window, start)
    qtbot.wait(100)
    assert all(not shiboken6.isValid(d) for d in dialogs), "every progress dialog is deleted once its job ended"
    assert "Pre-annotated" in window.statusBar().currentMessage()


def test_progress_after_the_end_touches_nothing(window, qtbot):
    """A job whose worker sends progress in a burst right up to its end, with the dialog up."""
    from hanji.ui import jobs_menu

    def burst(progress, cancel):
        time.sleep(0.35)
        for i in range(200):
            progress(i, 200, f"step {i}")
        return "ok"

    got = []
    for _ in range(5):
        run_to_end(qtbot, window, lambda: jobs_menu.start_job(window, "burst", burst, on_done=got.append))
    assert got == ["ok"] * 5


def test_a_failing_and_a_cancelled_job_end_cleanly(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox, QPushButton

    from hanji.ui import jobs_menu, model_cache

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", lambda *a: SlowPipeline(0.35, fail=True))
    run_to_end(qtbot, window, lambda: jobs_menu.preannotate_current(window))
    assert any("the model broke" in m for m in shown)

    gate = threading.Event()

    def held(progress, cancel):
        progress(0, 3, "waiting")
        gate.wait(10)
        cancel.check()
        return None

    w = jobs_menu.start_job(window, "held", held, show_after_ms=0)
    qtbot.waitUntil(lambda: w.dialog.isVisible(), timeout=5000)
    w.dialog.findChild(QPushButton).click()  # its Cancel button
    gate.set()
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)
    assert "cancelled" in window.statusBar().currentMessage()


def test_the_cancel_button_of_a_window_job_cancels_it(window, qtbot):
    """File → Add images… and the demo run through the window's run_job: its Cancel button reaches
    the worker (it was connected to the worker object, whose thread runs no event loop while it works)."""
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    gate = threading.Event()
    ended = []

    def held(progress, cancel):
        progress(0, 2, "waiting")
        gate.wait(10)
        cancel.check()
        return "finished"

    w = window.run_job(held, gui_callbacks={"cancelled": lambda: ended.append("cancelled"),
                                            "finished": lambda r: ended.append(r)})
    assert w is not None

    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)), timeout=10000)
    dlg = next(d for d in window.findChildren(QProgressDialog) if d.isVisible())
    dlg.findChild(QPushButton).click()
    gate.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=10000)
    assert ended == ["cancelled"]


def test_a_one_document_job_is_not_modal_and_shows_a_busy_bar(window, qtbot, slow):
    """Issue 17 item 14: pre-annotating the open document leaves the window usable, and its dialog shows
    a busy bar instead of jumping from 0 % to done; a job over the whole project stays modal."""
    from PySide6.QtCore import Qt

    from hanji.ui import jobs_menu

    w = jobs_menu.preannotate_current(window)
    assert w.dialog.windowModality() == Qt.WindowModality.NonModal
    # the fake model takes 350 ms: wait until the dialog has shown a progress report ("title\nmessage")
    qtbot.waitUntil(lambda: not shiboken6.isValid(w.dialog) or "\n" in w.dialog.labelText(), timeout=5000)
    assert shiboken6.isValid(w.dialog), "the job outlasted its first progress report"
    assert w.dialog.maximum() == 0, "a one-document job shows a busy bar, not 0 % of 1"
    qtbot.waitUntil(lambda: window.job is None, timeout=20000)

    w = jobs_menu.preannotate_project(window)
    assert w.dialog.windowModality() == Qt.WindowModality.WindowModal
    qtbot.waitUntil(lambda: window.job is None, timeout=20000)
