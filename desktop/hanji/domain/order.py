"""Reading order of text regions: lines, columns, tables and rotated pages. Pure Python.

1. Deskew: the page angle is the width-weighted median angle of the regions' top edges (quads run
   clockwise from top-left, so a rotated scan shows in every quad); all shapes are turned back by it.
   When every shape is an upright rectangle (boxes drawn around skewed text), the angle is the one
   at which the most box centres line up in rows, and each rectangle is taken for the bounding box
   of a rectangle turned by that angle. A photo taken at a slant fans its rows out (the angle
   changes down the page): the angle left over is fitted as a line in y and each shape is sheared
   straight by the angle where it sits.
2. Lines: boxes on the same row (vertical overlap, similar height, a gap of under about one text
   height) are joined into one line unit and read left to right.
3. XY-cut on the line units, with two refinements over the textbook version:
   - horizontal cuts do not split a multi-column block: consecutive bands that share a gutter
     (an empty vertical strip) are kept together, so a two-column page under a full-width title
     reads title, left column, right column;
   - a multi-column block is read column by column when its columns hold text flow (long lines
     filling similar-width columns, or rows that do not line up), and row by row when it is a
     table (cells line up in rows: receipts' item/amount rows, label/value forms, tables): a
     label and its value on one visual row read label then value, however wide the gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from hanji.domain import geometry
from hanji.domain.geometry import Point
from hanji.domain.unionfind import UnionFind


@dataclass
class _Unit:
    members: list[int]  # indices of the input shapes, in reading order within the unit
    x0: float
    y0: float
    x1: float
    y1: float
    h: float  # text height (median of the members')
    widths: list[float] = field(default_factory=list)

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


def _quad_of(points: Sequence[Point]) -> list[Point]:
    pts = geometry.as_points(points)
    if len(pts) == 4:
        return pts
    if len(pts) == 2:
        (x0, y0), (x1, y1) = pts
        return geometry.rect_points(x0, y0, x1, y1)
    return geometry.min_area_quad(pts)


def _edge_angle(quad: Sequence[Point]) -> tuple[float, float, float]:
    """Angle (radians) of the top edge, its length and the quad's height."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    w = math.dist((x0, y0), (x1, y1))
    h = (math.dist((x0, y0), (x3, y3)) + math.dist((x1, y1), (x2, y2))) / 2
    return math.atan2(y1 - y0, x1 - x0), w, h


