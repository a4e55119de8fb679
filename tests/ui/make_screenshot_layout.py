"""Screenshots of the whole screen with the studio and its dashboard window open, on the demo
project, at a given screen size and UI language (run under Xvfb, the real xcb window):

    for s in 1280x720 1920x1080; do for l in ko en; do
      xvfb-run -a -s "-screen 0 ${s}x24" env HANJI_LANG=$l .venv/bin/python tests/ui/make_screenshot_layout.py \
          docs/screenshots/studio_${s}_$l.png
    done; done
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from screenshot_app import demo_window


def main(out: str) -> None:
    app, win = demo_window(register_fonts=True)
    from hanji.ui import layout

    avail = app.primaryScreen().availableGeometry()
    win.show()
    docs = win.store.documents()
    doc = next((d for d in docs if d.doc_type == "business_registration"), docs[0])
    win.session.set_document(doc.id)
    dash = layout.show_dashboard(win)
    # the dashboard beside the canvas, over the right docks: the studio's canvas and documents stay in view
    dw, dh = int(avail.width() * 0.55), int(avail.height() * 0.8)
    dash.setGeometry(avail.right() - dw, avail.bottom() - dh, dw, dh)

    def shoot():
        app.processEvents()
        pm = app.primaryScreen().grabWindow(0)  # the whole screen: both windows
        pm.save(out)
        g = win.frameGeometry()
        print(f"saved {out} {pm.width()}x{pm.height()}; studio {g.width()}x{g.height()} at {g.x()},{g.y()}; "
              f"canvas {win.canvas.width()} px; dashboard {dash.width()}x{dash.height()}")
        dash.close()
        win.close()
        app.quit()

    def refreshed():
        QTimer.singleShot(800, shoot)

    if win.dashboard is not None:
        win.dashboard.updated.connect(refreshed)
    QTimer.singleShot(60000, shoot)  # never wait forever
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/studio.png")
