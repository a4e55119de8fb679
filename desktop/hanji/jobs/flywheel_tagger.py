"""The flywheel for the key-value tagger (``hanji train tagger PROJECT``): the recipe of
:mod:`hanji.jobs.flywheel` with entity F1 on the held-out documents as the measure (higher is
better) and :func:`hanji.jobs.train_tagger.run` as the training."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hanji.domain.bio import spans_from_tags
from hanji.jobs import train_tagger as tt
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.flywheel import FlywheelResult, _finish, _measure_before, _resumable, run_dir, trainable_split
from hanji.jobs.train_tagger import labelled_regions
from hanji.models import zoo

SHIPPED_TAGGER = "kie_tagger_ko.pt"


def tagger_documents(store) -> list:
    """Documents with labelled tags (or human key-values) on their text."""
    return [d for d in store.documents() if labelled_regions(store, d.id)]


def heldout_examples(store, doc_ids: list[int]) -> list[tuple[list, str]]:
    """``(regions in reading order with their labelled tags, document type)`` per document."""
    out = []
    for i in doc_ids:
        regions = labelled_regions(store, i)
        if regions:
            out.append((regions, store.document(i).doc_type))
    return out


def tagger_f1(state: dict[str, Any], examples: list[tuple[list, str]]) -> float:
    """Entity F1 (exact spans, micro-averaged) of tagger weights on labelled documents."""
    predictor = zoo.tagger(state=state)
    tp = fp = fn = 0
    for regions, doc_type in examples:
        p = predictor.predict(regions, doc_type=doc_type if doc_type in predictor.doc_types else None, ordered=True)
        gold = {(s.label, s.start, s.end) for s in spans_from_tags([t for r in regions for t in r.tags])}
        guess = {(s.label, s.start, s.end) for s in spans_from_tags([t for tags in p.tags for t in tags])}
        tp += len(gold & guess)
        fp += len(guess - gold)
        fn += len(gold - guess)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def base_tagger(store) -> tuple[dict[str, Any], bytes | None, str, str]:
    """``(state, bytes or None for the shipped one, sha256, name)`` of the active tagger, else the shipped one."""
    from hanji.models.weights import load_shipped, load_state_bytes, shipped_sha256

    m = store.models.active("tagger")
    if m is not None:
        data = store.models.weights(m.id)
        return load_state_bytes(data, store.path), data, m.sha256, m.name
    return load_shipped(SHIPPED_TAGGER), None, shipped_sha256(SHIPPED_TAGGER), "shipped"


def train_tagger(store, steps: int = 300, seed: int = 0, n_synthetic: int = 200, threads: int = 0,
                 resume: bool = True, evaluator: Callable[[dict, list], float] | None = None,
                 progress: Progress = no_progress, cancel: CancelToken | None = None,
                 log: Callable[[str], None] = lambda m: None, **train_kwargs) -> FlywheelResult:
    """Fine-tune the project's tagger (active, else shipped) on its train documents; kept in the
    project with held-out F1 before and after, active only when F1 went up. ``evaluator(state,
    examples) -> F1`` replaces :func:`tagger_f1`; ``train_kwargs`` go to :func:`hanji.jobs.train_tagger.run`."""
    from hanji.models.weights import load_state

    train_ids, held_ids = trainable_split(
        store, tagger_documents(store),
        "training the tagger needs tagged documents (or documents with key-values), at least two")
    cancel = cancel or CancelToken()
    base_state, base_bytes, base_sha, base_name = base_tagger(store)
    evaluator = evaluator or tagger_f1
    examples = heldout_examples(store, held_ids)
    key = {"base": base_sha, "train": train_ids, "heldout": held_ids, "steps": steps, "seed": seed,
           "n_synthetic": n_synthetic, "kwargs": {k: repr(v) for k, v in sorted(train_kwargs.items())}}
    out = run_dir(store, "tagger")
    weights_path = out / "tagger.pt"
    ckpt = weights_path.with_name(weights_path.name + ".ckpt")
    state = _resumable(store, "tagger", key, ckpt, resume)
    resumed_at = 0
    if state is not None:
        resumed_at = int(load_state(ckpt).get("step", 0))
        log(f"resuming at step {resumed_at} of {steps}")
    before = _measure_before(store, "tagger", key, state, out, lambda: evaluator(base_state, examples), steps,
                             progress)
    out.mkdir(parents=True, exist_ok=True)
    init: str = "shipped"
    if base_bytes is not None:
        (out / "base.pt").write_bytes(base_bytes)
        init = str(out / "base.pt")
    log(f"{base_name}: held-out F1 {before:.4f} on {len(held_ids)} documents; training on {len(train_ids)}")
    res = tt.run(store, weights_path, steps=steps, seed=seed, progress=progress, cancel=cancel, resume=True,
                 n_synthetic=n_synthetic, doc_ids=train_ids, threads=threads, init=init, log=log, **train_kwargs)
    cancel.check()
    progress(steps, steps, "measuring the fine-tuned model")
    after = float(evaluator(load_state(weights_path), examples))
    extra = {"steps": int(res["steps"]), "synthetic_documents": res.get("synthetic_documents", 0)}
    return _finish(store, "tagger", weights_path.read_bytes(), "f1", before, after, (base_name, base_sha),
                   (train_ids, held_ids), extra, out, resumed_at, log)
