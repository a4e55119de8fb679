"""Fine-tune the English recognizer (``ppocr_en``, PP-OCRv4) on receipt lines: real line crops of the
SROIE *training* receipts plus synthetic receipt-like English renders.

    .venv/bin/python tools/train_en_receipt_rec.py OUT_DIR [--steps 500] [--threads 2] [--dev 6]

Data, all from the SROIE training side (../shared/data/sroie imported as ``benchmarks/kie.py`` imports it:
receipts sorted by name, the first two thirds train, the rest test; the test receipts are never opened):

- real lines: each training receipt's detector boxes (the shipped PP-OCRv4 detector, cropped as the
  pipeline reads a Latin line: the right edge moved out by ``LATIN_LINE_END`` line heights) matched one-to-one to a labelled line (IoU >= 0.5), and the labelled boxes themselves;
  the label is the dataset's transcription with its case taken from ``ppocr_en``'s own reading where
  the two agree letter for letter (SROIE transcribes in upper case; the printed case is kept so the
  model does not learn to upper-case lower-case print), spaces as transcribed;
- synthetic lines: receipt-like English (addresses with ``&`` and line-final commas, company names
  with legal forms, amounts, dates; words from the training receipts' transcriptions and the
  generators' English words) rendered with the training fonts by the print-reality engine.

The last ``--dev`` training receipts are kept out of training as a development set: the checkpoint
and the WiSE-FT blend with ``ppocr_en`` are chosen on their detector lines (CER, spaces removed, case
ignored), never on the test receipts. Writes ``OUT_DIR/en_receipt_rec.pt`` (fp16 weights, rewritten at
each evaluation that beats the best so far) and prints what it chose; the receipts' lines are kept in
``OUT_DIR/lines.pkl`` for a rerun (local scratch, the crops of the training receipts).
"""

from __future__ import annotations

import argparse
import difflib
import pickle
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
DATA = ROOT / ".." / "shared" / "data" / "sroie"

import hanji.models  # noqa: E402,F401
from hanji.domain.geometry import one_to_one  # noqa: E402


def bbox(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def iou(a, b) -> float:
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    iw, ih = max(0.0, min(ax1, bx1) - max(ax0, bx0)), max(0.0, min(ay1, by1) - max(ay0, by0))
    inter = iw * ih
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union > 0 else 0.0


def match(found: list, truth: list, thr: float = 0.5) -> list[tuple[int, int]]:
    """One-to-one pairs (found index, truth index), best IoU first, IoU >= thr."""
    fb, tb = [bbox(p) for p in found], [bbox(p) for p in truth]
    return one_to_one(((iou(f, t), i, j) for i, f in enumerate(fb) for j, t in enumerate(tb)), thr)


def restore_case(label: str, reading: str) -> str:
    """``label`` (upper-case transcription) with the case of ``reading`` wherever the two agree letter
    for letter (case ignored); a letter the reading got wrong takes the case of its word's neighbours."""
    out = list(label)
    sm = difflib.SequenceMatcher(None, label.upper(), reading.upper(), autojunk=False)
    known = [False] * len(label)
    for tag, i0, i1, j0, _ in sm.get_opcodes():
        if tag == "equal":
            for k in range(i1 - i0):
                out[i0 + k] = reading[j0 + k]
                known[i0 + k] = True
    for i, c in enumerate(out):
        if known[i] or not c.isalpha():
            continue
        near = [out[j] for j in (i - 1, i + 1) if 0 <= j < len(out) and known[j] and out[j].isalpha()]
        if near and all(n.islower() for n in near):
            out[i] = c.lower()
    return "".join(out)


# ------------------------------------------------------------------------------ synthetic text
STATES = ["SELANGOR", "JOHOR", "KUALA LUMPUR", "SELANGOR DARUL EHSAN", "JOHOR BAHRU", "MALAYSIA", "PERAK",
          "PULAU PINANG", "MELAKA", "NEGERI SEMBILAN"]
LEGAL = ["SDN BHD", "SDN. BHD.", "ENTERPRISE", "TRADING", "(M) SDN BHD", "S/B", "BHD", "HARDWARE", "RESTAURANT"]


def receipt_text(rng: random.Random, words: list[str]) -> str:
    from hanji.synth.corpus import EN_WORDS

    def w() -> str:
        return rng.choice(words) if rng.random() < 0.7 else rng.choice(EN_WORDS).upper()

    k = rng.randint(0, 9)
    if k == 0:
        s = f"NO. {rng.randint(1, 99)} & {rng.randint(1, 99)}, JALAN {w()} {rng.randint(1, 12)}/{rng.randint(1, 9)},"
    elif k == 1:
        s = f"LOT {rng.randint(1, 9999)}, {w()} {w()},"
    elif k == 2:
        s = f"{rng.randint(10000, 99999)} {w()}, {rng.choice(STATES)}{rng.choice(['.', ',', ''])}"
    elif k == 3:
        s = f"{w()} {rng.choice(['&', 'AND', '&'])} {w()} {rng.choice(LEGAL)}"
    elif k == 4:
        s = f"{w()} {w()} {rng.choice(LEGAL)} ({rng.randint(1000, 999999)}-{rng.choice('XVKTHPMAW')})"
    elif k == 5:
        s = f"{rng.choice(['TOTAL', 'Total', 'NETT TOTAL', 'Total (RM)', 'ROUNDING', 'CASH', 'CHANGE'])}" \
            f"{rng.choice([' : ', ': ', ' ', ':'])}{rng.choice(['', 'RM', '$'])}{rng.randint(0, 999)}.{rng.randint(0, 99):02d}"
    elif k == 6:
        s = f"{rng.randint(1, 31):02d}/{rng.randint(1, 12):02d}/{rng.choice(['2017', '2018', '18', '17'])} " \
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}{rng.choice(['', ':00', ' PM', ' AM'])}"
    elif k == 7:
        s = f"{w()}, {w()} {rng.randint(1, 99)}, {w()},"
    elif k == 8:
        s = f"{rng.choice(['TEL', 'Tel', 'FAX', 'GST ID', 'GST REG NO', 'Co. No'])}{rng.choice([':', ' :', ' '])} " \
            f"{rng.randint(0, 99):02d}-{rng.randint(100, 9999)} {rng.randint(1000, 9999)}"
    else:
        s = " ".join(w() for _ in range(rng.randint(2, 5))) + rng.choice([",", ".", "", "", " &", " -"])
    r = rng.random()
    if r < 0.2:
        s = s.lower()
    elif r < 0.4:
        s = " ".join(x.capitalize() for x in s.split(" "))
    return " ".join(s.split())[:60]


