"""Job: train the Korean line recognizer on rendered lines (``hanji train recognizer``).

Composes :mod:`hanji.synth.lines` (data) with :mod:`hanji.models.recognize.train` (the recipe). The
batch of step *s* is rendered from ``Random(seed, s)`` with the training fonts; the held-out set
uses the held-out fonts and another text stream. Runs on the GPU when there is one, else the CPU;
resumes from ``OUT/last.pt`` with ``resume=True``.
"""

from __future__ import annotations

import io
import random
import signal
import threading
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from hanji import imaging
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.store import open_project
from hanji.synth.lines import LineSampler, font_faces
from hanji.synth.printline import PrintLineSampler

EVAL_SEED = 987_654_321


def eval_lines(n: int = 200, seed: int = EVAL_SEED):
    """Held-out lines: fonts never used in training, text from a separate seed."""
    return LineSampler(seed, faces=font_faces(held_out=True), strength=0.7).batch(n)


def crop_quad(image: np.ndarray, points) -> np.ndarray:
    """The region's minimum-area rectangle warped upright (horizontal text assumed)."""
    pts = np.asarray(points, np.float32)
    if len(pts) == 4:
        tl, tr, br, bl = pts
    else:
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        tl, tr, br, bl = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    w = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    h = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    w, h = max(w, 2), max(h, 2)
    return imaging.warp_quad(image, [tl, tr, br, bl], (w, h))


def project_lines(project: str | Path, charset: list[str] | None = None) -> list[tuple[np.ndarray, str]]:
    """(crop, text) of every region a person made or confirmed that has text, from a project file.
    Characters outside ``charset`` are dropped from the text; crops taller than wide are skipped."""
    with open_project(project, readonly=True) as store:
        return store_lines(store, None, charset)


def jitter_quad(points, amount: float, rng) -> list[tuple[float, float]]:
    """The region's box with each side moved in or out by up to ``amount`` times its height (a
    detector's box is rarely the labelled one): an axis-aligned box of its corners."""
    pts = np.asarray(points, np.float32)
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    h = float(y1 - y0)
    d = [rng.uniform(-amount, amount) * h for _ in range(4)]
    x0, y0, x1, y1 = x0 - d[0], y0 - d[1], x1 + d[2], y1 + d[3]
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def store_lines(store, doc_ids: list[int] | None = None, charset: list[str] | None = None,
                cancel: CancelToken | None = None, jitter: float = 0.0, seed: int = 0) -> list[tuple[np.ndarray, str]]:
    """:func:`project_lines` of an open project, of the documents ``doc_ids`` (default all), in that order.
    ``jitter``: crop each region from a box moved by :func:`jitter_quad` (``Random(seed)``)."""

    keep = set(charset) if charset else None
    docs = [store.document(i) for i in doc_ids] if doc_ids is not None else store.documents()
    out = []
    rng = random.Random(seed)
    for doc in docs:
        if cancel is not None:
            cancel.check()
        regions = [r for r in store.regions(doc.id) if r.human and r.text.strip()]
        if not regions:
            continue
        image = np.asarray(Image.open(io.BytesIO(store.image_bytes(doc.id))).convert("RGB"))
        for r in regions:
            text = "".join(c for c in r.text if keep is None or c in keep).strip()
            h, w = image.shape[:2]
            pts = r.points if not jitter else [(min(max(x, 0.0), w - 1.0), min(max(y, 0.0), h - 1.0))
                                               for x, y in jitter_quad(r.points, jitter, rng)]
            crop = crop_quad(image, pts)
            if text and crop.shape[1] >= crop.shape[0] * 0.8:
                out.append((crop, text))
    return out


