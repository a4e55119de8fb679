"""MainWindow.run_job: the job runs on a worker thread, its callbacks on the GUI thread."""

from __future__ import annotations

import threading


def test_run_job_callbacks_run_on_the_gui_thread(qtbot, ui_project):
    from PySide6.QtWidgets import QProgressDialog

    from hanji.ui.mainwindow import MainWindow

    win = MainWindow(ui_project)
    qtbot.addWidget(win)
    gui = threading.get_ident()
    seen: dict[str, int] = {}

    def job(progress, cancel):
        seen["job"] = threading.get_ident()
        progress(1, 2, "half")
        return 42

    got = []
    w = win.run_job(job, gui_callbacks={"progress": lambda *a: seen.setdefault("progress", threading.get_ident()),
                                        "finished": lambda r: (got.append(r),
                                                               seen.setdefault("finished", threading.get_ident()))})
    qtbot.waitUntil(lambda: got == [42], timeout=10000)
    w.wait()
    assert seen["job"] != gui  # the work itself ran off the GUI thread
    assert seen["progress"] == gui and seen["finished"] == gui
    # the window's own progress dialog was updated and closed from the GUI thread too
    dlgs = win.findChildren(QProgressDialog)
    assert dlgs and all(not d.isVisible() for d in dlgs)
    win.close()


def test_run_job_failure_reaches_the_gui_thread(qtbot, ui_project, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from hanji.ui.mainwindow import MainWindow

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(threading.get_ident()))
    win = MainWindow(ui_project)
    qtbot.addWidget(win)

    def job(progress, cancel):
        raise ValueError("broken image")

    failed = []
    w = win.run_job(job, gui_callbacks={"failed": lambda m: failed.append((m, threading.get_ident()))})
    qtbot.waitUntil(lambda: bool(failed), timeout=10000)
    w.wait()
    assert "broken image" in failed[0][0]
    assert failed[0][1] == threading.get_ident() and shown == [threading.get_ident()]
    win.close()
