"""Project-store speed at 100,000 regions on both backends, against PPOCRLabel's way of saving.

PPOCRLabel keeps every label of a folder in one Label.txt and, after an edit, serialises and
rewrites the whole file. We time that (with fsync, as a durable save needs) on the same data, in
the same run as the store's backends:

- ``sqlite``: the project file (the default, one person);
- ``postgresql``: a team's project in a PostgreSQL database reached over a Unix socket. Without
  ``--pg-url`` a throw-away local cluster is started for the run (``initdb`` into a temp folder,
  fsync on, as a server keeps it; tests/pg_cluster.py). Each edit there also checks and renews the
  seat's claim of the document, and sends a NOTIFY to the other seats, in its transaction.

Figures: an edit's commit (median / p99, back to back and paced at 100 edits a second), the
document switch (what the window asks of the store when a document of 2,000 regions is opened:
the claim of the new document with the others given back on PostgreSQL, then the document, its
regions, links, key-values and image), open and load; on PostgreSQL also how long another seat
waits to hear of an edit (LISTEN/NOTIFY).

Prints one line per figure: ``name value unit (peer value, ratio)``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
sys.path.insert(0, str(ROOT / "tests"))

from PIL import Image  # noqa: E402

from hanji.domain import Region  # noqa: E402
from hanji.store import ProjectStore  # noqa: E402


def png(i: int) -> bytes:
    im = Image.new("L", (64, 64), i % 256)
    im.putpixel((i % 64, (i // 64) % 64), 255 - i % 256)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def build(name, docs: int, per_doc: int) -> list[int]:
    rng = random.Random(0)
    s = ProjectStore.create(name)
    ids = []
    for d in range(docs):
        doc, _ = s.add_image_bytes(f"receipt_{d:04d}.png", png(d))
        ids.append(doc.id)
        regions = []
        for k in range(per_doc):
            x, y = rng.uniform(0, 5000), rng.uniform(0, 3000)
            regions.append(Region([(x, y), (x + 120, y), (x + 120, y + 24), (x, y + 24)],
                                  text=f"품목 {k} 아메리카노 4,500원", status="confirmed", order=k))
        s.add_regions(doc.id, regions, record=False)
    s.optimize()  # as an import does at its end
    s.close()
    return ids


def ppocrlabel_save(label_file: Path, labels: dict[str, list[dict]]) -> None:
    # PPOCRLabel.saveLabelFile: rebuild every line, write the whole file; fsync for durability
    with open(label_file, "w", encoding="utf-8") as f:
        for key, shapes in labels.items():
            f.write(key + "\t" + json.dumps(shapes, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def pct(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[int(q * (len(sorted_ms) - 1))]


def measure(backend: str, name, a, tmp: Path) -> dict:
    """Every figure of one backend; the PPOCRLabel peer on the same data when ``backend`` is sqlite."""
    docs = a.regions // a.per_doc
    out: dict = {}
    t = time.perf_counter()
    doc_ids = build(name, docs, a.per_doc)
    out["build_s"] = time.perf_counter() - t

    t = time.perf_counter()
    s = ProjectStore.open(name)
    out["open_ms"] = (time.perf_counter() - t) * 1000
    s.user = "bench"
    t = time.perf_counter()
    regs = s.regions(doc_ids[len(doc_ids) // 2])
    out["load_ms"] = (time.perf_counter() - t) * 1000
    assert len(regs) == a.per_doc

    rng = random.Random(1)
    all_ids = [r[0] for r in s.conn.execute("SELECT id FROM regions")]
    by_doc: dict[int, list[int]] = {}
    for r in s.conn.execute("SELECT id, doc_id FROM regions"):
        by_doc.setdefault(r[1], []).append(r[0])

    def edits(n: int, pause_s: float, one_doc: bool) -> list[float]:
        res = []
        pool = by_doc[doc_ids[0]] if one_doc else all_ids
        for i in range(n):
            rid = rng.choice(pool)
            t = time.perf_counter()
            if i % 2:
                s.update_region(rid, text=f"수정 {i}")
            else:
                x = rng.uniform(0, 5000)
                s.update_region(rid, points=[(x, 10), (x + 100, 10), (x + 100, 30), (x, 30)])
            res.append((time.perf_counter() - t) * 1000)
            if pause_s:
                time.sleep(pause_s)
        return sorted(res)

    out["edits"] = edits(a.edits, 0.0, one_doc=False)  # back to back, any document: the worst case
    out["edits_one_doc"] = edits(a.edits // 2, 0.0, one_doc=True)  # a labeler on one document
    out["paced"] = edits(a.edits // 2, 0.01, one_doc=False)  # 100 edits a second, still faster than any labeler

    # the document switch: what the window asks of the store on opening a document
    claims = backend != "sqlite"  # ui/seats.py claims on a shared project only
    switches = []
    order = doc_ids * 2
    for d in order[: a.switches]:
        t = time.perf_counter()
        if claims:
            s.switch_claim(d)
        s.document(d)
        s.regions(d)
        s.links(d)
        s.keyvalues(d)
        s.image_bytes(d)
        switches.append((time.perf_counter() - t) * 1000)
    out["switch"] = sorted(switches)

    if backend != "sqlite":  # how long another seat waits to hear of an edit
        other = ProjectStore.open(name)
        heard: list[float] = []
        got = threading.Event()

        def on_change(ch):
            if ch.table == "regions" and ch.seat:
                heard.append(time.perf_counter())
                got.set()

        other.subscribe(on_change)
        other.listen()
        lat = []
        pool = by_doc[doc_ids[0]]
        for i in range(a.notify):
            got.clear()
            heard.clear()
            t = time.perf_counter()
            s.update_region(rng.choice(pool), text=f"들림 {i}")
            if got.wait(5.0):
                lat.append((heard[0] - t) * 1000)
            time.sleep(0.005)
        other.close()
        out["notify"] = sorted(lat)

    if backend == "sqlite":  # the peer: same data as PPOCRLabel's Label.txt
        labels = {}
        for d in doc_ids:
            labels[f"images/{s.document(d).name}"] = [
                {"transcription": r.text, "points": [[int(x), int(y)] for x, y in r.points], "difficult": False}
                for r in s.regions(d)]
        label_file = tmp / "Label.txt"
        peer = []
        for i in range(a.peer_edits):
            key = rng.choice(list(labels))
            labels[key][i % a.per_doc]["transcription"] = f"수정 {i}"
            t = time.perf_counter()
            ppocrlabel_save(label_file, labels)
            peer.append((time.perf_counter() - t) * 1000)
        out["peer"] = sorted(peer)
    s.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=100_000)
    ap.add_argument("--per-doc", type=int, default=2_000)
    ap.add_argument("--edits", type=int, default=1_000)
    ap.add_argument("--peer-edits", type=int, default=20)
    ap.add_argument("--switches", type=int, default=40, help="document switches timed")
    ap.add_argument("--notify", type=int, default=200, help="edits timed until another seat hears of them")
    ap.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--pg-url", help="an empty database to use instead of a throw-away local cluster")
    a = ap.parse_args()
    backends = [b.strip() for b in a.backends.split(",") if b.strip()]
    results: dict[str, dict] = {}
    cluster = None
    with tempfile.TemporaryDirectory() as tmp:
        for b in backends:
            if b == "sqlite":
                name = Path(tmp) / "bench.hanji"
            elif b == "postgresql":
                if a.pg_url:
                    name = a.pg_url
                else:
                    from pg_cluster import Cluster, cluster_unavailable

                    cluster = Cluster.start(fsync=True)
                    if cluster is None:
                        print(f"postgresql skipped: {cluster_unavailable()}")
                        continue
                    name = cluster.new_database("bench")
            else:
                raise SystemExit(f"unknown backend {b!r} (sqlite or postgresql)")
            try:
                results[b] = measure(b, name, a, Path(tmp))
            finally:
                if cluster is not None:
                    cluster.stop()
                    cluster = None
            print(f"[{b}] build_project {results[b]['build_s']:.1f} s ({a.regions} regions in "
                  f"{a.regions // a.per_doc} documents)", flush=True)

    peer = results.get("sqlite", {}).get("peer")
    peer_med = statistics.median(peer) if peer else None

    def vs(ms: float) -> str:
        if peer_med is None:
            return ""
        return f" (PPOCRLabel whole-file rewrite {peer_med:.1f} ms, {peer_med / ms:.0f}x faster)"

    for b, r in results.items():
        e, one, paced, sw = r["edits"], r["edits_one_doc"], r["paced"], r["switch"]
        print(f"[{b}] edit_commit_median {statistics.median(e):.3f} ms{vs(statistics.median(e))}")
        print(f"[{b}] edit_commit_p99 {pct(e, 0.99):.3f} ms{vs(pct(e, 0.99))}")
        print(f"[{b}] edit_commit_one_document_median {statistics.median(one):.3f} ms, p99 {pct(one, 0.99):.3f} ms")
        print(f"[{b}] edit_commit_paced_median {statistics.median(paced):.3f} ms, p99 {pct(paced, 0.99):.3f} ms "
              "(100 edits/s)")
        print(f"[{b}] document_switch_median {statistics.median(sw):.1f} ms, p99 {pct(sw, 0.99):.1f} ms "
              f"({a.per_doc} regions{', claim included' if b != 'sqlite' else ''})")
        print(f"[{b}] open_project {r['open_ms']:.1f} ms")
        print(f"[{b}] load_document_{a.per_doc}_regions {r['load_ms']:.1f} ms")
        if r.get("notify"):
            n = r["notify"]
            print(f"[{b}] other_seat_hears_edit_median {statistics.median(n):.1f} ms, p99 {pct(n, 0.99):.1f} ms "
                  f"({len(n)}/{a.notify} heard; LISTEN/NOTIFY)")
    if peer_med is not None:
        print(f"ppocrlabel_whole_file_rewrite_median {peer_med:.1f} ms ({a.regions} regions, fsync)")


if __name__ == "__main__":
    main()
