"""Team work on one project: per-person figures, the review queue, and labeling consistency
(a share of documents given to two labelers, their agreement measured and each disagreement sent
to review). The window and ``hanji stats | review | agreement`` call these."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.quality import agreement as ag
from hanji.quality.people import IDLE, per_person


def people_stats(store, idle: float = IDLE) -> list[dict[str, Any]]:
    """Per-person throughput, time per document and rejection rate (see :mod:`hanji.quality.people`)."""
    return per_person(store.edit_log(), store.review_log(), idle=idle)


def give_share(store, share: float, labelers: list[str]) -> dict[str, Any]:
    """Give ``share`` (0..1) of the project's documents to these labelers, all of them, on purpose.
    The documents are spread over the project by their image hash (the same ones each run, and a
    run after more images came adds only what the share then asks for); documents already done are
    not chosen. Returns ``{"assigned": new, "documents": now given out, "share": share}``."""
    if not 0 < share <= 1:
        raise HanjiError(f"the share is a fraction above 0 and at most 1 (0.05 is 5 %), not {share}")
    if len(set(labelers)) < 2:
        raise HanjiError("name at least two labelers (--labelers A,B) to give documents to")
    docs = store.documents()
    given = store.assignments()
    want = math.ceil(share * len(docs)) - len(given)
    pool = sorted((d for d in docs if d.id not in given and d.status != "done"), key=lambda d: d.sha256)
    chosen = [d.id for d in pool[:max(want, 0)]]
    n = store.assign(chosen, labelers) if chosen else 0
    return {"assigned": n, "documents": len(given) + n, "share": share}


def versions_from(store, other: Path, labeler: str) -> int:
    """Bring ``labeler``'s versions of the documents given out from their own copy of the project
    (a labeler who worked in a copy): each document given to that labeler, found in the copy by
    its image, is kept as their version. Returns how many."""
    from hanji.store import open_project

    given = {d: names for d, names in store.assignments().items() if labeler in names}
    if not given:
        raise HanjiError(f"no document is given to {labeler!r} in this project", store.path)
    n = 0
    with open_project(other, readonly=True) as copy:
        for doc_id in given:
            mine = copy.document_by_sha(store.document(doc_id).sha256)
            if mine is None:
                continue
            store.put_version(doc_id, labeler, copy.regions(mine.id), copy.keyvalues(mine.id))
            n += 1
    return n


def measure_agreement(store, send: bool = True, min_iou: float = ag.MIN_IOU, max_cer: float = ag.MAX_CER,
                      progress: Progress = no_progress, cancel: CancelToken | None = None) -> dict[str, Any]:
    """Compare every pair of labelers' versions of each document; with ``send`` each document they
    disagree on goes to the review queue with the reasons as its comment (once: a second run
    sends nothing new). Returns the figures per pair and per entity, and the documents."""
    versions = store.label_versions()
    given = store.assignments()
    comparisons: list[ag.Comparison] = []
    docs_out: list[dict[str, Any]] = []
    sent: list[int] = []
    total = len(versions)
    for k, (doc_id, by) in enumerate(sorted(versions.items())):
        if cancel:
            cancel.check()
        names = sorted(by)
        doc_cmp = []
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                a, b = names[i], names[j]
                c = ag.compare(*by[a], *by[b], doc_id=doc_id, a=a, b=b, min_iou=min_iou, max_cer=max_cer)
                comparisons.append(c)
                doc_cmp.append(c)
        if not doc_cmp:
            continue
        reasons = [f"{c.a} / {c.b}: {r}" for c in doc_cmp for r in c.reasons]
        name = store.document(doc_id).name
        for c in doc_cmp:
            docs_out.append(dict(c.as_dict(), name=name))
        if reasons and send and store.send_to_review(doc_id, "labelers disagree — " + "; ".join(reasons)):
            sent.append(doc_id)
        progress(k + 1, total, name)
    out = ag.summarize(comparisons)
    waiting = sorted(d for d, names in given.items() if sum(n in versions.get(d, {}) for n in names) < 2)
    out.update(documents=docs_out, sent_to_review=sent, given=len(given), waiting_for_versions=waiting,
               thresholds={"match_iou": ag.MATCH_IOU, "min_iou": min_iou, "max_cer": max_cer})
    return out
