"""Independent pieces of inference on a few CPU threads at once, one torch thread each.

Torch splits each operation of a network across its threads (intra-op parallelism). That pays on
the detector's large maps, but a recognizer batch of a few line crops is a long chain of small
operations: every one wakes the other thread, much of the work is too small to split, and the
decoding after it runs on one thread. Measured on this 2-core machine (issue 15), with SROIE
receipts through the English pipeline and two torch threads, the main thread did 2.1x the other's
work inside the recognizer, so a second core bought little (one thread alone: 2.24 CPU-s a page;
ONNX Runtime's pipeline 3.22 on one thread, yet the two ran at the same pages/s on two threads).

:func:`run` gives each piece (a batch of crops, the direction classifier's pass) to a worker
thread whose torch runs single-threaded, as many workers as the caller's torch threads, so the
pieces run side by side with no synchronisation inside them. Setting one thread's OpenMP thread
count is possible only through the OpenMP runtime torch loaded (GNU libgomp in the Linux
wheels); where that is not found, or the caller already runs on one thread (a worker, a job
started with ``--threads 1``), the pieces run one after the other in the caller, as before.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_MODE = os.environ.get("HANJI_PIECE_THREADS", "auto")
ENABLED = _MODE != "0"  # 0: always one piece after the other
# auto (the default): one piece after the other while the cores are already busy (the 1-minute load
# average over the CPU count + 0.5, this process's own threads included): on a saturated 2-core
# machine the workers measured 0.72-0.84x the serial pipeline (a worker descheduled while holding
# Python's lock stalls the other); 1: side by side whatever the load
BUSY_CHECK = _MODE == "auto"

_pools: dict[int, ThreadPoolExecutor] = {}
_lock = threading.Lock()
_single = threading.local()  # .ok: this worker's torch runs on one thread


def _forget_pools() -> None:
    """In a forked child: the pools' threads did not come along, so it makes its own."""
    global _lock
    _pools.clear()
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pools)


@functools.lru_cache(maxsize=1)
def _omp():
    """torch's own OpenMP runtime (its ``omp_set_num_threads``), or None."""
    import torch

    libs = sorted(glob.glob(os.path.join(os.path.dirname(torch.__file__), "lib", "libgomp*.so*")))
    if not libs:
        return None
    try:
        lib = ctypes.CDLL(libs[0])  # already loaded by torch: the same runtime, not a second copy
        lib.omp_set_num_threads.argtypes = [ctypes.c_int]
        return lib
    except (OSError, AttributeError):
        return None


def _init_worker() -> None:
    """Make this worker thread's torch run single-threaded (after torch's own per-thread set-up,
    which would otherwise raise it back to the process's count on the first parallel operation)."""
    import torch

    torch.ones(1 << 16).add_(1)  # torch sets this thread's OpenMP count up on its first parallel loop
    omp = _omp()
    if omp is not None:
        omp.omp_set_num_threads(1)
    _single.ok = torch.get_num_threads() == 1


def _cores_busy() -> bool:
    """Whether other work already keeps the cores busy (the 1-minute load average, where the OS has one)."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):
        return False
    return load > (os.cpu_count() or 1) + 0.5


def workers() -> int:
    """How many pieces :func:`run` would run at once from this thread (1: one after the other)."""
    if not ENABLED or getattr(_single, "ok", False) or _omp() is None or (BUSY_CHECK and _cores_busy()):
        return 1
    import torch

    return max(1, torch.get_num_threads())


def _pool(n: int) -> ThreadPoolExecutor:
    with _lock:
        pool = _pools.get(n)
        if pool is None:
            pool = _pools[n] = ThreadPoolExecutor(n, thread_name_prefix="hanji-infer", initializer=_init_worker)
        return pool


def submit(fn: Callable[..., R], *args) -> Future[R] | None:
    """Start ``fn(*args)`` on a single-threaded worker; None when this thread should run it itself
    (see :func:`workers`)."""
    n = workers()
    return _pool(n).submit(_checked, fn, *args) if n > 1 else None


def _checked(fn, *args):
    if not getattr(_single, "ok", False):  # this worker could not be made single-threaded: say so loudly in tests
        raise RuntimeError("an inference worker runs torch on more than one thread")
    return fn(*args)


def run(fn: Callable[[T], R], pieces: Iterable[T]) -> list[R]:
    """``[fn(p) for p in pieces]``, the pieces side by side on single-threaded workers when the
    caller has more than one torch thread (the first pieces first: give the costliest first)."""
    pieces = list(pieces)
    n = workers()
    if n <= 1 or len(pieces) < 2:
        return [fn(p) for p in pieces]
    pool = _pool(n)
    return [f.result() for f in [pool.submit(_checked, fn, p) for p in pieces]]
