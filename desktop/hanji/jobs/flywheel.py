"""The flywheel: fine-tune a model on the project's confirmed labels, keep it in the project, and
switch pre-annotation to it only when it beats the model it started from.

``train_recognizer(store)`` (``hanji train recognizer PROJECT``) and ``train_tagger(store)``
(``hanji train tagger PROJECT``, in :mod:`hanji.jobs.flywheel_tagger`) share the recipe:

1. The documents with confirmed labels are split by document into train and held-out
   (:func:`split_documents`: a hash of the document id puts about 20% in held-out, at least one; a
   document's ``attrs["split"]`` of ``train`` or ``heldout`` pins it). A document never changes
   side as the project grows, so held-out documents are never trained on.
2. The active model of the task (the shipped one when there is none) is evaluated on the held-out
   documents: ``before``.
3. It is fine-tuned on the train documents' labels (the recognizer keeps a share of rendered lines
   in every batch so that it does not forget what it read before), with progress, a cancel token and
   checkpoints next to the project (``PROJECT.train/TASK/``); the same call after a cancel resumes.
4. The fine-tuned model is evaluated on the same held-out documents (``after``), kept in the
   project's ``models`` table with its metrics, and made active only when it is better.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.train_recognizer import store_lines
from hanji.models import zoo
from hanji.synth.lines import LineSampler, degrade, font_faces

HELDOUT_SHARE = 0.2
# attrs["split"] values that pin a document to the held-out side (imports set "val" or "test")
HELDOUT_NAMES = ("heldout", "held-out", "test", "val", "valid", "validation", "dev", "eval")
SHIPPED_RECOGNIZER = "ko_rec.pt"


@dataclass
class FlywheelResult:
    task: str
    model_id: int
    name: str
    sha256: str
    activated: bool
    metrics: dict[str, Any] = field(default_factory=dict)
    resumed_at: int = 0  # the step an earlier, interrupted run had reached (0: a fresh run)

    def as_json(self) -> dict[str, Any]:
        return {"task": self.task, "model_id": self.model_id, "name": self.name, "sha256": self.sha256,
                "activated": self.activated, "metrics": self.metrics, "resumed_at": self.resumed_at}


# ---------------------------------------------------------------------------- split
def _unit(doc_id: int) -> float:
    """A fixed number in [0, 1) per document id."""
    h = hashlib.sha256(f"hanji-split:{int(doc_id)}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def split_documents(docs: list, share: float = HELDOUT_SHARE) -> tuple[list[int], list[int]]:
    """``(train_ids, heldout_ids)`` of documents (objects with ``id`` and ``attrs``).

    A document is held out when the hash of its id falls below ``share`` or when its
    ``attrs["split"]`` says so (``heldout``, ``val``, ``test``: :data:`HELDOUT_NAMES`); ``train``
    pins it to training. At least one document is held out, and with two or more at least one is
    trained on."""
    pinned = {d.id: str((d.attrs or {}).get("split", "")).strip().lower() for d in docs}
    held = {d.id for d in docs
            if pinned[d.id] in HELDOUT_NAMES or (pinned[d.id] != "train" and _unit(d.id) < share)}
    free = sorted((d.id for d in docs if not pinned[d.id]), key=_unit)
    if not held and docs:
        held.add(free[0] if free else min(docs, key=lambda d: _unit(d.id)).id)
    train = [d.id for d in docs if d.id not in held]
    if not train and len(docs) >= 2:
        movable = [i for i in sorted(held, key=_unit, reverse=True) if pinned[i] not in HELDOUT_NAMES]
        if movable:
            held.discard(movable[0])
            train = [d.id for d in docs if d.id not in held]
    return sorted(train), sorted(held)


def trainable_split(store, docs: list, needs: str) -> tuple[list[int], list[int]]:
    """:func:`split_documents` for a flywheel run, after the checks every task shares: the project is
    writable (the model is kept in it) and has at least two usable documents. ``needs`` starts the
    message, e.g. ``"training the tagger needs tagged documents, at least two"``."""
    if store.readonly:
        raise HanjiError("the project is open read-only; training keeps the model in it", store.path)
    if len(docs) < 2:
        raise HanjiError(f"{needs} (one is held out to measure it); this project has {len(docs)}", store.path)
    return split_documents(docs)


def run_dir(store, task: str) -> Path:
    """Where the checkpoints of a flywheel run live: next to the project file; for a project on a
    PostgreSQL server, in this machine's cache folder under the database's name."""
    if store.backend != "sqlite":
        import os
        import re

        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        return cache / "hanji" / "train" / (re.sub(r"[^\w.-]+", "_", store.path.name) + ".train") / task
    p = Path(store.path)
    return p.with_name(p.name + ".train") / task


def _job_name(task: str) -> str:
    return f"flywheel_{task}"


def _model_name(store, task: str) -> str:
    return f"{task}-{len(store.models.list(task)) + 1}"


def _resumable(store, task: str, key: dict[str, Any], ckpt: Path, resume: bool) -> dict[str, Any] | None:
    state = store.job_state(_job_name(task)) if resume else None
    if state and state.get("key") == key and ckpt.exists():
        return state
    return None


def _measure_before(store, task: str, key: dict[str, Any], state: dict[str, Any] | None, out: Path,
                    measure: Callable[[], float], steps: int, progress: Progress) -> float:
    """The base model's held-out figure: kept in the job state of an interrupted run, else measured
    now (after clearing the run folder of any other run) and kept for a resume."""
    if state is not None:
        return float(state["before"])
    shutil.rmtree(out, ignore_errors=True)
    progress(0, steps, "measuring the current model")
    before = float(measure())
    store.save_job_state(_job_name(task), "train", {"key": key, "before": before})
    return before


def _finish(store, task: str, weights: bytes, metric: str, before: float, after: float, base: tuple[str, str],
            split: tuple[list[int], list[int]], extra: dict[str, Any], out: Path, resumed_at: int,
            log: Callable[[str], None]) -> FlywheelResult:
    """Keep the trained model with its metrics, active when it beats the base (``metric`` "cer": lower
    is better; otherwise higher), and clear the run's checkpoints and job state."""
    better = after < before if metric == "cer" else after > before
    train_ids, held_ids = split
    metrics = {"metric": metric, "before": round(before, 6), "after": round(after, 6), "base": base[0],
               "base_sha256": base[1], "n_train_docs": len(train_ids), "n_heldout_docs": len(held_ids),
               **extra, "heldout_ids": held_ids}
    label = {"cer": "CER", "hmean": "H-mean", "f1": "F1"}.get(metric, metric)
    log(f"held-out {label} {before:.4f} -> {after:.4f}: " + ("activated" if better else "kept, not activated"))
    m = store.models.add(task, _model_name(store, task), weights, metrics, active=better)
    store.save_job_state(_job_name(task), "train", None)
    shutil.rmtree(out, ignore_errors=True)
    return FlywheelResult(task, m.id, m.name, m.sha256, better, metrics, resumed_at)


