"""Pre-annotation: models propose regions and text, people correct them.

- :func:`preannotate` runs the OCR pipeline over documents of a project as a background job:
  progress, cancel, resume (the job state records which documents are done), one undo step per
  document. It never changes a region a person made or touched (``Region.human``, or one given a
  label, tags or a link); model output goes in ``machine_text`` (and ``text`` of the new regions),
  with its confidence, and low-confidence readings get status ``review``. Running it again
  replaces the earlier untouched model output instead of adding to it.
- :func:`rerecognize_region` reads one region again (after its box was moved).
- :func:`detect_in_box` finds and reads text inside a box a person drew.

Reading image files without a project (``hanji ocr``) is :mod:`hanji.jobs.ocr`. The models come from
:mod:`hanji.jobs.project_models` (the project's active ones, else the zoo's shipped ones), which
imports torch only when a predictor is built, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hanji.domain import geometry
from hanji.domain.model import Region
from hanji.domain.order import reading_order
from hanji.errors import HanjiError
from hanji.imaging import decode
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.project_models import pipeline_key, project_pipeline
from hanji.store import ProjectStore

JOB_NAME = "preannotate"
JOB_KIND = "preannotate"


@dataclass
class PreannotateReport:
    documents: int = 0  # pre-annotated in this run
    resumed: int = 0  # skipped because an earlier, interrupted run had done them
    added: int = 0  # regions added
    replaced: int = 0  # earlier untouched model regions removed before adding the new ones
    kept: int = 0  # model detections dropped because a person's region already covers them
    review: int = 0  # added regions marked for review (low confidence)
    errors: list[str] = field(default_factory=list)


def document_image(store: ProjectStore, doc_id: int):
    """A document's image as an HxWx3 uint8 RGB array."""
    doc = store.document(doc_id)
    return decode(store.image_bytes(doc_id), doc.path or f"{store.path} (document {doc.name!r})")


def _protected_ids(store: ProjectStore, doc_id: int, regions: list[Region]) -> set[int]:
    """Regions a person made or worked on: human status, a label, entity tags or a link."""
    linked = {x for lk in store.links(doc_id) for x in (lk.src, lk.dst)}
    out = set()
    for r in regions:
        if r.human or r.label or any(t != "O" for t in r.tags) or r.id in linked:
            out.add(r.id)
    return out


def _covered(r: Region, others: list[Region], overlap: float) -> bool:
    return any(geometry.iou(r.points, o.points) >= overlap for o in others)


def _merge(store: ProjectStore, doc_id: int, new: list[Region], label: str, overlap: float,
           replace: Sequence[Region] | None = None) -> tuple[list[Region], int, int]:
    """Add ``new`` model regions to a document in one undo step, next to what people made.

    Removes the untouched model regions in ``replace`` (default: all of the document's), drops new
    regions that a kept region already covers (IoU >= ``overlap``), and numbers the added regions
    by the reading order of the whole page. Regions people made or touched are never changed.
    Returns ``(added, removed, dropped)``."""
    existing = store.regions(doc_id)
    protected = _protected_ids(store, doc_id, existing)
    candidates = existing if replace is None else list(replace)
    remove = [r for r in candidates if r.id not in protected]
    remove_ids = {r.id for r in remove}
    kept = [r for r in existing if r.id not in remove_ids]
    add = [r for r in new if not _covered(r, kept, overlap)]
    dropped = len(new) - len(add)
    page = kept + add
    rank = {id(page[i]): k for k, i in enumerate(reading_order([r.points for r in page]))}
    for r in add:
        r.order = rank[id(r)]
        r.id, r.doc_id = None, doc_id
    with store.group(label):
        if remove:
            store.delete_regions([r.id for r in remove], label=label)
        if add:
            store.add_regions(doc_id, add, label=label)
    return add, len(remove), dropped


