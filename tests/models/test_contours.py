"""Connected components, dilation and outlines of binary maps, against brute force."""

from __future__ import annotations

from collections import deque

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hanji.domain import geometry
from hanji.models.detect.contours import components, dilate, trace_outline

N8 = [(dx, dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dx or dy]
N4 = [(1, 0), (-1, 0), (0, 1), (0, -1)]


@st.composite
def masks(draw, max_side=14):
    h = draw(st.integers(1, max_side))
    w = draw(st.integers(1, max_side))
    p = draw(st.floats(0.05, 0.8))
    seed = draw(st.integers(0, 2**31))
    return np.random.default_rng(seed).random((h, w)) < p


def flood(mask: np.ndarray, start: tuple[int, int], steps) -> set[tuple[int, int]]:
    """``(x, y)`` reachable from ``start`` through set pixels."""
    h, w = mask.shape
    seen, todo = {start}, deque([start])
    while todo:
        x, y = todo.popleft()
        for dx, dy in steps:
            q = (x + dx, y + dy)
            if 0 <= q[0] < w and 0 <= q[1] < h and mask[q[1], q[0]] and q not in seen:
                seen.add(q)
                todo.append(q)
    return seen


def brute_components(mask: np.ndarray) -> list[set[tuple[int, int]]]:
    out, done = [], set()
    for y, x in zip(*np.nonzero(mask)):
        if (int(x), int(y)) not in done:
            comp = flood(mask, (int(x), int(y)), N8)
            done |= comp
            out.append(comp)
    return out


@settings(max_examples=150, deadline=None)
@given(masks())
def test_components_are_the_8_connected_sets(mask):
    got = components(mask)
    want = brute_components(mask)
    got_sets = []
    for c in got:
        ys, xs = c.pixels()
        pts = set(zip(xs.tolist(), ys.tolist()))
        assert len(pts) == c.size == len(xs)  # no pixel twice
        x0, y0, x1, y1 = c.bbox
        assert (x0, y0, x1, y1) == (min(xs), min(ys), max(xs), max(ys))
        got_sets.append(pts)
    assert sorted(map(sorted, got_sets)) == sorted(map(sorted, want))
    # in raster order of their first pixel
    firsts = [c.first_pixel()[::-1] for c in got]
    assert firsts == sorted(firsts)


@settings(max_examples=100, deadline=None)
@given(masks())
def test_dilate_sets_a_pixel_when_it_or_its_left_upper_or_upper_left_neighbour_is_set(mask):
    h, w = mask.shape
    want = np.zeros_like(mask)
    for y in range(h):
        for x in range(w):
            want[y, x] = any(mask[y - dy, x - dx] for dy in (0, 1) for dx in (0, 1) if y - dy >= 0 and x - dx >= 0)
    assert (dilate(mask) == want).all()


@settings(max_examples=150, deadline=None)
@given(masks(max_side=12))
def test_outline_walks_the_outer_boundary_clockwise(mask):
    for comp in components(mask):
        outline = comp.outline()
        ys, xs = comp.pixels()
        pixels = set(zip(xs.tolist(), ys.tolist()))
        pts = [(int(x), int(y)) for x, y in outline]
        assert set(pts) <= pixels
        if len(pixels) == 1:
            assert pts == [next(iter(pixels))]
            continue
        # each step goes to one of the eight neighbours, and the walk closes
        for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1]):
            assert max(abs(ax - bx), abs(ay - by)) == 1
        # every pixel of the shape that touches the outside (4-neighbours) is on the outline
        m, x0, y0 = comp.mask()
        padded = np.pad(m, 1)
        outside = flood(~padded, (0, 0), N4)
        touching = {(x + x0 - 1, y + y0 - 1) for x, y in zip(*np.nonzero(padded)[::-1])
                    if any((x + dx, y + dy) in outside for dx, dy in N4)}
        assert touching == set(pts)
        assert geometry.signed_area([(float(x), float(y)) for x, y in pts]) >= 0  # clockwise on screen


def test_outline_of_a_ring_and_a_line():
    ring = np.zeros((7, 7), bool)
    ring[1:6, 1:6] = True
    ring[3, 3] = False
    pts = trace_outline(ring)
    assert len(pts) == 16 and (3, 3) not in pts and pts[0] == (1, 1)
    line = np.zeros((3, 6), bool)
    line[1, 1:5] = True
    assert trace_outline(line) == [(1, 1), (2, 1), (3, 1), (4, 1), (3, 1), (2, 1)]
    assert trace_outline(np.zeros((3, 3), bool)) == []
