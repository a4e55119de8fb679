"""Make docs/screenshots/conflicts_<lang>.png: the real window with Review → Merge conflicts… open on
the demo project after a work package was merged back with conflicts (run under ``xvfb-run -a``).

    HANJI_LANG=en xvfb-run -a -s "-screen 0 1680x1050x24" .venv/bin/python tests/ui/make_screenshot_conflicts.py \\
        docs/screenshots/conflicts_en.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from screenshot_app import demo_window, save_grab


def make_conflicts(win) -> int:
    """Split the demo project into one package, edit a receipt there and in the project, merge."""
    from hanji.domain.model import KeyValue, Region
    from hanji.jobs.packages import merge, split
    from hanji.store.project import ProjectStore

    store = win.store
    receipt = next(d for d in store.documents() if d.doc_type == "receipt" and store.regions(d.id))
    out = split(store, Path(tempfile.mkdtemp()), users=["민지"])[0]
    regions = store.regions(receipt.id)
    target = max(regions, key=lambda r: len(r.text))
    x0, y0 = min(p[0] for p in target.points), max(p[1] for p in target.points)
    with ProjectStore.open(out.path) as pkg:
        pkg.user = "민지"
        pkg.update_region(target.id, text=target.text + " (확인)", status="confirmed", tags=[])
        pkg.add_region(receipt.id, Region([(x0, y0 + 30), (x0 + 260, y0 + 30), (x0 + 260, y0 + 62),
                                           (x0, y0 + 62)], text="카드 승인 00412", status="confirmed"))
        pkg.set_keyvalues(receipt.id, [KeyValue("total", "13,000")])
    store.update_region(target.id, text=target.text.replace("0", "5", 1), status="edited")
    store.add_region(receipt.id, Region([(x0 + 4, y0 + 31), (x0 + 250, y0 + 31), (x0 + 250, y0 + 63),
                                         (x0 + 4, y0 + 63)], text="카드승인 00412"))
    merge(store, [out.path])
    return target.id


def main(out: str) -> None:
    app, win = demo_window()
    win.setGeometry(0, 0, 1680, 1050)
    win.show()
    make_conflicts(win)
    win.actions_["review.conflicts"].trigger()
    view = win.conflict_view
    view.setGeometry(140, 120, 1400, 780)
    kinds = [c["kind"] for c in view.items]
    view.list.setCurrentRow(kinds.index("region") if "region" in kinds else 0)

    def shoot():
        app.processEvents()
        save_grab(app, view, out, whole_screen=True)
        view.close()
        win.close()
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/conflicts_ko.png")
