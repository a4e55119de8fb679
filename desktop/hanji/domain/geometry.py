"""Geometry of regions. Coordinates are image pixels (floats); quads run clockwise from top-left.

This module owns every conversion between shapes (rect, quad, polygon) and the measures used
across Hanji (area, IoU, bounding box, the crop size a quad rectifies to).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
Points = list[Point]


def as_points(points: Sequence[Sequence[float]]) -> Points:
    """Normalise any ``[[x, y], ...]`` or flat ``[x0, y0, x1, y1, ...]`` list to float tuples."""
    pts = list(points)
    if pts and not isinstance(pts[0], (list, tuple)):
        if len(pts) % 2:
            raise ValueError(f"a flat point list needs an even number of values, got {len(pts)}")
        pts = [(pts[i], pts[i + 1]) for i in range(0, len(pts), 2)]
    out = []
    for p in pts:
        if len(p) != 2:
            raise ValueError(f"a point has two coordinates, got {list(p)!r}")
        x, y = float(p[0]), float(p[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"a point must be finite, got {list(p)!r}")
        out.append((x, y))
    return out


def signed_area(points: Sequence[Point]) -> float:
    """Shoelace area; positive when the points run clockwise in image coordinates (y down)."""
    n = len(points)
    if n < 3:
        return 0.0
    s = 0.0
    for i in range(n):
        x0, y0 = points[i]
        x1, y1 = points[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return s / 2.0


def area(points: Sequence[Point]) -> float:
    return abs(signed_area(points))


def bbox(points: Sequence[Point]) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` of the points."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def rect_points(x0: float, y0: float, x1: float, y1: float) -> Points:
    """The four corners of an axis-aligned rectangle, clockwise from top-left."""
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def centroid(points: Sequence[Point]) -> Point:
    n = len(points)
    return sum(p[0] for p in points) / n, sum(p[1] for p in points) / n


def unrotate(points: Sequence[Point], angle: float) -> Points:
    """``points`` turned by ``-angle`` radians about the origin: text written at ``angle`` comes out level."""
    c, s = math.cos(-angle), math.sin(-angle)
    return [(x * c - y * s, x * s + y * c) for x, y in points]


def median_angle(votes: Sequence[tuple[float, float]]) -> float:
    """The weighted median of ``(angle, weight)`` votes (weights > 0): the angle at which the votes,
    in order of angle, reach half the total weight; 0.0 with no votes."""
    if not votes:
        return 0.0
    votes = sorted(votes)
    half, acc = sum(w for _, w in votes) / 2, 0.0
    for a, w in votes:
        acc += w
        if acc >= half:
            return a
    return votes[-1][0]


def clockwise(points: Sequence[Point]) -> Points:
    """The same polygon, turned to run clockwise on screen (y down) if it ran the other way."""
    pts = list(points)
    if signed_area(pts) < 0:
        pts = [pts[0]] + pts[:0:-1]
    return pts


def order_quad(points: Sequence[Point]) -> Points:
    """Order four points clockwise starting from the top-left corner.

    The start is the corner with the smallest ``x + y`` among the two upper-most-left candidates,
    which is stable for rotated text up to about ±45°.
    """
    if len(points) != 4:
        raise ValueError(f"a quad has 4 points, got {len(points)}")
    cx, cy = centroid(points)
    pts = sorted(points, key=lambda p: math.atan2(p[1] - cy, p[0] - cx))  # clockwise on screen
    start = min(range(4), key=lambda i: (pts[i][0] + pts[i][1], pts[i][0]))
    return pts[start:] + pts[:start]


def quad_size(quad: Sequence[Point]) -> tuple[int, int]:
    """Width and height (pixels, >= 1) of the upright crop that a clockwise quad rectifies to."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    w = max(math.dist((x0, y0), (x1, y1)), math.dist((x3, y3), (x2, y2)))
    h = max(math.dist((x0, y0), (x3, y3)), math.dist((x1, y1), (x2, y2)))
    return max(1, int(round(w))), max(1, int(round(h)))


def min_area_quad(points: Sequence[Point]) -> Points:
    """The smallest-area rotated rectangle around the points, as a clockwise quad from top-left."""
    if len(convex_hull(points)) < 3:
        x0, y0, x1, y1 = bbox(points)
        return rect_points(x0, y0, x1, y1)
    corners, _, _ = min_area_rect(points)
    return order_quad(corners)


