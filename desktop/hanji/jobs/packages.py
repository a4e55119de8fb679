"""Offline seats (issue 22): split a project into work packages, merge them back, resolve conflicts.

A package is a normal project file holding some of the base project's documents (images inside,
ids kept), its label schema, settings and active models, and a record of where it came from: the
base project's id and each document's version at split time (``package_base``). The merge is a
three-way merge per document and per region of base (``ours``, the project now), package
(``theirs``) and that recorded version:

- changed only in the package: taken; only in the base: kept; the same change on both: one;
- changed on both, differently (text, points, tags, links, key-values, a document's status...):
  a conflict; the base keeps its version, the conflict keeps both and the split-time one, and the
  document goes to review. Nothing is lost;
- deleted on one side, changed on the other: a conflict, never a silent delete (a document removed
  from the base but worked on in the package comes back, as the package has it);
- regions added on both sides that overlap (IoU >= 0.5): a conflict, not two stacked boxes.

All the packages of one ``merge`` go in in ONE transaction of the base (a killed merge leaves it
as before or fully merged) and one undo step; a package merged once is not merged again; a package
of another project is refused. The package's history comes along with its authors and times, so
per-person figures count the work done on a seat.

Everything here goes through the store's public methods, so it works on any backend.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanji.domain import geometry
from hanji.domain.model import KeyValue, Region
from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.store import ProjectStore, rows

OVERLAP_IOU = 0.5
REGION_FIELDS = ("kind", "points", "text", "status", "source", "confidence", "order", "label", "tags",
                 "machine_text", "attrs")
DOC_FIELDS = ("name", "status", "doc_type", "attrs")
# meta a package does not copy from its base (its own identity and bookkeeping)
_META_OWN = {"created", "hanji_version", "removed_document_max", "project_id", "package"}
BATCH = 200  # documents written into a package per transaction


# ---------------------------------------------------------------------------------------------- versions
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
            "keyvalues": sorted((_kv(kv) for kv in keyvalues), key=_kv_sort)}


def _kv_sort(k: list[Any]) -> str:
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
            "regions": regions, "keyvalues": sorted(kvs, key=_kv_sort)}


def _region(v: dict[str, Any]) -> Region:
    return Region(points=[tuple(p) for p in v["points"]], kind=v["kind"], text=v["text"], status=v["status"],
                  source=v["source"], confidence=v["confidence"], order=v["order"], label=v["label"],
                  tags=list(v["tags"]), machine_text=v["machine_text"], attrs=dict(v["attrs"]))


def _content(v: dict[str, Any] | None) -> dict[str, Any] | None:
    """A region's version without its place in the reading order (merged on its own)."""
    return None if v is None else {k: x for k, x in v.items() if k != "order"}


def _fields(v: dict[str, Any]) -> dict[str, Any]:
    r = _region(v)
    return {f: getattr(r, f) for f in REGION_FIELDS}


# ---------------------------------------------------------------------------------------------- split
@dataclass
class PackageOut:
    seat: str
    path: str
    id: str
    documents: int
    regions: int

    def as_json(self) -> dict[str, Any]:
        return {"seat": self.seat, "path": self.path, "id": self.id, "documents": self.documents,
                "regions": self.regions}


def project_name(store: ProjectStore) -> str:
    raw = str(store.path)
    name = Path(raw.split("?")[0].rstrip("/")).stem or "project"
    return re.sub(r"[^\w.-]+", "_", name)


def choose(store: ProjectStore, by: str | None) -> tuple[list, str]:
    """The documents to hand out (not checked out already) and how they are dealt:
    ``None``: in runs of consecutive ids; ``status`` / ``type``: dealt in turn after sorting by it,
    so each seat gets its share of each; ``KEY=V1,V2`` (KEY: status or type): only those documents."""
    held = store.checkouts()
    docs = [d for d in store.documents() if d.id not in held]
    if not by:
        return docs, "runs"
    if "=" in by:
        key, _, values = by.partition("=")
        key = key.strip()
        wanted = {v.strip() for v in values.split(",") if v.strip()}
        if key not in ("status", "type"):
            raise HanjiError(f"--by {by!r}: the filter names 'status' or 'type' (status=new,in_progress)")
        attr = "status" if key == "status" else "doc_type"
        return [d for d in docs if getattr(d, attr) in wanted], "runs"
    if by == "status":
        return sorted(docs, key=lambda d: (d.status, d.id)), "dealt"
    if by == "type":
        return sorted(docs, key=lambda d: (d.doc_type, d.id)), "dealt"
    raise HanjiError(f"--by {by!r}: one of status, type or a filter KEY=VALUE,... (status=new)")


