"""Issue 20's table outside the store's open path, before and after, in one run: the window (next
document, one region edit, one status change, first search), ``hanji next``, ``hanji duplicates``,
``hanji stats`` / ``hanji check``, ``hanji search``, ``hanji import`` and ``hanji export``.
(``benchmarks/scale.py`` times the store's own calls at two sizes.)

A project of ``--docs`` documents (10,000 by default; ``--docs 100000`` for the issue's size) is
built through the store API (``store.imports()`` batches): small page images (grey bars for lines
of text, drawn from a seeded random generator: no font, template or text source shared with any
training data), 25 regions of random Hangul syllables and digits on each page but the new ones,
statuses mixed (two tenths new and unread, four tenths pre-annotated with model confidences, three
tenths done, a tenth in progress), and one page in a hundred a brightened, recompressed copy of an
earlier one (the near duplicates ``hanji duplicates`` must find). Builds are cached in ``--cache``.

Every operation runs in a child process (its peak memory is the child's own), once with the code
of ``--before`` (a git revision, extracted with ``git archive``: "before") and right after with
this tree's or ``--after``'s ("after"), each on its own build made by that code. Window figures drive the real
``MainWindow`` (offscreen). ``fingerprints`` is the first ``hanji duplicates`` (every image hashed
once and kept); ``duplicates`` and ``next`` are the runs after it. Prints one line per figure:
``operation  before  after  unit  peak-MB  ratio``; ``--json FILE`` keeps them.

    python benchmarks/scale_jobs.py                      # 10k documents, before = dad9bd0
    python benchmarks/scale_jobs.py --docs 100000 --before '' --ops next,duplicates
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "dad9bd0"  # the tree before issue 20's work outside the store
CORE_OPS = ("core_duplicates", "core_next")  # the comparisons alone, on synthetic hashes (no project needed)
OPS = ("window_next", "window_edit", "window_status", "window_search", "search_cli", "fingerprints",
       "duplicates", "next", "stats", "check", "export", "import")
NEAR_SHARE = 100  # one page in a hundred is a near copy of another
REGIONS = 25


# ----------------------------------------------------------------------------- the project
def page(rng: random.Random, w: int = 96, h: int = 128):
    from PIL import Image, ImageDraw

    im = Image.new("L", (w, h), 245 - rng.randrange(20))
    d = ImageDraw.Draw(im)
    y = 6
    while y < h - 8:
        x = 4 + rng.randrange(10)
        while x < w - 10:
            n = 4 + rng.randrange(20)
            d.rectangle([x, y, min(w - 4, x + n), y + 3 + rng.randrange(3)], fill=rng.randrange(10, 90))
            x += n + 3 + rng.randrange(6)
        y += 8 + rng.randrange(8)
    return im


def near_copy(im):
    from PIL import Image, ImageEnhance

    buf = io.BytesIO()
    ImageEnhance.Brightness(im).enhance(1.15).save(buf, "JPEG", quality=70)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def text(rng: random.Random) -> str:
    words = []
    for _ in range(1 + rng.randrange(4)):
        if rng.random() < 0.25:
            words.append(f"{rng.randrange(100, 100000):,}")
        else:
            words.append("".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(1 + rng.randrange(4))))
    if rng.random() < 0.05:
        words.append("합계")
    return " ".join(words)


def build(path: Path, docs: int) -> None:
    """The project, through the store API (of whichever code is on the path)."""
    from hanji.domain.model import KeyValue, Region
    from hanji.store import ProjectStore
    from hanji.store.images import inspect_bytes

    rng = random.Random(20)
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    store = ProjectStore.create(tmp)
    run = store.imports()
    pages: list = []
    for lo in range(0, docs, 500):
        with run.batch():
            for i in range(lo, min(docs, lo + 500)):
                im = near_copy(rng.choice(pages)) if pages and i % NEAR_SHARE == NEAR_SHARE - 1 else page(rng)
                if len(pages) < 2000:
                    pages.append(im)
                buf = io.BytesIO()
                im.save(buf, "PNG")
                name = f"scan_{i:06d}.png"
                doc, _ = run.add_document(inspect_bytes(buf.getvalue(), name), name)
                status = ("done", "done", "done", "in_progress", "preannotated", "preannotated", "preannotated",
                          "preannotated", "new", "new")[i % 10]
                if status == "new":
                    continue
                run.update_document(doc, status=status)
                regs = []
                for k in range(REGIONS):
                    x, y = rng.uniform(0, 60), 4 + 5 * k
                    machine = status == "preannotated" or (status == "in_progress" and k % 2)
                    regs.append(Region([(x, y), (x + 30, y), (x + 30, y + 4), (x, y + 4)], text=text(rng),
                                       status="machine" if machine else "confirmed",
                                       source="model" if machine else "human",
                                       confidence=round(rng.uniform(0.3, 1.0), 3) if machine else None, order=k))
                kvs = [KeyValue("total", regs[-1].text, [REGIONS - 1])] if status == "done" else []
                run.add_annotations(doc.id, regs, [], kvs)
        print(f"  built {min(docs, lo + 500):,} / {docs:,}", file=sys.stderr, end="\r")
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(path)


# ----------------------------------------------------------------------------- the window (child)
OP_CPU_MS = [float("nan")]  # the median CPU time of the last window operation (this process's)


def _median_ms(fn, n: int) -> float:
    """Median wall milliseconds of ``fn``; its median CPU milliseconds go to :data:`OP_CPU_MS`."""
    times, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    OP_CPU_MS[0] = statistics.median(cpu)
    return statistics.median(times)


def window_op(project: Path, op: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("HANJI_AUTOREAD", "0")
    from PySide6.QtWidgets import QApplication

    from hanji.jobs import quality as jq
    from hanji.store import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([])
    store = ProjectStore.open(project)
    w = MainWindow(store)
    w.resize(1400, 900)
    w.show()
    app.processEvents()
    first = store.documents("done")[0].id  # (outside the timing)
    w.session.set_document(first)
    app.processEvents()
    k = iter(range(10**6))
    try:
        if op == "window_next":  # next document, as the Page Down key does
            def step():
                w.go_document(1)
                app.processEvents()
            return _median_ms(step, 20)
        if op == "window_edit":  # one region's text typed
            rid = store.regions(first)[0].id

            def edit():
                store.update_region(rid, text=f"합계 {next(k)}")
                app.processEvents()
            return _median_ms(edit, 20)
        if op == "window_status":  # one document's status
            def status():
                store.update_document(first, status=("in_progress", "done")[next(k) % 2])
                app.processEvents()
            return _median_ms(status, 10)
        if op == "window_search":  # the first question: two Hangul syllables
            t, c = time.perf_counter(), time.process_time()
            jq.Searcher(store).search("합계")
            OP_CPU_MS[0] = (time.process_time() - c) * 1000
            return (time.perf_counter() - t) * 1000
    finally:
        w.close()
        store.close()
    raise ValueError(op)


def core_op(op: str, docs: int) -> float:
    """Seconds of the comparison alone (no image read, no database) on ``docs`` synthetic hashes: the
    near-duplicate grouping (one document in a hundred a copy differing in 4 bits of each hash), or
    what-to-label-next with half the documents labelled."""
    import numpy as np

    from hanji.quality.duplicates import Fingerprint, group_duplicates
    from hanji.quality.next import Candidate, rank_next

    rng = np.random.default_rng(20)
    ph = rng.integers(0, 256, size=(docs, 32), dtype=np.uint8)
    dh = rng.integers(0, 256, size=(docs, 32), dtype=np.uint8)
    copies = np.arange(NEAR_SHARE - 1, docs, NEAR_SHARE)
    for h in (ph, dh):
        h[copies] = h[copies - 7]
        h[copies, rng.integers(0, 32, size=len(copies))] ^= 1 << rng.integers(0, 8, size=len(copies)).astype(np.uint8)
    t = time.perf_counter()
    if op == "core_duplicates":
        items = [(i, Fingerprint(f"{i:064x}", ph[i].tobytes().hex(), dh[i].tobytes().hex(), 2)) for i in range(docs)]
        t = time.perf_counter()
        groups = group_duplicates(items)
        assert sum(g.kind == "near" for g in groups) >= len(copies) * 0.99, len(groups)
    else:
        bits = np.unpackbits(ph, axis=1).astype(bool)
        cands = [Candidate(i, str(i), [float(rng.random())], bits[i]) for i in range(0, docs, 2)]
        t = time.perf_counter()
        rank_next(cands, bits[1::2], n=10)
    return time.perf_counter() - t


def child(op: str, project: Path, docs: int) -> int:
    """One operation in this (child) process; its peak memory goes to the file ``HANJI_SCALE_PEAK``."""
    rc = 0
    if op == "build":
        build(project, docs)
    elif op.startswith("core_"):
        print(json.dumps({"value": core_op(op, docs)}))
    elif op == "cli":  # a hanji command, as ``python -m hanji`` runs it
        from hanji.app import main as hanji_main

        rc = hanji_main(json.loads(os.environ["HANJI_SCALE_ARGV"]))
    else:
        value = window_op(project, op)
        print(json.dumps({"value": value, "cpu_ms": OP_CPU_MS[0]}))
    sys.stdout.flush()
    Path(os.environ["HANJI_SCALE_PEAK"]).write_text(str(peak_mb()))
    return rc


def peak_mb() -> float:
    """This process's peak resident memory in MB: ``VmHWM``, the high-water mark of its own memory map.
    (``getrusage``'s ``ru_maxrss`` keeps, across the ``exec`` that starts a child, the resident size of
    the parent it was forked from: a child of this script after ``hanji check --json``'s output was read
    reported the parent's 995 MB and 1,953 MB as its own, where the command itself peaks at 74 MB.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- the parent
def code_tree(rev: str, cache: Path) -> Path:
    """``desktop/`` of a git revision, extracted once into the cache."""
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", rev], check=True, capture_output=True,
                         text=True).stdout.strip()
    dest = cache / f"code-{rev}"
    if not (dest / "desktop" / "hanji").exists():
        dest.mkdir(parents=True, exist_ok=True)
        data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "desktop"], check=True,
                              capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            tf.extractall(dest, filter="data")
    return dest / "desktop"