class Synth:
    def __init__(self, seed: int, words: list[str]) -> None:
        from hanji.synth.lines import can_render
        from hanji.synth.printline import training_faces

        self.faces = [f for f in training_faces() if can_render(f, "AZaz09&,.:/()-$@%")]
        if not self.faces:
            raise SystemExit("no training font renders Latin text")
        self.seed = seed
        self.words = words

    def batch(self, step: int, n: int) -> list:
        from hanji.synth.lines import can_render
        from hanji.synth.printline import render_print_line

        rng = random.Random(self.seed * 1_000_003 + step)
        out = []
        while len(out) < n:
            text = receipt_text(rng, self.words)
            face = rng.choice(self.faces)
            if can_render(face, text):
                out.append((render_print_line(text, face, rng, strength=0.7), text))
        return out


# ------------------------------------------------------------------------------ real lines
def sroie_split():
    """The SROIE import as benchmarks/kie.py makes it: (store, training documents, test documents)."""
    from hanji.jobs.transfer import import_path
    from hanji.store import ProjectStore

    tmp = tempfile.mkdtemp(prefix="en_rec_")
    store = ProjectStore.create(Path(tmp) / "sroie.hanji")
    import_path(store, DATA, "sroie")
    docs = sorted(store.documents(), key=lambda d: d.name)
    n_train = int(len(docs) * 2 / 3)
    return store, docs[:n_train], docs[n_train:]


def receipt_lines(store, docs, pipe, base) -> tuple[list, list]:
    """(detector-box lines, labelled-box lines) of the documents: ``(crop, case-restored label)``."""
    import io

    from PIL import Image

    from hanji.models.pipeline import LATIN_LINE_END, crop_region, extend_line_end

    det_lines, true_lines = [], []
    for d in docs:
        rgb = np.asarray(Image.open(io.BytesIO(store.image_bytes(d.id))).convert("RGB"))
        truth = [r for r in store.regions(d.id) if r.text.strip()]
        found = pipe.detect(rgb)
        pairs = match([r.points for r in found], [r.points for r in truth])
        # read as the pipeline reads a Latin line: the detector's box moved out at the line's end
        crops = [crop_region(rgb, extend_line_end(found[i].points, LATIN_LINE_END)) for i, _ in pairs]
        tcrops = [crop_region(rgb, r.points) for r in truth]
        reads = [t for t, _ in base.predict(crops + tcrops, prior=False)]
        for k, (_, j) in enumerate(pairs):
            det_lines.append((crops[k], restore_case(truth[j].text.strip(), reads[k])))
        for k, r in enumerate(truth):
            true_lines.append((tcrops[k], restore_case(r.text.strip(), reads[len(crops) + k])))
    return det_lines, true_lines