# ---------------------------------------------------------------------------- recognizer
def recognizer_documents(store) -> list:
    """Documents with at least one confirmed (human) region with text."""
    out = []
    for d in store.documents():
        if any(r.human and r.text.strip() for r in store.regions(d.id)):
            out.append(d)
    return out


def base_model(store, task: str, shipped: str) -> tuple[dict[str, Any], str, str]:
    """``(state, sha256, name)`` of the project's active model for ``task``, else of the shipped file."""
    from hanji.models.weights import load_shipped, load_state_bytes, shipped_sha256

    m = store.models.active(task)
    if m is not None:
        return load_state_bytes(store.models.weights(m.id), store.path), m.sha256, m.name
    return load_shipped(shipped), shipped_sha256(shipped), "shipped"


def base_recognizer(store, shipped: str | None = None) -> tuple[dict[str, Any], str, str]:
    """``(state, sha256, name)`` of the project's active recognizer, else of the shipped one; with
    ``shipped`` (a name of :data:`hanji.models.recognize.RECOGNIZERS`, e.g. ``"ppocr_en"``), of that
    shipped recognizer whatever the project has."""
    if shipped is None:
        return base_model(store, "recognizer", SHIPPED_RECOGNIZER)
    from hanji.models.recognize import RECOGNIZERS
    from hanji.models.weights import load_shipped, shipped_sha256

    if shipped not in RECOGNIZERS:
        raise HanjiError(f"unknown recognizer {shipped!r} to start from; choose one of {', '.join(RECOGNIZERS)}",
                         store.path)
    return load_shipped(RECOGNIZERS[shipped]), shipped_sha256(RECOGNIZERS[shipped]), shipped