def min_area_rect(points: Sequence[Point]) -> tuple[Points, float, float]:
    """The smallest-area rectangle around the points: ``(corners, width, height)``.

    Rotating calipers over the convex hull (O(n) after the hull): one side of the best rectangle
    lies on a hull edge, and the hull points farthest along, across and back from each edge move
    forward monotonically as the edge turns. ``corners`` run clockwise on screen; ``width`` is the
    length of the side from ``corners[0]`` to ``corners[1]`` (along a hull edge), ``height`` of the
    next side. Collinear points give a rectangle of height 0, a single point one of size 0.
    """
    hull = convex_hull(points)
    n = len(hull)
    if n == 0:
        raise ValueError("min_area_rect needs at least one point")
    if n < 3:
        a, b = hull[0], hull[-1]
        return [a, b, b, a], math.dist(a, b), 0.0
    xs = [p[0] for p in hull]
    ys = [p[1] for p in hull]
    best = None
    j = k = m = 1
    for i in range(n):
        ax, ay = xs[i], ys[i]
        ex, ey = xs[(i + 1) % n] - ax, ys[(i + 1) % n] - ay
        length = math.hypot(ex, ey)
        ux, uy = ex / length, ey / length
        nx, ny = -uy, ux  # towards the inside (the hull runs clockwise on screen: positive shoelace)
        j = max(j, i + 1)
        while j < i + n and (xs[(j + 1) % n] - xs[j % n]) * ux + (ys[(j + 1) % n] - ys[j % n]) * uy > 0:
            j += 1  # farthest along the edge
        k = max(k, j)
        while k < i + n and (xs[(k + 1) % n] - xs[k % n]) * nx + (ys[(k + 1) % n] - ys[k % n]) * ny > 0:
            k += 1  # farthest from the edge
        m = max(m, k)
        while m < i + n and (xs[(m + 1) % n] - xs[m % n]) * ux + (ys[(m + 1) % n] - ys[m % n]) * uy < 0:
            m += 1  # farthest back along the edge
        u1 = (xs[j % n] - ax) * ux + (ys[j % n] - ay) * uy
        u0 = (xs[m % n] - ax) * ux + (ys[m % n] - ay) * uy
        v1 = (xs[k % n] - ax) * nx + (ys[k % n] - ay) * ny
        a = (u1 - u0) * v1
        if best is None or a < best[0]:
            best = (a, ax, ay, ux, uy, nx, ny, u0, u1, v1)
    _, ax, ay, ux, uy, nx, ny, u0, u1, v1 = best
    corners = [(ax + u * ux + v * nx, ay + u * uy + v * ny) for u, v in ((u0, 0.0), (u1, 0.0), (u1, v1), (u0, v1))]
    return corners, u1 - u0, v1


def perimeter(points: Sequence[Point], closed: bool = True) -> float:
    """Length of the polyline through the points (back to the first one when ``closed``)."""
    n = len(points)
    s = sum(math.dist(points[i], points[i + 1]) for i in range(n - 1))
    return s + (math.dist(points[-1], points[0]) if closed and n > 1 else 0.0)


def simplify(points: Sequence[Point], epsilon: float, closed: bool = True) -> Points:
    """Douglas-Peucker: fewer points, none of those dropped farther than ``epsilon`` from the
    simplified polyline. A closed polygon is split at its first point and the
    point farthest from it, and both halves are simplified."""
    pts = [(float(x), float(y)) for x, y in points]
    n = len(pts)
    if n < 3:
        return pts
    if closed:
        x0, y0 = pts[0]
        far = max(range(n), key=lambda i: (pts[i][0] - x0) ** 2 + (pts[i][1] - y0) ** 2)
        if far == 0:
            return pts[:1]
        a = _douglas_peucker(pts[: far + 1], epsilon)
        b = _douglas_peucker(pts[far:] + pts[:1], epsilon)
        return a[:-1] + b[:-1]
    return _douglas_peucker(pts, epsilon)


def _douglas_peucker(pts: Points, epsilon: float) -> Points:
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        s, e = stack.pop()
        (sx, sy), (ex, ey) = pts[s], pts[e]
        dx, dy = ex - sx, ey - sy
        norm2 = dx * dx + dy * dy
        worst, at = -1.0, -1
        for i in range(s + 1, e):
            px, py = pts[i]
            t = 0.0 if norm2 == 0 else min(1.0, max(0.0, ((px - sx) * dx + (py - sy) * dy) / norm2))
            d = math.hypot(px - sx - t * dx, py - sy - t * dy)  # to the segment, not the whole line
            if d > worst:
                worst, at = d, i
        if at >= 0 and worst > epsilon:
            keep[at] = True
            stack += [(s, at), (at, e)]
    return [p for p, k in zip(pts, keep) if k]