def split(store: ProjectStore, outdir: str | Path, seats: int | None = None, by: str | None = None,
          users: list[str] | None = None, progress: Progress = no_progress,
          cancel: CancelToken | None = None) -> list[PackageOut]:
    """Write the packages ``OUTDIR/<project>-<seat>.hanji`` and check their documents out in the base."""
    cancel = cancel or CancelToken()
    users = [u for u in (users or []) if u]
    if seats is None:
        seats = len(users)
    if seats < 1:
        raise HanjiError("--seats must be at least 1")
    if users and len(users) != seats:
        raise HanjiError(f"--user names {len(users)} people for {seats} seats; name one a seat")
    if store.readonly:
        raise HanjiError("the project is open read-only; splitting marks documents as checked out", store.path)
    outdir = Path(outdir)
    if not outdir.is_dir():
        raise HanjiError("the output folder does not exist", outdir)
    names = [re.sub(r"[^\w.-]+", "_", u) for u in users] if users else [str(i + 1) for i in range(seats)]
    if len(set(names)) != len(names):
        raise HanjiError("two seats would get the same package name; give different --user names")
    base = project_name(store)
    paths = [outdir / f"{base}-{n}.hanji" for n in names]
    for p in paths:
        if p.exists():
            raise HanjiError("a package of that name is already there; remove it or choose another folder", p)
    docs, how = choose(store, by)
    if not docs:
        raise HanjiError("no documents to hand out (all are checked out to packages, or none match)", store.path)
    if len(docs) < seats:
        raise HanjiError(f"{len(docs)} documents for {seats} seats: fewer seats, or more documents", store.path)
    if how == "dealt":
        shares = [docs[i::seats] for i in range(seats)]
    else:
        q, r = divmod(len(docs), seats)
        shares, at = [], 0
        for i in range(seats):
            n = q + (i < r)
            shares.append(docs[at:at + n])
            at += n
    base_id = store.project_id()
    meta = {k: v for k, v in store.meta_items().items() if k not in _META_OWN}
    types = store.entity_types()
    models = [m for m in store.models.list() if m.active]
    total = len(docs)
    done = 0
    outs: list[PackageOut] = []
    parts: list[Path] = []
    try:
        for name, path, share, user in zip(names, paths, shares, users or [""] * seats):
            part = path.with_name(path.name + ".part")
            part.unlink(missing_ok=True)
            parts.append(part)
            pid = uuid.uuid4().hex
            n_regions = 0
            with ProjectStore.create(part, entity_types=types) as pkg:
                origin = {"id": pid, "base_id": base_id, "base_name": base, "base_path": str(store.path),
                          "seat": name, "user": user, "created": time.time(), "documents": len(share)}
                pkg.write_package(origin, meta)
                for m in models:
                    pkg.models.add(m.task, m.name, store.models.weights(m.id), m.metrics, active=True)
                counted = [0]

                def batches(share=share, name=name, counted=counted):
                    nonlocal done
                    for i in range(0, len(share), BATCH):
                        cancel.check()
                        batch = [_package_item(store, d.id) for d in share[i:i + BATCH]]
                        counted[0] += sum(len(item["regions"]) for item in batch)
                        yield batch
                        done += len(batch)
                        progress(done, total, f"package {name}")

                pkg.load_documents(batches())
                n_regions = counted[0]
            outs.append(PackageOut(name, str(path), pid, len(share), n_regions))
        cancel.check()
        # the base learns of the packages in one transaction; the files take their names after it
        with store.atomic():
            for out, share in zip(outs, shares):
                store.add_package(out.id, out.seat, out.path, [d.id for d in share],
                                  {"documents": out.documents, "regions": out.regions})
    except BaseException:
        for p in parts:
            p.unlink(missing_ok=True)
        raise
    for part, path in zip(parts, paths):
        part.replace(path)
    return outs


