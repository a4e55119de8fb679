"""Tags and key-values proposed for a project's documents, and a person's confirmation of them.

- :func:`propose`: :func:`hanji.jobs.extract.extract_regions` over a project's documents, written as
  machine proposals (regions' ``attrs["tags_source"] == "machine"``, key-values with
  ``source="machine"``), their values corrected against the project's field vocabulary; resumable.
- :func:`confirm`: a person accepts a document's proposals: they become labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanji.domain import Region
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.extract import extract_regions
from hanji.jobs.project_models import project_predictor
from hanji.jobs.vocab import corrected_regions, project_vocabulary

JOB = "propose_keyvalues"


@dataclass
class ProposeReport:
    documents: int = 0
    skipped: int = 0  # documents a person already tagged
    tagged_regions: int = 0
    keyvalues: int = 0
    errors: list[str] = field(default_factory=list)


def _human_tags(regions: list[Region]) -> bool:
    return any(t != "O" for r in regions for t in r.tags if r.attrs.get("tags_source") != "machine")


def project_labels(store) -> dict[str, list[str]]:
    """The printed labels a project's schema names: each entity type's title (``상호``, or the
    ``가맹점명`` a project renamed it to) introduces its field, next to hanji.domain.labels' own."""
    return {e.name: [e.title] for e in store.entity_types() if e.title and e.title != e.name}


def propose(store, doc_ids: list[int] | None = None, model: str | Path | None = None, predictor=None,
            overwrite: bool = False, resume: bool = True, progress: Progress = no_progress,
            cancel: CancelToken | None = None, vocab: Any = True) -> ProposeReport:
    """Propose tags and key-values for documents (default: every document with text). Documents a
    person tagged are left alone unless ``overwrite``. Each document is one undo step; the document
    type is set when it was empty. Resumes after the last finished document. Without ``predictor``
    or ``model``, the project's active tagger (else the shipped one) proposes. ``vocab``: the
    values' OCR slips are corrected against the project's confirmed key-values
    (:func:`hanji.jobs.vocab.project_vocabulary`; a :class:`hanji.domain.vocab.Vocabulary` to use
    another, False for none); a region holding a corrected word keeps what was read in
    ``attrs["value_corrections"]`` (``[{"key", "read", "value"}]``)."""
    if predictor is None:
        predictor = project_predictor(store, model)
    if vocab is True:
        vocab = project_vocabulary(store)
    docs = [d for d in store.documents() if doc_ids is None or d.id in set(doc_ids)]
    state = store.job_state(JOB) if resume else None
    done = set(state.get("done", [])) if state else set()
    rep = ProposeReport()
    labels = project_labels(store)
    schema = {e.name for e in store.entity_types()} or None  # the linking proposes only the project's fields
    for n, d in enumerate(docs):
        if cancel:
            cancel.check()
        progress(n, len(docs), d.name)
        if d.id in done:
            continue
        regions = [r for r in store.regions(d.id) if r.text.strip()]
        if not regions:
            continue
        if _human_tags(regions) and not overwrite:
            rep.skipped += 1
            continue
        res = extract_regions(regions, d.doc_type or "auto", predictor, vocab=vocab or None, labels=labels,
                              schema=schema)
        fixed = corrected_regions(res)
        changes: dict[int, dict[str, Any]] = {}
        for r, rj in zip(res["ordered"], res["regions"]):
            attrs = dict(r.attrs)
            attrs["tags_source"] = "machine"
            attrs.pop("value_corrections", None)
            if r.id in fixed:
                attrs["value_corrections"] = fixed[r.id]
            keep_label = r.label and r.attrs.get("tags_source") != "machine"
            changes[r.id] = {"tags": rj["tags"], "label": r.label if keep_label else rj["key"], "attrs": attrs}
        kept = [kv for kv in store.keyvalues(d.id) if kv.source != "machine"]
        kvs = res["keyvalues"]
        with store.group("propose tags and key-values"):
            store.update_regions(changes, label="propose tags")
            store.set_keyvalues(d.id, kept + kvs, label="propose key-values")
            if not d.doc_type:
                store.update_document(d.id, doc_type=res["doc_type"])
        rep.documents += 1
        rep.tagged_regions += sum(1 for c in changes.values() if any(t != "O" for t in c["tags"]))
        rep.keyvalues += len(kvs)
        done.add(d.id)
        store.save_job_state(JOB, "propose", {"done": sorted(done)})
    store.save_job_state(JOB, "propose", None)
    progress(len(docs), len(docs), "")
    return rep


def confirm(store, doc_id: int) -> int:
    """A person accepts the proposals of a document: machine tags become labels (their source is
    cleared) and machine key-values become human ones. Returns the number of regions confirmed."""
    regions = store.regions(doc_id)
    changes = {}
    for r in regions:
        if r.attrs.get("tags_source") == "machine":
            attrs = dict(r.attrs)
            attrs["tags_source"] = "human"
            attrs.pop("tag_scores", None)
            changes[r.id] = {"attrs": attrs}
    kvs = store.keyvalues(doc_id)
    with store.group("confirm tags and key-values"):
        if changes:
            store.update_regions(changes, label="confirm tags")
        if any(kv.source == "machine" for kv in kvs):
            for kv in kvs:
                if kv.source == "machine":
                    kv.source = "human"
                    kv.confidence = None
            store.set_keyvalues(doc_id, kvs, label="confirm key-values")
    return len(changes)
