"""Where the Korean recognizer's errors on the realistic pages come from.

Reads every line of the realistic set (benchmarks/realistic_pages.py, or its validation twin with
``--validation``, benchmarks/realistic_validation.py) from its true box, and again from the box the
detector found for it, and prints the CER (spaces ignored, as benchmarks/ocr.py) grouped by what
the line went through: the print effect (dot-matrix, thermal fade, white on black, letter spacing,
double width), the photo effects (photo or scan, blur, scale), the font family, the character
class of each error (Hangul, digit, Latin, symbol), the most frequent confusions, and the share
of the page CER that comes from crops (true box against detected box) and from lines not found.

    .venv/bin/python benchmarks/ocr_errors.py                       # the benchmark's 30 pages
    .venv/bin/python benchmarks/ocr_errors.py --validation --pages 30
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    sys.path.append(sys.path.pop(0))
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import hanji.models  # noqa: E402,F401


def _norm(s: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFC", s or "").split())


def errors(pred: str, ref: str) -> tuple[int, list[tuple[str, str, str]]]:
    """(edit distance, [(op, ref char, pred char)]) with spaces ignored."""
    from rapidfuzz.distance import Levenshtein

    p, r = _norm(pred), _norm(ref)
    ops = []
    for op, i, j in Levenshtein.editops(r, p):
        ops.append((op, r[i] if op != "insert" else "", p[j] if op != "delete" else ""))
    return len(ops), ops


def groups(a: dict) -> dict[str, str]:
    """The groups a line belongs to, by attribute."""
    size_px = a["size"] * a["scale"]
    return {
        "effect": ("dot-matrix" if a["dot_matrix"] else "white-on-black" if a["white_on_black"]
                   else "letter-spaced" if a["spacing"] >= 0.3 else "double-width" if a["wide"] > 1 else "plain"),
        "thermal": "thermal fade" if a["thermal"] else "no fade",
        "capture": "photo" if a["photo"] else "scan",
        "blur": a["blur"] + (" >0.8" if a["blur"] == "defocus" and a.get("sigma", 0) > 0.8 else ""),
        "text px": "<16" if size_px < 16 else "16-20" if size_px < 20 else "20-24" if size_px < 24 else ">=24",
        "skew": "|angle|>4" if abs(a["angle"]) > 4 else "|angle|<=4",
        "jpeg": "q<60" if a["jpeg"] < 60 else "q>=60",
        "family": a["family"],
        "kind": a["kind"],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=30)
    ap.add_argument("--seed", type=int, default=None, help="default: the benchmark's 7 (validation: 31)")
    ap.add_argument("--validation", action="store_true", help="the validation twin (training fonts and text)")
    ap.add_argument("--no-detect", action="store_true", help="true boxes only (no detector)")
    ap.add_argument("--tight", action="store_true", help="true boxes cut at their edge (default: with BOX_MARGIN, "
                    "as benchmarks/ocr.py's line CER)")
    ap.add_argument("--weights", default=None, help="a recognizer weights file (default: the shipped one)")
    ap.add_argument("--top", type=int, default=25, help="confusions to list")
    ap.add_argument("--dump", default=None, help="write each line's truth, reading and groups here (TSV)")
    args = ap.parse_args(argv)

    import realistic_validation as rv
    from ocr_realistic import match_pairs

    from hanji.models import zoo
    from hanji.models.pipeline import BOX_MARGIN, OcrPipeline, crop_region

    seed = args.seed if args.seed is not None else (rv.VALIDATION_SEED if args.validation else 7)
    data = rv.annotated(args.pages, seed, validation=args.validation)
    rec = zoo.recognizer("ko", "cpu", path=args.weights) if args.weights else zoo.recognizer("ko", "cpu")
    crops, truths, attrs, where = [], [], [], []
    for k, (p, la) in enumerate(data):
        for j, ((q, t), a) in enumerate(zip(p.lines, la)):
            crops.append(crop_region(p.image, q, (0.0, 0.0) if args.tight else BOX_MARGIN))
            truths.append(t)
            attrs.append(a)
            where.append((k, j))
    read = rec.predict(crops)
    preds = [t for t, _ in read]
    scores = [s for _, s in read]  # greedy decoding's confidence, with or without the prior

    total_err = total_len = 0
    by: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    cls_err: Counter = Counter()
    cls_len: Counter = Counter()
    confusions: Counter = Counter()
    from hanji.domain.text import char_class

    per_line = []
    for t, pr, a in zip(truths, preds, attrs):
        e, ops = errors(pr, t)
        n = len(_norm(t))
        per_line.append((e, n))
        total_err += e
        total_len += n
        for g, v in groups(a).items():
            by[g][v][0] += e
            by[g][v][1] += n
            by[g][v][2] += 1
        for c in _norm(t):
            cls_len[char_class(c)] += 1
        for op, rc, pc in ops:
            cls_err[char_class(rc or pc) + (" (inserted)" if op == "insert" else "")] += 1
            confusions[(rc or "∅", pc or "∅")] += 1
    print(f"# {'validation' if args.validation else 'benchmark'} pages: {len(data)}, lines {len(truths)}, seed {seed}")
    print(f"line CER (true boxes{', tight' if args.tight else ', BOX_MARGIN'}) {100 * total_err / total_len:.2f} %  ({total_err} errors / {total_len} characters)")
    for g, vals in by.items():
        print(f"\n## by {g}")
        print("| group | lines | characters | errors | CER | share of all errors |")
        for v, (e, n, c) in sorted(vals.items(), key=lambda kv: -kv[1][0]):
            print(f"| {v} | {c} | {n} | {e} | {100 * e / max(1, n):.2f} % | {100 * e / max(1, total_err):.1f} % |")
    print("\n## by character class (errors attributed to the true character; insertions to the read one)")
    print("| class | characters | errors | per character | share of all errors |")
    for c, e in cls_err.most_common():
        base = cls_len.get(c.split(" ")[0], 0)
        print(f"| {c} | {base} | {e} | {100 * e / max(1, base):.2f} % | {100 * e / max(1, total_err):.1f} % |")
    print("\n## most frequent confusions (true -> read)")
    print(", ".join(f"{a}→{b} {n}" for (a, b), n in confusions.most_common(args.top)))
    # confidence: how the errors spread over the greedy score
    print("\n## by greedy confidence of the line")
    print("| score | lines | CER | share of all errors |")
    for lo, hi in ((0, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01)):
        sel = [i for i, s in enumerate(scores) if lo <= s < hi]
        e = sum(per_line[i][0] for i in sel)
        n = sum(per_line[i][1] for i in sel)
        print(f"| {lo:.2f}-{min(hi, 1):.2f} | {len(sel)} | {100 * e / max(1, n):.2f} % | {100 * e / max(1, total_err):.1f} % |")
    lines_wrong = sum(1 for e, _ in per_line if e)
    print(f"lines with an error: {lines_wrong} of {len(per_line)}; errors in the 20 worst lines: "
          f"{sum(sorted((e for e, _ in per_line), reverse=True)[:20])}")

    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for (k, j), t, pr, a, sc, (e, n) in zip(where, truths, preds, attrs, scores, per_line):
                f.write(f"{k}\t{j}\t{e}\t{n}\t{sc:.3f}\t{t}\t{pr}\t{groups(a)}\n")

    if args.no_detect:
        return 0
    # crops: the true box against the detected box of the same line; lines the detector missed
    pipe = OcrPipeline(recognizer=rec, device="cpu", direction=None)
    pipe.read_pieces = False  # boxes by geometry alone (the letter-spaced merge does not read its pieces)
    same_e = same_n = det_e = missed_n = 0
    looser = []
    for k, (p, _) in enumerate(data):
        found = [r.points for r in pipe.detect(p.image)]
        quads = [q for q, _ in p.lines]
        pairs = match_pairs(found, quads)
        got = {j for _, j in pairs}
        if pairs:
            det_preds = [t for t, _ in rec.predict([crop_region(p.image, found[i]) for i, _ in pairs])]
        else:
            det_preds = []
        idx = {w: n for n, w in enumerate(where)}
        for (i, j), dp in zip(pairs, det_preds):
            n0 = idx[(k, j)]
            t = truths[n0]
            same_e += errors(preds[n0], t)[0]
            det_e += errors(dp, t)[0]
            same_n += len(_norm(t))
            fb, tb = found[i], quads[j]
            fh = max(y for _, y in fb) - min(y for _, y in fb)
            th = max(y for _, y in tb) - min(y for _, y in tb)
            looser.append(fh / max(1e-6, th))
        missed_n += sum(len(_norm(p.lines[j][1])) for j in range(len(quads)) if j not in got)
    print("\n## crops: the same lines read from the true box and from the detected box")
    print(f"matched lines' characters {same_n}: CER true box {100 * same_e / max(1, same_n):.2f} %, "
          f"detected box {100 * det_e / max(1, same_n):.2f} %")
    print(f"characters of lines not found (IoU < 0.5): {missed_n} ({100 * missed_n / max(1, total_len):.2f} % of all)")
    if looser:
        import statistics

        print(f"detected box height / true box height: median {statistics.median(looser):.2f}, "
              f"10th {sorted(looser)[len(looser) // 10]:.2f}, 90th {sorted(looser)[9 * len(looser) // 10]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
