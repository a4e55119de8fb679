"""Make docs/screenshot-preannotate.png: the window with the Import dialog open (under ``xvfb-run -a``).

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python tests/ui/make_screenshot_preannotate.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main(out: str) -> None:
    os.environ.setdefault("HANJI_LANG", "ko")
    tmp = Path(tempfile.mkdtemp())
    os.environ["HOME"] = str(tmp)
    os.environ["XDG_CONFIG_HOME"] = str(tmp)
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("HanjiScreenshot")
    QCoreApplication.setApplicationName("HanjiScreenshot")
    app = QApplication(sys.argv[:1])
    from hanji.jobs.demo import write_demo
    from hanji.store.project import ProjectStore
    from hanji.ui.fonts import register_fonts
    from hanji.ui.mainwindow import MainWindow

    register_fonts()
    demo = tmp / "demo.hanji"
    write_demo(demo)
    win = MainWindow(ProjectStore.open(demo))  # sized to the 1440x900 screen by fit_to_screen
    win.show()
    docs = win.store.documents()
    win.session.set_document(next(d for d in docs if d.doc_type == "receipt").id)
    win.actions_["project.import"].trigger()
    dlg = win._transfer_dialog
    dlg.set_format("ppocrlabel")
    dlg.path.setText(str(Path.home() / "영수증들"))

    def shoot():
        win.canvas.fit()
        app.processEvents()
        pm = app.primaryScreen().grabWindow(0)
        if pm.isNull() or pm.width() < 100:
            pm = win.grab()
        pm.save(out)
        print(f"saved {out} {pm.width()}x{pm.height()}")
        dlg.reject()
        win.close()
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot-preannotate.png")
