"""OCR benchmark: Hanji's torch pipeline against the ONNX PP-OCRv4 pipeline (rapidocr-onnxruntime)
and Tesseract 5 (``-l kor+eng --psm 6``), in the same run, on the same images.

Figures (one line each: ``name value unit (peer value, ratio)``):
- detection precision / recall / H-mean (IoU >= 0.5, one-to-one) on SROIE line boxes, FUNSD word
  boxes (both from ../shared/data when present) and Korean documents Hanji renders with fonts
  kept out of the recognizer's training;
- pages per second of the whole pipeline on the CPU (and the GPU when there is one) on the SROIE
  receipts (each image is run by every system in turn, so load from other work hits all alike);
- line CER: Korean on rendered held-out lines, English on SROIE line crops (ground-truth boxes);
- a realistic Korean set (benchmarks/realistic_pages.py: receipts, certificates and forms in the
  held-out font families through print and photo effects, text from konlpy's kolaw/kobill): line
  CER, page CER in reading order, detection H-mean, order accuracy, pages/s
  (benchmarks/ocr_realistic.py says what each figure is). Skipped, saying why, without konlpy.

    .venv/bin/python benchmarks/ocr.py                  # everything (several minutes on 2 cores)
    .venv/bin/python benchmarks/ocr.py --quick          # a small subset while developing
"""

from __future__ import annotations

import os
import sys

# this folder first on the path would let a benchmark named like a standard module shadow it
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    sys.path.append(sys.path.pop(0))

import argparse
import csv
import dataclasses
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
SHARED = ROOT.parent / "shared" / "data"

import hanji.models  # noqa: E402,F401  (before torch: sets how torch's threads wait, as the app does)
from hanji.domain import geometry  # noqa: E402
from hanji.domain.text import cer as text_cer  # noqa: E402


# ------------------------------------------------------------------------------------------- data
def sroie(limit: int):
    root = SHARED / "sroie"
    if not root.exists():
        return []
    out = []
    for img in sorted((root / "img").glob("*.jpg"))[:limit]:
        quads, texts = [], []
        box = root / "box" / (img.stem + ".csv")
        for line in box.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split(",", 8)
            if len(parts) < 9:
                continue
            v = [float(x) for x in parts[:8]]
            quads.append([(v[i], v[i + 1]) for i in range(0, 8, 2)])
            texts.append(parts[8].strip())
        out.append((img, quads, texts))
    return out


def funsd(limit: int):
    import json

    root = SHARED / "funsd" / "testing_data"
    if not root.exists():
        return []
    out = []
    for ann in sorted((root / "annotations").glob("*.json"))[:limit]:
        form = json.loads(ann.read_text(encoding="utf-8"))["form"]
        boxes = [geometry.rect_points(*w["box"]) for e in form for w in e.get("words", []) if w.get("text", "").strip()]
        out.append((root / "images" / (ann.stem + ".png"), boxes, None))
    return out


def rendered_docs(limit: int):
    """Korean documents rendered with the held-out fonts (line boxes)."""
    from hanji.synth.documents import SYNTH_DOC_TYPES, make_document
    from hanji.synth.lines import font_faces

    fonts = [f.path for f in font_faces(held_out=True)] or [None]
    out = []
    for k in range(limit):
        doc_type = SYNTH_DOC_TYPES[k % len(SYNTH_DOC_TYPES)]
        d = make_document(doc_type, 10_000 + k, font=fonts[k % len(fonts)])
        out.append((np.asarray(d.image.convert("RGB")), [r.points for r in d.regions], [r.text for r in d.regions]))
    return out


def load_rgb(src) -> np.ndarray:
    if isinstance(src, np.ndarray):
        return src
    from hanji.models.pipeline import load_image

    return load_image(src)