def key_cer(rec, lines) -> float:
    """CER with spaces removed and case ignored (what the field comparison counts)."""
    from hanji.models.recognize.decode import cer

    preds = [t for t, _ in rec.predict([c for c, _ in lines])]
    return cer([p.replace(" ", "").upper() for p in preds], [t.replace(" ", "").upper() for _, t in lines])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--real-share", type=float, default=0.625, help="share of each batch from real receipt lines")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=3e-4)
    ap.add_argument("--freeze-blocks", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dev", type=int, default=6, help="training receipts kept out as the development set")
    ap.add_argument("--max-receipts", type=int, default=0, help="fit on the first N training receipts only (0: all)")
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import torch

    from hanji.models import zoo
    from hanji.models.recognize import from_state
    from hanji.models.recognize.net import RecNet
    from hanji.models.recognize.train import TrainConfig, Trainer, export_weights
    from hanji.models.weights import load_shipped, save_state

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    store, train_docs, test_docs = sroie_split()
    fit_docs, dev_docs = train_docs[: len(train_docs) - args.dev], train_docs[len(train_docs) - args.dev:]
    if args.max_receipts:  # a shorter run: the first N fit receipts only
        fit_docs = fit_docs[: args.max_receipts]
    print(f"# SROIE: {len(train_docs)} training receipts ({fit_docs[0].name}..{fit_docs[-1].name} fit, "
          f"{dev_docs[0].name}..{dev_docs[-1].name} development); the {len(test_docs)} test receipts "
          f"({test_docs[0].name}..{test_docs[-1].name}) are not opened", flush=True)
    base_state = load_shipped("ppocr_en_rec.pt")
    charset = list(base_state["charset"])
    base = zoo.recognizer("ppocr_en")
    pipe = zoo.pipeline("ppocr_en")
    cache = out / "lines.pkl"  # the receipts' lines (detector boxes, labels) of an earlier run with this OUT_DIR
    if cache.exists():
        det_fit, true_fit, det_dev = pickle.loads(cache.read_bytes())
    else:
        det_fit, true_fit = receipt_lines(store, fit_docs, pipe, base)
        det_dev, _ = receipt_lines(store, dev_docs, pipe, base)
        cache.write_bytes(pickle.dumps((det_fit, true_fit, det_dev)))
    real = det_fit + true_fit
    words = sorted({w.strip(",.:()") for _, t in true_fit for w in t.upper().split()
                    if sum(c.isalpha() for c in w) >= 3})
    print(f"# real lines: {len(det_fit)} detector boxes + {len(true_fit)} labelled boxes of {len(fit_docs)} receipts; "
          f"development: {len(det_dev)} detector lines of {len(dev_docs)} receipts; {len(words)} words for the "
          f"synthetic text ({time.perf_counter() - t0:.0f} s)", flush=True)
    synth = Synth(args.seed, words)

    net = RecNet(len(charset) + 1)
    net.load_state_dict({k: v.float() for k, v in base_state["model"].items()})
    cfg = TrainConfig(steps=args.steps, batch_size=args.batch_size, lr=args.lr, head_lr=args.head_lr,
                      warmup=max(1, args.steps // 20), seed=args.seed, freeze_blocks=args.freeze_blocks,
                      threads=args.threads, version="en-receipt-1")
    min_width = int(base_state["meta"].get("min_width", 64))

    trainer = Trainer(cfg, net, charset)
    trainer.min_width = min_width  # padded to ppocr_en's minimum width
    meta = dict(base_state["meta"], name="en_receipt", version="en-receipt-1")

    def weights(alpha: float) -> dict:
        tuned = {k: v.detach().clone() for k, v in trainer.net.state_dict().items()}
        sd = {k: (alpha * v.float() + (1 - alpha) * base_state["model"][k].float()) if v.is_floating_point() else v
              for k, v in tuned.items()}
        m = dict(meta, version=f"en-receipt-1+step{trainer.step}+blend{alpha:g}")
        tmp = RecNet(len(charset) + 1)
        tmp.load_state_dict(sd)
        return export_weights(tmp, charset, m)

    def dev_cer(alpha: float) -> float:
        return key_cer(from_state(weights(alpha), "en_receipt"), det_dev)

    n_real = int(round(args.batch_size * args.real_share))
    rng = random.Random(args.seed)
    best = (key_cer(base, det_dev), 0, 0.0)
    print(f"# development CER (spaces removed, case ignored), ppocr_en: {best[0]:.4f}", flush=True)
    losses: list[float] = []
    t1, c1 = time.perf_counter(), time.process_time()
    while trainer.step < args.steps:
        batch = [real[i] for i in rng.sample(range(len(real)), n_real)] + synth.batch(trainer.step, args.batch_size - n_real)
        losses.append(trainer.train_step(batch))
        if trainer.step % 25 == 0:
            print(f"step {trainer.step} loss {np.mean(losses[-25:]):.4f} ({time.perf_counter() - t1:.0f} s wall, "
                  f"{time.process_time() - c1:.0f} s CPU)", flush=True)
        if trainer.step % args.eval_every == 0 or trainer.step == args.steps:
            for alpha in (0.5, 1.0):
                c = dev_cer(alpha)
                print(f"eval step {trainer.step} blend {alpha:g}: development CER {c:.4f}", flush=True)
                if c < best[0]:
                    best = (c, trainer.step, alpha)
                    save_state(weights(alpha), out / "en_receipt_rec.pt")
    print(f"# chosen: step {best[1]} blend {best[2]:g}, development CER {best[0]:.4f} "
          f"({time.perf_counter() - t0:.0f} s in all)", flush=True)
    if best[1] == 0:
        print("# no checkpoint beat ppocr_en on the development receipts: nothing written")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
