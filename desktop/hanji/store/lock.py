"""One writer per project: an OS lock on the project file itself, released by the OS when a process dies.

The lock is taken on the file, not on its name: the same project reached through a symlink, a hard
link or another spelling of its path is the same lock. On POSIX it is a ``flock`` on the database
file (SQLite's own locks are ``fcntl`` locks and do not see it); no file is written beside the
project. Windows locks a sidecar file (``NAME.lock``), keyed on the name.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from hanji.errors import HanjiError

# the files this process holds a write lock on, by (device, inode): a second open in the same process
# is refused without opening the file again (closing a second descriptor of the database would drop
# the fcntl locks SQLite holds on it in this process)
_HELD: set[tuple[int, int]] = set()
_HELD_MUTEX = threading.Lock()

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(project: Path) -> Path:
    """The sidecar lock file (Windows only; POSIX locks the project file itself)."""
    return project.with_name(project.name + ".lock")


def _busy(project: Path) -> HanjiError:
    return HanjiError("the project is already open for writing (maybe under another name or through a link); "
                      "close it there first (or open it read-only)", project)


class ProjectLock:
    """Held while a project is open for writing. A second holder gets a clear :class:`HanjiError`."""

    def __init__(self, project: Path):
        self.project = Path(project)
        self.path = lock_path(self.project) if os.name == "nt" else self.project
        self.fd: int | None = None
        self.key: tuple[int, int] | None = None

    def acquire(self) -> None:
        try:
            st = os.stat(self.project)
        except OSError as e:
            raise HanjiError(f"cannot open the project: {e.strerror}", self.project) from e
        key = (st.st_dev, st.st_ino)
        with _HELD_MUTEX:
            if key in _HELD:
                raise _busy(self.project)
            try:
                if os.name == "nt":  # pragma: no cover
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                else:
                    fd = os.open(self.project, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError as e:
                raise HanjiError(f"cannot lock the project: {e.strerror}", self.project) from e
            if not _try_lock(fd):
                os.close(fd)
                raise _busy(self.project)
            _HELD.add(key)
            self.fd, self.key = fd, key

    def release(self) -> None:
        if self.fd is not None:
            _unlock(self.fd)
            os.close(self.fd)
            self.fd = None
            with _HELD_MUTEX:
                _HELD.discard(self.key)
