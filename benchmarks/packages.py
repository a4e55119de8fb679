"""Offline seats (issue 22): split and merge time at 10,000 documents / 200,000 regions.

The project is benchmarks/scale.py's (10,000 documents of 20 regions, cached under ``--cache``).
It is split into ``--seats`` packages; on each seat a tenth of the documents are edited (two
regions' text changed, one region added, a key-value set) and in the base a fiftieth of the
documents is edited after the split (so some edits meet on both sides: conflicts). Then all the
packages are merged in one transaction, and merged again (a no-op).

The peer is what teams do today without Hanji (PPOCRLabel and labelme leave them to copy folders by
hand): a plain copy of the whole project file per seat, out and back, with no merge at all (the
last copy back wins and the others' work is lost). It is the floor of any split: the bytes have to
be written.

    .venv/bin/python benchmarks/packages.py                  # 10,000 documents
    .venv/bin/python benchmarks/packages.py --docs 2000      # quicker
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import PER_DOC, project  # noqa: E402

from hanji.domain import KeyValue, Region  # noqa: E402
from hanji.jobs.packages import merge, split  # noqa: E402
from hanji.store import ProjectStore  # noqa: E402


def edit_seat(path: str, seat: str) -> int:
    """A tenth of a package's documents edited, in one transaction (the seat's work, not timed)."""
    n = 0
    with ProjectStore.open(path) as pkg:
        pkg.user = f"labeler-{seat}"
        with pkg.atomic():
            for d in pkg.documents()[::10]:
                regs = pkg.regions(d.id)
                pkg.update_regions({regs[0].id: {"text": regs[0].text + " 확인"},
                                    regs[1].id: {"text": regs[1].text + " 수정", "status": "confirmed"}})
                pkg.add_region(d.id, Region([(1, 29), (12, 29), (12, 31), (1, 31)], text="추가"))
                pkg.set_keyvalues(d.id, [KeyValue("total", str(d.id))])
                pkg.update_document(d.id, status="done")
                n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seats", type=int, default=4)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "hanji-scale")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    src = project(args.cache, args.docs)
    with tempfile.TemporaryDirectory(dir=args.cache) as tmp:
        work = Path(tmp)
        base_path = work / "base.hanji"
        shutil.copy(src, base_path)
        size_mb = base_path.stat().st_size / 1e6

        # the peer: a copy of the whole project per seat (out), and back
        t0 = time.perf_counter()
        for i in range(args.seats):
            shutil.copy(base_path, work / f"copy-{i}.hanji")
        peer_out = time.perf_counter() - t0
        t0 = time.perf_counter()
        for i in range(args.seats):
            shutil.copy(work / f"copy-{i}.hanji", work / "back.hanji")
        peer_back = time.perf_counter() - t0
        for i in range(args.seats):
            (work / f"copy-{i}.hanji").unlink()
        (work / "back.hanji").unlink()

        out_dir = work / "stick"
        out_dir.mkdir()
        with ProjectStore.open(base_path) as base:
            t0, c0 = time.perf_counter(), time.process_time()
            outs = split(base, out_dir, args.seats)
            t_split, c_split = time.perf_counter() - t0, time.process_time() - c0
        pkg_mb = sum(Path(o.path).stat().st_size for o in outs) / 1e6
        edited = sum(edit_seat(o.path, o.seat) for o in outs)
        with ProjectStore.open(base_path) as base:
            with base.atomic():
                for d in base.documents()[::50]:
                    r = base.regions(d.id)[0]
                    base.update_region(r.id, text=r.text + " 본사")
            t0, c0 = time.perf_counter(), time.process_time()
            reports = merge(base, [o.path for o in outs])
            t_merge, c_merge = time.perf_counter() - t0, time.process_time() - c0
            t0 = time.perf_counter()
            again = merge(base, [o.path for o in outs])
            t_again = time.perf_counter() - t0
            assert all(r.already_merged for r in again)
            conflicts = sum(len(r.conflicts) for r in reports)
            taken = sum(r.taken["documents"] for r in reports)
    regions = args.docs * PER_DOC
    print(f"project {args.docs:,} documents, {regions:,} regions, {size_mb:.0f} MB; {args.seats} seats; "
          f"{edited:,} documents edited on the seats")
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores while measuring (wall times stretch with it)")
    print(f"split_s {t_split:.2f} s, CPU {c_split:.2f} s (peer: copy the project file per seat {peer_out:.2f} s, "
          f"{t_split / peer_out:.1f}x); packages {pkg_mb:.0f} MB in all")
    print(f"split_docs_per_s {args.docs / t_split:,.0f} docs/s")
    print(f"merge_s {t_merge:.2f} s, CPU {c_merge:.2f} s (peer: copy each back, no merge, work lost {peer_back:.2f} s, "
          f"{t_merge / peer_back:.1f}x); {taken:,} documents taken, {conflicts:,} conflicts")
    print(f"merge_docs_per_s {args.docs / t_merge:,.0f} docs/s")
    print(f"merge_again_s {t_again:.2f} s (a package merged twice: nothing changed)")


if __name__ == "__main__":
    main()