def _package_item(store: ProjectStore, doc_id: int) -> dict[str, Any]:
    got = store.rows_of(doc_id)
    doc = dict(got["document"])
    image = got["image"]
    if image is None:  # a linked image travels inside the package
        from hanji.store.images import inspect_bytes

        data = store.image_bytes(doc_id)
        image = (data, inspect_bytes(data, doc["name"]).mime)
        doc["path"] = None
    version = version_of_rows(dict(got, document=doc))
    return {"document": doc, "image": image, "regions": got["regions"], "links": got["links"],
            "keyvalues": got["keyvalues"], "version": version, "digest": rows_digest(dict(got, document=doc))}


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


# ---------------------------------------------------------------------------------------------- merge
@dataclass
class MergeReport:
    package: str
    seat: str = ""
    id: str = ""
    already_merged: bool = False
    documents: int = 0
    taken: dict[str, int] = field(default_factory=lambda: {
        "documents": 0, "document_fields": 0, "regions_added": 0, "regions_changed": 0, "regions_deleted": 0,
        "keyvalues": 0, "documents_added": 0, "documents_removed": 0, "history_entries": 0})
    taken_docs: list[int] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"package": self.package, "seat": self.seat, "id": self.id, "already_merged": self.already_merged,
                "documents": self.documents, "taken": self.taken, "taken_documents": self.taken_docs,
                "conflicts": self.conflicts, "notes": self.notes}


def _three(s: Any, b: Any, p: Any) -> str:
    """keep (base's stands), take (the package's), same (both the same), conflict."""
    if b == p:
        return "same"
    if p == s:
        return "keep"
    if b == s:
        return "take"
    return "conflict"


def _open_package(path: str | Path) -> ProjectStore:
    path = Path(path)
    return ProjectStore.open(path, readonly=True)


def check_package(base: ProjectStore, pkg: ProjectStore, path: str | Path) -> dict[str, Any]:
    """The package's origin, once it is known to come from ``base``; a clear error otherwise."""
    origin = pkg.package_origin()
    if origin is None:
        raise HanjiError("is not a work package (it has no record of a split; `hanji split` makes them)", path)
    base_id = base.meta("project_id")
    if not base_id or not base.packages():
        raise HanjiError(f"was split from another project ({origin.get('base_name', '?')}, id "
                         f"{origin.get('base_id', '?')[:8]}), not from this one, which never handed out packages; "
                         "nothing was merged", path)
    if origin.get("base_id") != base_id:
        raise HanjiError(f"was split from another project ({origin.get('base_name', '?')}, id "
                         f"{origin.get('base_id', '?')[:8]}), not from this one (id {(base_id or 'none')[:8]}); "
                         "nothing was merged", path)
    rec = base.package(origin["id"])
    if rec is None:
        raise HanjiError("this project never handed out that package (was the project restored from an older "
                         "copy?); nothing was merged", path)
    if rec["info"].get("released") and rec["merged"] is None:
        raise HanjiError("this package was taken back (hanji split --release) and its documents may have been "
                         "handed out again; nothing was merged", path)
    return origin


