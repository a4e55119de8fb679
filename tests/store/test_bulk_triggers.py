"""An import batch writes its rows without their insert triggers and does their work at its end
(store/bulk_triggers.py, SQLite): the same counts and search indexes as the triggers give, the
triggers made again as they were, and nothing of it seen or kept when a batch fails or its process
is killed."""

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

from hanji.domain import KeyValue, Link, Region
from hanji.store import ProjectStore, bulk_triggers
from hanji.store.images import inspect_bytes
from hanji.store.rows import region_rows
from helpers import png_bytes

STATUSES = ("confirmed", "machine", "edited", "review")


def quad(x, y=0):
    return [(x, y), (x + 5, y), (x + 5, y + 5), (x, y + 5)]


def triggers(conn) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def state(conn) -> dict:
    """Counts, and every search index's terms with their rows (fts5vocab)."""
    out = {"counts": conn.execute("SELECT name, n FROM counts WHERE n <> 0 ORDER BY name").fetchall()}
    for f in ("regions_fts", "regions_short_fts", "keyvalues_fts", "keyvalues_short_fts"):
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{f} USING fts5vocab(main, {f}, 'row')")
        out[f] = conn.execute(f"SELECT * FROM temp.v_{f} ORDER BY term").fetchall()
    return out


def recount(conn) -> list[tuple[str, int]]:
    rows = conn.execute("SELECT 'regions:' || status, COUNT(*) FROM regions GROUP BY status UNION ALL "
                        "SELECT 'documents:' || status, COUNT(*) FROM documents GROUP BY status UNION ALL "
                        "SELECT 'links', COUNT(*) FROM links UNION ALL SELECT 'keyvalues', COUNT(*) FROM keyvalues "
                        "UNION ALL SELECT 'image_bytes', SUM(size) FROM images").fetchall()
    return sorted((k, n) for k, n in rows if n)


def _batches(store, seed: int, as_rows: bool) -> None:
    rng = random.Random(seed)
    run = store.imports()
    for b in range(3):
        with run.batch():
            for d in range(6):
                try:
                    with run.document():
                        doc, _ = run.add_document(inspect_bytes(png_bytes(30, 20, text=f"{b}{d}"), f"{b}{d}.png"),
                                                  f"{b}{d}.png", rng.choice(("new", "done")))
                        regions = [Region(quad(i), text="".join(rng.choice("합계금액원Ab1 ,") for _ in range(5)),
                                          status=rng.choice(STATUSES)) for i in range(rng.randint(0, 6))]
                        links = [Link(0, len(regions) - 1, "next")] if len(regions) > 1 else []
                        kvs = [KeyValue("합계 금액", f"{d}0,000원", [0])] if regions and d % 2 else []
                        run.add_annotations(doc.id, region_rows(regions) if as_rows else regions, links, kvs)
                        if d == 3:
                            raise ValueError("a bad entry: this document is taken back")
                except ValueError:
                    pass


def test_every_insert_trigger_of_the_bulk_tables_is_one_the_batch_does_the_work_of(tmp_path):
    """A migration that adds an insert trigger to regions, key-values or links fails this until
    bulk_triggers.resume does its work too (else an import batch would skip it)."""
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        found = {name for name, sql in triggers(store.conn)
                 if "AFTER INSERT ON" in sql.upper() and sql.upper().split("AFTER INSERT ON")[1].split()[0].lower()
                 in bulk_triggers.SUSPENDED}
    assert found == {n for names in bulk_triggers.SUSPENDED.values() for n in names}


@pytest.mark.parametrize("as_rows", [False, True])
def test_batches_without_their_triggers_count_and_index_as_the_triggers_do(tmp_path, monkeypatch, as_rows):
    with ProjectStore.create(tmp_path / "fresh.hanji") as store:
        fresh = triggers(store.conn)
    got = {}
    for suspend in (True, False):
        with monkeypatch.context() as m:
            if not suspend:  # the batch defers only the search indexes; the counts' triggers run a row
                m.setattr(bulk_triggers, "suspend", lambda conn: None)
            with ProjectStore.create(tmp_path / f"{suspend}.hanji") as store:
                _batches(store, 5, as_rows)
                assert triggers(store.conn) == fresh  # made again as they were
                assert recount(store.conn) == sorted(store.conn.execute(
                    "SELECT name, n FROM counts WHERE n <> 0 AND name NOT IN ('history_steps', 'linked_images')"))
                for f in ("regions_fts", "keyvalues_fts"):
                    store.conn.execute(f"INSERT INTO {f}({f}) VALUES ('integrity-check')")
                got[suspend] = state(store.conn)
                # the triggers work again after the batch: an edit counts and indexes as always
                doc = store.documents()[0]
                store.add_regions(doc.id, [Region(quad(1), text="새 글자", status="review")])
                assert [h.text for h in store.search("새", 10)] == ["새 글자"]
                assert recount(store.conn) == sorted(store.conn.execute(
                    "SELECT name, n FROM counts WHERE n <> 0 AND name NOT IN ('history_steps', 'linked_images')"))
    assert got[True] == got[False]
    assert got[True]["regions_short_fts"] and got[True]["keyvalues_fts"]


def test_a_failed_batch_leaves_the_triggers_and_counts_as_they_were(tmp_path):
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        _batches(store, 1, True)
        before = (triggers(store.conn), state(store.conn))
        run = store.imports()
        with pytest.raises(RuntimeError):
            with run.batch():
                doc, _ = run.add_document(inspect_bytes(png_bytes(33, 22, text="x"), "x.png"), "x.png")
                run.add_annotations(doc.id, region_rows([Region(quad(1), text="사라질 글")]))
                assert store.conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'counts_regions_ai'"
                                          ).fetchone()[0] == 0  # dropped inside the batch only
                raise RuntimeError("the disk went away")
        assert (triggers(store.conn), state(store.conn)) == before


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