# ------------------------------------------------------------------------------------------- systems
class Hanji:
    name = "hanji"

    def __init__(self, recognizer: str, device: str = "cpu", min_score: float = 0.5, variant: str | None = None):
        from hanji.models.pipeline import OcrPipeline

        self.p = OcrPipeline(recognizer=recognizer, device=device, min_score=min_score)
        self.order = None  # a reading order function put in place of the pipeline's (a variant)
        self.serial = False  # the pieces of inference one after the other (a variant)
        if variant:
            self.name = f"hanji[{variant}]"
            self.p._recognizer = apply_variant(self.p, recognizer, variant, device, self)
        _ = self.p.recognizer
        self.post_s = 0.0  # time in the detector's post-process (probability map to regions)
        self.maps: list = []  # the first maps it was given, to time the hand-written post-process on after
        det, post = self.p.detector, self.p.detector.post
        self.post_raw = post
        owner = self

        class TimedPost(type(post)):  # the same settings (the detector may copy it with another threshold), timed
            def __call__(self, *a, **k):
                if len(owner.maps) < 20:
                    owner.maps.append((a, k))
                t = time.perf_counter()
                out = super().__call__(*a, **k)
                owner.post_s += time.perf_counter() - t
                return out

        det.post = TimedPost(**{f.name: getattr(post, f.name) for f in dataclasses.fields(post)})

    def page(self, rgb):
        if self.serial:
            from hanji.models import threads

            threads.ENABLED = False
            try:
                regions = self.p.page(rgb)
            finally:
                threads.ENABLED = True
        else:
            regions = self.p.page(rgb)
        if self.order is not None and regions:
            regions = [regions[i] for i in self.order([r.points for r in regions])]
        return [(r.points, r.text) for r in regions]

    def detect(self, rgb):
        return [r.points for r in self.p.detect(rgb)]

    def lines(self, crops):
        return [t for t, _ in self.p.recognizer.predict(crops)]


class Onnx:
    name = "onnx"

    def __init__(self):
        from rapidocr_onnxruntime import RapidOCR

        self.engine = RapidOCR()

    def page(self, rgb):
        res, _ = self.engine(np.ascontiguousarray(rgb[:, :, ::-1]))
        return [([tuple(p) for p in box], text) for box, text, _ in (res or [])]

    def detect(self, rgb):
        res, _ = self.engine(np.ascontiguousarray(rgb[:, :, ::-1]), use_cls=False, use_rec=False)
        return [[tuple(p) for p in box] for box in (res or [])]

    def lines(self, crops):
        out = []
        for c in crops:
            res, _ = self.engine(np.ascontiguousarray(c[:, :, ::-1]), use_det=False, use_cls=False, use_rec=True)
            out.append(res[0][0] if res else "")
        return out


class Tesseract:
    name = "tesseract"

    def __init__(self, level: int = 4):
        self.level = level  # 4: lines, 5: words

    def _tsv(self, rgb, psm: int) -> list[dict]:
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, "PNG")
        r = subprocess.run(["tesseract", "stdin", "stdout", "-l", "kor+eng", "--psm", str(psm), "tsv"],
                           input=buf.getvalue(), capture_output=True, check=True)
        rows = list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8", "replace")), delimiter="\t",
                                   quoting=csv.QUOTE_NONE))
        return rows

    def page(self, rgb):
        rows = self._tsv(rgb, 6)
        words = [r for r in rows if r["level"] == "5" and (r.get("text") or "").strip()]
        if self.level == 5:
            return [(_rect(r), r["text"]) for r in words]
        lines: dict[tuple, list] = {}
        for r in words:
            lines.setdefault((r["block_num"], r["par_num"], r["line_num"]), []).append(r)
        out = []
        for ws in lines.values():
            x0 = min(int(w["left"]) for w in ws)
            y0 = min(int(w["top"]) for w in ws)
            x1 = max(int(w["left"]) + int(w["width"]) for w in ws)
            y1 = max(int(w["top"]) + int(w["height"]) for w in ws)
            out.append((geometry.rect_points(x0, y0, x1, y1), " ".join(w["text"] for w in ws)))
        return out

    def detect(self, rgb):
        return [p for p, _ in self.page(rgb)]

    def lines(self, crops):
        out = []
        for c in crops:
            rows = self._tsv(c, 7)
            out.append(" ".join(r["text"] for r in rows if r["level"] == "5" and (r.get("text") or "").strip()))
        return out


