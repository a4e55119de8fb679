"""Starting the window: open the given project, else the last one, else the demo project."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hanji.errors import HanjiError


def demo_path() -> Path:
    """Where the demo project lives: the per-user data folder."""
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    d = Path(base) if base else Path.home() / ".hanji"
    d.mkdir(parents=True, exist_ok=True)
    return d / "demo.hanji"


def ensure_demo(window) -> Path | None:
    """Create the demo project on first start (on a worker thread, with progress); None if unavailable."""
    path = demo_path()
    if path.exists():
        return path
    try:
        from hanji.jobs.demo import write_demo
    except ImportError as e:
        from PySide6.QtWidgets import QMessageBox

        from hanji.ui.i18n import tr

        QMessageBox.information(window, "Hanji", f"{tr('The demo project is not available in this build')} ({e}).\n"
                                f"{tr('Open a project or create one from the File menu.')}")
        return None
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QMessageBox

    from hanji.ui.i18n import tr

    window.statusBar().showMessage(tr("Creating the demo project…"))
    loop = QEventLoop()
    result: dict[str, str] = {}
    worker = window.run_job(write_demo, path, gui_callbacks={
        "finished": lambda _r: loop.quit(), "cancelled": loop.quit,
        "failed": lambda m: (result.setdefault("error", m), loop.quit())})
    loop.exec()
    worker.wait()
    if "error" in result or not path.exists():
        if "error" in result:
            QMessageBox.warning(window, "Hanji", result["error"])
        return None
    return path


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from hanji.ui import settings
    from hanji.ui.mainwindow import MainWindow

    QCoreApplication.setOrganizationName(settings.ORG)
    QCoreApplication.setApplicationName(settings.APP)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "hanji"])
    from hanji.ui.fonts import register_fonts

    register_fonts()  # the shipped NanumGothic as a fallback: Hangul never shows as boxes
    win = MainWindow()
    win.closed.connect(app.quit)  # closing the window ends the app, whatever else is left open
    win.show()
    app.processEvents()
    target = argv[0] if argv else settings.last_project()
    opened = False
    if target:
        if argv or target.lower().startswith(("postgresql://", "postgres://")) or Path(target).exists():
            opened = win.open_project(target)
    if not opened and not argv:
        demo = ensure_demo(win)
        if demo is not None:
            opened = win.open_project(demo)
    if os.environ.get("HANJI_QUIT_AFTER_START"):  # for the startup-time check (benchmarks/startup.py)
        import time

        from PySide6.QtCore import QTimer

        def ready():
            win.repaint()
            t0 = float(os.environ.get("HANJI_STARTUP_T0", "0") or 0)
            print(f"ready {time.time() - t0:.3f}", flush=True)
            win.close()

        QTimer.singleShot(0, ready)
    if not os.environ.get("HANJI_QUIT_AFTER_START"):
        from PySide6.QtCore import QTimer

        from hanji.ui.dialogs.shortcuts import maybe_choose_keymap
        from hanji.ui.dialogs.tour import maybe_show_tour

        def first_run():
            maybe_choose_keymap(win)  # the keys the labeler knows (PPOCRLabel, labelme, X-AnyLabeling, Hanji)
            maybe_show_tour(win)

        QTimer.singleShot(300, first_run)
    try:
        return app.exec()
    except HanjiError as e:  # pragma: no cover - a last resort; panes show their own errors
        QMessageBox.critical(None, "Hanji", str(e))
        return 1