def _is_upright_rect(quad: Sequence[Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    return abs(y0 - y1) < 1e-6 and abs(y2 - y3) < 1e-6 and abs(x0 - x3) < 1e-6 and abs(x1 - x2) < 1e-6


def page_angle(shapes: Sequence[Sequence[Point]]) -> float:
    """The page's text angle in radians (0 for upright text), from regions at least twice as wide
    as tall; from how the boxes line up when every shape is an upright rectangle; 0 when there
    is nothing to tell."""
    quads = [_quad_of(s) for s in shapes]
    if quads and all(_is_upright_rect(q) for q in quads):
        return alignment_angle(quads)
    votes = []
    for q in quads:
        a, w, h = _edge_angle(q)
        if w >= 2 * h and w > 0:
            votes.append((a, w))
    return geometry.median_angle(votes)


def alignment_angle(quads: Sequence[Sequence[Point]], max_deg: float = 15.0, step_deg: float = 0.25) -> float:
    """The angle (radians, within +-``max_deg``) at which the most pairs of box centres lie on one
    row: the skew of a page whose boxes are upright rectangles around turned text (a rectangle's
    centre is its bounding box's centre). 0 unless some angle lines up clearly more than 0 does."""
    if len(quads) < 3:
        return 0.0
    cs = [geometry.centroid(q) for q in quads]
    hs = [geometry.bbox(q)[3] - geometry.bbox(q)[1] for q in quads]
    tol = 0.2 * (_median(hs) or 1.0)

    def score(a: float) -> float:
        c, s = math.cos(a), math.sin(a)
        ys = sorted(-x * s + y * c for x, y in cs)
        total = 0.0
        for i, y in enumerate(ys):
            j = i + 1
            while j < len(ys) and ys[j] - y < tol:
                total += 1 - (ys[j] - y) / tol
                j += 1
        return total

    n = int(max_deg / step_deg)
    best, best_score = 0.0, score(0.0)
    zero = best_score
    for k in range(-n, n + 1):
        if k == 0:
            continue
        a = math.radians(k * step_deg)
        sc = score(a)
        if sc > best_score + 1e-9 or (abs(sc - best_score) <= 1e-9 and abs(a) < abs(best)):
            best, best_score = a, sc
    return best if best_score > 1.2 * zero + 0.5 else 0.0


def _unturned_rect(quad: Sequence[Point], angle: float) -> list[Point] | None:
    """The rectangle turned by ``angle`` whose upright bounding box is ``quad``, or None when no
    such rectangle fits (a box drawn loosely around its text)."""
    x0, y0, x1, y1 = geometry.bbox(quad)
    bw, bh = x1 - x0, y1 - y0
    c, s = abs(math.cos(angle)), abs(math.sin(angle))
    det = c * c - s * s
    if det <= 0.1:
        return None
    w, h = (bw * c - bh * s) / det, (bh * c - bw * s) / det
    if w <= 0 or h <= 0.15 * bh:
        return None
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ca, sa = math.cos(angle), math.sin(angle)
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in corners]


def _keystone(turned: list[list[Point]], quads: list[list[Point]], angle: float) -> tuple[float, float] | None:
    """The text angle left after turning the page by ``angle``, as a line ``a + b * y`` through the
    regions' own angles (a photo taken at a slant fans its rows out: a receipt's top rows lean less
    than its bottom ones); None when it does not change by a degree or more over the page."""
    pts = []
    for t, q in zip(turned, quads):
        a, w, h = _edge_angle(q)
        if w >= 2 * h and w > 0 and not _is_upright_rect(q):
            d = (a - angle + math.pi) % (2 * math.pi) - math.pi
            if abs(d) < math.radians(15):
                pts.append((geometry.centroid(t)[1], d, w))
    if len(pts) < 6:
        return None
    sw = sum(w for _, _, w in pts)
    my = sum(y * w for y, _, w in pts) / sw
    md = sum(d * w for _, d, w in pts) / sw
    var = sum(w * (y - my) ** 2 for y, _, w in pts)
    if var <= 0:
        return None
    b = sum(w * (y - my) * (d - md) for y, d, w in pts) / var
    ys = [y for y, _, _ in pts]
    if abs(b) * (max(ys) - min(ys)) < math.radians(1.0):
        return None
    return md - b * my, b


def _boxes(shapes: Sequence[Sequence[Point]], angle: float) -> list[_Unit]:
    quads, turned = [], []
    for s in shapes:
        quad = _quad_of(s)
        turned_rect = _unturned_rect(quad, angle) if angle and _is_upright_rect(quad) else None
        if turned_rect is not None:
            quad = turned_rect
        quads.append(quad)
        turned.append(geometry.unrotate(geometry.as_points(s) if len(s) > 2 and turned_rect is None else quad, angle))
    fan = _keystone(turned, quads, angle)
    if fan is not None:  # each shape straightened by the angle left where it sits: a vertical shear
        xm = _median([geometry.centroid(t)[0] for t in turned])
        a, b = fan
        for k, t in enumerate(turned):
            tan = math.tan(a + b * geometry.centroid(t)[1])
            turned[k] = [(x, y - (x - xm) * tan) for x, y in t]
    out = []
    for i, (quad, pts) in enumerate(zip(quads, turned)):
        _, _, h = _edge_angle(quad)
        x0, y0, x1, y1 = geometry.bbox(pts)
        h = min(h, y1 - y0) if h > 0 else y1 - y0
        out.append(_Unit([i], x0, y0, x1, y1, max(h, 1e-6), [x1 - x0]))
    return out


def _median(values: Sequence[float]) -> float:
    v = sorted(values)
    n = len(v)
    if not n:
        return 0.0
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


# ---------------------------------------------------------------------------------------- lines
def _same_line(a: _Unit, b: _Unit, gap_factor: float) -> bool:
    ha, hb = a.y1 - a.y0, b.y1 - b.y0
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    if overlap < 0.5 * min(ha, hb):
        return False
    if max(a.h, b.h) > 2.0 * min(a.h, b.h):
        return False
    gap = max(b.x0 - a.x1, a.x0 - b.x1)
    return gap <= gap_factor * max(a.h, b.h)


def _join_lines(boxes: list[_Unit], gap_factor: float = 0.8) -> list[_Unit]:
    n = len(boxes)
    sets = UnionFind(n)
    by_y = sorted(range(n), key=lambda i: boxes[i].y0)
    max_h = max((b.y1 - b.y0 for b in boxes), default=0.0)
    for k, i in enumerate(by_y):
        for j in by_y[k + 1:]:
            if boxes[j].y0 > boxes[i].y1 or boxes[j].y0 - boxes[i].y0 > max_h:
                break
            if _same_line(boxes[i], boxes[j], gap_factor):
                sets.join(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(sets.find(i), []).append(i)
    units = []
    for idx in groups.values():
        idx.sort(key=lambda i: (boxes[i].x0, boxes[i].y0))
        members = [boxes[i].members[0] for i in idx]
        units.append(_Unit(members, min(boxes[i].x0 for i in idx), min(boxes[i].y0 for i in idx),
                           max(boxes[i].x1 for i in idx), max(boxes[i].y1 for i in idx),
                           _median([boxes[i].h for i in idx]), [boxes[i].w for i in idx]))
    return units


# ---------------------------------------------------------------------------------------- XY-cut
def _intervals(units: list[_Unit], axis: str) -> list[tuple[float, float, list[_Unit]]]:
    """Merge the units' extents along ``axis`` ('y' or 'x') into bands separated by empty gaps.

    Extents shrink by 20% of the text height across lines (detected boxes of tight lines overlap
    a little) and 10% along them."""
    spans = []
    for u in units:
        if axis == "y":
            m = min(0.2 * u.h, 0.45 * (u.y1 - u.y0))
            spans.append((u.y0 + m, u.y1 - m, u))
        else:
            m = min(0.1 * u.h, 0.45 * u.w)
            spans.append((u.x0 + m, u.x1 - m, u))
    spans.sort(key=lambda s: (s[0], s[1]))
    bands: list[tuple[float, float, list[_Unit]]] = []
    for a, b, u in spans:
        if bands and a <= bands[-1][1]:
            lo, hi, us = bands[-1]
            bands[-1] = (lo, max(hi, b), us + [u])
        else:
            bands.append((a, b, [u]))
    return bands


def _free(units: list[_Unit], lo: float, hi: float) -> list[tuple[float, float]]:
    """The empty stretches of [lo, hi] along x not covered by any unit."""
    out, x = [], lo
    for a, b, _ in _intervals(units, "x"):
        if a > x:
            out.append((x, a))
        x = max(x, b)
    if x < hi:
        out.append((x, hi))
    return out


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi > lo:
                out.append((lo, hi))
    return out


def _has_gutter(free: list[tuple[float, float]], x0: float, x1: float, min_gap: float) -> bool:
    return any(b - a >= min_gap and a > x0 and b < x1 for a, b in free)


def _blocks(bands: list[list[_Unit]], lo: float, hi: float, min_gap: float) -> list[list[list[_Unit]]]:
    """Group consecutive bands that share a gutter into multi-column blocks."""
    blocks: list[list[list[_Unit]]] = []
    cur: list[list[_Unit]] = []
    free: list[tuple[float, float]] = []
    for band in bands:
        bfree = _free(band, lo, hi)
        if cur:
            inter = _intersect(free, bfree)
            us = [u for b in cur for u in b] + band
            if _has_gutter(inter, min(u.x0 for u in us), max(u.x1 for u in us), min_gap):
                cur.append(band)
                free = inter
                continue
            blocks.append(cur)
        cur, free = [band], bfree
        if not _has_gutter(bfree, min(u.x0 for u in band), max(u.x1 for u in band), min_gap):
            blocks.append(cur)
            cur, free = [], []
    if cur:
        blocks.append(cur)
    return blocks


def _text_columns(cols: list[list[_Unit]], bands: list[list[_Unit]]) -> bool:
    """True when the columns of a block hold running text (read column by column), False when the
    block is a table (read row by row)."""
    col_of = {id(u): k for k, col in enumerate(cols) for u in col}
    spanning = sum(1 for band in bands if len({col_of[id(u)] for u in band}) >= 2)
    if spanning < 0.5 * len(bands):
        return True  # rows do not line up across the gutter: independent blocks side by side
    widths = [max(u.x1 for u in c) - min(u.x0 for u in c) for c in cols]
    if min(widths) < 0.4 * max(widths):
        return False
    for col, w in zip(cols, widths):
        if len(col) < 2 or w <= 0:
            return False
        if _median([u.w for u in col]) < 0.6 * w:
            return False
        # running text fills lines many characters long; a form's labels and values are short
        if _median([u.w / u.h for u in col]) < 8:
            return False
    return True


def _row_groups(units: list[_Unit]) -> list[list[_Unit]]:
    """Rows by centre (within half a text height of the row's median centre), top to bottom."""
    mh = _median([u.h for u in units]) or 1.0
    rows: list[list[_Unit]] = []
    for u in sorted(units, key=lambda u: u.yc):
        if rows and u.yc - _median([r.yc for r in rows[-1]]) <= 0.5 * mh:
            rows[-1].append(u)
        else:
            rows.append([u])
    return rows


def _rows(units: list[_Unit]) -> list[_Unit]:
    """Fallback when no cut exists (overlapping shapes): rows by centre, then left to right."""
    return [u for r in _row_groups(units) for u in sorted(r, key=lambda u: u.x0)]


def _order(units: list[_Unit], depth: int = 0) -> list[_Unit]:
    if len(units) <= 1 or depth > 60:
        return units if len(units) <= 1 else _rows(units)
    bands = [b[2] for b in _intervals(units, "y")]
    cols = [c[2] for c in _intervals(units, "x")]
    if len(bands) == 1:
        if len(cols) == 1:
            return _rows(units)
        if any(len(c) > 1 for c in cols):
            # lines stacked in one band: tightly set rows, or rows a perspective left a little
            # skewed, overlap and leave no horizontal cut; a table is still read row by row
            rows = _row_groups(units)
            if len(rows) > 1 and not _text_columns(cols, rows):
                return [u for r in rows for u in sorted(r, key=lambda u: u.x0)]
        return [u for c in cols for u in _order(c, depth + 1)]
    lo, hi = min(u.x0 for u in units), max(u.x1 for u in units)
    min_gap = 0.5 * (_median([u.h for u in units]) or 1.0)
    blocks = _blocks(bands, lo, hi, min_gap)
    if len(blocks) == 1:
        # the whole node is one multi-column block
        if len(cols) > 1 and _text_columns(cols, bands):
            return [u for c in cols for u in _order(c, depth + 1)]
        return [u for b in bands for u in _order(b, depth + 1)]
    return [u for blk in blocks for u in _order([u for b in blk for u in b], depth + 1)]


# ---------------------------------------------------------------------------------------- API
def group_lines(shapes: Sequence[Sequence[Point]], angle: float | None = None) -> list[list[int]]:
    """Indices of the shapes grouped into text lines, each read left to right, lines in reading order."""
    if not shapes:
        return []
    angle = page_angle(shapes) if angle is None else angle
    units = _join_lines(_boxes(shapes, angle))
    return [u.members for u in _order(units)]


def reading_order(shapes: Sequence[Sequence[Point]], angle: float | None = None) -> list[int]:
    """The indices of ``shapes`` (point lists: quads, rects, polygons) in reading order."""
    return [i for line in group_lines(shapes, angle) for i in line]


def order_regions(regions: list) -> list:
    """Regions sorted into reading order, with ``order`` set to 0..n-1 (the objects are changed)."""
    idx = reading_order([r.points for r in regions])
    out = [regions[i] for i in idx]
    for k, r in enumerate(out):
        r.order = k
    return out


def insert_position(shapes: Sequence[Sequence[Point]], new: Sequence[Point]) -> int:
    """Where a new shape goes in a list of shapes kept in a (possibly hand-made) order: after the
    shape that reading order puts just before it, the rest of the list left as it is."""
    if not shapes:
        return 0
    idx = reading_order([*shapes, new])
    k = idx.index(len(shapes))
    return 0 if k == 0 else idx[k - 1] + 1
