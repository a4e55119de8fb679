"""A project of 100,000 documents stays interactive (issue 20): each operation timed on a project of
10,000 documents and on one of 100,000 (20 regions each: 200,000 and 2,000,000 regions), printed at
both sizes with the growth ratio (``name small_value unit (large value, growth x)``).

Projects are built in the store's own transactions (its triggers keep the search index and the
counts) with small distinct images, and cached under ``--cache`` (built again when missing). The import and export run in a
child process each, so that their peak memory is their own.

    .venv/bin/python benchmarks/scale.py                      # 10k and 100k (the 100k build takes minutes)
    .venv/bin/python benchmarks/scale.py --sizes 2000,20000   # quicker, same figures
    .venv/bin/python benchmarks/scale.py --jobs               # also the window and the jobs, below

``--jobs`` adds the rest of issue 20's table at the same two sizes, each with its target and growth:
the window's next document, region edit, status change and first search, ``hanji search``, ``hanji
duplicates`` (``fingerprints``: its first run, every image hashed and kept; ``duplicates``: the run
after), ``hanji next``, ``stats``, ``check``, and the PPOCRLabel export and Hanji JSONL import as
commands. They are ``benchmarks/scale_jobs.py``'s (this tree's code only, ``--before ''``) on its own
projects of the two sizes (page-like images, one page in a hundred a near copy; cached under
``--cache``/jobs): this script's projects have near-uniform 32 × 32 images, nearly every one a near
copy of hundreds of others, which makes ``hanji duplicates`` verify a pair for almost every page
instead of timing a realistic project. ``next`` and ``duplicates`` must grow at most n log n.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from PIL import Image  # noqa: E402

from hanji.store import ProjectStore  # noqa: E402
from hanji.store.images import inspect_bytes  # noqa: E402

PER_DOC = 20
STATUSES = ("new", "preannotated", "in_progress", "done")
WORDS = ["합계", "부가세", "아메리카노", "카페라떼", "영수증", "사업자", "대표", "주소", "전화", "카드", "승인", "일시",
         "TOTAL", "CASH", "수량", "단가", "금액", "품목", "서울특별시", "강남구"]


def png(i: int) -> bytes:
    im = Image.new("L", (32, 32), i % 251)
    im.putpixel((i % 32, (i // 32) % 32), 255 - i % 256)
    im.putpixel(((i // 1024) % 32, (i // 32768) % 32), (i * 7) % 256)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def chunks(docs: int, size: int = 1000):
    """The rows of the project of ``docs`` documents, ``size`` documents at a time: ``(images,
    documents, regions)`` as tuples in the tables' column order (``benchmarks/scale_pg.py`` writes the
    same rows into a server with COPY)."""
    rng = random.Random(docs)
    now = time.time()
    rid = 0
    for start in range(0, docs, size):
        images, documents, regions = [], [], []
        for d in range(start, min(docs, start + size)):
            info = inspect_bytes(png(d), f"{d}.png")
            images.append((info.sha256, info.data, len(info.data), info.mime))
            documents.append((d + 1, f"영수증_{d:06d}.png", info.sha256, info.width, info.height, rng.choice(STATUSES),
                              "receipt", None, "{}", now, now))
            for k in range(PER_DOC):
                rid += 1
                x, y = rng.uniform(0, 20), rng.uniform(0, 28)  # inside the small image (an import checks)
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + f" {rng.randint(1, 99999):,}"
                points = json.dumps([[round(x, 3), round(y, 3)], [round(x + 12, 3), round(y, 3)],
                                     [round(x + 12, 3), round(y + 3, 3)], [round(x, 3), round(y + 3, 3)]])
                regions.append((rid, d + 1, "quad", points, text, rng.choice(("confirmed", "machine", "review")),
                                "human", None, k, "", "[]", None, "{}", now))
        yield images, documents, regions


def build(path: Path, docs: int) -> None:
    """A project of ``docs`` documents with PER_DOC regions each, made in the store's own transactions
    (its triggers keep the search index and the counts, as for any edit); rows go in with
    ``executemany`` a chunk of documents at a time, so that the 100k project builds in minutes."""
    t0 = time.perf_counter()
    tmp = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    store = ProjectStore.create(tmp)
    for images, documents, regions in chunks(docs):
        with store._tx() as conn:  # the benchmark's fixture only: raw rows, the store's transaction
            conn.executemany("INSERT INTO images(sha256, data, size, mime) VALUES (?,?,?,?)", images)
            conn.executemany("INSERT INTO documents(id, name, sha256, width, height, status, doc_type, path, attrs, "
                             "added, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?)", documents)
            conn.executemany("INSERT INTO regions(id, doc_id, kind, points, text, status, source, confidence, ord, "
                             "label, tags, machine_text, attrs, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", regions)
        print(f"  built {documents[-1][0]:,} / {docs:,} documents", file=sys.stderr, end="\r")
    store.optimize()
    store.close()
    tmp.rename(path)
    print(f"  built {docs:,} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def project(cache: Path, docs: int) -> Path:
    p = cache / f"scale-{docs}.hanji"
    if not p.exists():
        build(p, docs)
    return p


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def open_ms(path: Path) -> float:
    def once():
        ProjectStore.open(path).close()

    return median_ms(once, 7)


def cli_start_ms(path: Path) -> tuple[float, float]:
    """``hanji info PROJECT`` from process start to exit (what every command pays): wall time, and
    the CPU time of the process (on a shared machine the wall time includes waiting for a core)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "desktop"))
    cpu = []

    def once():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "hanji", "info", str(path)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)

    wall = median_ms(once, 5)
    return wall, statistics.median(cpu)


