"""A document's version as the work packages record it (issue 22): its fields, its regions with their
links, its key-values, as plain data a three-way merge compares; and a digest of its stored rows (the
merge's fast path for documents a seat did not touch). Used by the split (:mod:`hanji.jobs.packages`)
and the merge (:mod:`hanji.jobs.package_merge`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from hanji.domain.model import KeyValue, Region
from hanji.store import ProjectStore, rows

REGION_FIELDS = ("kind", "points", "text", "status", "source", "confidence", "order", "label", "tags",
                 "machine_text", "attrs")
DOC_FIELDS = ("name", "status", "doc_type", "attrs")


def region_version(r: Region, links: Iterable[tuple[int, str]] = ()) -> dict[str, Any]:
    """A region as the merge compares it: its fields and its outgoing links ``[dst, key]``."""
    return {"kind": r.kind, "points": [[round(float(x), 3), round(float(y), 3)] for x, y in r.points],
            "text": r.text, "status": r.status, "source": r.source, "confidence": r.confidence, "order": r.order,
            "label": r.label, "tags": list(r.tags), "machine_text": r.machine_text, "attrs": dict(r.attrs),
            "links": sorted([int(d), k] for d, k in links)}


def _kv(kv: KeyValue) -> list[Any]:
    return [kv.key, kv.value, [int(i) for i in kv.region_ids], kv.source, kv.confidence]


def make_version(doc, regions: list[Region], links, keyvalues: list[KeyValue]) -> dict[str, Any]:
    """A document's version: its fields, its regions by id (str), its key-values."""
    out_links: dict[int, list[tuple[int, str]]] = {}
    for lk in links:
        out_links.setdefault(lk.src, []).append((lk.dst, lk.key))
    return {"doc": {"name": doc.name, "status": doc.status, "doc_type": doc.doc_type, "attrs": dict(doc.attrs),
                    "sha256": doc.sha256},
            "regions": {str(r.id): region_version(r, out_links.get(r.id, ())) for r in regions},
            "keyvalues": sorted((_kv(kv) for kv in keyvalues), key=kv_sort_key)}


def kv_sort_key(k: list[Any]) -> str:
    return json.dumps(k, ensure_ascii=False, sort_keys=True)


def version_of(store: ProjectStore, doc_id: int) -> dict[str, Any] | None:
    """A document's version as the store holds it now (None when it is not there)."""
    got = store.rows_of(doc_id, image=False)
    return None if got is None else version_of_rows(got)


def version_of_rows(got: dict[str, Any]) -> dict[str, Any]:
    """:func:`make_version` straight from stored rows (no domain objects: a split and a merge read
    every region of the project). Rows the store wrote are already what the objects would give:
    NFC text, points rounded to 3 decimals."""
    out_links: dict[int, list[list[Any]]] = {}
    for lk in got["links"]:
        out_links.setdefault(lk["src"], []).append([int(lk["dst"]), lk["key"]])
    regions = {}
    for r in got["regions"]:
        regions[str(r["id"])] = {
            # stored points are rounded to 3 decimals already (and 10 == 10.0 where a writer wrote ints)
            "kind": r["kind"], "points": json.loads(r["points"]),
            "text": r["text"], "status": r["status"], "source": r["source"], "confidence": r["confidence"],
            "order": r["ord"], "label": r["label"], "tags": list(rows.load_column(r["tags"])),
            "machine_text": r["machine_text"], "attrs": dict(rows.load_column(r["attrs"])),
            "links": sorted(out_links.get(r["id"], []))}
    d = got["document"]
    kvs = [[kv["key"], kv["value"], [int(i) for i in json.loads(kv["region_ids"])], kv["source"], kv["confidence"]]
           for kv in got["keyvalues"]]
    return {"doc": {"name": d["name"], "status": d["status"], "doc_type": d["doc_type"],
                    "attrs": json.loads(d["attrs"]), "sha256": d["sha256"]},
            "regions": regions, "keyvalues": sorted(kvs, key=kv_sort_key)}


def region_from_version(v: dict[str, Any]) -> Region:
    return Region(points=[tuple(p) for p in v["points"]], kind=v["kind"], text=v["text"], status=v["status"],
                  source=v["source"], confidence=v["confidence"], order=v["order"], label=v["label"],
                  tags=list(v["tags"]), machine_text=v["machine_text"], attrs=dict(v["attrs"]))


def version_content(v: dict[str, Any] | None) -> dict[str, Any] | None:
    """A region's version without its place in the reading order (merged on its own)."""
    return None if v is None else {k: x for k, x in v.items() if k != "order"}


def version_fields(v: dict[str, Any]) -> dict[str, Any]:
    r = region_from_version(v)
    return {f: getattr(r, f) for f in REGION_FIELDS}


def rows_digest(got: dict[str, Any]) -> str:
    """A digest of a document's rows as stored (all but times and the image's place): the same
    digest at the merge as at the split means the seat did not touch the document (a fast path;
    a different digest is looked at field by field)."""
    d = got["document"]
    h = hashlib.sha1(repr([d[c] for c in ("id", "name", "sha256", "status", "doc_type", "attrs")]).encode())
    for table in ("regions", "links", "keyvalues"):
        for r in got[table]:
            h.update(repr([v for k, v in r.items() if k != "updated"]).encode())
        h.update(b"|")
    return h.hexdigest()