LAST_CPU = [float("nan")]  # CPU seconds (user + system) of the last child timed: on a shared machine the wall
# time is mostly waiting for a core, the CPU time is what the operation costs


def timed(cmd: list[str], code: Path, timeout: float) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MB: the child's own, as it reports it) and stdout of a child process
    (``nan`` and 'timeout' or 'failed' when it did not finish well). ``cmd``: arguments of this
    script's ``--child``, or of ``hanji`` (run by a child of this script)."""
    out_path = Path(f"/tmp/hanji-scale-jobs-{os.getpid()}.out")
    peak_path = out_path.with_suffix(".peak")
    peak_path.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(code), HANJI_LANG="en", QT_QPA_PLATFORM="offscreen", HANJI_AUTOREAD="0",
               HANJI_SCALE_PEAK=str(peak_path))
    if cmd[0] != "--child":
        env["HANJI_SCALE_ARGV"] = json.dumps(cmd, ensure_ascii=False)
        cmd = ["--child", "cli"]
    cmd = [sys.executable, __file__, *cmd]
    t = time.perf_counter()
    err_path = out_path.with_suffix(".err")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = before.ru_utime + before.ru_stime
    with open(out_path, "w") as out, open(err_path, "w") as err:
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd="/")
    try:
        rc = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return float("nan"), float("nan"), "timeout"
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = after.ru_utime + after.ru_stime - cpu0
    text_out, text_err = out_path.read_text(), err_path.read_text()
    peak = float(peak_path.read_text()) if peak_path.exists() else float("nan")
    for f in (out_path, err_path, peak_path):
        f.unlink(missing_ok=True)
    if rc not in (0, 1):
        print("#   failed: " + " ".join(text_err.strip().splitlines()[-1:]), flush=True)
        return float("nan"), peak, "failed"
    return wall, peak, text_out


