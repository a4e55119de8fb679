"""Import and export jobs: dataset files in other tools' formats into and out of a project.

Import: each document is checked whole (image decodes, sizes agree, points inside the image, links
point at regions) before it is written; documents are written in batches, one transaction per
batch and a savepoint per document, so a failure or a kill never leaves half a document. An import
that stops on a bad entry (without ``skip_bad``) takes back what it wrote: the project is unchanged. Documents
are found again by image SHA-256: running an import a second time (after a cancel, a crash, or on
purpose) adds nothing twice. Imports are not undo steps (``record=False``).

Export: the format writes under a temporary name beside the output; it is renamed into place at
the end, so a failed or cancelled export leaves no half file.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanji.domain import geometry
from hanji.domain.fields import mask_document
from hanji.domain.model import DOC_STATUSES, KeyValue, Link
from hanji.domain.text import tokens
from hanji.errors import HanjiError
from hanji.formats import registry
from hanji.formats.base import (
    SHAPE_ERRORS,
    Note,
    Sample,
    Scope,
    Skipped,
    as_error,
    check_types,
    make_scope,
    scoped,
)
from hanji.imaging import mask_image
from hanji.jobs.base import Cancelled, CancelToken, Progress, no_progress
from hanji.store import Change, ProjectStore
from hanji.store.images import inspect_bytes

EDGE_TOLERANCE = 1.0  # pixels a point may lie outside the image (rounding in other tools)


@dataclass
class SkippedEntry:
    path: str | None
    where: str | None
    message: str

    def __str__(self) -> str:
        head = (self.path or "") + (f" ({self.where})" if self.where else "")
        return f"{head}: {self.message}" if head else self.message


@dataclass
class ImportReport:
    format: str
    documents: int = 0  # new documents
    annotated: int = 0  # documents already in the project (no annotations yet) that got these
    duplicates: int = 0  # documents already in the project with annotations: left alone
    regions: int = 0
    links: int = 0
    keyvalues: int = 0
    skipped: list[SkippedEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        s = (f"imported {self.documents} new documents ({self.regions} regions, {self.links} links, "
             f"{self.keyvalues} key-values)")
        if self.annotated:
            s += f", annotated {self.annotated} documents already there"
        if self.duplicates:
            s += f", {self.duplicates} already imported (left alone)"
        if self.skipped:
            s += f", skipped {len(self.skipped)} bad entries"
        return s


@dataclass
class ExportReport:
    format: str
    out: Path
    documents: int = 0
    regions: int = 0
    masked: int = 0  # documents with personal data masked (``mask=True``)
    personal: list[str] | None = None  # the fields masked; None when the export did not mask
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        s = f"exported {self.documents} documents ({self.regions} regions) to {self.out}"
        if self.personal is not None:
            s += (f", personal data masked in {self.masked} ({', '.join(self.personal)})" if self.personal
                  else ", nothing masked: no field is marked personal")
        return s




# ------------------------------------------------------------------------------------------ import
@dataclass
class _Prepared:
    sample: Sample
    info: Any  # ImageInfo or None for samples that annotate an existing document


def _prepare(sample: Sample, scope: Scope | None = None) -> _Prepared:
    """Check a sample whole before anything is written; a HanjiError names the file and entry."""
    where = sample.source or str(sample.name)
    if not isinstance(sample.name, str) or (sample.has_image and not sample.name.strip()):
        raise HanjiError(f"a document needs a name, got {sample.name!r:.40}", where)
    info = None
    if sample.image_path is not None and scope is not None and not scope.admits(sample.image_path):
        raise scope.refusal(str(sample.image_path), where)
    if sample.has_image:
        data = sample.read_image()
        info = inspect_bytes(data, sample.image_path or where)
        w, h = info.width, info.height
        if sample.width and sample.height and (sample.width, sample.height) != (w, h):
            raise HanjiError(f"the annotation says the image is {sample.width}x{sample.height} but it is {w}x{h}",
                             where)
        for i, r in enumerate(sample.regions):
            if not geometry.inside_image(r.points, w, h, EDGE_TOLERANCE):
                x0, y0, x1, y1 = r.bbox
                raise HanjiError(f"region {i + 1} ({r.text[:20]!r}) lies outside the {w}x{h} image "
                                 f"(box {x0:g},{y0:g} to {x1:g},{y1:g})", where)
    check_types(sample, where)
    n = len(sample.regions)
    for lk in sample.links:
        if not (0 <= lk.src < n and 0 <= lk.dst < n):
            raise HanjiError(f"a link points at a region that is not there ({lk.src} -> {lk.dst})", where)
    for kv in sample.keyvalues:
        if any(not 0 <= i < n for i in kv.region_ids):
            raise HanjiError(f"key-value {kv.key!r} points at a region that is not there", where)
    if sample.status is not None and sample.status not in DOC_STATUSES:
        raise HanjiError(f"unknown document status {sample.status!r}", where)
    return _Prepared(sample, info)




class _Importer:
    def __init__(self, store: ProjectStore, report: ImportReport):
        self.store = store
        self.report = report
        self._names: dict[str, list[int]] | None = None
        self._docs: list = []
        # what this run wrote, to take it back when a strict import stops on a bad entry
        self.new_docs: list[int] = []
        self.new_rows: dict[str, list[int]] = {"regions": [], "links": [], "keyvalues": []}
        self.doc_before: dict[int, tuple] = {}
        self.tags_before: dict[int, tuple] = {}
        self.new_types: list[str] = []

    def has_annotations(self, doc_id: int) -> bool:
        c = self.store.conn
        return any(c.execute(f"SELECT 1 FROM {t} WHERE doc_id=? LIMIT 1", (doc_id,)).fetchone()
                   for t in ("regions", "keyvalues", "links"))

    def write(self, p: _Prepared) -> None:
        s = p.sample
        if p.info is None:
            self.merge_tags(s)
            return
        store = self.store
        existing = store.document_by_sha(p.info.sha256)
        if existing is not None and self.has_annotations(existing.id):
            self.report.duplicates += 1
            if existing.name != s.name or len(store.regions(existing.id)) != len(s.regions):
                self.report.notes.append(f"{s.source or s.name}: the same image as document {existing.name!r}, "
                                         "which already has annotations; this entry's were not added")
            return
        doc, _ = store.add_image_info(p.info, s.name) if existing is None else (existing, False)
        if existing is None:
            self.new_docs.append(doc.id)
        else:
            self._keep_row("documents", "status, doc_type, attrs, updated", doc.id, self.doc_before)
        regions = store.add_regions(doc.id, list(s.regions), label="import", record=False) if s.regions else []
        ids = [r.id for r in regions]
        self.new_rows["regions"] += ids
        for lk in s.links:
            self.new_rows["links"].append(store.add_link(ids[lk.src], ids[lk.dst], lk.key, record=False).id)
        if s.keyvalues:
            kvs = [KeyValue(kv.key, kv.value, [ids[i] for i in kv.region_ids], kv.source, kv.confidence)
                   for kv in s.keyvalues]
            self.new_rows["keyvalues"] += [kv.id for kv in store.set_keyvalues(doc.id, kvs, record=False)]
        changes: dict[str, Any] = {}
        if s.doc_type:
            changes["doc_type"] = s.doc_type
        if s.status:
            changes["status"] = s.status
        if s.attrs:
            changes["attrs"] = {**doc.attrs, **s.attrs}
        if changes:
            store.update_document(doc.id, record=False, **changes)
        if existing is None:
            self.report.documents += 1
        else:
            self.report.annotated += 1
        self.report.regions += len(regions)
        self.report.links += len(s.links)
        self.report.keyvalues += len(s.keyvalues)

    def _keep_row(self, table: str, cols: str, key: int, into: dict[int, tuple]) -> None:
        if key not in into:
            into[key] = tuple(self.store.conn.execute(f"SELECT {cols} FROM {table} WHERE id=?", (key,)).fetchone())

    def revert(self) -> None:
        """Take back everything this run wrote (imports are not undo steps, so this is the way back)."""
        store = self.store
        with store.atomic() as conn:
            for table in ("links", "keyvalues", "regions"):
                for i in self.new_rows[table]:
                    conn.execute(f"DELETE FROM {table} WHERE id=?", (i,))
            for doc_id in self.new_docs:
                sha = conn.execute("SELECT sha256 FROM documents WHERE id=?", (doc_id,)).fetchone()
                for table in ("links", "keyvalues", "regions"):
                    conn.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
                conn.execute("DELETE FROM documents WHERE id=?", (doc_id,))
                if sha and not conn.execute("SELECT 1 FROM documents WHERE sha256=?", sha).fetchone():
                    conn.execute("DELETE FROM images WHERE sha256=?", sha)
            for doc_id, row in self.doc_before.items():
                conn.execute("UPDATE documents SET status=?, doc_type=?, attrs=?, updated=? WHERE id=?", (*row, doc_id))
            for rid, row in self.tags_before.items():
                conn.execute("UPDATE regions SET tags=?, updated=? WHERE id=?", (*row, rid))
            for name in self.new_types:
                conn.execute("DELETE FROM entity_types WHERE name=?", (name,))
        touched = set(self.new_docs) | set(self.doc_before)
        if touched:  # tell the window (the store's own deletes do the same)
            store._emit(Change("documents", touched, touched, "delete"))

    def merge_tags(self, s: Sample) -> None:
        """A sample without an image (CoNLL) puts its tags on a document already in the project:
        by name, or by position when the file names none. Its tokens must be the document's."""
        where = s.source or s.name
        conll = s.attrs.get("conll")
        if conll is None:
            raise HanjiError("the entry names no image", where)
        if self._names is None:
            self._docs = self.store.documents()
            self._names = {}
            for d in self._docs:
                self._names.setdefault(d.name, []).append(d.id)
        if s.name:
            ids = self._names.get(s.name)
            if not ids:
                raise HanjiError(f"no document named {s.name!r} in the project (tags go onto documents "
                                 "already there: import their images and regions first)", where)
            if len(ids) > 1:
                raise HanjiError(f"{len(ids)} documents are named {s.name!r}; cannot tell which one", where)
            doc_id = ids[0]
        else:
            pos = int(conll["position"]) - 1
            if pos >= len(self._docs):
                raise HanjiError(f"the file has more documents than the project ({len(self._docs)})", where)
            doc_id = self._docs[pos].id
        regions = self.store.regions(doc_id)
        have = [t for r in regions for t in tokens(r.text)]
        want, tags = list(conll["tokens"]), list(conll["tags"])
        if have != want:
            i = next((k for k, (a, b) in enumerate(zip(have, want)) if a != b), min(len(have), len(want)))
            a = have[i] if i < len(have) else "(end)"
            b = want[i] if i < len(want) else "(end)"
            raise HanjiError(f"token {i + 1} is {a!r} in the project but {b!r} in the file "
                             f"({len(have)} vs {len(want)} tokens)", where)
        changes, k = {}, 0
        for r in regions:
            n = len(tokens(r.text))
            new = tags[k:k + n]
            k += n
            same = list(r.tags) == new or (not r.tags and all(t == "O" for t in new))  # [] reads as all O
            if n and not same:
                changes[r.id] = {"tags": new}
                self._keep_row("regions", "tags, updated", r.id, self.tags_before)
        if changes:
            self.store.update_regions(changes, label="import tags", record=False)
            self.report.annotated += 1
        else:
            self.report.duplicates += 1
        self.report.regions += len(changes)


