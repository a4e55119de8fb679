"""Image fingerprints kept in the project, and the duplicate groups found with them.

Every image is hashed once (``hanji.quality.duplicates.fingerprint``): the fingerprints are job state
keyed by the image's sha256, saved as the work goes (a cancelled or killed run resumes) and read back
whole by the next run, so a second ``hanji duplicates`` or ``hanji next`` reads no image; what the verification of each
candidate pair said is kept as well, so a second ``hanji duplicates`` verifies only pairs it has not
seen.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import io
import os
import time
from collections.abc import Sequence

import numpy as np
from PIL import Image

from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, can_fork, no_progress, worker_start
from hanji.quality.duplicates import (
    FINGERPRINT_VERSION,
    NEAR_BITS,
    Fingerprint,
    fingerprint_encoded,
    group_duplicates,
    same_encoded,
    same_picture,
    thumbnail,
)
from hanji.store import ProjectStore

FINGERPRINT_JOB = "quality.fingerprints"
VERIFIED_JOB = "quality.verified_pairs"  # what same_picture said of each candidate pair verified
VERIFIED_VERSION = 1  # a change to same_picture's verdicts makes the kept ones be asked again
PAIR_KEY = 16  # hex digits of an image's pixel digest naming it in a kept pair (64 bits)
THUMB_CACHE = 1024  # thumbnails kept while near-duplicate candidates are verified (128 kB each, as bytes)
SAVE_EVERY_S = 30.0  # new fingerprints are saved at least this often (the seconds of hashing a kill can lose)
SAVE_SHARE = 10  # ... and no more often than this many times the last save took (the state is one row)
POOL_MIN = 1000  # images to hash before worker processes are started (each takes about a second to start)
POOL_MAX = 4  # worker processes at most
POOL_CHUNK = 64  # images handed to a worker at once
VERIFY_POOL_MIN = 16  # new candidate pairs in a window before workers verify them
VERIFY_CHUNK = 8  # candidate pairs handed to a worker at once


def fingerprints(store: ProjectStore, progress: Progress = no_progress, cancel: CancelToken | None = None,
                 workers: int | None = None) -> dict[int, Fingerprint]:
    """``{doc_id: Fingerprint}`` of every document. Computed once per image content and kept in
    the project (job state keyed by sha256), so a cancelled run resumes and a second run is free.

    Images to hash are read here and, when there are at least ``POOL_MIN`` of them, hashed by
    ``workers`` processes (by default :func:`pool_size`: on Linux, from a process without threads, one
    a CPU, ``POOL_MAX`` at most) a chunk at a time: the same fingerprints as hashing them here
    (``workers=0``) in about half of the time on two CPUs."""

    cache: dict[str, dict] = (store.job_state(FINGERPRINT_JOB) or {}).get("by_sha", {})
    total = store.document_count()
    out: dict[int, Fingerprint] = {}
    live: set[str] = set()
    todo: list[tuple[int, str, str]] = []  # (doc id, sha256, name) of the images not hashed yet
    for i, (doc_id, sha, name) in enumerate(store.image_keys()):
        if cancel and i % 1024 == 0:
            cancel.check()
        live.add(sha)
        known = cache.get(sha)
        if known is None or known.get("v") != FINGERPRINT_VERSION:  # new, or hashed the old way
            todo.append((doc_id, sha, name))
            continue
        if i % 1024 == 0:
            progress(i, total, name)
        out[doc_id] = Fingerprint.from_dict(known)
    done = total - len(todo)
    dirty = 0
    saved_at, save_cost = time.monotonic(), 0.0

    def save(state: dict) -> None:
        nonlocal dirty, saved_at, save_cost
        t = time.monotonic()
        store.save_job_state(FINGERPRINT_JOB, "quality", {"by_sha": state})
        saved_at, save_cost, dirty = time.monotonic(), time.monotonic() - t, 0

    def got(doc_id: int, sha: str, fp: dict | None) -> None:
        nonlocal dirty, done
        done += 1
        if fp is None:
            return  # not an image that decodes: nothing to compare
        known = cache[sha] = fp
        out[doc_id] = Fingerprint.from_dict(known)
        dirty += 1
        # the whole cache is one row: saved every SAVE_EVERY_S seconds of hashing, and never so often
        # that saving costs more than a tenth of the work (a project's worth of rows each time)
        since = time.monotonic() - saved_at
        if since >= max(SAVE_EVERY_S, SAVE_SHARE * save_cost) and not store.readonly:
            save(cache)

    n_workers = pool_size(len(todo)) if workers is None else workers
    try:
        if n_workers > 0 and todo:
            _hash_in_pool(store, todo, n_workers, got, progress, total, lambda: done, cancel)
        else:
            for k in range(0, len(todo), POOL_CHUNK):
                chunk = todo[k:k + POOL_CHUNK]
                for (doc_id, sha, name), data in zip(chunk, store.images_bytes([t[0] for t in chunk])):
                    if cancel:
                        cancel.check()
                    progress(done, total, name)
                    if isinstance(data, HanjiError):
                        got(doc_id, sha, None)  # a missing linked image: nothing to compare
                        continue
                    got(doc_id, sha, fingerprint_encoded([data])[0])  # as a worker hashes it
    finally:
        if dirty and not store.readonly:
            save({k: v for k, v in cache.items() if k in live} if len(live) >= total else cache)
    progress(total, total, "")
    return out


def pool_size(images: int) -> int:
    """Worker processes that hash ``images`` images: one a CPU, ``POOL_MAX`` at most; none for fewer
    than ``POOL_MIN`` images, on one CPU, and where a worker cannot be forked safely (:func:`can_fork`),
    so there the images are hashed here."""
    if images < POOL_MIN or not can_fork():
        return 0
    cpus = len(os.sched_getaffinity(0))
    return min(POOL_MAX, cpus) if cpus > 1 else 0


def _hash_in_pool(store: ProjectStore, todo: list[tuple[int, str, str]], workers: int, got, progress: Progress,
                  total: int, done, cancel: CancelToken | None) -> None:
    """Hash the images of ``todo`` in ``workers`` processes: this process reads each chunk of
    ``POOL_CHUNK`` images from the project (the store stays on this thread) and hands it to a
    worker, keeping two chunks a worker in flight; answers are taken in order (``got``)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")  # (pool_size: only where forking is safe) no second start of Python
    pending: collections.deque = collections.deque()
    with ctx.Pool(workers, initializer=worker_start, initargs=(os.getpid(), _file(store))) as pool:
        try:
            k = 0
            while k < len(todo) or pending:
                while k < len(todo) and len(pending) < 2 * workers:
                    chunk, datas = [], []
                    part = todo[k:k + POOL_CHUNK]
                    for (doc_id, sha, name), data in zip(part, store.images_bytes([t[0] for t in part])):
                        if isinstance(data, HanjiError):
                            got(doc_id, sha, None)  # a missing linked image: nothing to compare
                        else:
                            datas.append(data)
                            chunk.append((doc_id, sha, name))
                    k += POOL_CHUNK
                    pending.append((chunk, pool.apply_async(fingerprint_encoded, (datas,))))
                if not pending:
                    break
                chunk, result = pending.popleft()
                while True:  # a cancel is heard while a chunk is hashed
                    if cancel:
                        cancel.check()
                    try:
                        fps = result.get(timeout=0.2)
                        break
                    except mp.TimeoutError:
                        continue
                for (doc_id, sha, _name), fp in zip(chunk, fps):
                    got(doc_id, sha, fp)
                progress(done(), total, chunk[-1][2] if chunk else "")
        finally:
            pool.terminate()