def measure(op: str, project: Path, code: Path, work: Path, timeout: float, docs: int = 0
            ) -> tuple[float, float, str]:
    """(value, peak MB, unit) of one operation with one tree's code."""
    hanji: list[str] = []  # a hanji command line (run by a child of this script)
    if op.startswith("window_"):
        wall, rss, out = timed(["--child", op, "--project", str(project)], code, timeout)
        try:
            got = json.loads(out.strip().splitlines()[-1])
            print(f"#   {op}: median CPU {got.get('cpu_ms', float('nan')):.1f} ms of this operation", flush=True)
            return got["value"], rss, "ms"
        except (ValueError, IndexError, KeyError):  # timeout, failed
            return float("nan"), rss, "ms"
    if op.startswith("core_"):
        wall, rss, out = timed(["--child", op, "--docs", str(docs)], code, timeout)
        try:
            return json.loads(out.strip().splitlines()[-1])["value"], rss, "s"
        except (ValueError, IndexError, KeyError):  # timeout, failed
            return float("nan"), rss, "s"
    if op == "search_cli":
        wall, rss, out = timed(hanji + ["search", str(project), "합계", "--json"], code, timeout)
        return wall * 1000, rss, "ms"
    if op in ("fingerprints", "duplicates"):
        wall, rss, out = timed(hanji + ["duplicates", str(project), "--json"], code, timeout)
        if op == "duplicates" and out not in ("timeout", "failed"):
            try:
                groups = json.loads(out)
                n = len(groups if isinstance(groups, list) else groups.get("groups", []))
                print(f"#   {n} duplicate groups", flush=True)
            except ValueError:
                pass
        return wall, rss, "s"
    if op in ("next", "stats", "check"):
        wall, rss, out = timed(hanji + [op, str(project), "--json"], code, timeout)
        return wall, rss, "s"
    if op == "export":
        dest = work / "export-ppocr"
        shutil.rmtree(dest, ignore_errors=True)
        wall, rss, out = timed(hanji + ["export", str(project), "--format", "ppocrlabel", str(dest), "--json"],
                               code, timeout)
        return _per_second(wall, out), rss, "regions/s"
    if op == "import":
        src = work / "export-hanji"
        if not (src / "documents.jsonl").exists():
            shutil.rmtree(src, ignore_errors=True)
            timed(hanji + ["export", str(project), "--format", "hanji", str(src)], code, timeout)
        dest = work / "imported.hanji"
        for f in (dest, Path(f"{dest}-wal"), Path(f"{dest}-shm")):  # a killed run's leftovers
            f.unlink(missing_ok=True)
        wall, rss, out = timed(hanji + ["import", str(dest), str(src / "documents.jsonl"), "--format", "hanji",
                                        "--create", "--json"], code, timeout)
        return _per_second(wall, out), rss, "regions/s"
    raise ValueError(op)


