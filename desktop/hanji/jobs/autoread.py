"""A box read as soon as it is drawn or reshaped (PPOCRLabel's auto-recognition), without a window.

:func:`wants_reading` says whether an edit calls for a reading: a new region without text, or a
region whose shape changed while its text is still empty or the model's earlier reading. A text a
person typed is never replaced. :func:`read_regions` reads such regions with the OCR pipeline and
writes the reading the way Ctrl+R does (:func:`hanji.jobs.preannotate.rerecognize_region`), after
checking once more, just before writing, that nobody typed a text or moved the box meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hanji.domain.model import Region
from hanji.jobs.preannotate import document_image


def person_typed(region: Region) -> bool:
    """True when the region's text is a person's: not empty and not the model's reading."""
    return bool(region.text.strip()) and region.text != (region.machine_text or "")


def wants_reading(region: Region, old_points: Sequence[Sequence[float]] | None) -> bool:
    """Whether ``region`` (after an edit; ``old_points`` its shape before, None when it is new)
    should be read now."""
    if old_points is None:
        return not region.text.strip()
    same = len(old_points) == len(region.points) and all(
        abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-6 for a, b in zip(old_points, region.points))
    return not same and not person_typed(region)


def read_regions(store, region_ids: Sequence[int], pipeline: Any, cancel=None) -> list[Region]:
    """Read each region (skipping those deleted, typed or moved since they were asked for) and store
    the readings; returns the regions written. One undo step per region, labelled ``auto-read``."""
    out: list[Region] = []
    images: dict[int, Any] = {}
    for rid in region_ids:
        if cancel is not None:
            cancel.check()
        try:
            region = store.region(rid)
        except Exception:
            continue  # deleted meanwhile
        if person_typed(region):
            continue
        if region.doc_id not in images:
            images[region.doc_id] = document_image(store, region.doc_id)
        text, score = pipeline.reread(images[region.doc_id], region)
        try:
            now = store.region(rid)
        except Exception:
            continue
        if person_typed(now) or now.points != region.points:
            continue  # typed or moved while it was being read (a moved box is asked for again)
        changes: dict[str, Any] = {"machine_text": text, "confidence": round(float(score), 4)}
        if not now.human:
            low = getattr(pipeline, "low_confidence", 0.8)
            changes.update(text=text, status="review" if score < low else "machine",
                           source=getattr(pipeline, "source", now.source))
        else:
            changes["text"] = text
        out.append(store.update_region(rid, label="auto-read", **changes))
    return out
