"""The page image's level-of-detail pyramid: very wide and tall scans paint right at every zoom."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from hanji.ui.canvas import image as image_mod
from hanji.ui.canvas.image import ImageItem


def _striped(w: int, h: int, split: int) -> QImage:
    """Red left of ``split``, blue from it on, a green column 40 px wide at the right end."""
    img = QImage(w, h, QImage.Format.Format_RGB32)
    p = QPainter(img)
    p.fillRect(0, 0, split, h, QColor("#ff0000"))
    p.fillRect(split, 0, w - split, h, QColor("#0000ff"))
    p.fillRect(w - 40, 0, 40, h, QColor("#00ff00"))
    p.end()
    return img


def _paint(item: ImageItem, scale: float, x0: float, w: int = 400, h: int = 100) -> QImage:
    """The view of ``item`` at ``scale`` whose left edge is at image x ``x0``."""
    out = QImage(w, h, QImage.Format.Format_RGB32)
    out.fill(QColor("#000000"))
    p = QPainter(out)
    p.setTransform(QTransform(scale, 0, 0, scale, -x0 * scale, 0))
    item.paint_rect(p, QRectF(x0, 0, w / scale, h / scale))
    p.end()
    return out


@pytest.mark.parametrize("tile", [image_mod.TILE, 1024])
def test_a_10000_px_scan_paints_at_100_percent_and_zoomed_out(qapp, monkeypatch, tile):
    monkeypatch.setattr(image_mod, "TILE", tile)  # also as tiles: the seams must not show
    item = ImageItem(_striped(10_000, 300, split=5_120))
    at = _paint(item, 1.0, 5_120 - 200)  # the red/blue border in the middle of the view
    assert at.pixelColor(190, 50) == QColor("#ff0000") and at.pixelColor(210, 50) == QColor("#0000ff")
    end = _paint(item, 1.0, 10_000 - 400)
    assert end.pixelColor(380, 50) == QColor("#00ff00") and end.pixelColor(300, 50) == QColor("#0000ff")
    small = _paint(item, 0.04, 0)  # whole scan 400 px wide: drawn from a coarse level
    assert item.level_for(0.04) > 0
    assert small.pixelColor(100, 5) == QColor("#ff0000")
    assert small.pixelColor(300, 5).blue() > 200
    assert small.pixelColor(399, 5).green() > 100  # the 40 px green end survives as about 1.6 px


def test_each_level_halves_the_one_above_down_to_the_pyramid_floor(qapp):
    item = ImageItem(_striped(6_000, 4_000, split=3_000))
    sizes = [(s, sum(pm.width() for r, pm in tiles if r.top() == 0)) for s, tiles in item._levels]
    assert [s for s, _ in sizes] == [1.0, 0.5, 0.25, 0.125]
    assert [w for _, w in sizes] == [6_000, 3_000, 1_500, 750]
    assert all(len(tiles) == 1 for _, tiles in item._levels)  # one pixmap per level below TILE
