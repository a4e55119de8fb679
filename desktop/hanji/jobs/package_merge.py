"""Work packages back into their project (issue 22): the three-way merge, which takes what it can
and records the rest as conflicts (resolved in :mod:`hanji.jobs.package_conflicts`, whose
``resolve``, ``describe`` and ``conflict_json`` are still importable from here). See
:mod:`hanji.jobs.packages` for what a package is and the merge's rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanji.domain import geometry
from hanji.domain.model import KeyValue, Region
from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.package_conflicts import conflict_json, describe, resolve
from hanji.jobs.package_versions import (
    DOC_FIELDS,
    REGION_FIELDS,
    kv_sort_key,
    region_from_version,
    rows_digest,
    version_content,
    version_fields,
    version_of,
    version_of_rows,
)
from hanji.store import ProjectStore

__all__ = ["OVERLAP_IOU", "MergeReport", "check_package", "conflict_json", "describe", "merge", "resolve"]

OVERLAP_IOU = 0.5  # regions added on both sides that overlap this much are one place: a conflict, not two boxes


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
            how = _three(version_content(sv), version_content(bv), version_content(pv))
            order = _three(sv["order"], bv["order"], pv["order"]) if bv is not None and pv is not None else "same"
            if how == "take":
                if pv is None:
                    self.deletes.append(int(k))
                else:
                    want = dict(pv, order=pv["order"] if order == "take" else bv["order"])
                    if {f: bv[f] for f in REGION_FIELDS} != {f: want[f] for f in REGION_FIELDS}:
                        self.updates[int(k)] = version_fields(want)
                    if bv["links"] != pv["links"]:
                        self.link_fix[int(k)] = pv["links"]
            elif how == "conflict":
                kind = "region" if bv is not None and pv is not None else (
                    "region_deleted_in_base" if bv is None else "region_deleted_in_package")
                self.pending.append(_conflict(self.doc_id, kind, k, sv, bv, pv))
            elif order == "take":
                self.updates[int(k)] = version_fields(dict(bv, order=pv["order"]))
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
            made = self.base.add_regions(self.doc_id, [region_from_version(pv) for _, pv in adds], label="merge: add regions")
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
    return {k: sorted(v, key=kv_sort_key) for k, v in out.items()}


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