def merge(base: ProjectStore, packages: list[str | Path], progress: Progress = no_progress,
          cancel: CancelToken | None = None) -> list[MergeReport]:
    """Merge packages into ``base`` in one transaction (see the module's text). Returns a report
    per package: what was taken and every conflict."""
    cancel = cancel or CancelToken()
    if base.readonly:
        raise HanjiError("the project is open read-only", base.path)
    opened: list[tuple[Path, ProjectStore, dict[str, Any]]] = []
    try:
        seen: set[str] = set()
        for p in packages:
            pkg = _open_package(p)
            opened.append((Path(p), pkg, {}))
            origin = check_package(base, pkg, p)
            if origin["id"] in seen:
                raise HanjiError("is named twice (the same package); nothing was merged", p)
            seen.add(origin["id"])
            opened[-1] = (Path(p), pkg, origin)
        reports = []
        total = sum(int(o.get("documents", 0)) for _, _, o in opened) or 1
        done = [0]
        label = "merge " + ", ".join(o.get("seat", "") for _, _, o in opened)
        with base.group(label), base.atomic():
            for path, pkg, origin in opened:
                rep = MergeReport(str(path), origin.get("seat", ""), origin["id"])
                if base.package(origin["id"])["merged"] is not None:
                    rep.already_merged = True
                else:
                    _merge_one(base, pkg, origin, rep, progress, cancel, done, total)
                reports.append(rep)
            cancel.check()
        return reports
    finally:
        for _, pkg, _ in opened:
            pkg.close()


def _merge_one(base: ProjectStore, pkg: ProjectStore, origin: dict[str, Any], rep: MergeReport,
               progress: Progress, cancel: CancelToken, done: list[int], total: int) -> None:
    seat = origin.get("seat", "")
    conflicts: list[dict[str, Any]] = []
    review: dict[int, int] = {}
    doc_map: dict[int, int] = {}
    known: set[int] = set()
    for doc_id, digest, text in pkg.base_versions():
        cancel.check()
        known.add(doc_id)
        doc_map[doc_id] = doc_id
        rep.documents += 1
        done[0] += 1
        if done[0] % 50 == 0:
            progress(done[0], total, f"merge {seat}")
        got = pkg.rows_of(doc_id, image=False)
        if got is not None and digest and rows_digest(got) == digest:
            continue  # the same rows as at the split: nothing done on the seat
        s = json.loads(text)
        p = None if got is None else version_of_rows(got)
        if p == s:
            continue  # nothing done on the seat: whatever the base did stands
        b = version_of(base, doc_id)
        found = _merge_doc(base, pkg, doc_id, s, b, p, rep, doc_map)
        for c in found:
            c["package"] = origin["id"]
        conflicts += found
        if found:
            review[found[0]["doc_id"]] = review.get(found[0]["doc_id"], 0) + len(found)
    # documents a seat added
    for d in pkg.documents():
        if d.id in known:
            continue
        cancel.check()
        new_id = _add_document(base, pkg, d.id, rep)
        if new_id is not None:
            doc_map[d.id] = new_id
    # who did the work: the package's edit log, with its authors and times
    who = origin.get("user") or seat
    log = [(author or who, doc_map.get(doc_id, doc_id) if doc_id is not None else None, at,
            f"{label} (seat {seat})") for author, doc_id, at, label in pkg.edit_log()]
    rep.taken["history_entries"] = base.append_log(log)
    progress(done[0], total, f"merge {seat}")
    ids = base.add_conflicts(conflicts)
    for c, i in zip(conflicts, ids):
        c["id"] = i
    rep.conflicts = conflicts
    for doc_id, n in review.items():
        try:
            base.send_to_review(doc_id, f"merge of package {seat}: {n} conflict{'s' if n != 1 else ''} "
                                        "(hanji conflicts)")
        except HanjiError:
            pass  # a document the review cannot take (its state): the conflict list still names it
    base.mark_merged(origin["id"])


def _conflict(doc_id: int, kind: str, target: Any, s: Any, b: Any, p: Any) -> dict[str, Any]:
    return {"doc_id": doc_id, "kind": kind, "target": str(target), "base": s, "ours": b, "theirs": p}


def _merge_doc(base: ProjectStore, pkg: ProjectStore, doc_id: int, s: dict, b: dict | None, p: dict | None,
               rep: MergeReport, doc_map: dict[int, int]) -> list[dict[str, Any]]:
    """Merge one document's versions: ``s`` at the split, ``b`` the base's now, ``p`` the seat's now.
    Writes what is taken into ``base`` and returns the conflicts."""
    if b is None and p is None:
        return []
    if p is None:  # removed on the seat
        if b == s:
            base.remove_documents([doc_id], label="merge: remove document")
            rep.taken["documents_removed"] += 1
            rep.taken_docs.append(doc_id)
            return []
        return [_conflict(doc_id, "document_deleted_in_package", doc_id, _summary(s), _summary(b), None)]
    if b is None:  # removed in the base, changed on the seat: it comes back as the seat has it
        new_id = _add_document(base, pkg, doc_id, rep, count=False)
        if new_id is None:
            return []
        doc_map[doc_id] = new_id
        return [_conflict(new_id, "document_deleted_in_base", new_id, _summary(s), None, _summary(p))]
    return _DocMerge(base, doc_id, s, b, p, rep).run()


