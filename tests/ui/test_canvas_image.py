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


def _levels(item: ImageItem) -> list[tuple[float, int, int]]:
    return [(round(s, 3), tiles[0][1].width(), tiles[0][1].height()) for s, tiles in item._levels]


def test_half_step_levels_sit_between_the_halvings_once_built(qapp):
    item = ImageItem(_striped(6_000, 4_000, split=3_000))
    item.wait_for_levels()
    assert _levels(item) == [(1.0, 6000, 4000), (0.707, 4243, 2828), (0.5, 3000, 2000), (0.353, 2121, 1414),
                             (0.25, 1500, 1000), (0.177, 1061, 707), (0.125, 750, 500)]
    # settled: the coarsest level with at least one image pixel per screen pixel (sharp)
    assert item._levels[item.level_for(0.52)][0] > 0.7
    assert item._levels[item.level_for(0.69)][0] > 0.7
    # a zoom step: the nearest level, at most 2^(1/4) up or down (cheaper to rescale)
    assert item._levels[item.level_for(0.52, nearest=True)][0] == 0.5
    assert item._levels[item.level_for(0.69, nearest=True)][0] > 0.7
    # and it paints right from a half step
    out = _paint(item, 0.69, 0)
    assert out.pixelColor(100, 50) == QColor("#ff0000")


def test_a_half_step_build_for_an_image_replaced_meanwhile_is_dropped(qapp):
    item = ImageItem(_striped(6_000, 4_000, split=3_000))
    item.set_image(_striped(2_400, 1_800, split=1_000))  # before the first build can finish
    item.wait_for_levels()
    assert _levels(item) == [(1.0, 2400, 1800), (0.707, 1697, 1273), (0.5, 1200, 900), (0.354, 849, 636),
                             (0.25, 600, 450)]


def _white(w: int, h: int) -> QImage:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("#ffffff"))
    return img


def test_fills_are_baked_into_the_levels_below_full_size_and_drawn_only_during_a_zoom(qapp):
    item = ImageItem(_white(4_000, 2_000))
    spec = [((0, 0, 255, 128), None, [[(0, 0), (2_000, 0), (2_000, 2_000), (0, 2_000)]])]  # left half, half blue
    item.request_bake("blue", spec)
    item.wait_for_levels()
    assert item.baked_for("blue") and not item.baked_for("red")
    assert sorted(item._baked) == [s for s, _ in item._levels if s < 1.0][::-1]

    def paint(fills, gesture, scale=0.1):
        item.gesture = gesture
        out = QImage(round(4_000 * scale), round(1_000 * scale), QImage.Format.Format_RGB32)
        p = QPainter(out)
        p.setTransform(QTransform(scale, 0, 0, scale, 0, 0))
        baked = item.paint_rect(p, QRectF(0, 0, 4_000, 1_000), fills)
        p.end()
        item.last = out
        return baked, out.pixelColor(round(1_000 * scale), round(500 * scale)), out.pixelColor(round(3_000 * scale),
                                                                                              round(500 * scale))

    baked, left, right = paint("blue", gesture=True)
    assert baked and left.blue() == 255 and left.red() < 140 and right == QColor("#ffffff")
    # fills that are not the baked ones, or a settled paint: the clean image (the layer paints fills)
    assert paint("red", gesture=True) == (False, QColor("#ffffff"), QColor("#ffffff"))
    assert paint("blue", gesture=False) == (False, QColor("#ffffff"), QColor("#ffffff"))
    # a new request supersedes the bake: a red fill on the right half, a green outline (no fill)
    item.request_bake("red", [((255, 0, 0, 255), None, [[(2_000, 0), (4_000, 0), (4_000, 2_000), (2_000, 2_000)]]),
                              (None, (0, 160, 0, 255), [[(600, 300), (1_400, 300), (1_400, 900), (600, 900)]])])
    item.wait_for_levels()
    baked, _, right = paint("red", gesture=True, scale=0.3)  # from the 0.354 level
    out = item.last
    assert baked and right == QColor("#ff0000")
    assert out.pixelColor(300, 150) == QColor("#ffffff")  # inside the outline: no fill
    edge = min((out.pixelColor(x, 150) for x in range(176, 185)), key=lambda c: c.red())  # x = 600 * 0.3
    assert edge.green() > edge.red() + 60  # the outline, antialiased by the rescale
    item.set_image(_white(4_000, 2_000))
    assert not item.baked_for("red")


def test_levels_over_the_budget_get_no_half_step_and_no_bake(qapp, monkeypatch):
    monkeypatch.setattr(image_mod, "EXTRA_LEVEL_PIXELS", 1_000_000)
    item = ImageItem(_white(2_400, 1_800))
    item.request_bake("k", [((0, 0, 255, 128), None, [[(0, 0), (100, 0), (100, 100)]])])
    item.wait_for_levels()
    # 0.707 would be 1697 x 1273 (2.2 MP): left out; 0.354 (849 x 636) is built
    assert _levels(item) == [(1.0, 2400, 1800), (0.5, 1200, 900), (0.354, 849, 636), (0.25, 600, 450)]
    assert sorted(round(s, 3) for s in item._baked) == [0.25, 0.354]  # 0.5 is 1.08 MP: not baked
