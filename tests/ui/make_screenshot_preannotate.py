"""Make docs/screenshot-preannotate.png: the window with the Import dialog open (under ``xvfb-run -a``).

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python tests/ui/make_screenshot_preannotate.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from screenshot_app import demo_window, grab_fitted


def main(out: str) -> None:
    app, win = demo_window(register_fonts=True)  # sized to the 1440x900 screen by fit_to_screen
    win.show()
    docs = win.store.documents()
    win.session.set_document(next(d for d in docs if d.doc_type == "receipt").id)
    win.actions_["project.import"].trigger()
    dlg = win._transfer_dialog
    dlg.set_format("ppocrlabel")
    dlg.path.setText(str(Path.home() / "영수증들"))

    def shoot():
        grab_fitted(app, win, out, whole_screen=True)
        dlg.reject()
        win.close()
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot-preannotate.png")
