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


def pipeline_key(store, recognizer: str = "ko") -> str | None:
    """What identifies the project's pipeline: the active detector's and recognizer's SHA-256 (None: shipped)."""
    rec = active_key(store, "recognizer") if recognizer == "ko" else None
    det = active_key(store, "detector")
    return None if rec is None and det is None else f"det={(det or 'shipped')[:16]},rec={(rec or 'shipped')[:16]}"


def project_detector(store, device: str | None = None):
    """The project's active detector (a :class:`hanji.models.detect.TextDetector` whose
    ``weights_sha256`` is the stored model's), or None when the project has none."""
    m = store.models.active("detector") if store is not None else None
    if m is None:
        return None
    from hanji.models.detect import TextDetector
    from hanji.models.detect.net import DBNet
    from hanji.models.weights import load_state_bytes

    state = load_state_bytes(store.models.weights(m.id), store.path)
    net = DBNet()
    net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    det = TextDetector(net=net, device=device)
    det.name = f"{PROJECT_PREFIX}{m.name}"
    det.weights_sha256 = m.sha256
    return det


def project_pipeline(store, recognizer: str = "ko", device: str | None = None, low_confidence: float = 0.8,
                     min_score: float = 0.0) -> Any:
    """The OCR pipeline for a project: its active detector when it has one, and, with the default
    Korean recognizer asked for, its active recognizer when it has one; otherwise the shipped ones."""
    from hanji.jobs.preannotate import make_pipeline

    rec = project_recognizer(store, device) if recognizer == "ko" else None
    det = project_detector(store, device)
    if rec is None and det is None:
        return make_pipeline(recognizer, device=device, low_confidence=low_confidence, min_score=min_score)
    from hanji.models.pipeline import OcrPipeline

    return OcrPipeline(detector=det, recognizer=rec if rec is not None else recognizer, device=device,
                       low_confidence=low_confidence, min_score=min_score)


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