class _DocMerge:
    """The three-way merge of a document both sides still have, part by part: its own fields, the
    regions (content and reading order apart), regions added on both sides, links, key-values."""

    def __init__(self, base: ProjectStore, doc_id: int, s: dict, b: dict, p: dict, rep: MergeReport):
        self.base, self.doc_id, self.s, self.b, self.p, self.rep = base, doc_id, s, b, p, rep
        self.out: list[dict[str, Any]] = []
        self.took = False
        self.id_map: dict[str, int] = {k: int(k) for k in s["regions"]}  # package region id -> base region id
        self.updates: dict[int, dict[str, Any]] = {}
        self.deletes: list[int] = []
        self.link_fix: dict[int, list] = {}  # base region id -> the package's links (package ids) to give it
        self.pending: list[dict[str, Any]] = []  # conflicts whose theirs links need mapping to base ids

    def conflict(self, kind: str, target: Any, s: Any, b: Any, p: Any) -> None:
        self.out.append(_conflict(self.doc_id, kind, target, s, b, p))

    def run(self) -> list[dict[str, Any]]:
        self.fields()
        self.regions()
        self.added_on_both_sides()
        self.write_regions()
        self.links()
        for c in self.pending:
            if c["theirs"] is not None:
                c["theirs"] = dict(c["theirs"], links=[[self.id_map.get(str(d), d), key]
                                                       for d, key in c["theirs"]["links"]])
            self.out.append(c)
        self.keyvalues()
        if self.took:
            self.rep.taken["documents"] += 1
            self.rep.taken_docs.append(self.doc_id)
        return self.out

    def fields(self) -> None:
        """The document's own fields."""
        s, b, p = self.s["doc"], self.b["doc"], self.p["doc"]
        changes = {}
        for f in DOC_FIELDS:
            how = _three(s[f], b[f], p[f])
            if how == "take":
                changes[f] = p[f]
            elif how == "conflict":
                self.conflict("document", f, s[f], b[f], p[f])
        if changes:
            self.base.update_document(self.doc_id, **changes)
            self.rep.taken["document_fields"] += len(changes)
            self.took = True

    def regions(self) -> None:
        """The regions there at the split. The reading order is merged apart from the rest of a region:
        a document re-ordered on one side and a region's text fixed on the other are two changes, not a
        conflict."""
        sr, br, pr = self.s["regions"], self.b["regions"], self.p["regions"]
        order_conf: dict[str, tuple[Any, Any, Any]] = {}
        for k, sv in sr.items():
            bv, pv = br.get(k), pr.get(k)
            how = _three(_content(sv), _content(bv), _content(pv))
            order = _three(sv["order"], bv["order"], pv["order"]) if bv is not None and pv is not None else "same"
            if how == "take":
                if pv is None:
                    self.deletes.append(int(k))
                else:
                    want = dict(pv, order=pv["order"] if order == "take" else bv["order"])
                    if {f: bv[f] for f in REGION_FIELDS} != {f: want[f] for f in REGION_FIELDS}:
                        self.updates[int(k)] = _fields(want)
                    if bv["links"] != pv["links"]:
                        self.link_fix[int(k)] = pv["links"]
            elif how == "conflict":
                kind = "region" if bv is not None and pv is not None else (
                    "region_deleted_in_base" if bv is None else "region_deleted_in_package")
                self.pending.append(_conflict(self.doc_id, kind, k, sv, bv, pv))
            elif order == "take":
                self.updates[int(k)] = _fields(dict(bv, order=pv["order"]))
            if order == "conflict" and how != "conflict":
                order_conf[k] = (sv["order"], bv["order"], pv["order"])
        if order_conf:
            self.conflict("order", "reading order", *({k: v[i] for k, v in order_conf.items()} for i in range(3)))

    def added_on_both_sides(self) -> None:
        """Regions the seat added: new ones are added; one overlapping a region the base added is the
        same region when their contents agree, else a conflict (never two stacked regions)."""
        sr = self.s["regions"]
        b_new = {k: v for k, v in self.b["regions"].items() if k not in sr}
        adds: list[tuple[str, dict[str, Any]]] = []
        for k, pv in self.p["regions"].items():
            if k in sr:
                continue
            twin = next((bk for bk, bv in b_new.items()
                         if geometry.iou(pv["points"], bv["points"]) >= OVERLAP_IOU), None)
            if twin is None:
                adds.append((k, pv))
                continue
            self.id_map[k] = int(twin)
            if {f: b_new[twin][f] for f in REGION_FIELDS if f != "order"} != {
                    f: pv[f] for f in REGION_FIELDS if f != "order"}:
                self.pending.append(_conflict(self.doc_id, "overlap", twin, None, b_new[twin], pv))
        if adds:
            made = self.base.add_regions(self.doc_id, [_region(pv) for _, pv in adds], label="merge: add regions")
            for (k, pv), r in zip(adds, made):
                self.id_map[k] = r.id
                if pv["links"]:
                    self.link_fix[r.id] = pv["links"]
            self.rep.taken["regions_added"] += len(made)
            self.took = True

    def write_regions(self) -> None:
        if self.updates:
            self.base.update_regions(self.updates, label="merge: edit regions")
            self.rep.taken["regions_changed"] += len(self.updates)
            self.took = True
        if self.deletes:
            self.base.delete_regions(self.deletes, label="merge: delete regions")
            self.rep.taken["regions_deleted"] += len(self.deletes)
            self.took = True

    def links(self) -> None:
        """The links the package gave the regions taken from it, mapped to base ids."""
        if not self.link_fix:
            return
        alive = {r.id for r in self.base.regions(self.doc_id)}
        current = self.base.links(self.doc_id)
        for src, want in self.link_fix.items():
            if src not in alive:
                continue
            wanted = set()
            for dst, key in want:
                m = self.id_map.get(str(dst))
                if m is not None and m in alive:
                    wanted.add((m, key))
                else:
                    self.conflict("link", src, None, None, [src, dst, key])
            have = {(lk.dst, lk.key): lk.id for lk in current if lk.src == src}
            for pair, lid in have.items():
                if pair not in wanted:
                    self.base.delete_link(lid)
            for dst, key in sorted(wanted - set(have)):
                self.base.add_link(src, dst, key)
        self.took = True

    def keyvalues(self) -> None:
        """Key-values, key by key."""
        kv_out, kv_conf = _merge_keyvalues(self.s["keyvalues"], self.b["keyvalues"], self.p["keyvalues"],
                                           self.id_map)
        if kv_out is not None:
            self.base.set_keyvalues(self.doc_id, [KeyValue(k[0], k[1], list(k[2]), k[3], k[4]) for k in kv_out],
                                    label="merge: key-values")
            self.rep.taken["keyvalues"] += 1
            self.took = True
        for key, sv, bv, pv in kv_conf:
            self.conflict("keyvalue", key, sv, bv, pv)


