"""What the screenshot scripts (make_screenshot*.py, run as scripts under Xvfb) share: an application
with fresh settings in a temporary home, the studio on a freshly written demo project, and the grab."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def demo_window(register_fonts: bool = False):
    """(app, window): a QApplication (UI language ``HANJI_LANG``, Korean by default; settings in a new
    temporary home) and the main window on a demo project written there, not yet shown."""
    os.environ.setdefault("HANJI_LANG", "ko")
    tmp = Path(tempfile.mkdtemp())
    os.environ["HOME"] = str(tmp)  # fresh settings
    os.environ["XDG_CONFIG_HOME"] = str(tmp)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("HanjiScreenshot")
    QCoreApplication.setApplicationName("HanjiScreenshot")
    app = QApplication(sys.argv[:1])
    if register_fonts:
        from hanji.ui.fonts import register_fonts as register

        register()
    from hanji.jobs.demo import write_demo
    from hanji.store.project import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    demo = tmp / "demo.hanji"
    write_demo(demo)
    return app, MainWindow(ProjectStore.open(demo))


def grab_fitted(app, win, out: str, whole_screen: bool) -> None:
    """Fit the canvas, grab the screen (``whole_screen``) or the window (the window's own rendering
    where the screen gives nothing) and save it to ``out``."""
    win.canvas.fit()
    app.processEvents()
    save_grab(app, win, out, whole_screen)


def save_grab(app, widget, out, whole_screen: bool):
    """Grab the screen (``whole_screen``: the widget and whatever is over it) or the widget's window,
    falling back to the widget's own rendering where the screen gives nothing; save it to ``out``."""
    pm = app.primaryScreen().grabWindow(0 if whole_screen else widget.winId())
    if pm.isNull() or pm.width() < 100:
        pm = widget.grab()
    pm.save(str(out))
    print(f"saved {out} {pm.width()}x{pm.height()}")
    return pm
