"""The Linux bundle: its size and how fast it starts to a usable window.

Needs a built bundle (``bash packaging/build-linux.sh`` makes dist/hanji). Targets from issues 9 and 19:
bundle ≤ 800 MB installed and ≤ 320 MB to download with CPU torch and OpenCV, cold start to a usable
window ≤ 3 s. The peer for start times is the
same app run from the source install (.venv/bin/python -m hanji), when there is one.

"Start to a usable window" runs ``hanji PROJECT`` with ``HANJI_QUIT_AFTER_START=1``: the window is
built and shown, the project opened, and once the event loop runs the app prints ``ready SECONDS``
(since ``HANJI_STARTUP_T0``, the launch time) and closes. ``--version`` is timed to its exit. "Cold" evicts the bundle's own files from the page
cache first (posix_fadvise DONTNEED on every file; system libraries and fonts may stay cached);
``--drop-caches`` drops the whole page cache instead (root only; it slows everything else on the machine).
The first run of a fresh install also writes the demo project.

    python benchmarks/package.py [--bundle dist/hanji] [--runs 5] [--display]

Prints one line per figure: ``name value unit (peer value, ratio)``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZE_TARGET_MB = 800  # installed folder (issue 19: OpenCV back in the product; was 600 without it)
DOWNLOAD_TARGET_MB = 320  # the .tar.gz and the .deb
START_TARGET_S = 3.0


def folder_bytes(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def evict(path: Path) -> int:
    """Drop the page-cache pages of every file under ``path``; the number of files evicted."""
    n = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                n += 1
            finally:
                os.close(fd)
    return n


def drop_all_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
        return True
    except OSError:
        return False


def env_for(home: Path, display: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HANJI_"))}
    env.update(HOME=str(home), HANJI_QUIT_AFTER_START="1", HANJI_LANG="en")
    if not display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def timed(cmd: list[str], env: dict[str, str], timeout: float = 120) -> float:
    """Seconds from launch to the app's ``ready`` line (printed once the window is shown, the project
    opened and the event loop running; see hanji.ui.app), or to the process's exit when it prints none."""
    env = dict(env, HANJI_STARTUP_T0=repr(time.time()))
    t = time.perf_counter()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    ready = [line for line in r.stdout.splitlines() if line.startswith("ready ")]
    return float(ready[-1].split()[1]) if ready else dt


def largest_parts(bundle: Path, n: int = 8) -> list[tuple[str, int]]:
    internal = bundle / "_internal"
    parts: dict[str, int] = {}
    for child in internal.iterdir():
        size = folder_bytes(child) if child.is_dir() else child.lstat().st_size
        key = child.name if child.is_dir() else "(top-level libraries)"
        parts[key] = parts.get(key, 0) + size
    return sorted(parts.items(), key=lambda kv: -kv[1])[:n]


def ratio(value: float, peer: float) -> str:
    return f"{value / peer:.2f}x" if peer else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bundle", type=Path, default=REPO / "dist" / "hanji")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--display", action="store_true", help="use $DISPLAY (e.g. under xvfb-run) instead of offscreen")
    ap.add_argument("--drop-caches", action="store_true", help="drop the whole page cache before the cold run")
    ap.add_argument("--peer", type=Path, default=REPO / ".venv" / "bin" / "python",
                    help="Python of the source install to compare (runs PYTHON -m hanji)")
    a = ap.parse_args()
    exe = a.bundle / "hanji"
    if not exe.exists():
        print(f"no bundle at {a.bundle}: run bash packaging/build-linux.sh first", file=sys.stderr)
        return 2

    size_mb = folder_bytes(a.bundle) / 1e6
    print(f"bundle_size {size_mb:.0f} MB (target {SIZE_TARGET_MB} MB, {ratio(size_mb, SIZE_TARGET_MB)})  "
          f"[installed folder; MB = 10^6 bytes]")
    dist = a.bundle.parent
    for label, pattern in (("tar_gz_size", "hanji-*-linux-*.tar.gz"), ("deb_size", "hanji_*.deb")):
        found = sorted(p for p in dist.glob(pattern) if "wheelhouse" not in p.name)
        if found:
            mb = found[-1].stat().st_size / 1e6
            print(f"{label} {mb:.0f} MB (target {DOWNLOAD_TARGET_MB} MB, {ratio(mb, DOWNLOAD_TARGET_MB)})  [{found[-1].name}]")
    for name, size in largest_parts(a.bundle):
        print(f"part_{name} {size / 1e6:.0f} MB")

    peer = [str(a.peer), "-m", "hanji"] if a.peer.exists() else None
    with tempfile.TemporaryDirectory(prefix="hanji-bench-") as tmp:
        tmp = Path(tmp)
        home = tmp / "home"
        home.mkdir()
        env = env_for(home, a.display)

        # 1. the very first start of a fresh install: cold files, no settings, writes the demo project
        evicted = evict(a.bundle)
        cache_note = f"bundle evicted from page cache ({evicted} files)"
        if a.drop_caches:
            cache_note = "whole page cache dropped" if drop_all_caches() else cache_note + "; could not drop all"
        first = timed([str(exe)], env)
        print(f"first_run_with_demo_creation {first:.2f} s (target {START_TARGET_S:.0f} s, "
              f"{ratio(first, START_TARGET_S)})  [{cache_note}]")

        # 2. cold start opening a project (the demo written by the bundle itself)
        demo = tmp / "demo.hanji"
        subprocess.run([str(exe), "demo", str(demo)], env=env, check=True, capture_output=True)
        evict(a.bundle)
        if a.drop_caches:
            drop_all_caches()
        cold = timed([str(exe), str(demo)], env)
        peer_cold = None
        if peer:
            if a.drop_caches:
                drop_all_caches()
            peer_cold = timed([*peer, str(demo)], env)
        peer_txt = f"source install {peer_cold:.2f} s, {ratio(cold, peer_cold)}" if peer_cold else "no source install"
        print(f"cold_start_to_window {cold:.2f} s (target {START_TARGET_S:.0f} s, {ratio(cold, START_TARGET_S)}; "
              f"{peer_txt})")

        # 3. warm starts
        warm = statistics.median(timed([str(exe), str(demo)], env) for _ in range(a.runs))
        if peer:
            peer_warm = statistics.median(timed([*peer, str(demo)], env) for _ in range(a.runs))
            print(f"warm_start_to_window {warm:.2f} s (source install {peer_warm:.2f} s, {ratio(warm, peer_warm)})")
        else:
            print(f"warm_start_to_window {warm:.2f} s (target {START_TARGET_S:.0f} s, {ratio(warm, START_TARGET_S)})")

        # 4. --version imports torch and reads the manifest: the cost of the first model use
        vers = statistics.median(timed([str(exe), "--version"], env) for _ in range(max(1, a.runs // 2)))
        if peer:
            pv = statistics.median(timed([*peer, "--version"], env) for _ in range(max(1, a.runs // 2)))
            print(f"version_with_torch_import {vers:.2f} s (source install {pv:.2f} s, {ratio(vers, pv)})")
        else:
            print(f"version_with_torch_import {vers:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
