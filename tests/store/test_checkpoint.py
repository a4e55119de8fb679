"""WAL checkpoints run off the edit path, and the log stays bounded without them in the commit."""

import time

from hanji.domain import Region
from hanji.store import ProjectStore
from helpers import png_bytes


def _wait(pred, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False


def test_edits_are_checkpointed_in_the_background(tmp_path):
    path = tmp_path / "p.hanji"
    s = ProjectStore.create(path)
    doc, _ = s.add_image_bytes("a.png", png_bytes())
    # the edit connection no longer checkpoints every 1,000 pages on its own
    assert s.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] > 1000
    r = s.add_region(doc.id, Region([(0, 0), (10, 0), (10, 10), (0, 10)], text="가"))
    for i in range(20):
        s.update_region(r.id, text=f"수정 {i}")
    assert _wait(lambda: s._checkpointer.checkpoints > 0, timeout=20.0)

    def all_copied() -> bool:
        # everything in the log has been copied into the database file: a passive checkpoint has nothing
        # left (asked again while the background checkpointer itself holds the log: busy on a loaded machine)
        busy, log, done = s.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return busy == 0 and log == done

    assert _wait(all_copied, timeout=20.0)
    s.close()
    assert not (tmp_path / "p.hanji-wal").exists()
    with ProjectStore.open(path) as s2:
        assert s2.region(r.id).text == "수정 19"


def test_read_only_store_runs_no_checkpointer(tmp_path):
    path = tmp_path / "p.hanji"
    ProjectStore.create(path).close()
    with ProjectStore.open(path, readonly=True) as s:
        assert s._checkpointer is None