def export_best(run_dir: str | Path, dest: str | Path, which: str = "best", blend_shipped: float | None = None) -> Path:
    """Write the best (else last) checkpoint of a run as fp16 recognizer weights. ``which="last"``: the
    last checkpoint. ``blend_shipped``: alpha of :func:`hanji.models.recognize.train.blend_weights` with
    the shipped ``ko_rec.pt`` (the weights a fine-tune with ``init="shipped"`` started from)."""
    from hanji.models.recognize.train import blend_weights, export_from_checkpoint
    from hanji.models.weights import load_shipped, load_state, save_state

    run_dir = Path(run_dir)
    src = run_dir / "best.pt" if which == "best" and (run_dir / "best.pt").exists() else run_dir / "last.pt"
    state = export_from_checkpoint(load_state(src), fp16=blend_shipped is None)
    if blend_shipped is not None:
        state = blend_weights(state, load_shipped("ko_rec.pt"), blend_shipped)
        state["model"] = {k: v.half() if v.is_floating_point() else v for k, v in state["model"].items()}
    save_state(state, dest)
    return Path(dest)


GROUP = 4  # batches rendered together and bucketed by width, so that little of a batch is padding


def render_group(args: tuple) -> list[tuple[np.ndarray, str]]:
    """The rendered lines of group ``g``: depends only on (seed, g, sizes, realistic share), whichever
    process runs it. A share ``realistic`` of them comes from the print-reality engine
    (:class:`hanji.synth.printline.PrintLineSampler`: print styles, thermal, photo effects, real text),
    a share ``hard`` of those from its hard recipe (coarse dot grids, typewriters, small photographed text)."""
    seed, g, n_synth = args[0], args[1], args[2]
    realistic = float(args[4]) if len(args) > 4 else 0.0
    hard = float(args[5]) if len(args) > 5 else 0.0
    n = n_synth * GROUP
    k = int(round(n * realistic))
    lines = LineSampler(seed * 1_000_003 + g, faces=font_faces(held_out=False), max_chars=24).batch(n - k) if n > k else []
    if k:
        from hanji.synth.printline import PrintLineSampler

        lines += PrintLineSampler(seed * 1_000_003 + g + 500_000_000, max_chars=24, hard=hard).batch(k)
    return lines


def realistic_eval_lines(n: int = 200, seed: int = EVAL_SEED + 1):
    """Held-out print-reality lines: held-out font families, held-out text (gettext catalogs kept out)."""
    return PrintLineSampler(seed, held_out=True, max_chars=24).batch(n)


class GroupSource:
    """Batches for steps in order; groups of GROUP batches rendered here or ahead in worker processes."""

    def __init__(self, seed: int, batch_size: int, n_real: int, real: list, workers: int = 0,
                 realistic: float = 0.0, hard: float = 0.0) -> None:
        self.seed, self.batch_size, self.n_real, self.real = seed, batch_size, n_real, real
        self.realistic, self.hard = realistic, hard
        self.cache: dict[int, list] = {}
        self.pending: dict[int, Any] = {}
        self.pool = None
        if workers > 0:
            import multiprocessing as mp

            self.pool = mp.get_context("fork").Pool(workers)
            self.ahead = 2 * workers

    def _args(self, g: int) -> tuple:
        base = (self.seed, g, self.batch_size - self.n_real, self.n_real)
        if self.hard:
            return base + (self.realistic, self.hard)
        return base + (self.realistic,) if self.realistic else base

    def _group(self, g: int) -> list:
        if self.pool is not None:
            for h in range(g, g + self.ahead):
                if h not in self.pending:
                    self.pending[h] = self.pool.apply_async(render_group, (self._args(h),))
            for h in [h for h in self.pending if h < g]:
                del self.pending[h]
            lines = self.pending.pop(g).get()
        else:
            lines = render_group(self._args(g))
        if self.n_real:
            lines += random.Random(self.seed * 1_000_003 + g).choices(self.real, k=self.n_real * GROUP)
        lines.sort(key=lambda s: s[0].shape[1] / s[0].shape[0])
        return lines

    def batch(self, step: int) -> list:
        g = step // GROUP
        if g not in self.cache:
            self.cache.clear()
            self.cache[g] = self._group(g)
        k = step % GROUP
        return self.cache[g][k * self.batch_size : (k + 1) * self.batch_size]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None


