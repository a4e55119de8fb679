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

Everything here goes through the store's public methods, so it works on any backend. This module
splits; :mod:`hanji.jobs.package_merge` merges; :mod:`hanji.jobs.package_conflicts` resolves what the
merge could not take; :mod:`hanji.jobs.package_versions` holds the documents' versions both compare.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.package_conflicts import conflict_json, describe, resolve
from hanji.jobs.package_merge import MergeReport, check_package, merge
from hanji.jobs.package_versions import (
    DOC_FIELDS,
    REGION_FIELDS,
    make_version,
    region_from_version,
    rows_digest,
    version_of,
    version_of_rows,
)
from hanji.store import ProjectStore

# the split lives here; the merge in hanji.jobs.package_merge, the resolving of conflicts in
# hanji.jobs.package_conflicts, the documents' versions both compare in hanji.jobs.package_versions:
# one place to import them from
__all__ = ["DOC_FIELDS", "REGION_FIELDS", "MergeReport", "PackageOut", "check_package", "choose", "conflict_json",
           "describe", "make_version", "merge", "project_name", "region_from_version", "resolve", "split",
           "version_of", "version_of_rows"]

# meta a package does not copy from its base (its own identity and bookkeeping)
_META_OWN = {"created", "hanji_version", "removed_document_max", "project_id", "package"}
BATCH = 200  # documents written into a package per transaction


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
