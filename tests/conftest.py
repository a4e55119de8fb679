"""Shared test helpers: images rendered in code, and the location of ../shared/data."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO.parent / "shared" / "data").resolve()


def png_bytes(width: int = 64, height: int = 32, color: str = "white", text: str | None = None) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), color)
    if text:
        from PIL import ImageFont

        from hanji.synth.fonts import korean_fonts

        font = ImageFont.truetype(str(korean_fonts()[0]), max(10, height // 2))
        ImageDraw.Draw(im).text((4, 2), text, fill="black", font=font)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


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
