"""Test helpers importable from any test module (``from helpers import png_bytes``)."""

from __future__ import annotations

import io
from pathlib import Path

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
