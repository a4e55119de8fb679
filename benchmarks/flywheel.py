"""The flywheel: does labelling more documents of a domain the shipped recognizer reads badly make it
read that domain better? Held-out CER before and after ``hanji train recognizer PROJECT`` for N
labelled documents.

    .venv/bin/python benchmarks/flywheel.py [--ns 0 5 10 20] [--steps 120] [--heldout 6] [--png docs/flywheel.png]
                                            [--detector-steps 40]

The domain: Korean receipts (``hanji.synth.documents``, receipt templates) typeset in the fonts
held out of the recognizer's training (``hanji.synth.lines.HELD_OUT_FONTS``) and printed as dot
matrix: every third pixel row and column of the page is left blank, so each stroke is a run of
dots, a style the shipped recognizer never saw. Each document's lines are confirmed labels.

For each N a project holds the same ``--heldout`` documents (pinned held-out with
``attrs["split"]``) and N other documents; the flywheel starts from the shipped recognizer,
measures CER on the held-out lines, fine-tunes ``--steps`` steps on the N documents' lines (a
quarter of each batch rendered lines of the training fonts) and measures again. N = 0 is the
shipped recognizer itself. Runs on one CPU thread. Prints ``name value unit (peer value, ratio)``
lines, the peer being the shipped recognizer, and plots the curve to ``--png``. ``general_cer``
checks that the fine-tuned recognizer still reads what it read before (clean rendered lines in the
held-out fonts, ``hanji.jobs.train_recognizer.eval_lines``). ``--detector-steps`` also fine-tunes
the detector on the largest N and prints held-out H-mean before and after (``flywheel_hmean``).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from hanji.domain.model import Region  # noqa: E402

BENCH_SEED = 31_337


def dot_matrix(img: np.ndarray, period: int = 3) -> np.ndarray:
    """Blank every ``period``-th pixel row and column: strokes become dots."""
    a = img.copy()
    a[::period, :, :] = 255
    a[:, ::period, :] = 255
    return a


def make_receipt(seed: int) -> tuple[bytes, list[Region]]:
    """One receipt of the domain: PNG bytes and its confirmed text lines."""
    from hanji.synth.documents import make_document
    from hanji.synth.fonts import korean_fonts
    from hanji.synth.lines import HELD_OUT_FONTS

    fonts = [p for p in korean_fonts() if p.name in HELD_OUT_FONTS]
    r = random.Random(seed)
    doc = make_document("receipt", seed, font=r.choice(fonts))
    page = dot_matrix(np.asarray(doc.image.convert("RGB")))
    buf = io.BytesIO()
    Image.fromarray(page).save(buf, "PNG")
    regions = [Region(points=reg.points, kind=reg.kind, text=reg.text, status="confirmed")
               for reg in doc.regions if reg.text.strip()]
    return buf.getvalue(), regions


def build_project(path: Path, heldout: list, train: list):
    from hanji.store import ProjectStore

    store = ProjectStore.create(path)
    for split, docs in (("heldout", heldout), ("train", train)):
        for name, data, regions in docs:
            d, _ = store.add_image_bytes(name, data)
            store.add_regions(d.id, [Region(points=r.points, kind=r.kind, text=r.text, status=r.status)
                                     for r in regions])
            store.update_document(d.id, attrs={"split": split})
    return store


def shipped_cer(heldout: list) -> tuple[float, int]:
    """CER of the shipped recognizer on the held-out documents' lines (the flywheel's own measure)."""
    from hanji.jobs.flywheel import SHIPPED_RECOGNIZER, recognizer_cer
    from hanji.jobs.train_recognizer import store_lines
    from hanji.models.weights import load_shipped

    with tempfile.TemporaryDirectory() as tmp:
        store = build_project(Path(tmp) / "h.hanji", heldout, [])
        state = load_shipped(SHIPPED_RECOGNIZER)
        lines = store_lines(store, None, list(state["charset"]))
        store.close()
    return recognizer_cer(state, lines), len(lines)


def plot(ns: list[int], after: list[float], shipped: float, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    ax.plot(ns, [100 * a for a in after], "o-", color="#c0392b", label="after fine-tuning (held-out)")
    ax.axhline(100 * shipped, color="#7f8c8d", ls="--", label="shipped recognizer")
    for n, a in zip(ns, after):
        ax.annotate(f"{100 * a:.1f}", (n, 100 * a), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    ax.set_xlabel("labelled documents (N)")
    ax.set_ylabel("character error rate on held-out documents (%)")
    ax.set_title(title, fontsize=10)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ns", type=int, nargs="+", default=[0, 5, 10, 20], help="labelled documents per run")
    ap.add_argument("--heldout", type=int, default=6, help="held-out documents (the same for every N)")
    ap.add_argument("--steps", type=int, default=120, help="fine-tuning steps per run")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--general", type=int, default=100,
                    help="rendered lines of the recognizer's own held-out set, to check it still reads them (0: skip)")
    ap.add_argument("--png", type=Path, default=ROOT / "docs" / "flywheel.png")
    ap.add_argument("--detector-steps", type=int, default=0,
                    help="also fine-tune the detector this many steps on the largest N (0: skip)")
    args = ap.parse_args(argv)

    import torch

    from hanji.jobs.flywheel import SHIPPED_RECOGNIZER, recognizer_cer, train_recognizer
    from hanji.jobs.train_recognizer import eval_lines
    from hanji.models.weights import load_shipped, load_state_bytes

    torch.set_num_threads(args.threads)
    t0 = time.monotonic()
    pool = [(f"receipt_{i:03d}.png", *make_receipt(BENCH_SEED + i)) for i in range(args.heldout + max(args.ns))]
    heldout, train_pool = pool[: args.heldout], pool[args.heldout :]
    base, n_lines = shipped_cer(heldout)
    general = eval_lines(args.general) if args.general else []
    general_base = recognizer_cer(load_shipped(SHIPPED_RECOGNIZER), general) if general else float("nan")
    print(f"domain: dot-matrix receipts in held-out fonts; {args.heldout} held-out documents, {n_lines} lines")
    print(f"flywheel_cer N=0 {100 * base:.2f} % (shipped {100 * base:.2f} %, ratio 1.00)")
    ns, after = [], []
    for n in sorted(set(args.ns)):
        if n == 0:
            ns.append(0)
            after.append(base)
            continue
        t1 = time.monotonic()
        with tempfile.TemporaryDirectory() as tmp:
            store = build_project(Path(tmp) / f"n{n}.hanji", heldout, train_pool[:n])
            res = train_recognizer(store, steps=args.steps, batch_size=args.batch_size, threads=args.threads, seed=0,
                                   log=lambda m: print(f"  {m}", file=sys.stderr, flush=True))
            tuned = load_state_bytes(store.models.weights(res.model_id))
            store.close()
        m = res.metrics
        ns.append(n)
        after.append(m["after"])
        print(f"flywheel_cer N={n} {100 * m['after']:.2f} % (shipped {100 * m['before']:.2f} %, ratio "
              f"{m['after'] / max(1e-9, m['before']):.2f}) [{m['n_train_lines']} train lines, {m['steps']} steps, "
              f"activated={res.activated}, {time.monotonic() - t1:.0f} s]")
        if general:  # what it read before: clean rendered lines in the held-out fonts
            g = recognizer_cer(tuned, general)
            print(f"general_cer N={n} {100 * g:.2f} % (shipped {100 * general_base:.2f} %, ratio "
                  f"{g / max(1e-9, general_base):.2f}) [{len(general)} rendered lines, no dots]")
    if args.detector_steps:
        from hanji.jobs.flywheel_detector import train_detector

        n = max(args.ns)
        t1 = time.monotonic()
        with tempfile.TemporaryDirectory() as tmp:
            store = build_project(Path(tmp) / "det.hanji", heldout, train_pool[:n])
            res = train_detector(store, steps=args.detector_steps, threads=args.threads, seed=0)
            store.close()
        m = res.metrics
        print(f"flywheel_hmean N={n} {m['after']:.3f} (shipped {m['before']:.3f}, ratio "
              f"{m['after'] / max(1e-9, m['before']):.2f}) [{m['steps']} steps, activated={res.activated}, "
              f"{time.monotonic() - t1:.0f} s]")
    plot(ns, after, base, args.png, f"Flywheel: dot-matrix receipts, {args.steps} steps per run, {args.threads} CPU thread(s)")
    print(f"plot: {args.png}")
    monotone = all(b < a for a, b in zip(after, after[1:]))
    print(f"improves as N grows: {'yes' if monotone else 'NO'} ({time.monotonic() - t0:.0f} s in all)")
    return 0 if monotone else 1


if __name__ == "__main__":
    raise SystemExit(main())
