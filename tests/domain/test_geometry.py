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


def _brute_min_rect_area(points):
    """The smallest enclosing rectangle's area over every hull edge direction (one side of the best
    rectangle lies on a hull edge), trying each direction in full."""
    hull = g.convex_hull(points)
    best = math.inf
    for i in range(len(hull)):
        (ax, ay), (bx, by) = hull[i], hull[(i + 1) % len(hull)]
        length = math.hypot(bx - ax, by - ay)
        ux, uy = (bx - ax) / length, (by - ay) / length
        us = [(x - ax) * ux + (y - ay) * uy for x, y in points]
        vs = [-(x - ax) * uy + (y - ay) * ux for x, y in points]
        best = min(best, (max(us) - min(us)) * (max(vs) - min(vs)))
    return best


@given(st.lists(st.tuples(C, C), min_size=3, max_size=40))
def test_min_area_rect_is_the_smallest_enclosing_rectangle(points):
    assume(g.area(g.convex_hull(points)) > 1)
    corners, w, h = g.min_area_rect(points)
    scale = max(1.0, max(abs(v) for p in points for v in p))
    best = _brute_min_rect_area(points)
    assert abs(w * h - best) <= 1e-6 * max(1.0, best)
    assert abs(g.area(corners) - w * h) <= 1e-6 * max(1.0, best)
    assert g.signed_area(corners) >= 0  # clockwise on screen
    assert abs(math.dist(corners[0], corners[1]) - w) <= 1e-6 * scale
    assert abs(math.dist(corners[1], corners[2]) - h) <= 1e-6 * scale
    # every point is inside (each edge has the points on its inner side)
    for i in range(4):
        (ax, ay), (bx, by) = corners[i], corners[(i + 1) % 4]
        for x, y in points:
            assert (bx - ax) * (y - ay) - (by - ay) * (x - ax) >= -1e-6 * scale * max(w, h, 1.0)
    # no rotation of any enclosing rectangle does better (a coarse sweep of angles)
    for k in range(90):
        a = math.pi * k / 180
        us = [x * math.cos(a) + y * math.sin(a) for x, y in points]
        vs = [-x * math.sin(a) + y * math.cos(a) for x, y in points]
        assert (max(us) - min(us)) * (max(vs) - min(vs)) >= w * h - 1e-6 * max(1.0, best)


def test_min_area_rect_of_a_rotated_rectangle_and_of_degenerate_input():
    a = math.radians(30)
    pts = [(10 + x * math.cos(a) - y * math.sin(a), 5 + x * math.sin(a) + y * math.cos(a))
           for x, y in [(0, 0), (40, 0), (40, 10), (0, 10), (20, 5), (13, 2)]]
    corners, w, h = g.min_area_rect(pts)
    assert sorted([round(w, 6), round(h, 6)]) == [10, 40]
    assert sorted((round(x, 6), round(y, 6)) for x, y in corners) == sorted((round(x, 6), round(y, 6)) for x, y in pts[:4])
    assert g.min_area_rect([(0, 0), (3, 4), (6, 8)])[1:] == (10.0, 0.0)
    assert g.min_area_rect([(2, 2)])[1:] == (0.0, 0.0)


@given(st.lists(st.tuples(C, C), min_size=2, max_size=40), st.floats(0.1, 50))
def test_simplify_keeps_every_point_within_epsilon(points, eps):
    out = g.simplify(points, eps, closed=False)
    assert out[0] == points[0] and out[-1] == points[-1]
    it = iter(points)
    assert all(any(p == q for q in it) for p in out)  # a subsequence of the input

    def dist(p, a, b):
        (px, py), (ax, ay), (bx, by) = p, a, b
        L2 = (bx - ax) ** 2 + (by - ay) ** 2
        t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / L2))
        return math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay))

    tol = eps + 1e-6 * max(1.0, max(abs(v) for p in points for v in p))
    assert all(min(dist(p, out[i], out[i + 1]) for i in range(len(out) - 1)) <= tol for p in points) or len(out) == 1
    closed = g.simplify(points + points[:1], eps, closed=True)
    assert len(closed) >= 1


def test_simplify_a_closed_rounded_rectangle_and_perimeter():
    ring = [(x, 0.0) for x in range(0, 50)] + [(50.0, y) for y in range(0, 10)] + \
        [(x, 10.0) for x in range(50, 0, -1)] + [(0.0, y) for y in range(10, 0, -1)]
    out = g.simplify(ring, 0.5)
    assert sorted(out) == sorted([(0.0, 0.0), (50.0, 0.0), (50.0, 10.0), (0.0, 10.0)])
    assert g.perimeter(out) == 120.0 and g.perimeter(out, closed=False) in (70.0, 110.0, 100.0, 60.0)


def test_median_angle_is_the_weighted_median_and_unrotate_levels_the_text():
    assert g.median_angle([]) == 0.0
    assert g.median_angle([(0.3, 1.0), (0.1, 1.0), (0.2, 5.0)]) == 0.2  # the heavy vote wins, whatever the order
    assert g.median_angle([(0.1, 3.0), (0.4, 1.0)]) == 0.1
    a = math.radians(20)
    (x, y), = g.unrotate([(math.cos(a), math.sin(a))], a)
    assert abs(x - 1.0) < 1e-12 and abs(y) < 1e-12


def test_one_to_one_takes_the_best_pairs_first_each_side_once():
    scored = [(0.6, 0, 0), (0.9, 0, 1), (0.8, 1, 1), (0.7, 1, 0), (0.4, 2, 2)]
    # (0, 1) wins first; (1, 1) and (0, 0) then reuse a side; (1, 0) is left; 0.4 is under the bar
    assert g.one_to_one(scored, 0.5) == [(0, 1), (1, 0)]
    assert g.one_to_one(scored) == [(0, 1), (1, 0), (2, 2)]
    assert g.one_to_one(iter(scored), 0.95) == []
