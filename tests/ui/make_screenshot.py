"""Make docs/screenshot.png: the real window on the demo project (run under ``xvfb-run -a``).

    xvfb-run -a -s "-screen 0 1680x1050x24" .venv/bin/python tests/ui/make_screenshot.py docs/screenshot.png
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from screenshot_app import demo_window, grab_fitted


def main(out: str) -> None:
    app, win = demo_window()
    win.setGeometry(0, 0, 1680, 1050)
    win.show()
    docs = win.store.documents()
    receipt = next(d for d in docs if d.doc_type == "receipt" and d.status == "done")
    win.session.set_document(receipt.id)
    regions = win.store.regions(receipt.id)
    total = next((r for r in regions if any(t.endswith("total") for t in r.tags)), regions[len(regions) // 2])
    win.session.select({total.id}, total.id)

    def shoot():
        grab_fitted(app, win, out, whole_screen=False)
        win.close()
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
