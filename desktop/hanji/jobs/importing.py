"""Import: dataset files in other tools' formats into a project.

Each document is checked whole (image decodes, sizes agree, points inside the image, links point
at regions) before it is written; documents are written in batches through the store's
:class:`~hanji.store.imports.ImportRun`: one transaction per batch and a savepoint per document,
so a failure or a kill never leaves half a document. An import that stops on a bad entry (without
``skip_bad``) takes back what it wrote: the project is unchanged. Documents are found again by
image SHA-256: running an import a second time (after a cancel, a crash, or on purpose) adds
nothing twice. Imports are not undo steps.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hanji.domain.text import tokens
from hanji.errors import DiskFull, HanjiError, OutsideDataset
from hanji.formats import registry
from hanji.formats.base import SHAPE_ERRORS, Note, Sample, Skipped, as_error, make_scope, scoped
from hanji.jobs.base import Cancelled, CancelToken, Progress, can_fork, no_progress
from hanji.jobs.import_reader import EDGE_TOLERANCE, READ_AHEAD_MIN, Ready, checked, read_ahead  # noqa: F401 (EDGE_TOLERANCE: jobs.transfer names it)
from hanji.store import ProjectStore
from hanji.store.imports import DUPLICATE, NEW, ImportRun

# A batch (one transaction) is this many documents, or fewer when their images reach BATCH_BYTES:
# each commit writes the search indexes' new segments and the log, and a batch of 64 documents of
# 20 regions cost an import 8 % more than one of 256; the bytes bound the memory large images take.
BATCH_DOCUMENTS = 256
BATCH_BYTES = 64 * 2**20


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
    outside: set[str] = field(default_factory=set)  # folders of images refused as outside the dataset

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


class _Importer:
    """One import: reads entries, checks them, writes them in batches, takes them back on a stop."""

    def __init__(self, store: ProjectStore, report: ImportReport, state_key: str, skip_bad: bool, batch: int):
        self.store = store
        self.report = report
        self.run: ImportRun = store.imports()
        self.state_key = state_key
        self.skip_bad = skip_bad
        self.batch = batch
        self.pending: list[Ready] = []
        self.pending_bytes = 0  # the queued documents' image bytes (a batch is also bounded by these)
        self.done = 0  # entries read
        self.job: dict[str, Any] = {}  # what the job state says besides ``done``
        self._names: dict[str, list[int]] | None = None
        self._docs: list = []

    # ------------------------------------------------------------------ entries
    def take(self, item: Ready | Skipped) -> None:
        """Queue a checked entry (:func:`hanji.jobs.import_reader.checked`); a bad one stops the
        import (or is listed with ``skip_bad``)."""
        self.done += 1
        try:
            if isinstance(item, Skipped):
                raise item.error
            self.pending.append(item)
            info = item.info
            if info is not None:
                self.pending_bytes += len(info.data)
            if info is not None and (info.frames > 1 or info.rotated):  # said, not done silently
                what = (f"the image has {info.frames} pages or frames; only the first was imported"
                        if info.frames > 1 else "the image was turned upright by its EXIF orientation")
                self.report.notes.append(f"{item.source or item.name}: {what}")
        except HanjiError as e:
            if not self.skip_bad:
                self.pending.clear()
                self.pending_bytes = 0
                self.stop()  # a strict import that stops leaves the project as it was
                raise
            self.report.skipped.append(SkippedEntry(e.path, e.where, e.reason))
            if isinstance(e, OutsideDataset) and e.folder:
                self.report.outside.add(e.folder)
        if len(self.pending) >= self.batch or self.pending_bytes >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write the queued documents: one transaction, each document whole or not at all."""
        if not self.pending:
            return
        stop: HanjiError | None = None
        with self.run.batch(self.state_key, {"done": self.done, **self.job}):
            self.run.expect(p.info.sha256 for p in self.pending if p.info is not None)  # one lookup a batch
            for p in self.pending:
                try:
                    with self.run.document():
                        self.write(p)
                except DiskFull:
                    raise  # not a bad entry: the batch is taken back, the batches before it stay
                except (HanjiError, *SHAPE_ERRORS) as e:
                    e = as_error(e, p.source or p.name)
                    if not self.skip_bad:
                        stop = e
                        break
                    self.report.skipped.append(SkippedEntry(e.path, e.where, e.reason))
        self.pending.clear()
        self.pending_bytes = 0
        if stop is not None:
            self.stop()
            raise stop

    def stop(self) -> None:
        """Take back what this import wrote and forget where it got to."""
        self.run.revert()
        self.store.save_job_state(self.state_key, "import", None)

    # ------------------------------------------------------------------ one document
    def write(self, s: Ready) -> None:
        if s.info is None:
            self.merge_tags(s.sample)
            return
        # a new document is written with its fields; one already there (annotated now) changes them
        doc, state = self.run.add_document(s.info, s.name, s.status, s.doc_type, s.attrs)
        if state == DUPLICATE:
            self.report.duplicates += 1
            if doc.name != s.name or len(self.store.regions(doc.id)) != len(s.regions):
                self.report.notes.append(f"{s.source or s.name}: the same image as document {doc.name!r}, "
                                         "which already has annotations; this entry's were not added")
            return
        self.run.add_annotations(doc.id, s.regions, s.links, s.keyvalues)
        changes: dict[str, Any] = {}
        if s.doc_type:
            changes["doc_type"] = s.doc_type
        if s.status:
            changes["status"] = s.status
        if s.attrs:
            changes["attrs"] = {**doc.attrs, **s.attrs}
        if changes and state != NEW:
            self.run.update_document(doc, **changes)
        if state == NEW:
            self.report.documents += 1
        else:
            self.report.annotated += 1
        self.report.regions += len(s.regions)
        self.report.links += len(s.links)
        self.report.keyvalues += len(s.keyvalues)

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
                changes[r.id] = new
        if changes:
            self.run.retag(changes)
            self.report.annotated += 1
        else:
            self.report.duplicates += 1
        self.report.regions += len(changes)