def recognizer_cer(state: dict[str, Any], lines: list, device=None) -> float:
    """Character error rate of recognizer weights on ``(crop, text)`` lines."""
    from hanji.models.recognize.train import evaluate

    charset = list(state["charset"])
    net = zoo.recognizer_net(state)
    if device is not None:
        net = net.to(device)
    return float(evaluate(net, lines, charset, device))


def writable_lines(lines: list, charset: list[str]) -> list:
    """The ``(image, text)`` lines whose text the charset can write whole (a rendered Korean line
    taught to a recognizer without Hangul would pair an image with a label that lacks its letters)."""
    known = set(charset)
    return [(img, text) for img, text in lines if set(text) <= known]


def _augment(img, rng: random.Random):
    return degrade(img, rng, strength=0.3) if rng.random() < 0.5 else img


def _project_lines(store, train_ids: list[int], held_ids: list[int], charset: list[str], box_jitter: float,
                   seed: int, cancel: CancelToken) -> tuple[list, list]:
    """The confirmed lines to train on (with jittered boxes too, when asked) and to measure with."""
    train_lines = store_lines(store, train_ids, charset, cancel)
    if box_jitter:  # each line also cropped from a box moved by up to box_jitter of its height per side
        train_lines += store_lines(store, train_ids, charset, cancel, jitter=box_jitter, seed=seed)
    held_lines = store_lines(store, held_ids, charset, cancel)
    if not train_lines or not held_lines:
        raise HanjiError("no usable confirmed lines to train on or to measure with (lines must be wider than "
                         "tall and have characters the recognizer knows)", store.path)
    return train_lines, held_lines


SYNTH_MAX_CHARS = 24  # rendered lines as long as a receipt's or a form's


def _line_batches(lines: list, charset: list[str], batch_size: int, synthetic_share: float,
                  seed: int) -> Callable[[int], list]:
    """``step -> batch``: project lines (augmented) and a share of rendered ones, drawn from ``seed``
    and the step alone (a resumed run sees the same batches), sorted by aspect ratio."""
    n_synth = int(round(batch_size * synthetic_share))
    faces = font_faces(held_out=False)

    def sample_batch(step: int):
        rng = random.Random(seed * 1_000_003 + step)
        batch = [(_augment(img, rng), text) for img, text in rng.choices(lines, k=batch_size - n_synth)]
        if n_synth:
            rendered = LineSampler(seed * 7919 + step, faces=faces, max_chars=SYNTH_MAX_CHARS).batch(n_synth)
            batch += writable_lines(rendered, charset)
        batch.sort(key=lambda s: s[0].shape[1] / s[0].shape[0])
        return batch

    return sample_batch


