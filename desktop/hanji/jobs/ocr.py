"""``hanji ocr``: reading image files without a project.

:func:`ocr_images` yields ``{"image": path, "regions": [{"points", "text", "score"}]}`` per image,
regions in reading order; this is the interface used to evaluate Hanji's OCR: keep it stable."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from hanji.domain.model import Region
from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.project_models import project_pipeline
from hanji.models import zoo
from hanji.models.pipeline import load_image

MODES = ("page", "line")


def ocr_pipeline(recognizer: str = "ko", device: str | None = None, min_score: float = 0.0, store: Any = None):
    """The pipeline ``hanji ocr`` reads with: the shipped models (``recognizer`` by name), or with
    ``store``, that project's active ones where it has them."""
    if store is not None:
        return project_pipeline(store, recognizer, device=device, min_score=min_score)
    return zoo.pipeline(recognizer, device, min_score=min_score)


def region_json(r: Region, digits: int = 1) -> dict[str, Any]:
    return {"points": [[round(x, digits), round(y, digits)] for x, y in r.points], "text": r.text,
            "score": round(float(r.confidence if r.confidence is not None else 0.0), 4)}


def ocr_images(paths: Sequence[str | Path], mode: str = "page", pipeline: Any = None, recognizer: str = "ko",
               progress: Progress = no_progress, cancel: CancelToken | None = None) -> Iterator[dict[str, Any]]:
    """``{"image": path, "regions": [{"points", "text", "score"}]}`` per image, regions in reading order.

    ``mode`` is ``page`` (find the lines, then read them) or ``line`` (the whole image is one line);
    ``pipeline``: default the shipped models with ``recognizer`` (:func:`hanji.models.zoo.pipeline`)."""
    if mode not in MODES:
        raise HanjiError(f"unknown OCR mode {mode!r}; choose page or line")
    pipeline = pipeline or zoo.pipeline(recognizer)
    paths = list(paths)
    for i, p in enumerate(paths):
        if cancel:
            cancel.check()
        progress(i, len(paths), str(p))
        rgb = load_image(p)
        regions = pipeline.page(rgb) if mode == "page" else pipeline.line(rgb)
        yield {"image": str(p), "regions": [region_json(r) for r in regions]}
    progress(len(paths), len(paths), "")
