"""An import's entries read, checked and turned into rows ahead of its writes, in a worker process
where one can be forked.

Reading a dataset (JSON parsing, the image's header and hash, the checks of every region) and
writing it (SQLite's inserts and search indexes) each took about half of an import's time, one after
the other on one core. :func:`read_ahead` gives the same entries in the same order, each document
already checked whole and its regions already rows (:class:`Ready`, with
:class:`hanji.store.rows.RegionRows`), read by a forked process while this one writes: they come
over a queue of at most ``QUEUE_CHUNKS`` chunks of ``CHUNK_ENTRIES`` entries (or ``CHUNK_BYTES`` of
images), so memory stays bounded by a few batches, not the dataset. Where no process can be forked
(:func:`hanji.jobs.base.can_fork`: the window, which runs jobs beside Qt's threads; Windows and
macOS) or for a small dataset, the same entries are made here, one at a time. The worker only reads
the dataset: everything written to the project is written by the importing process, in its
transactions, so an interrupted import leaves what it left before.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hanji.domain import geometry
from hanji.domain.model import DOC_STATUSES, KeyValue, Link
from hanji.errors import HanjiError
from hanji.formats.base import SHAPE_ERRORS, Sample, Scope, Skipped, as_error, check_types
from hanji.jobs.base import Cancelled, CancelToken, worker_start
from hanji.store.images import ImageInfo, inspect_bytes
from hanji.store.rows import RegionRows, region_rows

EDGE_TOLERANCE = 1.0  # pixels a point may lie outside the image (rounding in other tools)
READ_AHEAD_MIN = 256  # entries (when the format counts them) before a reader process is started
CHUNK_ENTRIES = 64  # entries sent to the importing process at once
CHUNK_BYTES = 16 * 2**20  # ... or fewer, when their images reach this many bytes
QUEUE_CHUNKS = 4  # chunks the reader may be ahead of the writes
POLL_S = 0.2  # how often the importing process, waiting for entries, looks at the cancel token


@dataclass
class Ready:
    """A document checked whole (:func:`check`) and made into what the import writes; or, with no
    image (``info`` None), a ``sample`` that puts its tags on a document already in the project
    (CoNLL), which only the importing process can read."""

    name: str
    info: ImageInfo | None
    regions: RegionRows
    links: list[Link] = field(default_factory=list)
    keyvalues: list[KeyValue] = field(default_factory=list)
    doc_type: str = ""
    status: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    sample: Sample | None = None


def check(sample: Sample, scope: Scope | None = None) -> ImageInfo | None:
    """Check a sample whole before anything is written; a HanjiError names the file and entry.
    Returns its image's :class:`ImageInfo` (None for a sample without an image, CoNLL's tags)."""
    where = sample.source or str(sample.name)
    if not isinstance(sample.name, str) or (sample.has_image and not sample.name.strip()):
        raise HanjiError(f"a document needs a name, got {sample.name!r:.40}", where)
    info = None
    if sample.image_path is not None and scope is not None and not scope.admits(sample.image_path):
        raise scope.refusal(str(sample.image_path), where, target=sample.image_path)
    if sample.has_image:
        data = sample.read_image()
        info = inspect_bytes(data, sample.image_path or where)
        w, h = info.width, info.height
        if sample.width and sample.height and (sample.width, sample.height) != (w, h):
            raise HanjiError(f"the annotation says the image is {sample.width}x{sample.height} but it is {w}x{h}",
                             where)
        lo, right, bottom = -EDGE_TOLERANCE, w + EDGE_TOLERANCE, h + EDGE_TOLERANCE
        for i, r in enumerate(sample.regions):
            for x, y in r.points:  # geometry.inside_image, without a call and a generator a region
                if not (lo <= x <= right and lo <= y <= bottom):
                    break
            else:
                continue
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
    return info


def ready(sample: Sample, scope: Scope | None = None, grams: bool = True, copy: bool = False) -> Ready:
    """The sample checked and made into rows (one without an image checked and kept as it is);
    ``grams``: with the short-query index's tokens of its texts; ``copy``: its regions as
    PostgreSQL ``COPY`` lines (:func:`hanji.store.rows.region_rows`)."""
    info = check(sample, scope)
    if info is None:
        return Ready(sample.name, None, RegionRows([], []), source=sample.source, sample=sample)
    return Ready(sample.name, info, region_rows(sample.regions, grams, copy), list(sample.links), list(sample.keyvalues),
                 sample.doc_type, sample.status, sample.attrs, sample.source)


def checked(items: Iterator[Any], scope: Scope, grams: bool = True, copy: bool = False) -> Iterator[Any]:
    """A reader's items with each :class:`Sample` made :func:`ready`, or a :class:`Skipped` naming
    what is wrong with it; notes and the reader's own skipped entries as they are. ``grams``: the
    regions' tokens for a project file's short-query index are made too (a PostgreSQL server makes
    its own: 3 us of the reader's 20 a region); ``copy``: the regions as ``COPY`` lines (PostgreSQL)."""
    for item in items:
        if isinstance(item, Sample):
            try:
                yield ready(item, scope, grams, copy)
            except SHAPE_ERRORS as e:
                yield Skipped(as_error(e, item.source or str(item.name)))
            except HanjiError as e:
                yield Skipped(e)
        else:
            yield item


@dataclass
class _Failed:
    """The reader process's items ended with this exception (raised in the importing process)."""

    error: BaseException


class _End:
    """The reader process's items ended."""


@contextlib.contextmanager
def read_ahead(make_items: Callable[[], Iterator[Any]], worker: bool, cancel: CancelToken | None = None,
               project: str | None = None) -> Iterator[Iterator[Any]]:
    """``make_items()``'s items: made in a forked reader process when ``worker`` (the caller has
    checked :func:`hanji.jobs.base.can_fork`), else here. An exception the items end with is raised
    where they are taken, as here; the process is stopped when the block ends (a strict import that
    stops on a bad entry, a cancel), and ends with this one however this one ends. ``project``: the
    project file being written, which the process lets go of (:func:`hanji.jobs.base.worker_start`)."""
    if not worker:
        yield make_items()
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork")  # (can_fork: only where forking is safe) no second start of Python
    q = ctx.Queue(maxsize=QUEUE_CHUNKS)
    proc = ctx.Process(target=_produce, args=(make_items, q, (os.getpid(), project)), name="hanji import reader", daemon=True)
    proc.start()
    try:
        yield _consume(q, proc, cancel)
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
        q.close()
        q.cancel_join_thread()


def _produce(make_items: Callable[[], Iterator[Any]], q, parent: tuple[int, str | None]) -> None:
    """The reader process: chunks of items, pickled here (an item the queue's own thread failed to
    pickle would be lost, and the importing process would wait for it), then the end or the error."""
    worker_start(*parent)  # ended with the importing process; the project's file (and lock) let go
    chunk: list[Any] = []
    size = 0
    try:
        for item in make_items():
            chunk.append(item)
            if isinstance(item, Ready) and item.info is not None:
                size += len(item.info.data)
            if len(chunk) >= CHUNK_ENTRIES or size >= CHUNK_BYTES:
                q.put(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
                chunk, size = [], 0
        chunk.append(_End())
    except BaseException as e:  # noqa: B036 - everything goes to the importing process, which raises it
        try:
            pickle.dumps(e)
            chunk.append(_Failed(e))
        except Exception:
            chunk.append(_Failed(RuntimeError("the import's reader failed:\n" + traceback.format_exc())))
    q.put(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
    q.close()
    q.join_thread()  # everything sent before the process ends


def _consume(q, proc, cancel: CancelToken | None) -> Iterator[Any]:
    while True:
        try:
            data = q.get(timeout=POLL_S)
        except queue.Empty:
            if cancel and cancel.cancelled:
                raise Cancelled() from None
            if not proc.is_alive():
                try:
                    data = q.get(timeout=POLL_S)  # what it sent just before it ended
                except queue.Empty:
                    raise HanjiError(f"the import's reader process stopped (exit code {proc.exitcode})") from None
            else:
                continue
        for item in pickle.loads(data):
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