def _by_key(kvs: list[list[Any]]) -> dict[str, list[list[Any]]]:
    out: dict[str, list[list[Any]]] = {}
    for kv in kvs:
        out.setdefault(kv[0], []).append(kv)
    return {k: sorted(v, key=_kv_sort) for k, v in out.items()}


def _merge_keyvalues(s: list, b: list, p: list, id_map: dict[str, int]):
    """The merged key-values (None when the base's stand as they are) and the conflicting keys."""
    sk, bk, pk = _by_key(s), _by_key(b), _by_key(p)
    result = dict(bk)
    changed = False
    conflicts = []

    def mapped(entries):
        return [[e[0], e[1], [id_map.get(str(i), i) for i in e[2]], e[3], e[4]] for e in entries]

    for key in sorted(set(sk) | set(bk) | set(pk)):
        sv, bv, pv = sk.get(key), bk.get(key), pk.get(key)
        how = _three(sv, bv, pv)
        if how == "take":
            changed = True
            if pv is None:
                result.pop(key, None)
            else:
                result[key] = mapped(pv)
        elif how == "conflict":
            conflicts.append((key, sv, bv, mapped(pv) if pv else pv))
    if not changed:
        return None, conflicts
    return [kv for key in result for kv in result[key]], conflicts


def _summary(v: dict | None) -> dict | None:
    """A document's version, for a conflict about the whole document."""
    return v


