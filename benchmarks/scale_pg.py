"""Issue 20's figures on the PostgreSQL backend: the project of ``benchmarks/scale.py`` (10,000
documents, 200,000 regions; ``--docs 100000`` for the large one) copied into a throw-away local
cluster (tests/pg_cluster.py: a Unix socket, ``fsync=on``, ``synchronous_commit=on``) or into
``--pg-url`` (an empty database), then timed as ``scale.py`` times the file:

- open (``ProjectStore.open(URL)``), one region edit with the status bar's counts;
- the documents pane as the window has it (offscreen Qt, ``scale_pane.py``'s steps): the pane
  opening, one document's status change with the pane's update, the next document;
- search p95 at one, two and three to eight characters (``hanji.jobs.quality.search``);
- export to Hanji JSONL and PPOCRLabel, and the JSONL imported into a new empty database (each in
  a child process, so that its peak memory is its own; the server's memory is not counted).

Prints ``name value unit`` a line, with the CPU seconds of the client where they help (the machine
is shared). The file's own figures come from ``benchmarks/scale.py`` on the same project.

    .venv/bin/python benchmarks/scale_pg.py                  # 10,000 documents
    .venv/bin/python benchmarks/scale_pg.py --docs 100000    # the large project (the copy takes minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import scale  # noqa: E402
import scale_pane  # noqa: E402


def copy_in(src: Path, url: str) -> float:
    from hanji.store.copying import copy_project

    t0 = time.perf_counter()
    copy_project(src, url)
    return time.perf_counter() - t0


def build_direct(url: str, docs: int) -> float:
    """The project of ``scale.py`` (the same rows, ``scale.chunks``) written straight into the server
    with COPY, a transaction a chunk of 1,000 documents, its counts kept by the schema's triggers;
    the regions' two text indexes are dropped first and built once over all the rows (what a 100k
    build takes in minutes rather than an hour of index upkeep on this machine). The fixture only:
    no store call a user makes writes this way."""
    from hanji.store import ProjectStore, rows

    t0 = time.perf_counter()
    store = ProjectStore.create(url)
    conn = store.conn
    indexes = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'regions' AND indexname IN "
                           "('regions_text_trgm', 'regions_text_grams')").fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    for images, documents, regions in scale.chunks(docs):
        with store._tx() as c:
            c.copy_rows("images", ("sha256", "data", "size", "mime"), images)
            c.copy_rows("documents", rows.DOCUMENT_COLUMNS, documents)
            c.copy_rows("regions", rows.REGION_COLUMNS, regions)
        print(f"  built {documents[-1][0]:,} / {docs:,} documents", file=sys.stderr, end="\r")
    conn.execute("SET maintenance_work_mem = '256MB'")
    for _, ddl in indexes:
        conn.execute(ddl)
    store.optimize()
    store.close()
    return time.perf_counter() - t0


def window(url: str) -> dict[str, float]:
    """The documents pane over the server's project, as ``scale_pane.measure`` times it on a file."""
    f = scale_pane.pane_figures(url, status_changes=9, steps=15)
    return {k: f[k] for k in ("window_pane_open", "window_status_change", "window_next_document")}


def _child(code: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "desktop"))
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


CHILD_END = (f"{scale.PEAK}\nimport resource\nu = resource.getrusage(resource.RUSAGE_SELF)\n"
             "c = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(json.dumps({'regions': r.regions, 'seconds': r.seconds, 'peak_mb': peak, "
             "'cpu': u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime}))")  # (an import's reader process too)


