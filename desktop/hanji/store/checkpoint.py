"""WAL checkpoints off the edit path.

With SQLite's automatic checkpoint, the commit that pushes the write-ahead log past its threshold
also copies the log into the database file and fsyncs it: one edit in ~75 then takes 3-6 ms instead
of 0.4 ms. Here the edit connection's automatic checkpoint is raised to a safety limit and a
thread with its own connection runs ``PRAGMA wal_checkpoint(PASSIVE)`` shortly after edits. A
passive checkpoint never blocks the writer, and it changes nothing about durability: every commit
is still fsynced to the log (``synchronous=FULL``) before the edit returns.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

# the edit connection still checkpoints by itself if the log ever reaches this many pages (~64 MB)
SAFETY_PAGES = 16_000
# wait this long after a commit before checkpointing, so a burst of edits is copied in one go
DELAY_S = 0.05


class Checkpointer:
    """Runs passive checkpoints of ``path`` on a daemon thread after :meth:`nudge`."""

    def __init__(self, path: Path, delay_s: float = DELAY_S):
        self._path = path
        self._delay = delay_s
        self._wake = threading.Event()
        self._stop = False
        self.checkpoints = 0
        self._thread = threading.Thread(target=self._run, name=f"checkpoint {path.name}", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """A commit happened; checkpoint soon."""
        self._wake.set()

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        conn = None
        try:
            conn = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False, timeout=1.0)
            conn.execute("PRAGMA synchronous=FULL")
            while True:
                self._wake.wait()
                if self._stop:
                    return
                # let a burst finish; edits arriving meanwhile are covered by this checkpoint
                threading.Event().wait(self._delay)
                self._wake.clear()
                if self._stop:
                    return
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.checkpoints += 1
                except sqlite3.Error:
                    # busy or locked: the next nudge (or the edit connection's safety limit) covers it
                    pass
        except sqlite3.Error:
            return  # the project is closing or unreadable; the edit connection reports its own errors
        finally:
            if conn is not None:
                conn.close()