def _rect(r):
    x, y, w, h = int(r["left"]), int(r["top"]), int(r["width"]), int(r["height"])
    return geometry.rect_points(x, y, x + w, y + h)


# ------------------------------------------------------------------------------------------- variants
VARIANTS_HELP = """one change taken back (or made), read beside Hanji as it ships in the same run, each a system of
its own: weights:PATH (the Korean recognizer from this weights file, e.g. the weights before a
fine-tune: git show fa94e7f^:desktop/hanji/resources/models/ko_rec.pt > /tmp/ko_rec_before.pt),
no-prior (greedy CTC decoding, no Korean character prior), no-merge (the detector's letter-spaced
fragments left apart), order:REV (the reading order of desktop/hanji/domain/order.py at git revision
REV, e.g. 56593c7^), int8 (the recognizer's Linear layers quantised to int8, dynamic, per channel),
post:NAME=VALUE (a setting of the detector's post-process, e.g. post:unclip_ratio=1.5, post:round_points=1),
crop-round (line crops cut at whole pixels, the regions' corners unchanged), merge:NAME=VALUE (a setting of
the letter-spaced merge rule, e.g. merge:fragment=1.2), merge-geometry (the merge decided on the boxes
alone, without reading the pieces), det:PATH (the detector from this weights file), serial (each page's
pieces of inference one after the other, torch splitting each operation across its threads: the
pipeline before hanji.models.threads)"""


def apply_variant(pipeline, recognizer: str, variant: str, device: str, system) -> object:
    """Set up ``pipeline`` as ``variant`` says (see VARIANTS_HELP); the recognizer to use."""
    from hanji.models import zoo

    kind, _, arg = variant.partition(":")
    if kind == "weights":
        rec = zoo.recognizer(recognizer, device, path=arg)
        rec.prior = sum("\uac00" <= c <= "\ud7a3" for c in rec.charset) >= 1000
        return rec
    rec = zoo.recognizer(recognizer, device)
    if kind == "no-prior":
        rec.prior = False
    elif kind == "no-merge":
        pipeline.detector.merge = None
    elif kind == "merge-geometry":
        pipeline.read_pieces = False
    elif kind == "det":
        from hanji.models.weights import load_state

        pipeline._detector = zoo.detector(device, state=load_state(arg))
    elif kind == "order":
        system.order = old_reading_order(arg)
    elif kind in ("post", "merge"):  # post:NAME=VALUE / merge:NAME=VALUE, a setting of the DB post-process / merge rule
        name, _, value = arg.partition("=")
        post = pipeline.detector.post if kind == "post" else pipeline.detector.merge
        if not hasattr(post, name):
            raise SystemExit(f"the {kind} step has no setting {name!r}")
        old = getattr(post, name)
        setattr(post, name, type(old)(float(value)) if not isinstance(old, str) else value)
    elif kind == "crop-round":  # line crops cut at whole pixels (the regions keep their corners)
        read = pipeline.read_turned
        pipeline.read_turned = lambda rgb, shapes: read(rgb, [[(round(x), round(y)) for x, y in s] for s in shapes])
    elif kind == "serial":
        system.serial = True
    elif kind == "int8":
        import torch
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        rec.net = quantize_dynamic(rec.net, {torch.nn.Linear: per_channel_dynamic_qconfig})
    else:
        raise SystemExit(f"unknown variant {variant!r}: {VARIANTS_HELP}")
    return rec


def old_reading_order(rev: str):
    """``reading_order`` of desktop/hanji/domain/order.py as it was at git revision ``rev``."""
    import types

    src = subprocess.run(["git", "show", f"{rev}:desktop/hanji/domain/order.py"], cwd=ROOT, capture_output=True,
                         text=True)
    if src.returncode:
        raise SystemExit(f"no reading order at git revision {rev!r}: {src.stderr.strip()}")
    mod = types.ModuleType(f"order_at_{rev}")
    sys.modules[mod.__name__] = mod  # dataclasses look their module up
    exec(compile(src.stdout, f"order.py@{rev}", "exec"), mod.__dict__)  # noqa: S102 (this repository's own history)
    return mod.reading_order