def _per_second(wall: float, out: str) -> float:
    try:
        n = json.loads(out.strip().splitlines()[-1])["regions"]
    except (ValueError, IndexError, KeyError):
        return float("nan")
    return n / wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--before", default=BEFORE, help="git revision of the 'before' code ('': after only)")
    ap.add_argument("--after", default="", help="git revision of the 'after' code ('': this working tree)")
    ap.add_argument("--ops", default=",".join(OPS), help=f"comma-separated, of {', '.join(OPS + CORE_OPS)}")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/hanji-scale-jobs"))
    ap.add_argument("--timeout", type=float, default=1800, help="seconds one operation may take")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        raise SystemExit(child(args.child, args.project, args.docs))
    args.cache.mkdir(parents=True, exist_ok=True)
    trees = {"after": code_tree(args.after, args.cache) if args.after else ROOT / "desktop"}
    if args.before:
        trees = {"before": code_tree(args.before, args.cache), **trees}
    ops = [o for o in args.ops.split(",") if o]
    results: dict[str, dict] = {}
    projects: dict[str, tuple[Path, Path]] = {}
    for label, code in trees.items():
        work = args.cache / f"{label}-{args.docs}"
        work.mkdir(parents=True, exist_ok=True)
        projects[label] = (work / "project.hanji", work)
        if all(o.startswith("core_") for o in ops):
            continue  # no project needed
        built = args.cache / f"build-{label}-{args.docs}.hanji"
        if not built.exists():
            t = time.perf_counter()
            timed(["--child", "build", "--project", str(built), "--docs", str(args.docs)], code, 24 * 3600)
            if not built.exists():
                raise SystemExit(f"building the {label} project failed")
            print(f"# built {built} in {time.perf_counter() - t:.0f} s", flush=True)
        for suffix in ("-wal", "-shm"):  # a killed run's log would be replayed into the fresh copy
            Path(f"{projects[label][0]}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(built, projects[label][0])  # fingerprints and edits of one run stay in its copy
    for op in ops:  # before and after one after the other: the machine's load alike for both
        for label, code in trees.items():
            project, work = projects[label]
            value, rss, unit = measure(op, project, code, work, args.timeout, args.docs)
            results.setdefault(op, {})[label] = {"value": value, "rss_mb": rss, "unit": unit, "cpu_s": LAST_CPU[0]}
            print(f"# {label:6} {op:14} {value:12.3f} {unit:9} peak {rss:7.0f} MB  cpu {LAST_CPU[0]:8.1f} s",
                  flush=True)
    print(f"\n{args.docs:,} documents; {os.cpu_count()} CPUs; before = {args.before or '-'}, "
          f"after = {args.after or 'the working tree'}")
    print(f"{'operation':16} {'before':>12} {'after':>12} {'unit':10} {'peak MB before/after':>21}  ratio  "
          f"(CPU s before/after: the child's, start included)")
    nan = float("nan")
    for op in ops:
        b, a = results[op].get("before", {}), results[op]["after"]
        bv, av = b.get("value", nan), a["value"]
        faster = av / bv if a["unit"].endswith("/s") else bv / av
        ratio = f"{faster:.1f}x" if bv == bv and av == av and av and bv else "-"
        print(f"{op:16} {bv:12.3f} {av:12.3f} {a['unit']:10} {b.get('rss_mb', nan):10.0f}/{a['rss_mb']:<10.0f}"
              f"  {ratio}  ({b.get('cpu_s', nan):.1f}/{a.get('cpu_s', nan):.1f})")
    if args.json:
        args.json.write_text(json.dumps({"docs": args.docs, "before": args.before, "results": results}, indent=1))


if __name__ == "__main__":
    main()
