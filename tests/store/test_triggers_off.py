"""An import batch's new regions, links and key-values go in without their insert triggers
(store/triggers_off.py), the batch keeping their counts and search indexes itself: the same counts
and indexes as the triggers keep, whether the connection can switch them off or not, and the
triggers on again after the batch however it ends."""

from __future__ import annotations

import sqlite3

import pytest

from hanji.domain import KeyValue, Link, Region
from hanji.store import ProjectStore
from hanji.store import triggers_off as toff
from hanji.store.images import inspect_bytes
from hanji.store.rows import region_rows
from helpers import png_bytes, recount

STATUSES = ("confirmed", "machine", "edited", "review")


def quad(x, y):
    return [(x, y), (x + 20, y), (x + 20, y + 10), (x, y + 10)]


def counted(conn) -> list[tuple[str, int]]:
    return sorted(conn.execute("SELECT name, n FROM counts WHERE n <> 0 AND name NOT IN "
                               "('history_steps', 'linked_images')").fetchall())


def _import(store, start: int, n: int, fail: int | None = None) -> None:
    run = store.imports()
    with run.batch():
        for i in range(start, start + n):
            try:
                with run.document():
                    doc, _ = run.add_document(inspect_bytes(png_bytes(40 + i, 20), f"{i}.png"), f"{i}.png")
                    regions = [Region(quad(1, 1 + k), text=f"합계 {i} {k}", status=STATUSES[(i + k) % 4])
                               for k in range(5)]
                    run.add_annotations(doc.id, region_rows(regions) if i % 2 else regions, [Link(0, 1, "total")],
                                        [KeyValue("total", f"{i}원", [1])])
                    if i == fail:
                        raise ValueError("this document is taken back")
            except ValueError:
                pass


def _whole(store) -> None:
    conn = store.conn
    assert counted(conn) == recount(conn)
    for f in ("regions_fts", "keyvalues_fts"):
        conn.execute(f"INSERT INTO {f}({f}) VALUES ('integrity-check')")
    texts = [t for (t,) in conn.execute("SELECT text FROM regions ORDER BY id")]
    for t in (texts[0], texts[-1], "합계"):
        want = sum(t in x for x in texts)
        assert len(store.search(t, 10**6)) == want, t
    assert len(store.search("합", 10**6)) == sum("합" in x for x in texts)  # the short-query index (one character)


@pytest.mark.parametrize("switchable", [True, False])
def test_a_batch_keeps_the_counts_and_indexes_its_triggers_would(tmp_path, monkeypatch, switchable):
    if not switchable:
        monkeypatch.setattr(toff, "_set", lambda conn, on: False)  # a Python/SQLite where it cannot be done
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        _import(store, 0, 12, fail=5)
        _import(store, 12, 9)
        assert store.document_count() == 20
        _whole(store)
        # the triggers are on after the batch: an edit, a delete and a document added by hand keep them
        rid = store.conn.execute("SELECT MIN(id) FROM regions").fetchone()[0]
        store.update_region(rid, text="새 글", status="review")
        store.delete_document(2)
        _whole(store)
        assert store.search("새 글", 10)


def test_the_triggers_are_on_again_after_an_error(tmp_path):
    path = tmp_path / "t.db"
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("CREATE TABLE t(x)")
    conn.execute("CREATE TABLE seen(x)")
    conn.execute("CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO seen VALUES (new.x); END")
    with pytest.raises(RuntimeError), toff.triggers_off(conn) as off:
        conn.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError
    conn.execute("INSERT INTO t VALUES (2)")
    seen = [x for (x,) in conn.execute("SELECT x FROM seen")]
    assert seen == ([2] if off else [1, 2])
    conn.close()


def test_other_connections_keep_their_triggers(tmp_path):
    """The switch is the connection's, never the file's: another connection (another process) and a
    connection opened after a crash run every trigger."""
    path = tmp_path / "t.db"
    a = sqlite3.connect(str(path), isolation_level=None)
    a.execute("CREATE TABLE t(x)")
    a.execute("CREATE TABLE seen(x)")
    a.execute("CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO seen VALUES (new.x); END")
    b = sqlite3.connect(str(path), isolation_level=None)
    with toff.triggers_off(a) as off:
        b.execute("INSERT INTO t VALUES (1)")
    a.close()
    c = sqlite3.connect(str(path), isolation_level=None)
    c.execute("INSERT INTO t VALUES (2)")
    assert [x for (x,) in c.execute("SELECT x FROM seen")] == [1, 2]
    if toff.sys.platform == "linux" and toff._ctypes_config() is not None:
        assert off  # where it is known to work, it does (the import's speed depends on it)
    b.close()
    c.close()


def test_a_handle_that_is_not_the_connections_is_refused(tmp_path, monkeypatch):
    """The ctypes way checks the handle it read is this connection's (its main file) before using it."""
    if hasattr(sqlite3.Connection, "setconfig") or toff._ctypes_config() is None:
        pytest.skip("the ctypes way is not used here")
    conn = sqlite3.connect(str(tmp_path / "a.db"), isolation_level=None)
    assert toff._handle(conn) is not None
    mem = sqlite3.connect(":memory:")
    assert toff._handle(mem) is None  # no file to confirm it by: not used
    with toff.triggers_off(mem) as off:
        assert not off
    conn.close()
    mem.close()