def train_recognizer(store, steps: int = 300, batch_size: int = 16, synthetic_share: float = 0.25, seed: int = 0,
                     lr: float = 3e-4, head_lr: float = 1e-3, freeze_blocks: int = 10, threads: int = 0,
                     base: str | None = None, box_jitter: float = 0.0, resume: bool = True, evaluator: Callable[[dict, list], float] | None = None,
                     progress: Progress = no_progress, cancel: CancelToken | None = None,
                     log: Callable[[str], None] = lambda m: None, checkpoint_every_s: float = 60.0) -> FlywheelResult:
    """Fine-tune the project's recognizer (active, else shipped) on its confirmed lines; see the module.

    ``base``: start from this shipped recognizer (``"ppocr_en"`` for English receipts) instead of the
    project's active one (else the shipped Korean ``ko``); the fine-tuned model keeps its charset.
    ``synthetic_share``: rendered lines in each batch (so that it keeps reading what it read before;
    only those the charset can write whole, see :func:`writable_lines`);
    ``evaluator(state, lines) -> CER``: how ``before`` and ``after`` are measured (default
    :func:`recognizer_cer`). Returns the kept model, its metrics and whether it became active."""
    from hanji.models.device import pick_device, seed_torch, set_threads
    from hanji.models.recognize.train import TrainConfig, Trainer, export_weights
    from hanji.models.weights import load_state, state_to_bytes

    train_ids, held_ids = trainable_split(store, recognizer_documents(store),
                                          "training the recognizer needs confirmed lines in at least two documents")
    set_threads(threads)
    cancel = cancel or CancelToken()
    base_state, base_sha, base_name = base_recognizer(store, base)
    charset = list(base_state["charset"])
    device = pick_device()
    evaluator = evaluator or (lambda state, lines: recognizer_cer(state, lines, device))
    progress(0, steps, "reading labelled lines")
    train_lines, held_lines = _project_lines(store, train_ids, held_ids, charset, box_jitter, seed, cancel)
    cfg = TrainConfig(steps=steps, batch_size=batch_size, lr=lr, head_lr=head_lr, warmup=max(1, min(50, steps // 10)),
                      seed=seed, threads=threads, eval_every=10**9, checkpoint_every_s=checkpoint_every_s,
                      freeze_blocks=freeze_blocks, version=f"project+{base_name}")
    key = {"base": base_sha, "train": train_ids, "heldout": held_ids, "steps": steps, "batch_size": batch_size,
           "synthetic_share": synthetic_share, "box_jitter": box_jitter, "seed": seed, "lr": lr, "head_lr": head_lr, "freeze": freeze_blocks}
    out = run_dir(store, "recognizer")
    state = _resumable(store, "recognizer", key, out / "last.pt", resume)
    seed_torch(seed)
    net = zoo.recognizer_net(base_state)
    trainer = Trainer(cfg, net, charset, device)
    if state is not None:
        trainer.load(load_state(out / "last.pt"), out / "last.pt")
        log(f"resumed at step {trainer.step} of {steps}")
    before = _measure_before(store, "recognizer", key, state, out, lambda: evaluator(base_state, held_lines),
                             steps, progress)
    resumed_at = trainer.step
    log(f"{base_name}: held-out CER {before:.4f} on {len(held_lines)} lines of {len(held_ids)} documents; "
        f"training on {len(train_lines)} lines of {len(train_ids)} documents")
    sample_batch = _line_batches(train_lines, charset, batch_size, synthetic_share, seed)
    res = trainer.run(sample_batch, out, None, progress=progress, cancel=cancel, log=log)
    cancel.check()
    base_meta = dict(base_state.get("meta", {}))
    weights = export_weights(trainer.net, charset, dict(base_meta, name=base_meta.get("name", "ko"),
                                                        version=f"project+{base_name}+{steps}"))
    progress(steps, steps, "measuring the fine-tuned model")
    after = float(evaluator(weights, held_lines))
    extra = {"n_train_lines": len(train_lines), "n_heldout_lines": len(held_lines), "steps": int(res["step"]),
             "device": str(device)}
    return _finish(store, "recognizer", state_to_bytes(weights), "cer", before, after, (base_name, base_sha),
                   (train_ids, held_ids), extra, out, resumed_at, log)
