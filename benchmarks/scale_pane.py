"""The documents pane of a big project, before and after (issue 20): opening it, one document's status
changed (the edit's commit included), and stepping to the next document in the list.

A project of ``--docs`` documents (100,000 by default: tiny 8 × 8 images, so it builds in minutes;
a third of them done) is built through the store API by each code, cached in ``--cache``; each
code's pane is timed in a child process (offscreen Qt). "before" is ``--before`` (a git revision,
extracted as ``benchmarks/scale_jobs.py`` does), "after" this working tree. Prints one line per code:
``label: pane open … ms; status change median … ms; next document median … ms; rows fetched …``.

    python benchmarks/scale_pane.py                 # 100,000 documents, before = dad9bd0
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build(path: Path, n: int) -> None:
    from PIL import Image

    from hanji.store import ProjectStore
    from hanji.store.images import inspect_bytes

    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    store = ProjectStore.create(tmp)
    run = store.imports()
    for lo in range(0, n, 2000):
        with run.batch():
            for i in range(lo, min(n, lo + 2000)):
                im = Image.new("L", (8, 8), i % 256)
                for k in range(4):  # every image its own
                    im.putpixel((k, 7), (i >> (8 * k)) & 255)
                buf = io.BytesIO()
                im.save(buf, "PNG")
                doc, _ = run.add_document(inspect_bytes(buf.getvalue(), f"{i}.png"), f"scan_{i:06d}.png")
                if i % 3 == 0:
                    run.update_document(doc, status="done")
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.replace(path)


def pane_figures(project, status_changes: int = 7, steps: int = 10) -> dict[str, float]:
    """The documents pane over ``project`` (a path or a ``postgresql://`` URL): opening it, the median
    of ``status_changes`` status changes of one document and of ``steps`` steps to the next document
    (ms), and the rows it fetched. ``benchmarks/scale_pg.py`` times a server project with it too."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from hanji.store import ProjectStore
    from hanji.ui.panes.documents import DocumentsPane
    from hanji.ui.session import Session

    app = QApplication.instance() or QApplication([])
    store = ProjectStore.open(project)
    try:
        session = Session(store)
        t = time.perf_counter()
        pane = DocumentsPane(store, session)
        pane.resize(300, 800)
        pane.show()
        app.processEvents()
        open_ms = (time.perf_counter() - t) * 1000
        ids = [d.id for d in store.documents()[:50]]  # (outside the timing)
        changes = []
        for k in range(status_changes):
            t = time.perf_counter()
            store.update_document(ids[10], status=("in_progress", "done")[k % 2])
            app.processEvents()
            changes.append((time.perf_counter() - t) * 1000)
        session.set_document(ids[0])
        app.processEvents()
        times, cur = [], ids[0]
        for _ in range(steps):
            t = time.perf_counter()
            if hasattr(pane, "next_id"):
                nxt = pane.next_id(cur, 1)
            else:  # before: the window stepped through the list of every visible id
                vis = pane.visible_ids()
                nxt = vis[vis.index(cur) + 1]
            session.set_document(nxt)
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
            cur = nxt
        rows = pane.model.rowCount()
        pane.set_store(None)
    finally:
        store.close()
    return {"window_pane_open": open_ms, "window_status_change": statistics.median(changes),
            "window_next_document": statistics.median(times), "rows_fetched": rows}


def measure(path: Path) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    f = pane_figures(path)
    return (f"pane open {f['window_pane_open']:.0f} ms; status change median {f['window_status_change']:.1f} ms; "
            f"next document median {f['window_next_document']:.1f} ms; rows fetched {f['rows_fetched']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--before", default="dad9bd0", help="git revision of the 'before' code ('': after only)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/hanji-scale-pane"))
    ap.add_argument("--child", choices=("build", "measure"), help=argparse.SUPPRESS)
    ap.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "build":
        build(args.project, args.docs)
        return
    if args.child == "measure":
        print(measure(args.project))
        return
    sys.path.insert(0, str(HERE))
    from scale_jobs import code_tree

    args.cache.mkdir(parents=True, exist_ok=True)
    trees = {"after": HERE.parent / "desktop"}
    if args.before:
        trees = {"before": code_tree(args.before, args.cache), **trees}
    for label, code in trees.items():
        env = dict(os.environ, PYTHONPATH=str(code), HANJI_LANG="en")
        project = args.cache / f"pane-{label}-{args.docs}.hanji"
        if not project.exists():
            subprocess.run([sys.executable, __file__, "--child", "build", "--project", str(project),
                            "--docs", str(args.docs)], env=env, check=True)
        out = subprocess.run([sys.executable, __file__, "--child", "measure", "--project", str(project)], env=env,
                             check=True, capture_output=True, text=True).stdout
        print(f"{label} ({args.docs:,} documents): {out.strip().splitlines()[-1]}", flush=True)


if __name__ == "__main__":
    main()
