"""An import killed midway (issue 20: imports of 100,000 documents read ahead in a worker process):
whole batches only, a project that opens for writing with its counts and search indexes whole and
its triggers as they were, and the import, run again, finishes it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from hanji.store import ProjectStore
from helpers import png_bytes, recount

STATUSES = ("confirmed", "machine", "edited", "review")


def triggers(conn) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


CHILD = textwrap.dedent("""
    import sys
    from hanji.store import ProjectStore
    from hanji.jobs.transfer import import_path
    store = ProjectStore.open(sys.argv[1])
    import_path(store, sys.argv[2], "hanji", batch=8, reader=sys.argv[3] == "1")
    store.close()
""")


def _jsonl(path, n: int) -> None:
    rng = random.Random(n)
    lines = [json.dumps({"hanji": 1})]
    for i in range(n):
        data = png_bytes(24 + i % 7, 16 + i % 5, color=(i % 256, (i // 256) % 256, 90))
        regions = [{"kind": "quad", "points": [[1, 1], [9, 1], [9, 5], [1, 5]], "status": rng.choice(STATUSES),
                    "text": "".join(rng.choice("합계금액원Ab1 ,") for _ in range(6))} for _ in range(20)]
        lines.append(json.dumps({"name": f"{i}.png", "image_base64": base64.b64encode(data).decode(),
                                 "sha256": hashlib.sha256(data).hexdigest(), "regions": regions,
                                 "keyvalues": [{"key": "합계", "value": str(i), "regions": [0]}]},
                                ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("reader", ["0", "1"])
def test_an_import_killed_midway_leaves_a_whole_project_that_the_import_finishes(tmp_path, reader):
    data = tmp_path / "data.jsonl"
    _jsonl(data, 600)
    with ProjectStore.create(tmp_path / "fresh.hanji") as store:
        fresh = triggers(store.conn)
    target = tmp_path / "p.hanji"
    ProjectStore.create(target).close()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(target), str(data), reader], env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:  # until a few batches are in
            with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as c:
                if c.execute("SELECT COUNT(*) FROM documents").fetchone()[0] >= 40:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, "the import ended before it was killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    with ProjectStore.open(target, integrity=True) as store:
        n = store.document_count()
        assert triggers(store.conn) == fresh
        assert recount(store.conn) == sorted(store.conn.execute(
            "SELECT name, n FROM counts WHERE n <> 0 AND name NOT IN ('history_steps', 'linked_images')"))
        for f in ("regions_fts", "keyvalues_fts"):
            store.conn.execute(f"INSERT INTO {f}({f}) VALUES ('integrity-check')")
        assert n % 8 == 0 and 40 <= n < 600  # whole batches only
        from hanji.jobs.transfer import import_path

        rep = import_path(store, data, "hanji", reader=False)  # goes on from there
        assert rep.documents == 600 - n and rep.duplicates == n and store.document_count() == 600
        assert store.counts()["regions"] == 12000
        assert len(store.search("합계", 10**6)) == store.conn.execute(
            "SELECT COUNT(*) FROM regions WHERE text LIKE '%합계%'").fetchone()[0]
