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


def render_lines(lines, size: tuple[int, int] = (640, 300)) -> bytes:
    """A white PNG with each of ``lines`` ((text, tags, x, y) tuples) drawn at (x, y) in the first
    Korean font at 32 px."""
    from PIL import Image, ImageDraw, ImageFont

    from hanji.synth.fonts import korean_fonts

    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(korean_fonts()[0]), 32)
    for text, _, x, y in lines:
        d.text((x, y), text, fill="black", font=font)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def shown_window(qtbot, store, fit: bool = False):
    """The studio's main window on ``store``, 1400x900, shown and exposed (``qtbot`` closes it at the
    end of the test); ``fit`` fits the image into the canvas."""
    from hanji.ui.mainwindow import MainWindow

    w = MainWindow(store)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    if fit:
        w.canvas.fit()
    return w


def ctc_frames(charset, *steps: dict[str, float]):
    """CTC probabilities over ``charset`` (blank first): each step a {character or "" for blank:
    probability}, the rest spread, each frame normalised."""
    import numpy as np

    out = np.full((len(steps), len(charset) + 1), 1e-4, np.float32)
    for t, step in enumerate(steps):
        for ch, p in step.items():
            out[t, 0 if ch == "" else charset.index(ch) + 1] = p
        out[t] /= out[t].sum()
    return out


def recount(conn) -> list[tuple[str, int]]:
    """A SQLite project's rows counted afresh by kind and status (what its counts table should say)."""
    rows = conn.execute("SELECT 'regions:' || status, COUNT(*) FROM regions GROUP BY status UNION ALL "
                        "SELECT 'documents:' || status, COUNT(*) FROM documents GROUP BY status UNION ALL "
                        "SELECT 'links', COUNT(*) FROM links UNION ALL SELECT 'keyvalues', COUNT(*) FROM keyvalues "
                        "UNION ALL SELECT 'image_bytes', SUM(size) FROM images").fetchall()
    return sorted((k, n) for k, n in rows if n)