def preannotate(store: ProjectStore, doc_ids: Sequence[int] | None = None, *, pipeline: Any = None,
                recognizer: str = "ko", include_done: bool = False, overlap: float = 0.5, resume: bool = True,
                progress: Progress = no_progress, cancel: CancelToken | None = None,
                job_name: str = JOB_NAME) -> PreannotateReport:
    """Pre-annotate documents: ``doc_ids`` (in that order), or every document still ``new`` (every
    document with ``include_done``). Each document is one transaction and one undo step. After a
    cancel or a crash, the same call resumes where it stopped; nothing is added twice."""
    if doc_ids is None:
        targets = [d.id for d in store.documents() if include_done or d.status == "new"]
    else:
        targets = list(dict.fromkeys(int(d) for d in doc_ids))
        for d in targets:
            store.document(d)  # a clear error for an id that is not in the project
    if pipeline is None:  # the project's active models, when it has any, are part of the name
        key = pipeline_key(store, recognizer)
        rec_name = f"{recognizer}@{key}" if key else recognizer
    else:
        rec_name = str(getattr(pipeline, "recognizer_name", "custom"))
    state = store.job_state(job_name) if resume else None
    if state and state.get("targets") == targets and state.get("recognizer") == rec_name:
        done = set(state.get("done", []))
    else:
        done = set()
        store.save_job_state(job_name, JOB_KIND, {"targets": targets, "recognizer": rec_name, "done": []})
    report = PreannotateReport()
    total = len(targets)
    if pipeline is None and len(done) < total:
        pipeline = project_pipeline(store, recognizer)
    for i, doc_id in enumerate(targets):
        if cancel:
            cancel.check()
        if doc_id in done:
            report.resumed += 1
            continue
        doc = store.document(doc_id)
        progress(i, total, doc.name)
        try:
            rgb = document_image(store, doc_id)
        except HanjiError as e:
            report.errors.append(str(e))
            continue
        regions = pipeline.page(rgb)
        if cancel:
            cancel.check()  # a cancel while the models ran leaves this document as it was
        label = f"pre-annotate {doc.name}"
        with store.group(label):  # one undo step: the status change and the regions
            if doc.status == "new":
                store.update_document(doc_id, status="preannotated")
            added, removed, dropped = _merge(store, doc_id, regions, label, overlap)
        report.documents += 1
        report.added += len(added)
        report.replaced += removed
        report.kept += dropped
        report.review += sum(1 for r in added if r.status == "review")
        done.add(doc_id)
        store.save_job_state(job_name, JOB_KIND, {"targets": targets, "recognizer": rec_name,
                                                  "done": sorted(done)})
    progress(total, total, "")
    store.save_job_state(job_name, JOB_KIND, None)
    return report


def rerecognize_region(store: ProjectStore, region_id: int, pipeline: Any = None, recognizer: str = "ko") -> Region:
    """Read one region again (Ctrl+R after moving its box): one undo step.

    The reading goes to ``machine_text`` and ``confidence``. A model region also takes it as its
    text (status machine or review); a person's region keeps its status, and its text unless that
    text is empty or still the model's earlier reading."""
    region = store.region(region_id)
    pipeline = pipeline or project_pipeline(store, recognizer)
    rgb = document_image(store, region.doc_id)
    text, score = pipeline.reread(rgb, region)
    changes: dict[str, Any] = {"machine_text": text, "confidence": round(float(score), 4)}
    if not region.human:
        low = getattr(pipeline, "low_confidence", 0.8)
        changes.update(text=text, status="review" if score < low else "machine",
                       source=getattr(pipeline, "source", region.source))
    elif not region.text.strip() or region.text == (region.machine_text or ""):
        changes["text"] = text
    return store.update_region(region_id, label="re-recognize", **changes)


def detect_in_box(store: ProjectStore, doc_id: int, box: Sequence[Sequence[float]], pipeline: Any = None,
                  recognizer: str = "ko", read: bool = True, overlap: float = 0.5) -> list[Region]:
    """Find (and read) the text inside a drawn box; replaces untouched model regions whose centre
    lies in the box, leaves people's regions alone. One undo step; returns the added regions."""
    pts = geometry.as_points(box)
    if len(pts) == 2:
        pts = geometry.rect_points(*pts[0], *pts[1])
    pipeline = pipeline or project_pipeline(store, recognizer)
    rgb = document_image(store, doc_id)
    new = pipeline.detect_in_box(rgb, pts, read=read)
    x0, y0, x1, y1 = geometry.bbox(pts)

    def inside(r: Region) -> bool:
        cx, cy = geometry.centroid(r.points)
        return x0 <= cx <= x1 and y0 <= cy <= y1

    replace = [r for r in store.regions(doc_id) if inside(r)]
    added, _, _ = _merge(store, doc_id, new, "detect in box", overlap, replace=replace)
    return added