def _add_document(base: ProjectStore, pkg: ProjectStore, doc_id: int, rep: MergeReport,
                  count: bool = True) -> int | None:
    """Bring a document of the package into the base (with its regions, links and key-values)."""
    d = pkg.document(doc_id)
    data = pkg.image_bytes(doc_id)
    new, added = base.add_image_bytes(d.name, data)
    if not added:
        rep.notes.append(f"the seat added {d.name!r}, whose image the project already has (document {new.id}): "
                         "not added twice")
        return None
    regs = pkg.regions(doc_id)
    made = base.add_regions(new.id, [Region(points=r.points, kind=r.kind, text=r.text, status=r.status,
                                            source=r.source, confidence=r.confidence, order=r.order, label=r.label,
                                            tags=list(r.tags), machine_text=r.machine_text, attrs=dict(r.attrs))
                                     for r in regs], label="merge: add document") if regs else []
    m = {r.id: n.id for r, n in zip(regs, made)}
    for lk in pkg.links(doc_id):
        if lk.src in m and lk.dst in m:
            base.add_link(m[lk.src], m[lk.dst], lk.key)
    kvs = pkg.keyvalues(doc_id)
    if kvs:
        base.set_keyvalues(new.id, [KeyValue(k.key, k.value, [m.get(i, i) for i in k.region_ids], k.source,
                                             k.confidence) for k in kvs], label="merge: key-values")
    base.update_document(new.id, status=d.status, doc_type=d.doc_type, attrs=d.attrs)
    if count:
        rep.taken["documents_added"] += 1
    rep.taken["regions_added"] += len(made)
    rep.taken_docs.append(new.id)
    return new.id


# ---------------------------------------------------------------------------------------------- resolve
def resolve(store: ProjectStore, conflict_id: int, take: str) -> dict[str, Any]:
    """Close a conflict: ``ours`` keeps the base's version, ``theirs`` takes the package's, ``edited``
    keeps what the project holds now (resolved by hand). One transaction, one undo step. (A document
    removed in the project but worked on at the seat is in the project until then: ``ours`` removes
    it again.)"""
    if take not in ("ours", "theirs", "edited"):
        raise HanjiError(f"take 'ours', 'theirs' or 'edited', not {take!r}")
    c = store.conflict(conflict_id)
    if c["state"] != "open":
        raise HanjiError(f"conflict {conflict_id} is already resolved ({c['resolution']})", store.path)
    with store.group(f"conflict {conflict_id}: {take}"), store.atomic():
        if take == "theirs":
            _take_theirs(store, c)
        elif take == "ours" and c["kind"] == "document_deleted_in_base":
            # the project had removed it; the merge brought the seat's version back until decided
            store.remove_documents([c["doc_id"]], label="conflict: remove document")
        store.close_conflict(conflict_id, take)
    return store.conflict(conflict_id)


