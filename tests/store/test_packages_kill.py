"""A merge SIGKILLed at random points, many times: the base is as before or fully merged, never half."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from hanji.domain import KeyValue, Region
from hanji.jobs.packages import merge, split, version_of
from hanji.store import ProjectStore
from helpers import png_bytes

MERGER = textwrap.dedent(
    """
    import sys
    from hanji.jobs.packages import merge
    from hanji.store import ProjectStore

    base = ProjectStore.open(sys.argv[1])
    print("ready", flush=True)
    merge(base, sys.argv[2:])
    base.close()
    print("done", flush=True)
    """
)


def box(x, y, w=30, h=10):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def snapshot(path) -> str:
    """The base as a merge leaves it, without times."""
    with ProjectStore.open(path, readonly=True) as s:
        docs = {d.id: version_of(s, d.id) for d in s.documents()}
        conflicts = [{k: v for k, v in c.items() if k != "at"} for c in s.conflicts(state=None)]
        packages = [(p["id"], p["merged"] is not None) for p in s.packages()]
        checkouts = sorted((k, v["package"]) for k, v in s.checkouts().items())
        # the seats' entries keep their times; the merge's own are stamped when it runs
        log = sorted((a, d, round(t, 6) if "(seat " in label else 0, label) for a, d, t, label in s.edit_log())
    return json.dumps([docs, conflicts, packages, checkouts, log], sort_keys=True)


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_killed_merge_is_all_or_nothing(tmp_path):
    base_path = tmp_path / "base.hanji"
    s = ProjectStore.create(base_path)
    for i in range(60):
        d, _ = s.add_image_bytes(f"p{i}.png", png_bytes(120, 80, text=str(i), color=f"#{i:02x}aaaa"))
        regs = s.add_regions(d.id, [Region(box(5, 5 + 6 * j), text=f"{i}-{j}") for j in range(10)])
        s.set_keyvalues(d.id, [KeyValue("k", str(i), [regs[0].id])])
    outs = split(s, tmp_path, 3)
    for o in outs:  # every document of every package edited: regions changed, added, deleted, key-values
        with ProjectStore.open(o.path) as p:
            p.user = f"seat{o.seat}"
            for d in p.documents():
                regs = p.regions(d.id)
                p.update_regions({r.id: {"text": r.text + " seat"} for r in regs[:6]})
                p.delete_regions([regs[9].id])
                p.add_regions(d.id, [Region(box(70, 5 + 12 * j), text="new") for j in range(3)])
                p.set_keyvalues(d.id, [KeyValue("k", "seat", [regs[1].id])])
    for d in s.documents()[::4]:  # the base too: conflicts in the merge
        s.update_region(s.regions(d.id)[0].id, text="base")
    s.close()
    template = tmp_path / "template.hanji"
    shutil.copy(base_path, template)
    before = snapshot(template)
    full_path = tmp_path / "full.hanji"
    shutil.copy(template, full_path)
    with ProjectStore.open(full_path) as full:
        t0 = time.perf_counter()
        merge(full, [o.path for o in outs])
        took = time.perf_counter() - t0
    after = snapshot(full_path)
    assert before != after

    script = tmp_path / "merger.py"
    script.write_text(MERGER)
    rng = random.Random(22)
    seen = {"before": 0, "after": 0}
    deadline = time.monotonic() + 25
    rounds = 0
    while rounds < 25 and (rounds < 8 or time.monotonic() < deadline):
        rounds += 1
        work = tmp_path / "work.hanji"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(str(work) + suffix):
                os.unlink(str(work) + suffix)
        shutil.copy(template, work)
        proc = subprocess.Popen([sys.executable, str(script), str(work), *[o.path for o in outs]],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, took * 1.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(work)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        got = snapshot(work)
        assert got in (before, after), f"round {rounds}: the base is half merged"
        seen["before" if got == before else "after"] += 1
    assert seen["before"] >= 1, seen  # the kills landed inside the merge, not all after it
