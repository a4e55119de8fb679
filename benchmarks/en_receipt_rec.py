"""English line reading, ``ppocr_en`` against a candidate recognizer (``--weights``), same lines, same run:

- SROIE *test* receipts (the last third by name, as benchmarks/kie.py splits them): line CER on the
  dataset's own line boxes, as written, spaces removed, and spaces removed with case ignored (what the
  field comparison counts), and lines exact (that way);
- FUNSD test forms (``--funsd`` forms): word CER on the annotated word boxes, as written (case counts):
  printed forms of another kind than receipts, mixed case;
- rendered English lines in the fonts held out of training (benchmarks/recognize.py's English set).

    .venv/bin/python benchmarks/en_receipt_rec.py --weights PATH [--funsd 8] [--rendered 150]

Both read with their English prior (Recognizer.predict's default). Prints ``name value unit (ppocr_en value)``.
"""

from __future__ import annotations

import os
import sys

# this folder first on the path would let a benchmark named like a standard module shadow it
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    sys.path.append(sys.path.pop(0))

import argparse
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
SHARED = ROOT.parent / "shared" / "data"

import hanji.models  # noqa: E402,F401
from hanji.models.recognize.decode import cer  # noqa: E402


def sroie_test_lines() -> list[tuple[np.ndarray, str]]:
    """Line crops of the SROIE test receipts (imported, sorted by name, the last third: kie.py's split)."""
    import io
    import tempfile

    from hanji.jobs.transfer import import_path
    from hanji.models.pipeline import crop_region
    from hanji.store import ProjectStore

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        store = ProjectStore.create(Path(tmp) / "sroie.hanji")
        import_path(store, SHARED / "sroie", "sroie")
        docs = sorted(store.documents(), key=lambda d: d.name)
        test = docs[int(len(docs) * 2 / 3):]
        print(f"# SROIE test receipts {test[0].name}..{test[-1].name} ({len(test)})")
        for d in test:
            rgb = np.asarray(Image.open(io.BytesIO(store.image_bytes(d.id))).convert("RGB"))
            for r in store.regions(d.id):
                if r.text.strip():
                    out.append((crop_region(rgb, r.points), r.text.strip()))
        store.close()
    return out


def funsd_words(limit: int) -> list[tuple[np.ndarray, str]]:
    from hanji.models.pipeline import crop_region

    root = SHARED / "funsd" / "testing_data"
    out = []
    for ann in sorted((root / "annotations").glob("*.json"))[:limit]:
        rgb = np.asarray(Image.open(root / "images" / (ann.stem + ".png")).convert("RGB"))
        for e in json.loads(ann.read_text(encoding="utf-8"))["form"]:
            for w in e.get("words", []):
                x0, y0, x1, y1 = w["box"]
                t = w.get("text", "").strip()
                if t and x1 - x0 >= 0.8 * (y1 - y0) and y1 > y0:
                    out.append((crop_region(rgb, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]), t))
    return out


def report(name: str, value: float, unit: str, base: float) -> None:
    print(f"{name} {value:.4f} {unit} (ppocr_en {base:.4f})", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--weights", required=True, help="the candidate recognizer's weights")
    ap.add_argument("--funsd", type=int, default=8)
    ap.add_argument("--rendered", type=int, default=150)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    import torch

    from hanji.models import zoo

    torch.set_num_threads(args.threads)
    base = zoo.recognizer("ppocr_en")
    cand = zoo.recognizer("candidate", path=args.weights)
    print(f"# candidate {args.weights}: {cand.version}")

    def read(rec, lines):
        t0, c0 = time.perf_counter(), time.process_time()
        preds = [t for t, _ in rec.predict([c for c, _ in lines])]
        return preds, time.perf_counter() - t0, time.process_time() - c0

    sets = [("sroie_test", sroie_test_lines())]
    if (SHARED / "funsd").is_dir() and args.funsd:
        sets.append(("funsd_words", funsd_words(args.funsd)))
    if args.rendered:
        from recognize import english_set  # benchmarks/recognize.py (held-out fonts)

        sets.append(("rendered_en", english_set(args.rendered)))
    for name, lines in sets:
        refs = [t for _, t in lines]
        (pb, tb, cb), (pc, tc, cc) = read(base, lines), read(cand, lines)
        print(f"# {name}: {len(lines)} lines; read in {tb:.0f} / {tc:.0f} s wall, {cb:.0f} / {cc:.0f} s CPU "
              f"(ppocr_en / candidate)", flush=True)
        ways = [("as_written", lambda s: s), ("no_spaces", lambda s: s.replace(" ", "")),
                ("no_spaces_no_case", lambda s: s.replace(" ", "").upper())]
        for way, f in ways:
            report(f"{name}.cer_{way}", cer([f(p) for p in pc], [f(r) for r in refs]), "CER",
                   cer([f(p) for p in pb], [f(r) for r in refs]))
        f = ways[-1][1]
        report(f"{name}.lines_exact_no_spaces_no_case", float(np.mean([f(p) == f(r) for p, r in zip(pc, refs)])),
               "share", float(np.mean([f(p) == f(r) for p, r in zip(pb, refs)])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