def edit_ms(path: Path) -> float:
    """One region edit as the window makes it: the edit's commit, then the status bar's counts."""
    store = ProjectStore.open(path)
    try:
        ids = [r.id for r in store.regions(store.documents()[len(store.documents()) // 2].id)]
        k = iter(range(10**9))

        def once():
            i = next(k)
            store.update_region(ids[i % len(ids)], text=f"고침 {i}", status=("edited", "confirmed")[i % 2])
            store.counts()

        return median_ms(once, 30)
    finally:
        store.close()


def search_p95(path: Path) -> dict[str, float]:
    """In-process p95 of ``hanji.jobs.quality.search`` (regions, key-values and document names, 100
    hits at most; what the window and ``hanji search`` ask) over queries cut from stored texts: one
    character, two (Hangul pairs too short for trigrams), three to eight; and the first search of a
    freshly opened project (nothing to build first)."""
    from hanji.jobs import quality as jq

    store = ProjectStore.open(path, readonly=True)
    try:
        rng = random.Random(7)
        top = store.conn.execute("SELECT MAX(id) FROM regions").fetchone()[0]
        texts: list[str] = []
        while len(texts) < 200:
            row = store.conn.execute("SELECT text FROM regions WHERE id=?", (rng.randrange(1, top + 1),)).fetchone()
            if row and len(row[0].replace(" ", "")) >= 8:
                texts.append(row[0].replace(" ", ""))
        t0 = time.perf_counter()
        jq.search(store, "합계")
        out = {"first_search": (time.perf_counter() - t0) * 1000}
        for name, lo, hi in (("search_1char_p95", 1, 1), ("search_2char_p95", 2, 2), ("search_3to8char_p95", 3, 8)):
            times = []
            for t in texts:
                k = rng.randint(lo, hi)
                i = rng.randrange(len(t) - k + 1)
                t0 = time.perf_counter()
                jq.search(store, t[i:i + k])
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out[name] = times[int(0.95 * (len(times) - 1))]
        return out
    finally:
        store.close()


def _child(code: str) -> tuple[float, float, dict]:
    """Run ``code`` in a child Python; ``(seconds, peak MB, what it printed as JSON)``."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT / "desktop")),
                         check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - t0
    info = json.loads(out.strip().splitlines()[-1])
    return seconds, info["peak_mb"], info


# the child's own peak (VmHWM: its address space's high-water mark; ru_maxrss would carry the parent's
# peak over from the fork on Linux), plus the largest of its own children's (an import's reader process:
# counted whole, shared pages twice), and its CPU time with its children's
PEAK = ("import json, resource; peak = next(int(l.split()[1]) for l in open('/proc/self/status') "
        "if l.startswith('VmHWM')) / 1024 + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
        "cpu = sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) "
        "for f in ('ru_utime', 'ru_stime'))")


def export_import(path: Path, work: Path) -> dict[str, float]:
    out = work / f"{path.stem}.jsonl"
    out.unlink(missing_ok=True)
    code = (f"from hanji.store import ProjectStore\nfrom hanji.jobs.transfer import export_project\n"
            f"s = ProjectStore.open({str(path)!r}, readonly=True)\nr = export_project(s, 'hanji', {str(out)!r})\n"
            f"{PEAK}\nprint(json.dumps({{'regions': r.regions, 'peak_mb': peak, 'seconds': r.seconds}}))")
    _, ex_peak, ex = _child(code)
    target = work / f"{path.stem}-imported.hanji"
    target.unlink(missing_ok=True)
    code = (f"from hanji.store import ProjectStore\nfrom hanji.jobs.transfer import import_path\n"
            f"s = ProjectStore.create({str(target)!r})\nr = import_path(s, {str(out)!r}, 'hanji')\ns.close()\n"
            f"{PEAK}\nprint(json.dumps({{'regions': r.regions, 'peak_mb': peak, 'seconds': r.seconds, 'cpu': cpu}}))")
    _, im_peak, im = _child(code)
    out.unlink(missing_ok=True)
    target.unlink(missing_ok=True)
    return {"export_regions_per_s": ex["regions"] / ex["seconds"], "export_peak_mb": ex_peak,
            "import_regions_per_s": im["regions"] / im["seconds"], "import_peak_mb": im_peak,
            "import_cpu_us_per_region": im["cpu"] * 1e6 / im["regions"]}


FIGURES = [  # name, unit, target at the large size (None: none), lower is better
    ("open_project", "ms", 100, True),
    ("cli_start_hanji_info", "ms", 300, True),
    ("cli_start_hanji_info_cpu", "ms", 300, True),
    ("window_edit_commit_and_counts", "ms", 20, True),
    ("first_search", "ms", 100, True),
    ("search_1char_p95", "ms", 100, True),
    ("search_2char_p95", "ms", 100, True),
    ("search_3to8char_p95", "ms", 100, True),
    ("import_regions_per_s", "regions/s", 30_000, False),
    ("import_peak_mb", "MB", 500, True),
    ("import_cpu_us_per_region", "us", None, True),  # the process's and its reader's CPU (start included)
    ("export_regions_per_s", "regions/s", 30_000, False),
    ("export_peak_mb", "MB", 500, True),
]
# --jobs: benchmarks/scale_jobs.py's operations (its name, this table's name, unit, target, lower is better)
JOB_FIGURES = [
    ("window_next", "window_next_document", "ms", 50, True),
    ("window_edit", "window_region_edit", "ms", 20, True),
    ("window_status", "window_status_change", "ms", 50, True),
    ("window_search", "window_first_search", "ms", 100, True),
    ("search_cli", "cli_hanji_search", "ms", None, True),
    ("fingerprints", "cli_duplicates_first_run", "s", 60, True),
    ("duplicates", "cli_duplicates", "s", 60, True),
    ("next", "cli_next", "s", 60, True),
    ("stats", "cli_stats", "s", 30, True),
    ("check", "cli_check", "s", 30, True),
    ("export", "cli_export_ppocrlabel_regions_per_s", "regions/s", 30_000, False),
    ("import", "cli_import_hanji_regions_per_s", "regions/s", 30_000, False),
]
NLOGN = ("fingerprints", "duplicates", "next")  # must grow at most n log n


def jobs(docs: int, cache: Path) -> dict[str, dict]:
    """``benchmarks/scale_jobs.py``'s figures (this tree's code) on its project of ``docs`` documents."""
    out = cache / f"jobs-{docs}.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "scale_jobs.py"), "--docs", str(docs), "--before", "",
           "--cache", str(cache / "jobs"), "--json", str(out)]
    print(f"# {' '.join(cmd[1:])}", flush=True)
    subprocess.run(cmd, check=True)
    return {k: v["after"] for k, v in json.loads(out.read_text())["results"].items()}


def measure(path: Path, work: Path, transfer: bool, only_transfer: bool = False) -> dict[str, float]:
    if only_transfer:
        return export_import(path, work)
    wall, cpu = cli_start_ms(path)
    res = {"open_project": open_ms(path), "cli_start_hanji_info": wall, "cli_start_hanji_info_cpu": cpu,
           "window_edit_commit_and_counts": edit_ms(path), **search_p95(path)}
    if transfer:
        res.update(export_import(path, work))
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000", help="two document counts, small,large")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hanji-scale")
    ap.add_argument("--no-transfer", action="store_true", help="skip the import and export figures")
    ap.add_argument("--transfer-only", action="store_true", help="only the import and export figures")
    ap.add_argument("--jobs", action="store_true",
                    help="also the window and the commands (benchmarks/scale_jobs.py at the same two sizes)")
    args = ap.parse_args()
    small, large = (int(x) for x in args.sizes.split(","))
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"# {os.cpu_count()} CPUs; {PER_DOC} regions a document; figures at {small:,} documents "
          f"(at {large:,}, growth)")
    a = measure(project(args.cache, small), args.cache, not args.no_transfer, args.transfer_only)
    b = measure(project(args.cache, large), args.cache, not args.no_transfer, args.transfer_only)
    for name, unit, target, lower in FIGURES:
        if name not in a:
            continue
        growth = b[name] / a[name] if a[name] else float("nan")
        ok = "" if target is None else (" ok" if (b[name] <= target if lower else b[name] >= target) else " MISSED")
        aim = "" if target is None else f"; target {'<=' if lower else '>='} {target:,}{ok}"
        print(f"{name} {a[name]:,.1f} {unit} ({large:,}: {b[name]:,.1f} {unit}, growth {growth:.2f}x{aim})")
    if args.jobs:
        ja, jb = jobs(small, args.cache), jobs(large, args.cache)
        bound = (large * math.log(large)) / (small * math.log(small))  # n log n growth allowed
        for op, name, unit, target, lower in JOB_FIGURES:
            if op not in ja or op not in jb:
                continue
            x, y = ja[op]["value"], jb[op]["value"]
            growth = y / x if x else float("nan")
            ok = "" if target is None else (" ok" if (y <= target if lower else y >= target) else " MISSED")
            aim = "" if target is None else f"; target {'<=' if lower else '>='} {target:,}{ok}"
            if op in NLOGN:
                aim += f"; growth <= {bound:.1f}x" + (" ok" if growth <= bound else " MISSED")
            print(f"{name} {x:,.1f} {unit} ({large:,}: {y:,.1f} {unit}, growth {growth:.2f}x{aim}; "
                  f"CPU {ja[op]['cpu_s']:.1f} -> {jb[op]['cpu_s']:.1f} s, peak {jb[op]['rss_mb']:.0f} MB)")
    print("# load average at the end (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