def _take_theirs(store: ProjectStore, c: dict[str, Any]) -> None:
    kind, doc_id, theirs = c["kind"], c["doc_id"], c["theirs"]
    if kind == "document":
        store.update_document(doc_id, **{c["target"]: theirs})
    elif kind == "document_deleted_in_package":
        store.remove_documents([doc_id], label="conflict: remove document")
    elif kind == "document_deleted_in_base":
        pass  # the package's document is in the project already
    elif kind in ("region", "region_deleted_in_base", "overlap"):
        alive = {r.id: r for r in store.regions(doc_id)}
        if kind == "overlap":
            twin = int(c["target"])
            if twin in alive:
                store.delete_regions([twin], label="conflict: theirs")
        rid = int(c["target"]) if kind == "region" else None
        if rid is not None and rid in alive:
            store.update_regions({rid: _fields(theirs)}, label="conflict: theirs")
        else:
            rid = store.add_regions(doc_id, [_region(theirs)], label="conflict: theirs")[0].id
        _set_links(store, doc_id, rid, theirs["links"])
    elif kind == "order":
        alive = {r.id for r in store.regions(doc_id)}
        store.update_regions({int(k): {"order": o} for k, o in theirs.items() if int(k) in alive},
                             label="conflict: theirs")
    elif kind == "region_deleted_in_package":
        store.delete_regions([int(c["target"])], label="conflict: theirs")
    elif kind == "keyvalue":
        kvs = [kv for kv in store.keyvalues(doc_id) if kv.key != c["target"]]
        kvs += [KeyValue(e[0], e[1], list(e[2]), e[3], e[4]) for e in (theirs or [])]
        store.set_keyvalues(doc_id, kvs, label="conflict: theirs")
    elif kind == "link":
        src, dst, key = theirs
        alive = {r.id for r in store.regions(doc_id)}
        if int(src) not in alive or int(dst) not in alive:
            raise HanjiError(f"the link's regions are not both in document {doc_id} any more; take ours or edit",
                             store.path)
        store.add_link(int(src), int(dst), key)


def _set_links(store: ProjectStore, doc_id: int, src: int, want: list) -> None:
    alive = {r.id for r in store.regions(doc_id)}
    wanted = {(int(d), k) for d, k in want if int(d) in alive}
    have = {(lk.dst, lk.key): lk.id for lk in store.links(doc_id) if lk.src == src}
    for pair, lid in have.items():
        if pair not in wanted:
            store.delete_link(lid)
    for dst, key in sorted(wanted - set(have)):
        store.add_link(src, dst, key)


def conflict_json(c: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "doc_id", "package", "kind", "target", "state", "resolution", "base", "ours", "theirs")
    return {k: c[k] for k in keep if k in c}


def _short(v: Any, n: int = 40) -> str:
    if isinstance(v, dict) and "text" in v:
        v = v["text"]
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[:n - 1] + "…"


def describe(c: dict[str, Any]) -> str:
    """One line about a conflict."""
    kind, doc, t = c["kind"], c["doc_id"], c.get("target", "")
    head = f"conflict {c.get('id', '?')}: document {doc}"
    if kind == "region":
        return f"{head}, region {t} changed on both sides: ours {_short(c['ours'])}, theirs {_short(c['theirs'])}"
    if kind == "region_deleted_in_base":
        return f"{head}, region {t} deleted in the project, changed on the seat: theirs {_short(c['theirs'])}"
    if kind == "region_deleted_in_package":
        return f"{head}, region {t} deleted on the seat, changed in the project: ours {_short(c['ours'])}"
    if kind == "overlap":
        return (f"{head}, region {t} added on both sides at the same place: ours {_short(c['ours'])}, "
                f"theirs {_short(c['theirs'])}")
    if kind == "document":
        return f"{head}, its {t} changed on both sides: ours {_short(c['ours'])}, theirs {_short(c['theirs'])}"
    if kind == "keyvalue":
        return f"{head}, key {t!r} changed on both sides: ours {_short(c['ours'])}, theirs {_short(c['theirs'])}"
    if kind == "document_deleted_in_base":
        return f"{head} was removed in the project but worked on at the seat: brought back as the seat has it"
    if kind == "document_deleted_in_package":
        return f"{head} was removed at the seat but changed in the project: kept"
    if kind == "order":
        return f"{head}: its reading order changed on both sides ({len(c['theirs'] or {})} regions)"
    if kind == "link":
        return f"{head}, a link from region {t} to a region that is gone: {_short(c['theirs'])}"
    return f"{head}: {kind} {c.get('note', '')}".rstrip()