def import_path(store: ProjectStore, path: str | Path, fmt: str | None = None, *, skip_bad: bool = False,
                options: dict[str, Any] | None = None, progress: Progress = no_progress,
                cancel: CancelToken | None = None, batch: int = BATCH_DOCUMENTS,
                allow_outside: list[str | Path] | tuple[str | Path, ...] = (),
                reader: bool | None = None) -> ImportReport:
    """Import a file or folder in format ``fmt`` (detected when None) into ``store``.

    Stops at the first bad entry with a HanjiError naming the file and the entry, and takes back
    what this run had written, so the project is as it was; with ``skip_bad`` bad entries are listed
    in ``report.skipped`` and the rest is imported. Documents are committed in batches: after a
    cancel (or a crash) what was committed stays, and running the import again goes on from there.

    Images are read only from the dataset folder (``path``, or the folder of a file; a format may
    widen it to the folder its layout names, :func:`dataset_root`) and the folders in
    ``allow_outside``: an image named outside them (``../``, an absolute path, a symlink out) is a
    bad entry, refused without being looked at.

    ``reader``: read and check the entries in a worker process while this one writes
    (:mod:`hanji.jobs.import_reader`); by default where a process can be forked
    (:func:`hanji.jobs.base.can_fork`) and the dataset has at least ``READ_AHEAD_MIN`` entries.
    """
    t0 = time.perf_counter()
    path = Path(path)
    name, mod = _reader(path, fmt, options)
    report = ImportReport(format=name)
    importer = _Importer(store, report, f"import:{name}:{path.resolve()}", skip_bad, batch)
    importer.job = {"format": name, "path": str(path)}
    resumed_from = int((store.job_state(importer.state_key) or {}).get("done", 0))
    total = _count(mod, path)
    progress(0, total, f"resuming after {resumed_from}" if resumed_from else "")
    _import_schema(importer, mod, path)
    scope = make_scope(dataset_root(mod, path), allow_outside)
    if reader is None:
        reader = can_fork() and (total is None or total >= READ_AHEAD_MIN)

    project = str(store.path) if store.backend == "sqlite" else None  # the file a reader process lets go of
    # a file's import batch takes the short-query index's tokens; a server makes its own, and takes
    # the regions as COPY lines
    sqlite = store.backend == "sqlite"

    def items():
        return checked(scoped(mod.read(path, **(options or {})), scope), scope, grams=sqlite, copy=not sqlite)

    try:
        with _fewer_collections(), read_ahead(items, reader, cancel, project) as entries:
            for item in entries:
                if cancel:
                    cancel.check()
                if isinstance(item, Note):
                    report.notes.append(f"{item.path}{f' ({item.where})' if item.where else ''}: {item.message}"
                                        if item.path else item.message)
                    continue
                importer.take(item)
                done = importer.done
                progress(done, max(total, done) if total else None, item.name if isinstance(item, Ready) else "")
            importer.flush()
    except Cancelled:
        importer.flush()  # keep the documents already read; running it again goes on from there
        raise
    store.save_job_state(importer.state_key, "import", None)
    report.seconds = time.perf_counter() - t0
    progress(importer.done, importer.done, "")
    return report


