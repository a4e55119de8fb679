"""Conflicts a merge of work packages recorded (issue 22): resolving one (ours, theirs, or as
edited by hand) and describing one in a line. :mod:`hanji.jobs.package_merge` records them; see
:mod:`hanji.jobs.packages` for what a package is and the merge's rules."""

from __future__ import annotations

import json
from typing import Any

from hanji.domain.model import KeyValue
from hanji.errors import HanjiError
from hanji.jobs.package_versions import region_from_version, version_fields
from hanji.store import ProjectStore


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
            store.update_regions({rid: version_fields(theirs)}, label="conflict: theirs")
        else:
            rid = store.add_regions(doc_id, [region_from_version(theirs)], label="conflict: theirs")[0].id
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