def import_path(store: ProjectStore, path: str | Path, fmt: str | None = None, *, skip_bad: bool = False,
                options: dict[str, Any] | None = None, progress: Progress = no_progress,
                cancel: CancelToken | None = None, batch: int = 64,
                allow_outside: list[str | Path] | tuple[str | Path, ...] = ()) -> ImportReport:
    """Import a file or folder in format ``fmt`` (detected when None) into ``store``.

    Stops at the first bad entry with a HanjiError naming the file and the entry, and takes back
    what this run had written, so the project is as it was; with ``skip_bad`` bad entries are listed
    in ``report.skipped`` and the rest is imported. Documents are committed in batches: after a
    cancel (or a crash) what was committed stays, and running the import again goes on from there.

    Images are read only from the dataset folder (``path``, or the folder of a file; a format may
    widen it to the folder its layout names, :func:`dataset_root`) and the folders in
    ``allow_outside``: an image named outside them (``../``, an absolute path, a symlink out) is a
    bad entry, refused without being looked at.
    """
    t0 = time.perf_counter()
    path = Path(path)
    if not path.exists():
        raise HanjiError("no such file or folder", path)
    name = registry.canonical(fmt) if fmt else registry.detect(path)
    mod = registry.get(name)
    if not getattr(mod, "CAN_READ", True):
        raise HanjiError(f"the {name} format can be exported but not imported", path)
    registry.check_options(mod, "read", options, path)
    report = ImportReport(format=name)
    importer = _Importer(store, report)
    state_key = f"import:{name}:{path.resolve()}"
    state = store.job_state(state_key) or {}
    resumed_from = int(state.get("done", 0))
    total = _count(mod, path)
    pending: list[_Prepared] = []
    done = 0

    def flush() -> None:
        if not pending:
            return
        stop: HanjiError | None = None
        with store.atomic() as conn:
            for p in pending:
                conn.execute("SAVEPOINT hanji_doc")
                try:
                    importer.write(p)
                except (HanjiError, *SHAPE_ERRORS) as e:
                    e = as_error(e, p.sample.source or p.sample.name)
                    conn.execute("ROLLBACK TO hanji_doc")
                    conn.execute("RELEASE hanji_doc")
                    if not skip_bad:
                        stop = e
                        break
                    report.skipped.append(SkippedEntry(e.path, e.where, e.reason))
                    continue
                conn.execute("RELEASE hanji_doc")
            conn.execute(
                "INSERT OR REPLACE INTO jobs(name, kind, state, updated) VALUES (?,?,?,?)",
                (state_key, "import", _dumps({"done": done, "format": name, "path": str(path)}), time.time()))
        pending.clear()
        if stop is not None:
            importer.revert()
            store.save_job_state(state_key, "import", None)
            raise stop

    progress(0, total, f"resuming after {resumed_from}" if resumed_from else "")
    if hasattr(mod, "read_entity_types"):
        have = {e.name for e in store.entity_types()}
        try:
            types = mod.read_entity_types(path)
        except (HanjiError, *SHAPE_ERRORS) as e:
            types = []
            report.notes.append(f"the label schema was not read: {as_error(e, path)}")
        for e in types:
            if e.name not in have:
                store.set_entity_type(e, record=False)
                importer.new_types.append(e.name)
                report.notes.append(f"added entity type {e.name!r}")
    scope = make_scope(dataset_root(mod, path), allow_outside)
    try:
        for item in scoped(mod.read(path, **(options or {})), scope):
            if cancel:
                cancel.check()
            if isinstance(item, Note):
                report.notes.append(f"{item.path}{f' ({item.where})' if item.where else ''}: {item.message}"
                                    if item.path else item.message)
                continue
            done += 1
            try:
                if isinstance(item, Skipped):
                    raise item.error
                try:
                    pending.append(_prepare(item, scope))
                except SHAPE_ERRORS as e:
                    raise as_error(e, item.source or str(item.name)) from e
            except HanjiError as e:
                if not skip_bad:
                    pending.clear()
                    importer.revert()  # a strict import that stops leaves the project as it was
                    store.save_job_state(state_key, "import", None)
                    raise
                report.skipped.append(SkippedEntry(e.path, e.where, e.reason))
            if len(pending) >= batch:
                flush()
            progress(done, max(total, done) if total else None, item.name if isinstance(item, Sample) else "")
        flush()
    except Cancelled:
        flush()  # keep the documents already read; running it again goes on from there
        raise
    store.save_job_state(state_key, "import", None)
    report.seconds = time.perf_counter() - t0
    progress(done, done, "")
    return report


