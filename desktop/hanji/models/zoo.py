"""The model zoo: the one place that builds every predictor Hanji runs.

Each function returns a ready predictor from the shipped weights, from a weights file, or from
weights kept in a project (:class:`Stored`: bytes, handed over by the caller; the zoo never opens a
project). Jobs, the command line, the window and the benchmarks ask here and never touch torch.

    zoo.pipeline("ko")                          # OCR: detector + recognizer + direction + order
    zoo.pipeline("ko", recognizer_weights=Stored(name, data, sha256, source))
    zoo.recognizer("ppocr_en") / zoo.detector() / zoo.direction_classifier()
    zoo.tagger() / zoo.tagger(path) / zoo.tagger(weights=Stored(...))
    zoo.recognizer_net(state) / zoo.detector_net(state)   # trainable networks for fine-tuning

Torch and the networks are imported inside the functions, so importing the zoo stays cheap.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_PREFIX = "project:"  # the name of a predictor built from a project's stored weights


@dataclass(frozen=True)
class Stored:
    """Weights kept in a project (``store.models``): their bytes, what they are called and where
    they came from (named in errors)."""

    name: str
    data: bytes
    sha256: str = ""
    source: str | Path | None = None

    @property
    def digest(self) -> str:
        return self.sha256 or hashlib.sha256(self.data).hexdigest()


def _state(weights: Stored) -> dict[str, Any]:
    from hanji.models.weights import load_state_bytes

    return load_state_bytes(weights.data, weights.source)


def _floats(state: dict[str, Any]) -> dict[str, Any]:
    """Half-precision weights (as some are kept) made float32 for the CPU; integer buffers as they are."""
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def fast_on_cpu(recognizer):
    """Channels-last weights make the recognizer's convolutions about a quarter faster on CPU
    (oneDNN's preferred layout); the results are the same up to float rounding."""
    import torch

    from hanji.models.device import is_cpu

    net = getattr(recognizer, "net", None)
    device = getattr(recognizer, "device", None)
    if isinstance(net, torch.nn.Module) and is_cpu(device):
        net.to(memory_format=torch.channels_last)
    return recognizer


# ------------------------------------------------------------------------------------ recognizer
def recognizer(name: str = "ko", device: Any = None, *, path: str | Path | None = None,
               weights: Stored | None = None, state: dict[str, Any] | None = None):
    """A line recognizer (:class:`hanji.models.recognize.Recognizer`): the shipped one called
    ``name``, or the one in a weights file ``path``, in a project (``weights``) or in a weights
    dictionary ``state``. Ready for the CPU's fastest layout."""
    from hanji.models.device import pick_device
    from hanji.models.recognize import from_bytes, from_state, load_recognizer

    dev = pick_device(str(device) if device is not None else None)  # cuda asked for but absent: the CPU
    if weights is not None:
        rec = from_bytes(weights.data, weights.name, device=dev, source=weights.source)
    elif state is not None:
        rec = from_state(state, name, dev)
    else:
        rec = load_recognizer(name, device=dev, path=path)
    return fast_on_cpu(rec)


def recognizer_net(state: dict[str, Any]):
    """The recognizer's network with the weights of ``state`` (``{"model", "charset", ...}``), to
    fine-tune or to measure."""
    from hanji.models.recognize.net import RecNet

    net = RecNet(len(state["charset"]) + 1)
    net.load_state_dict(_floats(state["model"]))
    return net


# -------------------------------------------------------------------------------------- detector
def detector_net(state: dict[str, Any] | None = None):
    """The DB detector's network: the shipped weights, or those of ``state``, to fine-tune or to measure."""
    from hanji.models.detect.detector import load_dbnet
    from hanji.models.detect.net import DBNet

    if state is None:
        return load_dbnet()
    net = DBNet()
    net.load_state_dict(_floats(state))
    return net


def detector(device: Any = None, *, weights: Stored | None = None, state: dict[str, Any] | None = None,
             resize: Any = None):
    """The text detector (:class:`hanji.models.detect.TextDetector`): shipped weights, or a
    project's (``weights``), or a weights dictionary ``state``; ``resize`` a
    :class:`hanji.models.detect.Resize` (default: the detector's own)."""
    from hanji.models.detect import TextDetector

    kwargs: dict[str, Any] = {"device": device}
    if resize is not None:
        kwargs["resize"] = resize
    if weights is not None:
        det = TextDetector(net=detector_net(_state(weights)), **kwargs)
        det.name = weights.name
        det.weights_sha256 = weights.digest
        return det
    if state is not None:
        return TextDetector(net=detector_net(state), **kwargs)
    return TextDetector(**kwargs)


def direction_classifier(device: Any = None):
    """The shipped 0/180 degree line direction classifier."""
    from hanji.models.device import pick_device
    from hanji.models.direction import load_direction_classifier

    return load_direction_classifier(pick_device(str(device) if device is not None else None))


# -------------------------------------------------------------------------------------- pipeline
def pipeline(recognizer_name: str = "ko", device: str | None = None, *, low_confidence: float = 0.8,
             min_score: float = 0.0, detector_weights: Stored | None = None,
             recognizer_weights: Stored | None = None, direction: Any = True):
    """The OCR pipeline. Shipped parts are loaded when first used (so that building one is free);
    parts from a project's weights are built now. ``recognizer_weights`` replaces the recognizer
    called ``recognizer_name``; ``direction``: True for the shipped classifier, None for none."""
    from hanji.models.pipeline import OcrPipeline

    det = detector(device, weights=detector_weights) if detector_weights is not None else None
    rec: Any = recognizer(device=device, weights=recognizer_weights) if recognizer_weights is not None \
        else recognizer_name
    return OcrPipeline(detector=det, recognizer=rec, device=device, low_confidence=low_confidence,
                       min_score=min_score, direction=direction)


# ---------------------------------------------------------------------------------------- tagger
def tagger(path: str | Path | None = None, *, weights: Stored | None = None, state: dict[str, Any] | None = None):
    """The key-value tagger (:class:`hanji.models.kie.predictor.KiePredictor`): the shipped Korean
    one, or the one in a file ``path`` (written by ``hanji train tagger``), in a project
    (``weights``) or in a weights dictionary ``state``."""
    from hanji.models.kie.predictor import KiePredictor

    if weights is not None:
        predictor = KiePredictor(_state(weights))
        predictor.name = weights.name
        predictor.weights_sha256 = weights.digest
        return predictor
    if state is not None:
        return KiePredictor(state)
    return KiePredictor.load(path)