def server_cpu(cluster) -> float | None:
    """CPU seconds (user + system) the local cluster's server has used so far: the postmaster's own, its
    ended backends' (reaped by it, so in its children's times) and its live backends'. None without
    the throw-away cluster (a ``--pg-url`` server is not this machine's to read)."""
    if cluster is None or not Path("/proc").is_dir():
        return None
    try:
        pm = int((cluster.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    total = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            st = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(p) == pm:
            total += sum(int(x) for x in st[11:15])  # utime, stime, cutime, cstime
        elif int(st[1]) == pm:
            total += int(st[11]) + int(st[12])
    return total / os.sysconf("SC_CLK_TCK")


def transfer(url: str, new_url: str | None, work: Path, cluster=None) -> dict[str, float]:
    out: dict[str, float] = {}
    jsonl = work / "pg-export.jsonl"
    for fmt, target in (("hanji", jsonl), ("ppocrlabel", work / "pg-export-ppocr")):
        subprocess.run(["rm", "-rf", str(target)], check=True)
        s0 = server_cpu(cluster)
        r = _child("from hanji.store import ProjectStore\nfrom hanji.jobs.transfer import export_project\n"
                   f"s = ProjectStore.open({url!r}, readonly=True)\nr = export_project(s, {fmt!r}, {str(target)!r})\n"
                   f"s.close()\n{CHILD_END}")
        out[f"export_{fmt}_regions_per_s"] = r["regions"] / r["seconds"]
        out[f"export_{fmt}_client_cpu_s"] = r["cpu"]
        out[f"export_{fmt}_peak_mb"] = r["peak_mb"]
        if s0 is not None:
            out[f"export_{fmt}_server_cpu_s"] = server_cpu(cluster) - s0
    subprocess.run(["rm", "-rf", str(work / "pg-export-ppocr")], check=True)
    if new_url is None:
        return out
    s0 = server_cpu(cluster)
    r = _child("from hanji.store import ProjectStore\nfrom hanji.jobs.transfer import import_path\n"
               f"s = ProjectStore.create({new_url!r})\nr = import_path(s, {str(jsonl)!r}, 'hanji')\ns.close()\n"
               f"{CHILD_END}")
    jsonl.unlink(missing_ok=True)
    out["import_hanji_regions_per_s"] = r["regions"] / r["seconds"]
    out["import_hanji_client_cpu_s"] = r["cpu"]
    out["import_hanji_peak_mb"] = r["peak_mb"]
    if s0 is not None:
        out["import_hanji_server_cpu_s"] = server_cpu(cluster) - s0
    return out


UNITS = {"copy_in": "s", "open_project": "ms", "window_edit_commit_and_counts": "ms", "first_search": "ms",
         "search_1char_p95": "ms", "search_2char_p95": "ms", "search_3to8char_p95": "ms", "window_pane_open": "ms",
         "window_status_change": "ms", "window_next_document": "ms"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hanji-scale")
    ap.add_argument("--pg-url", help="an empty database for the project (default: a throw-away local cluster)")
    ap.add_argument("--import-url", help="a second empty database for the import figure")
    ap.add_argument("--no-transfer", action="store_true", help="skip the import and export figures")
    ap.add_argument("--direct", action="store_true", help="write the project into the server with COPY (no "
                    "project file first: what makes 100,000 documents feasible here)")
    ap.add_argument("--no-import", action="store_true", help="the export figures only")
    args = ap.parse_args()
    src = None if args.direct else scale.project(args.cache, args.docs)
    cluster = None
    url, new_url = args.pg_url, args.import_url
    if url is None:
        from pg_cluster import Cluster, cluster_unavailable

        cluster = Cluster.start(fsync=True)
        if cluster is None:
            print(f"no PostgreSQL: {cluster_unavailable()}")
            return 1
        url, new_url = cluster.new_database("scale"), cluster.new_database("imported")
    try:
        print(f"# PostgreSQL, {args.docs:,} documents ({args.docs * scale.PER_DOC:,} regions); {os.cpu_count()} CPUs; "
              f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        if src is None:
            res = {"build_direct": build_direct(url, args.docs)}
            print(f"build_direct {res['build_direct']:.1f} s", flush=True)
        else:
            res = {"copy_in": copy_in(src, url)}
            print(f"copy_in {res['copy_in']:.1f} s", flush=True)
        res["open_project"] = scale.open_ms(url)
        res["window_edit_commit_and_counts"] = scale.edit_ms(url)
        res.update(scale.search_p95(url))
        res.update(window(url))
        for name in ("open_project", "window_edit_commit_and_counts", "first_search", "search_1char_p95",
                     "search_2char_p95", "search_3to8char_p95", "window_pane_open", "window_status_change",
                     "window_next_document"):
            print(f"{name} {res[name]:,.1f} {UNITS[name]}", flush=True)
        if not args.no_transfer and new_url:
            args.cache.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=args.cache) as tmp:
                for name, value in transfer(url, None if args.no_import else new_url, Path(tmp), cluster).items():
                    unit = "regions/s" if name.endswith("per_s") else "MB" if name.endswith("mb") else "s"
                    print(f"{name} {value:,.1f} {unit}", flush=True)
        print(f"# load average at the end {' / '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
