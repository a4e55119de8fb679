"""One writer per project: an OS lock on a sidecar file, released by the OS when a process dies."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from hanji.errors import HanjiError

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
    return project.with_name(project.name + ".lock")


class ProjectLock:
    """Held while a project is open for writing. A second holder gets a clear :class:`HanjiError`."""

    def __init__(self, project: Path):
        self.project = Path(project)
        self.path = lock_path(self.project)
        self.fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise HanjiError(f"cannot create the lock file {self.path.name}: {e.strerror}", self.project) from e
        if not _try_lock(fd):
            try:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() if hasattr(os, "pread") else ""
            except OSError:
                holder = ""
            os.close(fd)
            who = f" by {holder}" if holder else ""
            raise HanjiError(
                f"the project is already open for writing{who}; close it there first "
                "(or open it read-only)",
                self.project,
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()} on {socket.gethostname()}".encode(), 0) if hasattr(
            os, "pwrite"
        ) else None
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            _unlock(self.fd)
            os.close(self.fd)
            self.fd = None
