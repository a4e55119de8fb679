"""Screenshots of a shared (PostgreSQL) project with two seats (issue 21), the real window under Xvfb:

    xvfb-run -a -s "-screen 0 1680x1050x24" env HANJI_LANG=en .venv/bin/python tests/ui/make_screenshot_seats.py \
        docs/screenshots

- ``seats_claimed_document.png``: the window of seat "lee" on a receipt seat "kim" is editing: the
  read-only banner names kim, the documents list marks what kim and "park" hold;
- ``review_queue.png``: the review queue over the window (documents kim and park submitted, one
  taken into review by lee, one rejected with a comment).

A throw-away PostgreSQL cluster is started for it (tests/pg_cluster.py); the demo project is
written to a file first and its documents copied into the database through the store.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: pg_cluster
from screenshot_app import save_grab  # noqa: E402 (beside this script)


def copy_demo(url: str) -> None:
    from hanji.jobs.demo import write_demo
    from hanji.store import ProjectStore

    src_path = Path(tempfile.mkdtemp()) / "demo.hanji"
    write_demo(src_path)
    src = ProjectStore.open(src_path, readonly=True)
    dst = ProjectStore.create(url, src.entity_types())
    dst.user = "kim"
    for d in src.documents():
        doc, _ = dst.add_image_bytes(d.name, src.image_bytes(d.id))
        dst.update_document(doc.id, record=False, doc_type=d.doc_type, status=d.status)
        regions = src.regions(d.id)
        if regions:
            dst.add_regions(doc.id, regions, record=False)
        kvs = src.keyvalues(d.id)
        if kvs:
            dst.set_keyvalues(doc.id, kvs, record=False)
    src.close()
    dst.close()


def main(out_dir: str) -> None:
    import os

    os.environ.setdefault("HANJI_LANG", "en")
    from pg_cluster import Cluster, cluster_unavailable

    cluster = Cluster.start()
    if cluster is None:
        raise SystemExit(f"no PostgreSQL: {cluster_unavailable()}")
    try:
        url = cluster.new_database("shots")
        copy_demo(url)
        shoot(url, Path(out_dir))
    finally:
        cluster.stop()


def shoot(url: str, out: Path) -> None:
    import os

    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    home = Path(tempfile.mkdtemp())
    os.environ["HOME"] = str(home)
    os.environ["XDG_CONFIG_HOME"] = str(home)
    QCoreApplication.setOrganizationName("HanjiScreenshot")
    QCoreApplication.setApplicationName("HanjiScreenshot")
    app = QApplication(sys.argv[:1])
    from hanji.ui.fonts import register_fonts

    register_fonts()
    from hanji.store import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    kim, park, lee = (ProjectStore.open(url) for _ in range(3))
    kim.user, park.user, lee.user = "kim", "park", "lee"
    docs = kim.documents()
    receipts = [d for d in docs if d.doc_type == "receipt"] or docs
    target = receipts[0]
    others = [d for d in docs if d.id != target.id]
    # review: kim and park submitted documents; lee took one into review; one was rejected
    done = [d for d in others[:-1] if kim.regions(d.id)][:3]
    for i, d in enumerate(done):
        who = kim if i % 2 == 0 else park
        who.submit(d.id)
        who.release()
    lee.start_review(done[0].id)
    if len(done) > 2:
        regions = lee.regions(done[2].id)
        lee.reject(done[2].id, "The total is 12,000, not 12,800: fix the amount", regions[0].id if regions else None)
        lee.release()
    # kim is editing the receipt, park another document
    kim.claim(target.id)
    kim.update_document(target.id, status="in_progress")
    park.claim(others[-1].id)

    win = MainWindow(lee)
    win.setGeometry(0, 0, 1680, 1050)
    win.show()
    win.session.set_document(target.id)

    def first():
        win.canvas.fit()
        app.processEvents()
        assert win.seats.read_only, "the claimed document did not open read-only"
        save_grab(app, win, out / "seats_claimed_document.png", whole_screen=False)
        print(f"banner {win.seats.banner.text()!r} {win.seats.banner.width()}x{win.seats.banner.height()} "
              f"on a canvas {win.canvas.width()} wide")
        win.session.set_document(done[1].id)
        win.canvas.fit()
        win.actions_["review.queue"].trigger()
        dlg = win.review_queue_dialog
        dlg.resize(620, 420)
        dlg.move(520, 260)
        QTimer.singleShot(800, second)

    def second():
        win.canvas.fit()  # the document's image has loaded by now
        app.processEvents()
        # the whole screen: the window and the queue over it
        save_grab(app, win.review_queue_dialog, out / "review_queue.png", whole_screen=True)
        win.review_queue_dialog.close()
        win.close()
        for s in (kim, park):
            s.close()
        app.quit()

    QTimer.singleShot(1500, first)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
