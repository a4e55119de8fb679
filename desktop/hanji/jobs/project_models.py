"""The models a project's jobs use: its active trained model of a task (``store.models``, kept by
the flywheel), else the shipped one. Pre-annotation, re-recognition, detection in a box and tag
proposals on a project go through here, so that a model the flywheel activated is picked up."""

from __future__ import annotations

from typing import Any

PROJECT_PREFIX = "project:"


def active_key(store, task: str) -> str | None:
    """The SHA-256 of the project's active model of ``task``, or None (shipped). Cheap: one query."""
    if store is None:
        return None
    m = store.models.active(task)
    return m.sha256 if m is not None else None


def project_recognizer(store, device: str | None = None):
    """The project's active recognizer (a :class:`hanji.models.recognize.Recognizer` whose
    ``weights_sha256`` is the stored model's), or None when the project has none."""
    m = store.models.active("recognizer") if store is not None else None
    if m is None:
        return None
    from hanji.models.device import pick_device
    from hanji.models.pipeline import _fast_on_cpu
    from hanji.models.recognize import from_bytes

    rec = from_bytes(store.models.weights(m.id), f"{PROJECT_PREFIX}{m.name}", device=pick_device(device),
                     source=store.path)
    return _fast_on_cpu(rec)


def project_pipeline(store, recognizer: str = "ko", device: str | None = None, low_confidence: float = 0.8,
                     min_score: float = 0.0) -> Any:
    """The OCR pipeline for a project: with the default Korean recognizer asked for, the project's
    active recognizer when it has one; otherwise the named shipped one."""
    from hanji.jobs.preannotate import make_pipeline

    rec = project_recognizer(store, device) if recognizer == "ko" else None
    if rec is None:
        return make_pipeline(recognizer, device=device, low_confidence=low_confidence, min_score=min_score)
    from hanji.models.pipeline import OcrPipeline

    return OcrPipeline(recognizer=rec, device=device, low_confidence=low_confidence, min_score=min_score)


def project_predictor(store, model=None):
    """The tagger for a project's proposals: ``model`` (a file) when given, else the project's active
    tagger, else the shipped one."""
    from hanji.jobs.extract import load_predictor

    m = store.models.active("tagger") if (store is not None and model is None) else None
    if m is None:
        return load_predictor(model)
    from hanji.models.kie.predictor import KiePredictor
    from hanji.models.weights import load_state_bytes

    predictor = KiePredictor(load_state_bytes(store.models.weights(m.id), store.path))
    predictor.name = f"{PROJECT_PREFIX}{m.name}"
    predictor.weights_sha256 = m.sha256
    return predictor
