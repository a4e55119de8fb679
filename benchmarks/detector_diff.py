"""Which true lines of the realistic Korean pages one detector finds and another loses (issue 15):
both pipelines read the same pages with the same recognizer and the 0.5 score filter; a line is found
when a reading region matches it one-to-one at IoU >= 0.5 (as ``realistic_det_hmean`` counts).

    .venv/bin/python benchmarks/detector_diff.py CANDIDATE.pt [--pages 30]

Prints the lines lost and gained by page kind, the unmatched detections of each, and the lost lines
with the candidate's readings that overlap them.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import realistic_pages  # noqa: E402

import hanji.models  # noqa: E402,F401  (before torch, as the app does)
from hanji.domain.geometry import iou  # noqa: E402
from hanji.models import zoo  # noqa: E402
from hanji.models.pipeline import OcrPipeline  # noqa: E402
from hanji.models.weights import load_state  # noqa: E402


def matched(dets, gts) -> set[int]:
    pairs = sorted(((iou(d, g), i, j) for i, d in enumerate(dets) for j, g in enumerate(gts)), reverse=True)
    used_d, used_g = set(), set()
    for v, i, j in pairs:
        if v < 0.5:
            break
        if i in used_d or j in used_g:
            continue
        used_d.add(i)
        used_g.add(j)
    return used_g


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("candidate", help="detector weights to compare with the shipped ones")
    ap.add_argument("--pages", type=int, default=30)
    args = ap.parse_args()
    pages = realistic_pages.pages(args.pages)
    if not pages:
        raise SystemExit(f"realistic pages not built: {realistic_pages.SKIPPED}")
    shipped = OcrPipeline(recognizer="ko", min_score=0.5, device="cpu")
    cand = OcrPipeline(detector=zoo.detector("cpu", state=load_state(args.candidate)), recognizer="ko",
                       min_score=0.5, device="cpu")
    lost, gained, unmatched, examples = collections.Counter(), collections.Counter(), [0, 0], []
    for k, p in enumerate(pages):
        gts = [q for q, _ in p.lines]
        a, b = shipped.page(p.image), cand.page(p.image)
        ma, mb = matched([r.points for r in a], gts), matched([r.points for r in b], gts)
        unmatched[0] += len(a) - len(ma)
        unmatched[1] += len(b) - len(mb)
        for j in sorted(ma - mb):
            lost[p.kind] += 1
            examples.append((k, p.kind, p.lines[j][1], [r.text for r in b if iou(r.points, gts[j]) > 0.1]))
        for _j in mb - ma:
            gained[p.kind] += 1
    print(f"lost {dict(lost)} gained {dict(gained)} unmatched detections shipped/candidate {unmatched}")
    for e in examples:
        print(*e)


if __name__ == "__main__":
    main()
