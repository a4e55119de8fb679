"""The demo project: fake Korean documents rendered with real fonts, some already labelled.

Everything in it is made up by ``hanji.synth.documents``; no real person, card or business.
"""

from __future__ import annotations

import io
from pathlib import Path

from hanji.domain.schemas import schema_entity_types
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.store import create_project
from hanji.synth.documents import make_document
from hanji.synth.fonts import shipped_fonts

# (doc type, seed, how labelled): confirmed = a person checked everything; machine = as pre-annotation
# leaves it (for review); partial = half confirmed; new = nothing yet (try pre-annotation on it)
DEMO = [
    ("receipt", 11, "confirmed"),
    ("receipt", 12, "machine"),
    ("receipt", 13, "new"),
    ("id_card", 21, "confirmed"),
    ("business_registration", 31, "partial"),
    ("credit_card", 41, "new"),
]
NAMES = {"receipt": "영수증", "id_card": "주민등록증", "business_registration": "사업자등록증",
         "credit_card": "신용카드"}


def write_demo(path: str | Path, progress: Progress = no_progress, cancel: CancelToken | None = None) -> Path:
    """Create the demo project at ``path`` (which must not exist)."""
    font = shipped_fonts()[0]  # the same look on every machine

    path = Path(path)
    store = create_project(path, schema_entity_types("default"))
    try:
        counts: dict[str, int] = {}
        for i, (doc_type, seed, how) in enumerate(DEMO):
            if cancel:
                cancel.check()
            progress(i, len(DEMO), doc_type)
            sd = make_document(doc_type, seed=seed, font=font)
            counts[doc_type] = counts.get(doc_type, 0) + 1
            buf = io.BytesIO()
            sd.image.save(buf, "PNG")
            name = f"{NAMES[doc_type]}_{counts[doc_type]}.png"
            doc, _ = store.add_image_bytes(name, buf.getvalue())
            store.update_document(doc.id, record=False, doc_type=doc_type)
            if how == "new":
                continue
            regions = sd.regions
            for k, r in enumerate(regions):
                r.order = k
                if how == "machine" or (how == "partial" and k >= len(regions) // 2):
                    r.status, r.source, r.machine_text = "machine", "model:demo", r.text
                    r.confidence = 0.62 if k % 7 == 3 else 0.97
                    if r.confidence < 0.8:
                        r.status = "review"
                    r.tags = []
                else:
                    r.status, r.source = "confirmed", "human"
            added = store.add_regions(doc.id, regions, record=False)
            if how == "confirmed":
                for lk in sd.links:
                    store.add_link(added[lk.src].id, added[lk.dst].id, lk.key, record=False)
                for kv in sd.keyvalues:
                    kv.region_ids = [r.id for r in added if any(t[2:] == kv.key for t in r.tags)
                                     and kv.value.split()[0] in r.text]
                store.set_keyvalues(doc.id, sd.keyvalues, record=False)
                store.update_document(doc.id, record=False, status="done")
            else:
                store.update_document(doc.id, record=False,
                                      status="preannotated" if how == "machine" else "in_progress")
        progress(len(DEMO), len(DEMO), "")
        store.optimize()
    except BaseException:
        store.close()
        path.unlink(missing_ok=True)
        raise
    store.close()
    return path