def variants(args, recognizer: str, kinds: set[str] | None = None) -> list:
    """The --variants systems for ``recognizer`` (only those of ``kinds`` when given)."""
    out = []
    for v in filter(None, (x.strip() for x in (args.variants or "").split(","))):
        if kinds is None or v.partition(":")[0] in kinds:
            out.append(Hanji(recognizer, min_score=args.min_score, variant=v))
    return out


# ------------------------------------------------------------------------------------------- metrics
def match(found, truth, thr: float = 0.5) -> int:
    """Greedy one-to-one matching by IoU, best pairs first."""
    pairs = []
    tb = [geometry.bbox(t) for t in truth]
    for i, f in enumerate(found):
        fx0, fy0, fx1, fy1 = geometry.bbox(f)
        for j, t in enumerate(truth):
            x0, y0, x1, y1 = tb[j]
            if x1 <= fx0 or fx1 <= x0 or y1 <= fy0 or fy1 <= y0:
                continue
            u = geometry.iou(f, t)
            if u >= thr:
                pairs.append((u, i, j))
    return len(geometry.one_to_one(pairs))


class PRH:
    def __init__(self):
        self.tp = self.nf = self.nt = 0

    def update(self, found, truth):
        self.tp += match(found, truth)
        self.nf += len(found)
        self.nt += len(truth)

    def values(self):
        p = self.tp / self.nf if self.nf else 0.0
        r = self.tp / self.nt if self.nt else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cer(preds, truths, ignore_space: bool = True, fold_case: bool = False) -> float:
    """Character error rate (the one CER, hanji.domain.text.cer); spaces ignored (recognizers
    differ in where they put them), case folded when asked (SROIE's transcripts are upper-cased,
    the receipts are not)."""
    return text_cer(preds, truths, spaces="ignore" if ignore_space else "collapse", fold_case=fold_case)


def line(name, value, unit, peers=()):
    """``name value unit (peer value, ratio)``; the ratio is ours / theirs."""
    fmt = (lambda v: f"{v:.4f}") if unit not in ("pages/s", "s/page") else (lambda v: f"{v:.3f}")
    extra = ", ".join(f"{pn} {fmt(pv)}, ratio {value / pv:.2f}" if pv else f"{pn} {fmt(pv)}, ratio n/a"
                      for pn, pv in peers)
    print(f"{name} {fmt(value)} {unit}" + (f" ({extra})" if extra else ""), flush=True)


