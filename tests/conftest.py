"""Shared test helpers: images rendered in code, and the location of ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers import SHARED_DATA


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is not here")
    return SHARED_DATA


@pytest.fixture
def project(tmp_path):
    from hanji.store import ProjectStore

    store = ProjectStore.create(tmp_path / "p.hanji")
    yield store
    store.close()
