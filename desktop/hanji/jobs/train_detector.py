"""Fine-tuning the shipped text detector on rendered pages (issue 15): letter-spaced labels as one
line, small packed text, white-on-black bands, stacked labels as separate lines, a Latin code and
the number beside it as two (:mod:`hanji.synth.detpages`, training fonts and text only).

The recipe is :mod:`hanji.models.detect.train`'s (shrink-map DB loss, batch norm kept, the first
backbone stages frozen) on ``size`` x ``size`` crops of the pages; each page gives two crops.
Checkpoints (model, optimizer, step) go to ``out/last.pt`` every ``checkpoint_every`` steps and a run
resumes from there; :func:`export` writes weights the zoo loads (optionally blended with the shipped
weights, WiSE-FT).

    from hanji.jobs.train_detector import train_on_renders, export
    train_on_renders("/tmp/det-train", steps=400)
    export("/tmp/det-train/last.pt", "/tmp/det-cand.pt", blend=0.5)

``base`` (a weights file) is what training starts from and what the export blends with; by default
the shipped detector. The shipped fine-tune started from PP-OCRv4's converted weights
(``tools/convert_ppocr_det.py``'s ``save_converted(FILE)`` writes them), so rebuilding it passes that
file as ``base``.
"""

from __future__ import annotations

import random
from pathlib import Path

from hanji.jobs.base import CancelToken, Progress, no_progress

SHIPPED_DETECTOR = "ppocrv4_det_mobile.pt"


def train_on_renders(out: str | Path, steps: int = 400, batch_size: int = 2, size: int = 640, lr: float = 1e-4,
                     freeze_stages: int = 2, seed: int = 15, threads: int = 0, checkpoint_every: int = 25,
                     progress: Progress = no_progress, cancel: CancelToken | None = None,
                     log=print, base: str | Path | None = None) -> float | None:
    """Train from ``base`` (a weights file; the shipped detector when None) or resume
    ``out/last.pt``; returns the last loss."""
    from hanji.models import zoo
    from hanji.models.detect.train import DetTrainConfig, DetTrainer, random_crop
    from hanji.models.device import seed_torch, set_threads
    from hanji.models.weights import load_shipped, load_state, save_state
    from hanji.synth.detpages import detector_page
    from hanji.synth.printline import training_faces
    from hanji.synth.vocab import TextMix

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    set_threads(threads)
    seed_torch(seed)
    cfg = DetTrainConfig(steps=steps, batch_size=batch_size, size=size, lr=lr, seed=seed, freeze_stages=freeze_stages,
                         warmup=max(1, min(20, steps // 10)))
    trainer = DetTrainer(cfg, zoo.detector_net(load_state(base) if base else load_shipped(SHIPPED_DETECTOR)))
    ckpt = out / "last.pt"
    if ckpt.exists():
        trainer.load(load_state(ckpt))
        log(f"resumed at step {trainer.step} of {steps}")
    faces = training_faces()
    mix = TextMix(random.Random(seed))
    pages: dict[int, tuple] = {}

    def page(k: int):
        if k not in pages:
            pages.clear()  # two crops a page, taken one after the other: keep only the page in use
            p = detector_page(seed * 1_000_003 + k, faces, mix)
            pages[k] = (p.image, p.quads)
        return pages[k]

    def sample_batch(step: int):
        rng = random.Random(seed * 7_919 + step)
        return [random_crop(*page((step * batch_size + i) // 2), rng, size) for i in range(batch_size)]

    losses: list[float] = []

    def report(done: int, total: int, msg: str) -> None:
        losses.append(float(msg.split()[-1]))
        if done % 10 == 0:
            log(f"step {done}/{total} loss {sum(losses[-10:]) / len(losses[-10:]):.4f}")
        progress(done, total, msg)

    return trainer.run(sample_batch, lambda st: save_state(st, ckpt), progress=report, cancel=cancel,
                       checkpoint_every=checkpoint_every)


def export(checkpoint: str | Path, dest: str | Path, blend: float = 1.0, base: str | Path | None = None) -> str:
    """The model of a training checkpoint as a weights file (``blend`` of it, the rest ``base``'s
    weights, the shipped detector's when None); returns its SHA-256."""
    from hanji.models.weights import load_shipped, load_state, save_state

    tuned = load_state(checkpoint)["model"]
    if blend < 1.0:
        start = load_state(base) if base else load_shipped(SHIPPED_DETECTOR)
        tuned = {k: (blend * v + (1 - blend) * start[k]) if v.is_floating_point() else v for k, v in tuned.items()}
    return save_state({k: v.contiguous() for k, v in tuned.items()}, dest)