def dataset_root(mod, path: Path) -> Path:
    """The folder an import reads images from: the format's own answer (a layout that keeps its
    images beside the folder of its annotations), else the folder chosen, else the file's folder."""
    fn = getattr(mod, "dataset_root", None)
    if fn is not None:
        return Path(fn(path))
    return path if path.is_dir() else path.parent


def _dumps(obj: Any) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False)


def _count(mod, path: Path) -> int | None:
    fn = getattr(mod, "count", None)
    if fn is None:
        return None
    try:
        return fn(path)
    except (HanjiError, OSError):
        return None


# ------------------------------------------------------------------------------------------ export
def personal_types(store: ProjectStore) -> set[str]:
    """The project's entity types marked as personal data (the built-in schema's when it has none)."""
    types = store.entity_types()
    if not types:
        from hanji.domain.schemas import DOC_TYPES

        return {name for fields in DOC_TYPES.values() for name, _, personal in fields if personal}
    return {e.name for e in types if e.personal}


def project_samples(store: ProjectStore, doc_ids: list[int] | None = None, progress: Progress = no_progress,
                    cancel: CancelToken | None = None, counter: ExportReport | None = None,
                    personal: set[str] | None = None) -> Iterator[Sample]:
    """The documents of a project as samples (links and key-values by region index), lazily.
    ``personal``: fields whose values are masked (:func:`hanji.domain.fields.mask_document`)."""
    docs = store.documents()
    if doc_ids is not None:
        wanted = set(doc_ids)
        docs = [d for d in docs if d.id in wanted]
    total = len(docs)
    progress(0, total, "")
    for i, doc in enumerate(docs):
        if cancel:
            cancel.check()
        regions = store.regions(doc.id)
        index = {r.id: k for k, r in enumerate(regions)}
        links = [Link(index[lk.src], index[lk.dst], lk.key) for lk in store.links(doc.id)
                 if lk.src in index and lk.dst in index]
        kvs = [KeyValue(kv.key, kv.value, [index[r] for r in kv.region_ids if r in index], kv.source, kv.confidence)
               for kv in store.keyvalues(doc.id)]
        for r in regions:
            r.id = r.doc_id = None
        attrs = dict(doc.attrs)
        doc_id = doc.id
        loader = lambda doc_id=doc_id: store.image_bytes(doc_id)  # noqa: E731
        if personal:
            masked = mask_document(regions, kvs, personal, attrs)
            if counter is not None and (masked[0] != regions or masked[1] != kvs or masked[2] != attrs):
                counter.masked += 1
            # the regions whose text held a personal value are painted over in the image too
            hidden = [r.points for r, m in zip(regions, masked[0]) if m.text != r.text or r.label in personal]
            if hidden:
                loader = lambda doc_id=doc_id, hidden=hidden: mask_image(store.image_bytes(doc_id), hidden)  # noqa: E731
            regions, kvs, attrs = masked
        yield Sample(
            name=doc.name, width=doc.width, height=doc.height, regions=regions, links=links, keyvalues=kvs,
            doc_type=doc.doc_type, status=doc.status, attrs=attrs, source=f"document {doc.id}",
            image_loader=loader,
        )
        if counter is not None:
            counter.documents += 1
            counter.regions += len(regions)
        progress(i + 1, total, doc.name)