_gc_lock = threading.Lock()
_gc_held: list[tuple[int, int, int]] = []  # the thresholds before the first of the imports running now


@contextlib.contextmanager
def _fewer_collections():
    """The cyclic garbage collector's first generation collected every 20,000 new objects instead of
    700 while an import reads: an import makes millions of short-lived objects that are freed by
    reference counting (no cycles), and the collections that kept walking them cost it 8-10 % of its
    time. Put back when the last import running ends; cyclic garbage is still collected, later."""
    with _gc_lock:
        if not _gc_held:
            before = gc.get_threshold()
            gc.set_threshold(max(before[0], 20_000), *before[1:])
        else:
            before = _gc_held[-1]
        _gc_held.append(before)
    try:
        yield
    finally:
        with _gc_lock:
            before = _gc_held.pop()
            if not _gc_held:
                gc.set_threshold(*before)


def _reader(path: Path, fmt: str | None, options: dict[str, Any] | None):
    """``(format name, module)`` of what reads ``path``; a clear error when nothing can."""
    if not path.exists():
        raise HanjiError("no such file or folder", path)
    name = registry.canonical(fmt) if fmt else registry.detect(path)
    mod = registry.get(name)
    if not getattr(mod, "CAN_READ", True):
        raise HanjiError(f"the {name} format can be exported but not imported", path)
    registry.check_options(mod, "read", options, path)
    return name, mod


def _import_schema(importer: _Importer, mod, path: Path) -> None:
    """The entity types a dataset declares (Label Studio's config, ...) that the project lacks."""
    if not hasattr(mod, "read_entity_types"):
        return
    report = importer.report
    have = {e.name for e in importer.store.entity_types()}
    try:
        types = mod.read_entity_types(path)
    except (HanjiError, *SHAPE_ERRORS) as e:
        types = []
        report.notes.append(f"the label schema was not read: {as_error(e, path)}")
    for e in types:
        if e.name not in have:
            importer.run.add_entity_type(e)
            report.notes.append(f"added entity type {e.name!r}")


def dataset_root(mod, path: Path) -> Path:
    """The folder an import reads images from: the format's own answer (a layout that keeps its
    images beside the folder of its annotations), else the folder chosen, else the file's folder."""
    fn = getattr(mod, "dataset_root", None)
    if fn is not None:
        return Path(fn(path))
    return path if path.is_dir() else path.parent


def _count(mod, path: Path) -> int | None:
    fn = getattr(mod, "count", None)
    if fn is None:
        return None
    try:
        return fn(path)
    except (HanjiError, OSError):
        return None
