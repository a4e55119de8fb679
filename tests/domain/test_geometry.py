import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hanji.domain import geometry as g

C = st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False)
POS = st.floats(min_value=1, max_value=500, allow_nan=False)


@st.composite
def rects(draw):
    x, y, w, h = draw(C), draw(C), draw(POS), draw(POS)
    return g.rect_points(x, y, x + w, y + h)


@st.composite
def rotated_quads(draw):
    cx, cy, w, h = draw(C), draw(C), draw(POS), draw(POS)
    a = draw(st.floats(min_value=-0.7, max_value=0.7))
    pts = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        pts.append((cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)))
    return pts, w, h


@given(rects())
def test_rect_area_and_self_iou(r):
    x0, y0, x1, y1 = g.bbox(r)
    assert g.area(r) == pytest.approx((x1 - x0) * (y1 - y0))
    assert g.iou(r, r) == pytest.approx(1.0)


@given(rects(), rects())
def test_iou_symmetric_and_bounded(a, b):
    v = g.iou(a, b)
    assert 0.0 <= v <= 1.0 + 1e-9
    assert v == pytest.approx(g.iou(b, a), abs=1e-9)


@given(rects(), st.floats(min_value=0, max_value=1))
def test_iou_of_shifted_rect(r, frac):
    x0, y0, x1, y1 = g.bbox(r)
    w = x1 - x0
    shifted = [(x + frac * w, y) for x, y in r]
    expected = (1 - frac) / (1 + frac)
    assert g.iou(r, shifted) == pytest.approx(expected, abs=1e-6)


@given(rotated_quads(), st.permutations(range(4)))
def test_order_quad_is_clockwise_from_top_left(q, perm):
    pts, w, h = q
    shuffled = [pts[i] for i in perm]
    ordered = g.order_quad(shuffled)
    assert g.signed_area(ordered) > 0  # clockwise on screen
    assert ordered[0] == pts[0]
    assert sorted(ordered) == sorted(pts)


@given(rotated_quads())
def test_quad_size_recovers_sides(q):
    pts, w, h = q
    qw, qh = g.quad_size(pts)
    assert abs(qw - w) <= 1 and abs(qh - h) <= 1


@given(st.lists(st.tuples(C, C), min_size=3, max_size=30))
def test_min_area_quad_contains_points(points):
    assume(g.area(g.convex_hull(points)) > 1)
    q = g.min_area_quad(points)
    assert g.signed_area(q) > 0
    hull_area = g.area(g.convex_hull(points))
    assert g.area(q) >= hull_area - 1e-6 * max(1, hull_area)
    x0, y0, x1, y1 = g.bbox(points)
    assert g.area(q) <= (x1 - x0) * (y1 - y0) + 1e-6 * max(1.0, (x1 - x0) * (y1 - y0))


def test_simple_and_degenerate():
    bowtie = [(0, 0), (10, 10), (10, 0), (0, 10)]
    assert not g.is_simple(bowtie)
    assert g.is_simple(g.rect_points(0, 0, 10, 10))
    assert g.is_degenerate([(0, 0), (5, 0), (10, 0)])
    assert g.is_degenerate([(1, 1), (1, 1), (1, 1), (1, 1)])


def test_as_points_rejects_odd_and_nonfinite():
    assert g.as_points([1, 2, 3, 4]) == [(1.0, 2.0), (3.0, 4.0)]
    with pytest.raises(ValueError, match="even"):
        g.as_points([1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        g.as_points([[1, float("nan")]])


def test_inside_and_clamp():
    assert g.inside_image([(0, 0), (100, 50)], 100, 50)
    assert not g.inside_image([(0, 0), (101, 50)], 100, 50)
    assert g.clamp([(-5, 60)], 100, 50) == [(0.0, 50.0)]