def convex_hull(points: Sequence[Point]) -> Points:
    """Andrew's monotone chain; returns the hull clockwise on screen."""
    pts = sorted(set((float(x), float(y)) for x, y in points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: Points = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: Points = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return clockwise(lower[:-1] + upper[:-1])


def _segments_cross(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-12) - (v < -1e-12)

    o1, o2, o3, o4 = orient(p1, p2, p3), orient(p1, p2, p4), orient(p3, p4, p1), orient(p3, p4, p2)
    return o1 * o2 < 0 and o3 * o4 < 0


def is_simple(points: Sequence[Point]) -> bool:
    """True when no two non-adjacent edges of the polygon cross."""
    n = len(points)
    if n < 4:
        return True
    edges = [(points[i], points[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue
            if _segments_cross(*edges[i], *edges[j]):
                return False
    return True


def is_degenerate(points: Sequence[Point], min_area: float = 1.0) -> bool:
    """Fewer than three distinct points, or (almost) no area."""
    return len(set(points)) < 3 or area(points) < min_area


def _clip(subject: Points, clip: Points) -> Points:
    """Sutherland–Hodgman: ``subject`` clipped by the convex, clockwise polygon ``clip``."""

    def inside(p, a, b):
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0

    def intersect(p, q, a, b):
        x1, y1 = p
        x2, y2 = q
        x3, y3 = a
        x4, y4 = b
        den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
        if den == 0:
            return q
        t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
        return x1 + t * (x2 - x1), y1 + t * (y2 - y1)

    out = list(subject)
    for i in range(len(clip)):
        a, b = clip[i], clip[(i + 1) % len(clip)]
        inp, out = out, []
        if not inp:
            break
        s = inp[-1]
        for e in inp:
            if inside(e, a, b):
                if not inside(s, a, b):
                    out.append(intersect(s, e, a, b))
                out.append(e)
            elif inside(s, a, b):
                out.append(intersect(s, e, a, b))
            s = e
    return out


def one_to_one(scored, threshold: float = float("-inf")) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of ``(score, i, j)`` triples: best score first (ties by the larger
    ``i``, then ``j``), each ``i`` and each ``j`` used once, scores below ``threshold`` never.
    Returns the ``(i, j)`` pairs in that order (detection metrics: ICDAR 2015's IoU >= 0.5)."""
    used_i, used_j, out = set(), set(), []
    for v, i, j in sorted(scored, reverse=True):
        if v < threshold:
            break
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        out.append((i, j))
    return out


def iou(a: Sequence[Point], b: Sequence[Point]) -> float:
    """Intersection over union of two polygons.

    Exact for convex shapes (rects, quads); non-convex polygons are measured by their convex hulls,
    which is what detection metrics (ICDAR's IoU >= 0.5) need in practice.
    """
    pa, pb = convex_hull(a), convex_hull(b)
    if len(pa) < 3 or len(pb) < 3:
        return 0.0
    ax0, ay0, ax1, ay1 = bbox(pa)
    bx0, by0, bx1, by1 = bbox(pb)
    if ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0:
        return 0.0
    inter = area(_clip(pa, pb))
    union = area(pa) + area(pb) - inter
    return inter / union if union > 0 else 0.0


def inside_image(points: Sequence[Point], width: float, height: float, tol: float = 0.5) -> bool:
    return all(-tol <= x <= width + tol and -tol <= y <= height + tol for x, y in points)


def clamp(points: Sequence[Point], width: float, height: float) -> Points:
    return [(min(max(x, 0.0), float(width)), min(max(y, 0.0), float(height))) for x, y in points]


Box = tuple[float, float, float, float]


def level_boxes(shapes: Sequence[Sequence[Point]]) -> list[Box]:
    """The boxes ``(x0, y0, x1, y1)`` of a page's lines with the page's tilt taken out (the median slope
    of the quads' top edges, when under 0.2), so that a label and its value at either end of a tilted
    line still share a row (:func:`same_row`)."""
    slopes = sorted((q[1][1] - q[0][1]) / (q[1][0] - q[0][0]) for q in shapes
                    if len(q) == 4 and q[1][0] - q[0][0] > 10)
    slope = slopes[len(slopes) // 2] if slopes else 0.0
    slope = slope if abs(slope) < 0.2 else 0.0
    out = []
    for q in shapes:
        x0, y0, x1, y1 = bbox(q)
        h = y1 - y0 - abs(slope) * (x1 - x0)  # the height of the line itself, not of its tilted box
        yc = (y0 + y1) / 2 - slope * (x0 + x1) / 2
        h = max(h, 0.3 * (y1 - y0))
        out.append((x0, yc - h / 2, x1, yc + h / 2))
    return out


def same_row(a: Box, b: Box) -> bool:
    """Whether two boxes overlap by more than half the lower one's height."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * max(1e-6, min(a[3] - a[1], b[3] - b[1]))
