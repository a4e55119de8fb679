"""A box drawn close around its text is read with a margin (BOX_MARGIN); the detector's boxes as found."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hanji.domain.model import Region
from hanji.models.pipeline import BOX_MARGIN, OcrPipeline, crop_region


def coded_image(w: int = 640, h: int = 480) -> np.ndarray:
    """Each pixel holds its own coordinates (x in red, y in green; both modulo 256), blue 0."""
    yy, xx = np.mgrid[0:h, 0:w]
    return np.stack([xx % 256, yy % 256, np.zeros_like(xx)], -1).astype(np.uint8)


def test_margin_widens_an_upright_box_along_and_across_the_line():
    rgb = coded_image()
    box = [(100, 50), (300, 50), (300, 90), (100, 90)]  # 200 x 40
    tight = crop_region(rgb, box)
    assert tight.shape[:2] == (40, 200)
    wide = crop_region(rgb, box, (0.25, 0.5))
    assert wide.shape[:2] == (40 + 2 * 20, 200 + 2 * 10)  # across: 0.5 x 40 each side; along: 0.25 x 40
    # the crop starts 10 px left of and 20 px above the box
    assert tuple(int(v) for v in wide[1, 1, :2]) == pytest.approx((91, 31), abs=1)
    assert tuple(int(v) for v in wide[-2, -2, :2]) == pytest.approx((309 % 256, 109), abs=1)
    assert BOX_MARGIN[0] > 0 and BOX_MARGIN[1] > 0


def test_margin_follows_a_rotated_box():
    rgb = coded_image()
    a = math.radians(20)
    ux, uy = np.array([math.cos(a), math.sin(a)]), np.array([-math.sin(a), math.cos(a)])
    o = np.array([200.0, 150.0])
    box = [tuple(o), tuple(o + 160 * ux), tuple(o + 160 * ux + 32 * uy), tuple(o + 32 * uy)]
    wide = crop_region(rgb, box, (0.25, 0.25))
    assert wide.shape[:2] == (32 + 16, 160 + 16)
    # the crop's top-left is the box's corner moved 8 px back along the line and 8 px up across it
    x, y = o - 8 * ux - 8 * uy
    assert tuple(int(v) for v in wide[0, 0, :2]) == pytest.approx((round(x) % 256, round(y) % 256), abs=1)


def test_margin_of_a_vertical_box_is_taken_from_its_width():
    rgb = coded_image()
    box = [(300, 100), (330, 100), (330, 300), (300, 300)]  # 30 wide, 200 tall: a line written top to bottom
    tight = crop_region(rgb, box)
    assert tight.shape[:2] == (30, 200)  # turned to lie horizontal
    wide = crop_region(rgb, box, (0.2, 0.5))
    assert wide.shape[:2] == (30 + 2 * 15, 200 + 2 * 6)  # across the text: 0.5 x 30; along it: 0.2 x 30


class Recording:
    """A recognizer that records the size of each crop it is given."""

    def __init__(self):
        self.shapes = []

    def predict(self, crops):
        self.shapes.extend(c.shape[:2] for c in crops)
        return [("가", 0.99) for _ in crops]


def test_reread_of_a_drawn_box_adds_the_margin_a_detected_box_is_read_as_found():
    rgb = np.full((200, 400, 3), 255, np.uint8)
    rec = Recording()
    pipe = OcrPipeline(detector=object(), recognizer=rec, direction=None)
    box = [(50.0, 60.0), (250.0, 60.0), (250.0, 100.0), (50.0, 100.0)]
    pipe.reread(rgb, Region(points=box, text="", source="human", status="edited"))
    pipe.reread(rgb, Region(points=box, text="", source="model:ppocrv4_det+ko", status="machine"))
    my, mx = 2 * BOX_MARGIN[1] * 40, 2 * BOX_MARGIN[0] * 40
    assert rec.shapes[0] == (round(40 + my), round(200 + mx))
    assert rec.shapes[1] == (40, 200)
    # a page's detected lines are read as found
    assert pipe.read(rgb, [box]) and rec.shapes[2] == (40, 200)


class Detecting:
    """A detector that finds one fixed box."""

    def __init__(self, box):
        self.box = box

    def detect(self, rgb, read=None):
        from types import SimpleNamespace

        return [SimpleNamespace(points=self.box, kind="quad", score=0.9)]


def test_extend_line_end_moves_only_the_right_edge_of_a_line_along_it():
    from hanji.models.pipeline import extend_line_end

    box = [(100.0, 50.0), (300.0, 50.0), (300.0, 90.0), (100.0, 90.0)]  # 200 x 40
    assert extend_line_end(box, 0.3) == [(100, 50), (312, 50), (312, 90), (100, 90)]
    assert extend_line_end(box, 0.0) == box
    a = math.radians(20)
    ux, uy = np.array([math.cos(a), math.sin(a)]), np.array([-math.sin(a), math.cos(a)])
    o = np.array([200.0, 150.0])
    tilted = [tuple(o), tuple(o + 160 * ux), tuple(o + 160 * ux + 32 * uy), tuple(o + 32 * uy)]
    got = np.array(extend_line_end(tilted, 0.5))
    assert np.allclose(got[0], o) and np.allclose(got[1], o + (160 + 16) * ux)
    assert np.allclose(got[2], o + (160 + 16) * ux + 32 * uy) and np.allclose(got[3], o + 32 * uy)
    vertical = [(300.0, 100.0), (330.0, 100.0), (330.0, 300.0), (300.0, 300.0)]
    assert extend_line_end(vertical, 0.3) == vertical
    assert extend_line_end([(0, 0), (10, 0), (10, 5), (5, 8), (0, 5)], 0.3) == [(0, 0), (10, 0), (10, 5), (5, 8), (0, 5)]


def test_a_latin_recognizer_reads_a_detected_line_with_its_end_moved_out_a_korean_one_as_found():
    from hanji.models.pipeline import LATIN_LINE_END

    rgb = np.full((200, 400, 3), 255, np.uint8)
    box = [(50.0, 60.0), (250.0, 60.0), (250.0, 100.0), (50.0, 100.0)]
    for korean, width in ((False, 200 + round(LATIN_LINE_END * 40)), (True, 200)):
        rec = Recording()
        rec.korean = korean
        pipe = OcrPipeline(detector=Detecting(box), recognizer=rec, direction=None)
        pipe.read_pieces = False
        page = pipe.page(rgb)
        assert rec.shapes == [(40, width)]
        assert [tuple(p) for p in page[0].points] == box  # the region keeps the detector's box
    rec = Recording()
    rec.korean = False
    pipe = OcrPipeline(detector=Detecting(box), recognizer=rec, direction=None)
    pipe.line_end = 0.0
    pipe.page(rgb)
    assert rec.shapes == [(40, 200)]
