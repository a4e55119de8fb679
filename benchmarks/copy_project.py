"""``hanji copy`` between the backends: a project file of N documents (20 regions each, a key-value,
a small PNG) into an empty PostgreSQL database and back into a new file, timed, with the rows a
second each way. PostgreSQL is a throw-away local cluster over a Unix socket with fsync on
(tests/pg_cluster.py), or ``--pg-url`` (an empty database). No peer: no other tool moves a Hanji
project; the figure is how long a team waits to move its project onto a server.

Prints one line per figure: ``name value unit``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
sys.path.insert(0, str(ROOT / "tests"))


def make_project(path: Path, docs: int) -> None:
    from hanji.domain import KeyValue, Region
    from hanji.store import create_project
    from hanji.store.images import inspect_bytes
    from helpers import png_bytes

    s = create_project(path)
    run = s.imports()
    for first in range(0, docs, 500):
        with run.batch():
            for i in range(first, min(docs, first + 500)):
                with run.document():
                    d, _ = run.add_document(inspect_bytes(png_bytes(40, 20, text=str(i)), f"{i}.png"), f"{i}.png")
                    run.add_annotations(d.id, [Region([(k, 0), (k + 5, 0), (k + 5, 5), (k, 5)], text=f"합계 {i}-{k}")
                                               for k in range(20)], keyvalues=[KeyValue("total", f"{i},000원", [0])])
    s.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--pg-url", help="an empty PostgreSQL database (default: a throw-away local cluster)")
    args = ap.parse_args()
    from hanji.store.copying import copy_project

    cluster = None
    url = args.pg_url
    if url is None:
        from pg_cluster import Cluster, cluster_unavailable

        cluster = Cluster.start(fsync=True)
        if cluster is None:
            print(f"no PostgreSQL: {cluster_unavailable()}")
            return 1
        url = cluster.new_database("bench")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src, back = Path(tmp) / "src.hanji", Path(tmp) / "back.hanji"
            make_project(src, args.docs)
            t = time.perf_counter()
            there = copy_project(src, url)
            up = time.perf_counter() - t
            t = time.perf_counter()
            copy_project(url, back)
            down = time.perf_counter() - t
        rows = sum(there["rows"].values())
        print(f"copy_documents {there['documents']} docs ({there['regions']} regions, {rows} rows)")
        print(f"copy_sqlite_to_postgresql {up:.2f} s ({rows / up:,.0f} rows/s)")
        print(f"copy_postgresql_to_sqlite {down:.2f} s ({rows / down:,.0f} rows/s)")
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
