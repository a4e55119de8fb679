"""The flywheel for the text detector (``hanji train detector PROJECT``): the recipe of
:mod:`hanji.jobs.flywheel` with H-mean (ICDAR 2015 style, IoU >= 0.5) on the held-out pages as the
measure (higher is better) and :mod:`hanji.models.detect.train` (shrink-map DB loss) as the training.

A page counts as labelled for detection when a person made or confirmed every region on it (no
model region left unchecked): only then is text without a region really background.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.flywheel import (
    FlywheelResult,
    _finish,
    _measure_before,
    _resumable,
    base_model,
    run_dir,
    trainable_split,
)
from hanji.jobs.preannotate import document_image
from hanji.models import zoo

SHIPPED_DETECTOR = "ppocrv4_det_mobile.pt"


def detector_documents(store) -> list:
    """Documents whose every region a person made or confirmed (at least one)."""
    out = []
    for d in store.documents():
        regions = store.regions(d.id)
        if regions and all(r.human for r in regions):
            out.append(d)
    return out


def labelled_pages(store, doc_ids: list[int], cancel: CancelToken | None = None) -> list[tuple[Any, list]]:
    """``(rgb, [region points])`` of each document."""
    out = []
    for i in doc_ids:
        if cancel is not None:
            cancel.check()
        out.append((document_image(store, i), [r.points for r in store.regions(i)]))
    return out


def base_detector(store) -> tuple[dict[str, Any], str, str]:
    """``(state dict, sha256, name)`` of the project's active detector, else of the shipped one."""
    return base_model(store, "detector", SHIPPED_DETECTOR)


def detector_hmean(state: dict[str, Any], pages: list[tuple[Any, list]], device=None) -> float:
    """H-mean of detector weights on labelled pages."""
    from hanji.models.detect.train import hmean

    det = zoo.detector(device, state=state)
    found = [[d.points for d in det.detect(rgb)] for rgb, _ in pages]
    return float(hmean(found, [polys for _, polys in pages])["hmean"])


def train_detector(store, steps: int = 200, batch_size: int = 2, size: int = 640, lr: float = 1e-4,
                   freeze_stages: int = 2, seed: int = 0, threads: int = 0, resume: bool = True,
                   evaluator: Callable[[dict, list], float] | None = None, progress: Progress = no_progress,
                   cancel: CancelToken | None = None, log: Callable[[str], None] = lambda m: None) -> FlywheelResult:
    """Fine-tune the project's detector (active, else shipped) on its fully labelled pages; kept in
    the project with held-out H-mean before and after, active only when H-mean went up."""
    from hanji.models.detect.train import DetTrainConfig, DetTrainer, random_crop
    from hanji.models.device import pick_device, seed_torch, set_threads
    from hanji.models.weights import load_state, save_state, state_to_bytes

    train_ids, held_ids = trainable_split(
        store, detector_documents(store),
        "training the detector needs pages whose every region a person made or confirmed, at least two")
    set_threads(threads)
    cancel = cancel or CancelToken()
    base_state, base_sha, base_name = base_detector(store)
    device = pick_device()
    evaluator = evaluator or (lambda state, pages: detector_hmean(state, pages, device))
    progress(0, steps, "reading labelled pages")
    train_pages = labelled_pages(store, train_ids, cancel)
    held_pages = labelled_pages(store, held_ids, cancel)
    cfg = DetTrainConfig(steps=steps, batch_size=batch_size, size=size, lr=lr, seed=seed, freeze_stages=freeze_stages,
                         warmup=max(1, min(10, steps // 10)))
    key = {"base": base_sha, "train": train_ids, "heldout": held_ids, "steps": steps, "batch_size": batch_size,
           "size": size, "lr": lr, "freeze": freeze_stages, "seed": seed}
    out = run_dir(store, "detector")
    ckpt = out / "last.pt"
    state = _resumable(store, "detector", key, ckpt, resume)
    seed_torch(seed)
    net = zoo.detector_net(base_state)
    trainer = DetTrainer(cfg, net, device)
    if state is not None:
        trainer.load(load_state(ckpt, None))
        log(f"resumed at step {trainer.step} of {steps}")
    before = _measure_before(store, "detector", key, state, out, lambda: evaluator(base_state, held_pages),
                             steps, progress)
    out.mkdir(parents=True, exist_ok=True)
    resumed_at = trainer.step
    log(f"{base_name}: held-out H-mean {before:.4f} on {len(held_ids)} pages; training on {len(train_ids)} pages")

    def sample_batch(step: int):
        rng = random.Random(seed * 1_000_003 + step)
        return [random_crop(rgb, polys, rng, size) for rgb, polys in rng.choices(train_pages, k=batch_size)]

    trainer.run(sample_batch, lambda st: save_state(st, ckpt), progress=progress, cancel=cancel)
    cancel.check()
    weights = {k: v.detach().cpu().clone() for k, v in trainer.net.state_dict().items()}
    progress(steps, steps, "measuring the fine-tuned model")
    after = float(evaluator(weights, held_pages))
    return _finish(store, "detector", state_to_bytes(weights), "hmean", before, after, (base_name, base_sha),
                   (train_ids, held_ids), {"steps": trainer.step, "device": str(device)}, out, resumed_at, log)
