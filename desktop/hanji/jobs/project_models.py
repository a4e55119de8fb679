"""The models a project's jobs use: its active trained model of a task (``store.models``, kept by
the flywheel), else the shipped one. Pre-annotation, re-recognition, detection in a box and tag
proposals on a project go through here, so that a model the flywheel activated is picked up.

This module only reads the project's stored weights and hands them, as bytes, to
:mod:`hanji.models.zoo`, which builds every predictor; nothing here touches torch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hanji.models import zoo
from hanji.models.zoo import PROJECT_PREFIX


def stored(store, task: str) -> zoo.Stored | None:
    """The project's active model of ``task`` as :class:`hanji.models.zoo.Stored` weights, or None."""
    m = store.models.active(task) if store is not None else None
    if m is None:
        return None
    return zoo.Stored(name=f"{PROJECT_PREFIX}{m.name}", data=store.models.weights(m.id), sha256=m.sha256,
                      source=store.path)


def active_key(store, task: str) -> str | None:
    """The SHA-256 of the project's active model of ``task``, or None (shipped). Cheap: one query."""
    if store is None:
        return None
    m = store.models.active(task)
    return m.sha256 if m is not None else None


def pipeline_key(store, recognizer: str = "ko") -> str | None:
    """What identifies the project's pipeline: the active detector's and recognizer's SHA-256 (None: shipped)."""
    rec = active_key(store, "recognizer") if recognizer == "ko" else None
    det = active_key(store, "detector")
    return None if rec is None and det is None else f"det={(det or 'shipped')[:16]},rec={(rec or 'shipped')[:16]}"


def project_recognizer(store, device: str | None = None):
    """The project's active recognizer (its ``weights_sha256`` is the stored model's), or None."""
    weights = stored(store, "recognizer")
    return None if weights is None else zoo.recognizer(device=device, weights=weights)


def project_detector(store, device: str | None = None):
    """The project's active detector (its ``weights_sha256`` is the stored model's), or None."""
    weights = stored(store, "detector")
    return None if weights is None else zoo.detector(device, weights=weights)


def project_pipeline(store, recognizer: str = "ko", device: str | None = None, low_confidence: float = 0.8,
                     min_score: float = 0.0) -> Any:
    """The OCR pipeline for a project: its active detector when it has one, and, with the default
    Korean recognizer asked for, its active recognizer when it has one; otherwise the shipped ones."""
    return zoo.pipeline(recognizer, device, low_confidence=low_confidence, min_score=min_score,
                        detector_weights=stored(store, "detector"),
                        recognizer_weights=stored(store, "recognizer") if recognizer == "ko" else None)


def project_predictor(store, model: str | Path | None = None):
    """The tagger for a project's proposals: ``model`` (a file) when given, else the project's active
    tagger, else the shipped one."""
    if model is not None:
        return zoo.tagger(model)
    weights = stored(store, "tagger")
    return zoo.tagger() if weights is None else zoo.tagger(weights=weights)