# ------------------------------------------------------------------------------------------- runs
def detection(label, data, systems, det_only=None):
    """P/R/H of each system's page output; pages/s too. Every image goes through each system in turn."""
    scores = {s.name: PRH() for s in systems}
    det_scores = {s.name: PRH() for s in det_only or []}
    times = {s.name: 0.0 for s in systems}
    post = 0.0  # our detector's post-process within the page runs
    if data:
        first = load_rgb(data[0][0])
        for s in systems:  # first calls load and set up (weights, thread pools): not timed
            s.page(first[: max(64, first.shape[0] // 4)])
    for src, truth, _ in data:
        rgb = load_rgb(src)
        for s in systems:
            p0 = getattr(s, "post_s", 0.0)
            t = time.perf_counter()
            out = s.page(rgb)
            times[s.name] += time.perf_counter() - t
            post += getattr(s, "post_s", 0.0) - p0 if s is systems[0] else 0.0
            scores[s.name].update([p for p, _ in out], truth)
        for s in det_only or []:
            det_scores[s.name].update(s.detect(rgb), truth)
    ours = systems[0].name
    for k, what in enumerate(("precision", "recall", "hmean")):
        peers = [(s.name, scores[s.name].values()[k]) for s in systems[1:]]
        line(f"{label}_det_{what}", scores[ours].values()[k], "", peers)
    if det_only:
        h = {n: v.values()[2] for n, v in det_scores.items()}
        names = list(h)
        line(f"{label}_detector_only_hmean", h[names[0]], "", [(n, h[n]) for n in names[1:]])
    n = len(data)
    pps = {k: n / v if v else 0.0 for k, v in times.items()}
    line(f"{label}_pipeline_speed_cpu", pps[ours], "pages/s", [(s.name, pps[s.name]) for s in systems[1:]])
    if hasattr(systems[0], "post_s"):
        print(f"{label}_postprocess_per_page {1000 * post / max(1, n):.1f} ms (probability map to regions)", flush=True)
        post_vs_handwritten(label, systems[0])
    return pps


def realistic(n: int, ours, peers, tess_ok: bool, extra: list | None = None, twin: bool = False) -> None:
    """``extra``: variants of ours (--variants), read beside it on every figure they can change.
    ``twin``: the validation twin's pages (training families and text, benchmarks/realistic_validation.py)
    instead of the benchmark's, for choosing weights and settings without reading the benchmark."""
    import ocr_realistic
    import realistic_pages

    from hanji.models.pipeline import crop_region

    if twin:
        import realistic_validation

        pages = realistic_validation.validation_pages(n)
    else:
        pages = realistic_pages.pages(n)
    if not pages:
        print(f"# realistic set skipped: {realistic_pages.SKIPPED}", flush=True)
        return
    extra = extra or []
    systems = [ours] + extra + peers + ([Tesseract(4)] if tess_ok else [])
    # the variants that read lines differently (serial reads as ours: only its speed differs)
    reading = ("hanji[weights", "hanji[no-prior", "hanji[int8")
    line_systems = [ours] + [v for v in extra if v.name.startswith(reading)] + systems[1 + len(extra):]
    orders = [(v.name, v.order) for v in extra if v.order is not None]
    ocr_realistic.run(pages, systems, line_systems, line, cer, PRH, crop_region, orders=orders)


def post_vs_handwritten(label, hanji: Hanji) -> None:
    """The post-process on the maps it saw, against the hand-written one OpenCV replaced
    (tests/handwritten_post.py), each map through both in turn: ms per map, best of three."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import handwritten_post
    except ImportError:
        return
    ours, ref = hanji.post_raw, handwritten_post.PostProcess()
    t_ours = t_ref = 0.0
    for a, k in hanji.maps:
        runs = []
        for f in (ours, ref) * 3:
            t = time.perf_counter()
            f(*a, **k)
            runs.append(time.perf_counter() - t)
        t_ours += min(runs[0::2])
        t_ref += min(runs[1::2])
    n = max(1, len(hanji.maps))
    line(f"{label}_postprocess_ms", 1000 * t_ours / n, "ms", [("handwritten", 1000 * t_ref / n)])
    hanji.maps.clear()


def large_scans(data, systems, height: int = 3600) -> None:
    """Receipts scaled up to a large scan's size (``height`` px tall): seconds per page of each
    system (every page through each system in turn); a ratio under 1 is faster than the peer."""
    from hanji import imaging

    times = {s.name: 0.0 for s in systems}
    for src, _, _ in data:
        rgb = load_rgb(src)
        h, w = rgb.shape[:2]
        big = imaging.resize(rgb, (round(w * height / h), height), "cubic")
        for s in systems:
            t = time.perf_counter()
            s.page(big)
            times[s.name] += time.perf_counter() - t
    spp = {k: v / max(1, len(data)) for k, v in times.items()}
    line(f"sroie_large_scan_{height}px", spp[systems[0].name], "s/page", [(s.name, spp[s.name]) for s in systems[1:]])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sroie", type=int, default=60, help="receipts (default all 60)")
    ap.add_argument("--funsd", type=int, default=20, help="forms (default 20)")
    ap.add_argument("--rendered", type=int, default=12, help="rendered Korean documents (default 12)")
    ap.add_argument("--lines", type=int, default=200, help="lines for each CER figure (default 200)")
    ap.add_argument("--realistic", type=int, default=30, help="realistic Korean pages (default 30)")
    ap.add_argument("--twin", action="store_true",
                    help="the realistic part on the validation twin (training families and text), not the benchmark")
    ap.add_argument("--quick", action="store_true", help="5 receipts, 3 forms, 4 documents, 40 lines, 6 realistic pages")
    ap.add_argument("--large", type=int, default=0, help="receipts scaled to 3,600 px tall, timed (default none)")
    ap.add_argument("--no-tesseract", action="store_true")
    ap.add_argument("--no-onnx", action="store_true")
    ap.add_argument("--min-score", type=float, default=0.5, help="drop lines read below this (as RapidOCR does)")
    ap.add_argument("--variants", default="", help="comma-separated; " + VARIANTS_HELP)
    ap.add_argument("--parts", default="det,cer,real",
                    help="which figures, comma-separated: det (detection and speed), cer, real (the realistic set)")
    args = ap.parse_args(argv)
    if args.quick:
        args.sroie, args.funsd, args.rendered, args.lines, args.realistic = 5, 3, 4, 40, 6
    import torch

    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads; shared data: {SHARED.exists()}",
          flush=True)
    peers = []
    if not args.no_onnx:
        peers.append(Onnx())
    tess_ok = shutil.which("tesseract") is not None and not args.no_tesseract
    en = Hanji("ppocr_en", min_score=args.min_score)
    try:
        ko = Hanji("ko", min_score=args.min_score)
    except Exception as e:  # the Korean model may not be trained yet
        print(f"# the Korean recognizer is not available: {e}", flush=True)
        ko = None

    parts = set(args.parts.split(","))
    rec = sroie(args.sroie)
    if rec and "det" in parts:
        extra = variants(args, "ppocr_en", {"no-merge", "int8", "post", "crop-round", "merge", "merge-geometry", "det", "serial"})  # the others change nothing on English receipts
        systems = [en] + extra + peers + ([Tesseract(4)] if tess_ok else [])
        detection("sroie", rec, systems, det_only=[en] + [v for v in extra if v.name.startswith(
            ("hanji[no-merge", "hanji[post", "hanji[merge", "hanji[det"))] + peers)
    if rec and "det" in parts and args.large > 0:
        large_scans(rec[: args.large], [en] + [v for v in extra if v.name == "hanji[serial]"] + peers)
    forms = funsd(args.funsd) if "det" in parts else []
    if forms:
        systems = [en] + peers + ([Tesseract(5)] if tess_ok else [])
        detection("funsd", forms, systems)
    if "det" in parts and args.rendered > 0:
        docs = rendered_docs(args.rendered)
        korean = ko or en
        systems = [korean] + peers + ([Tesseract(4)] if tess_ok else [])
        detection("rendered_ko", docs, systems)

    if torch.cuda.is_available() and rec and "det" in parts:
        gpu = Hanji("ppocr_en", device="cuda", min_score=args.min_score)
        t = time.perf_counter()
        for src, _, _ in rec:
            gpu.page(load_rgb(src))
        line("sroie_pipeline_speed_gpu", len(rec) / (time.perf_counter() - t), "pages/s")

    if "real" in parts and args.realistic > 0:
        realistic(args.realistic, ko or en, peers, tess_ok, variants(args, "ko" if ko else "ppocr_en"),
                  twin=args.twin)
    if "cer" not in parts:
        return 0
    # line CER
    from hanji.jobs.train_recognizer import eval_lines
    from hanji.models.pipeline import crop_region

    lines_ko = eval_lines(args.lines)
    crops, truths = [im for im, _ in lines_ko], [t for _, t in lines_ko]
    others = peers + ([Tesseract()] if tess_ok else [])
    if ko is not None:
        ours = cer(ko.lines(crops), truths)
        line("ko_line_cer", ours, "", [(s.name, cer(s.lines(crops), truths)) for s in others])
    if rec:
        crops, truths = [], []
        for src, quads, texts in rec:
            rgb = load_rgb(src)
            for q, t in zip(quads, texts):
                if len(crops) < args.lines and t.strip():
                    crops.append(crop_region(rgb, q))
                    truths.append(t)
        pe = [(s.name, cer(s.lines(crops), truths, fold_case=True)) for s in others]
        line("en_line_cer_ppocr_en", cer(en.lines(crops), truths, fold_case=True), "", pe)
        if ko is not None:
            line("en_line_cer_ko", cer(ko.lines(crops), truths, fold_case=True), "", pe)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