def find_duplicates(store: ProjectStore, near: float | None = None, progress: Progress = no_progress,
                    cancel: CancelToken | None = None, workers: int | None = None):
    """Groups of exact and near-duplicate documents (``hanji.quality.duplicates.DuplicateGroup``).
    What each verified pair came to is kept too (job state keyed by the two images' pixel digests), so
    a second run looks at no thumbnail it looked at before.

    Candidate pairs are verified by ``workers`` processes (by default as many as hash the images) a
    window at a time (``group_duplicates``' ``verify_many``) when at least ``VERIFY_POOL_MIN``
    of a window are new: the same groups as verifying them here one by one, which a first run of a
    big project spent seconds on after the hashing."""

    fps = fingerprints(store, progress, cancel)
    pixels = {d: fp.pixels[:PAIR_KEY] for d, fp in fps.items()}
    state = store.job_state(VERIFIED_JOB) or {}
    known: dict[str, bool] = {}
    if state.get("v") == VERIFIED_VERSION:
        known.update(dict.fromkeys(state.get("same", []), True))
        known.update(dict.fromkeys(state.get("differ", []), False))
    asked = [0]

    @functools.lru_cache(maxsize=THUMB_CACHE)  # not one per document of a big project
    def thumb(doc_id: int) -> np.ndarray:
        with Image.open(io.BytesIO(store.image_bytes(doc_id))) as im:
            return thumbnail(im).astype(np.uint8)  # whole levels: the same values in a quarter of the memory

    def verify(a: int, b: int) -> bool:
        if cancel:
            cancel.check()
        key = ":".join(sorted((pixels[a], pixels[b])))
        got = known.get(key)
        if got is None:
            try:
                got = same_picture(thumb(a).astype(np.float32), thumb(b).astype(np.float32))
            except (HanjiError, OSError):
                return False  # a missing image: not kept, it may come back
            known[key] = got
            asked[0] += 1
        return got

    pool = None

    def verify_many(pairs: list[tuple[int, int]]) -> list[bool]:
        nonlocal pool
        keys = [":".join(sorted((pixels[a], pixels[b]))) for a, b in pairs]
        new = [k for k, key in enumerate(keys) if key not in known]
        n = pool_size(POOL_MIN) if workers is None else workers  # one a CPU, where forking is safe
        if len(new) < VERIFY_POOL_MIN or n < 2:
            return [verify(a, b) for a, b in pairs]
        if cancel:
            cancel.check()
        docs = sorted({d for k in new for d in pairs[k]})
        data = dict(zip(docs, store.images_bytes(docs)))
        if pool is None:
            import multiprocessing as mp

            pool = mp.get_context("fork").Pool(n, initializer=worker_start, initargs=(os.getpid(), _file(store)))
        work, tasks = [k for k in new if not any(isinstance(data[d], HanjiError) for d in pairs[k])], []
        for lo in range(0, len(work), VERIFY_CHUNK):
            part = work[lo:lo + VERIFY_CHUNK]
            tasks.append((part, pool.apply_async(same_encoded, ([(data[pairs[k][0]], data[pairs[k][1]]) for k in part],))))
        for part, result in tasks:
            for k, got in zip(part, _wait(result, cancel)):
                if got is not None:  # (an image that does not decode: verified here, which says so)
                    known[keys[k]] = got
                    asked[0] += 1
        return [verify(a, b) for a, b in pairs]  # from what the workers said (or here: a missing image)

    try:
        with contextlib.ExitStack() as stack:
            stack.callback(lambda: pool is not None and (pool.terminate(), pool.join()))
            return group_duplicates(sorted(fps.items()), NEAR_BITS if near is None else near, verify,
                                    verify_many=verify_many)
    finally:  # a cancelled run keeps what it verified too
        if asked[0] and not store.readonly:
            live = set(pixels.values())
            kept = [k for k in known if k[:PAIR_KEY] in live and k[PAIR_KEY + 1:] in live]
            store.save_job_state(VERIFIED_JOB, "quality", {"v": VERIFIED_VERSION,
                                                             "same": [k for k in kept if known[k]],
                                                             "differ": [k for k in kept if not known[k]]})


def _wait(result, cancel: CancelToken | None):
    """A pool's answer, hearing a cancel while it is worked out."""
    import multiprocessing as mp

    while True:
        if cancel:
            cancel.check()
        try:
            return result.get(timeout=0.2)
        except mp.TimeoutError:
            continue


def _file(store: ProjectStore) -> str | None:
    """The project's file (None for a project on a server)."""
    return None if store.backend != "sqlite" else str(store.path)


def keep_one(store: ProjectStore, doc_ids: Sequence[int], keep: int) -> list[int]:
    """Keep ``keep`` of a duplicate group and delete the other documents (with their labels).
    Returns the deleted ids. Deleting documents is not undoable; the window asks first."""
    if keep not in doc_ids:
        raise HanjiError(f"document {keep} is not in the duplicate group {list(doc_ids)}", store.path)
    gone = [d for d in doc_ids if d != keep]
    for d in gone:
        store.delete_document(d)
    return gone
