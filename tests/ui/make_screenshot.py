"""Make docs/screenshot.png: the real window on the demo project (run under ``xvfb-run -a``).

    xvfb-run -a -s "-screen 0 1680x1050x24" .venv/bin/python tests/ui/make_screenshot.py docs/screenshot.png
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main(out: str) -> None:
    os.environ.setdefault("HANJI_LANG", "ko")
    tmp = Path(tempfile.mkdtemp())
    os.environ["HOME"] = str(tmp)  # fresh settings
    os.environ["XDG_CONFIG_HOME"] = str(tmp)
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("HanjiScreenshot")
    QCoreApplication.setApplicationName("HanjiScreenshot")
    app = QApplication(sys.argv[:1])
    from hanji.jobs.demo import write_demo
    from hanji.store.project import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    demo = tmp / "demo.hanji"
    write_demo(demo)
    win = MainWindow(ProjectStore.open(demo))
    win.setGeometry(0, 0, 1680, 1050)
    win.show()
    docs = win.store.documents()
    receipt = next(d for d in docs if d.doc_type == "receipt" and d.status == "done")
    win.session.set_document(receipt.id)
    regions = win.store.regions(receipt.id)
    total = next((r for r in regions if any(t.endswith("total") for t in r.tags)), regions[len(regions) // 2])
    win.session.select({total.id}, total.id)

    def shoot():
        win.canvas.fit()
        app.processEvents()
        screen = app.primaryScreen()
        pm = screen.grabWindow(win.winId())
        if pm.isNull() or pm.width() < 100:
            pm = win.grab()
        pm.save(out)
        print(f"saved {out} {pm.width()}x{pm.height()}")
        win.close()
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
