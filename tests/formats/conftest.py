"""The format tests share fmt_helpers.py (this folder is put on sys.path for them)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)


@pytest.fixture
def fast_tmp():
    """A scratch folder in memory when the system has a tmpfs (these tests write many project files)."""
    root = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="hanji-fmt-", dir=root))
    yield path
    shutil.rmtree(path, ignore_errors=True)
