"""Project-file speed at 100,000 regions, against PPOCRLabel's way of saving.

PPOCRLabel keeps every label of a folder in one Label.txt and, after an edit, serialises and
rewrites the whole file. We time that (with fsync, as a durable save needs) on the same data.

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
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "desktop"))

from PIL import Image  # noqa: E402

from hanji.domain import Region  # noqa: E402
from hanji.store import ProjectStore  # noqa: E402


def png(i: int) -> bytes:
    im = Image.new("L", (64, 64), i % 256)
    im.putpixel((i % 64, (i // 64) % 64), 255 - i % 256)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def build(path: Path, docs: int, per_doc: int) -> list[int]:
    rng = random.Random(0)
    s = ProjectStore.create(path)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=100_000)
    ap.add_argument("--per-doc", type=int, default=2_000)
    ap.add_argument("--edits", type=int, default=1_000)
    ap.add_argument("--peer-edits", type=int, default=20)
    a = ap.parse_args()
    docs = a.regions // a.per_doc
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.hanji"
        t = time.perf_counter()
        doc_ids = build(path, docs, a.per_doc)
        print(f"build_project {time.perf_counter() - t:.1f} s ({a.regions} regions in {docs} documents)")

        t = time.perf_counter()
        s = ProjectStore.open(path)
        open_s = time.perf_counter() - t
        t = time.perf_counter()
        regs = s.regions(doc_ids[len(doc_ids) // 2])
        load_s = time.perf_counter() - t
        assert len(regs) == a.per_doc

        rng = random.Random(1)
        all_ids = [r[0] for r in s.conn.execute("SELECT id FROM regions")]

        def edits(n: int, pause_s: float) -> list[float]:
            out = []
            for i in range(n):
                rid = rng.choice(all_ids)
                t = time.perf_counter()
                if i % 2:
                    s.update_region(rid, text=f"수정 {i}")
                else:
                    x = rng.uniform(0, 5000)
                    s.update_region(rid, points=[(x, 10), (x + 100, 10), (x + 100, 30), (x, 30)])
                out.append((time.perf_counter() - t) * 1000)
                if pause_s:
                    time.sleep(pause_s)
            return sorted(out)

        times = edits(a.edits, 0.0)  # back to back: the worst case for the write-ahead log
        paced = edits(a.edits // 2, 0.01)  # 100 edits a second, still faster than any labeler
        # the peer: same data as PPOCRLabel's Label.txt
        labels = {}
        for d in doc_ids:
            labels[f"images/{s.document(d).name}"] = [
                {"transcription": r.text, "points": [[int(x), int(y)] for x, y in r.points], "difficult": False}
                for r in s.regions(d)]
        s.close()
        label_file = Path(tmp) / "Label.txt"
        peer = []
        for i in range(a.peer_edits):
            key = rng.choice(list(labels))
            labels[key][i % a.per_doc]["transcription"] = f"수정 {i}"
            t = time.perf_counter()
            ppocrlabel_save(label_file, labels)
            peer.append((time.perf_counter() - t) * 1000)

    med = statistics.median(times)
    p99 = times[int(0.99 * (len(times) - 1))]
    peer_med = statistics.median(peer)
    print(f"edit_commit_median {med:.3f} ms (PPOCRLabel whole-file rewrite {peer_med:.1f} ms, {peer_med / med:.0f}x faster)")
    print(f"edit_commit_p99 {p99:.3f} ms (PPOCRLabel whole-file rewrite {peer_med:.1f} ms, {peer_med / p99:.0f}x faster)")
    print(f"edit_commit_paced_median {statistics.median(paced):.3f} ms, "
          f"p99 {paced[int(0.99 * (len(paced) - 1))]:.3f} ms (100 edits/s)")
    print(f"open_project {open_s * 1000:.1f} ms")
    print(f"load_document_{a.per_doc}_regions {load_s * 1000:.1f} ms")


if __name__ == "__main__":
    main()