def run(out: str | Path, steps: int = 20000, resume: bool = False, seed: int = 0, batch_size: int = 16,
        init: str | Path | None = None, threads: int = 0, eval_size: int = 200, eval_every: int = 500,
        checkpoint_every_s: float = 240.0, project: str | Path | None = None, project_share: float = 0.25,
        workers: int = 0, realistic: float = 0.0, lr: float | None = None, freeze_blocks: int | None = None,
        hard: float = 0.0, progress: Progress = no_progress, cancel: CancelToken | None = None, log=print) -> dict[str, Any]:
    """Train (or resume) and return ``{"step", "best_cer", "loss", "out"}``.

    ``init``: a weights file to start from instead of PP-OCRv4, or ``"shipped"`` for the shipped
    ``ko_rec.pt`` (to train further); ignored when resuming. ``project``: a project file whose confirmed lines
    make up ``project_share`` of every batch. ``workers``: processes rendering lines ahead (for a
    GPU, where rendering is the bottleneck); the batches are the same whatever their number.
    ``realistic``: the share of each batch rendered by the print-reality engine (:mod:`hanji.synth.printline`);
    with it, the held-out evaluation adds as many held-out print-reality lines; ``hard``: the share of those
    print-reality lines drawn from its hard recipe (:func:`hanji.synth.printline.render_hard_line`). ``lr``: the backbone's
    learning rate (the head's is 4x); ``freeze_blocks``: backbone blocks kept frozen (default 10)."""
    from hanji.models.device import pick_device, set_threads
    from hanji.models.recognize.charset import korean_charset
    from hanji.models.recognize.train import TrainConfig, Trainer, ko_model_from_ppocr
    from hanji.models.weights import load_shipped, load_state
    set_threads(threads)
    out = Path(out)
    cfg = TrainConfig(steps=steps, batch_size=batch_size, seed=seed, threads=threads, eval_every=eval_every,
                      checkpoint_every_s=checkpoint_every_s)
    if lr is not None:
        cfg.lr, cfg.head_lr = lr, 4 * lr
    if freeze_blocks is not None:
        cfg.freeze_blocks = freeze_blocks
    device = pick_device()
    last = out / "last.pt"
    if resume and last.exists():
        state = load_state(last)
        net = ko_model_from_ppocr(None, seed)
        trainer = Trainer(cfg, net, korean_charset(), device)
        trainer.load(state, last)
        log(f"resumed from {last} at step {trainer.step}")
    else:
        if init:
            st = load_shipped("ko_rec.pt") if str(init) == "shipped" else load_state(init)
            net = ko_model_from_ppocr(None, seed)
            net.load_state_dict({k: v.float() for k, v in st["model"].items()})
        else:
            net = ko_model_from_ppocr(load_shipped("ppocr_en_rec.pt"), seed)
        trainer = Trainer(cfg, net, korean_charset(), device)
    real = project_lines(project, korean_charset()) if project else []
    if project:
        log(f"{len(real)} confirmed lines from {project}")
    n_real = int(round(batch_size * project_share)) if real else 0

    source = GroupSource(seed, batch_size, n_real, real, workers, realistic, hard)

    def sample_batch(step: int):
        return source.batch(step)

    ev = eval_lines(eval_size) if eval_size else None
    if ev and realistic:
        ev = ev + realistic_eval_lines(eval_size)
    cancel = cancel or CancelToken()
    old_handler = None
    if threading.current_thread() is threading.main_thread():
        # `kill PID` stops a background run cleanly: it checkpoints after the current step
        old_handler = signal.signal(signal.SIGTERM, lambda *_: cancel.cancel())
    try:
        res = trainer.run(sample_batch, out, ev, progress=progress, cancel=cancel, log=log)
    finally:
        source.close()
        if old_handler is not None:
            signal.signal(signal.SIGTERM, old_handler)
    res["out"] = str(out)
    return res