def export_project(store: ProjectStore, fmt: str, out: str | Path, *, options: dict[str, Any] | None = None,
                   doc_ids: list[int] | None = None, overwrite: bool = False, mask: bool = False,
                   progress: Progress = no_progress, cancel: CancelToken | None = None) -> ExportReport:
    """Write the project (or ``doc_ids``) in format ``fmt`` to ``out`` (a file or folder, per format).

    ``mask``: the values of the fields marked personal in the project's schema (ID and card numbers
    keep their first digits, names their first and last syllable) are masked in every text the export
    writes: region texts, tags' tokens, key-values, words kept in attrs; and the images a format writes
    have the regions that held such values painted over (:func:`hanji.imaging.mask_image`). The project is not changed."""
    t0 = time.perf_counter()
    name = registry.canonical(fmt)
    mod = registry.get(name)
    if not getattr(mod, "CAN_WRITE", True):
        raise HanjiError(f"the {name} format can be imported but not exported", out)
    out = Path(out)
    if not out.parent.exists():
        raise HanjiError("the folder does not exist", out.parent)
    if out.exists() and not overwrite:
        raise HanjiError("already exists; choose another name or remove it first", out)
    registry.check_options(mod, "write", options, out)
    report = ExportReport(format=name, out=out)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        target = tmp / out.name
        kwargs = dict(options or {})
        if getattr(mod, "WANTS_ENTITY_TYPES", False):
            kwargs["entity_types"] = store.entity_types()
        if getattr(mod, "WANTS_FINAL_PATH", False):
            kwargs["final_path"] = out.resolve()
        personal = personal_types(store) if mask else None
        samples = project_samples(store, doc_ids, progress, cancel, report, personal)
        notes = mod.write(samples, target, **kwargs) or []
        report.notes.extend(notes)
        if not target.exists():
            raise HanjiError("the export wrote nothing", out)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(target, out)
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
        else:
            os.replace(target, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if mask:
        report.personal = sorted(personal or [])
    report.seconds = time.perf_counter() - t0
    return report


def parse_options(pairs: list[str] | None) -> dict[str, str]:
    """``["key=value", ...]`` from the command line into a dict, with a clear error."""
    out: dict[str, str] = {}
    for p in pairs or []:
        k, eq, v = p.partition("=")
        if not eq or not k.strip():
            raise HanjiError(f"an option is written KEY=VALUE, got {p!r}")
        out[k.strip().replace("-", "_")] = v.strip()
    return out
