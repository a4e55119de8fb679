"""Today's hand-written DB post-process (before OpenCV), kept as the reference for the parity
test: 8-connected components from runs and a union-find, convex hulls from each row's end
points, rotating-caliper rectangles, polygon fill with Pillow. Copied from
``hanji.models.detect.contours`` and ``postprocess`` as they were at e951b0d."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyclipper
from PIL import Image, ImageDraw

from hanji.domain import geometry
from hanji.domain.unionfind import UnionFind


def dilate(mask: np.ndarray) -> np.ndarray:
    """A 2x2 dilation: a pixel is set when it, its left, upper or upper-left neighbour is
    (OpenCV's ``dilate`` with a 2x2 kernel and its default anchor)."""
    m = np.asarray(mask, dtype=bool)
    across = np.empty_like(m)
    across[:, 0] = m[:, 0]
    np.logical_or(m[:, 1:], m[:, :-1], out=across[:, 1:])
    out = np.empty_like(m)
    out[0] = across[0]
    np.logical_or(across[1:], across[:-1], out=out[1:])
    return out


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, first, last)`` of every run of set pixels, in raster order (``last`` inclusive)."""
    m = np.asarray(mask)
    h, w = m.shape
    padded = np.zeros((h, w + 2), bool)
    padded[:, 1:-1] = m
    # every row starts and ends clear: its changes alternate, a run's start then the pixel after it
    rows, cols = np.nonzero(padded[:, 1:] != padded[:, :-1])
    return rows[0::2], cols[0::2], cols[1::2] - 1


@dataclass
class Component:
    """One 8-connected shape, as its runs in raster order."""

    rows: np.ndarray
    first: np.ndarray
    last: np.ndarray

    @property
    def size(self) -> int:
        """Number of pixels."""
        return int((self.last - self.first + 1).sum())

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        """``(x0, y0, x1, y1)``, inclusive pixel indices."""
        return int(self.first.min()), int(self.rows[0]), int(self.last.max()), int(self.rows[-1])

    def pixels(self) -> tuple[np.ndarray, np.ndarray]:
        """``(ys, xs)`` of every pixel."""
        lengths = self.last - self.first + 1
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return np.repeat(self.rows, lengths), np.repeat(self.first, lengths) + offsets

    def extremes(self) -> list[tuple[float, float]]:
        """The first and last pixel centre of each row: enough for the convex hull."""
        rows = self.rows
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        ends = np.r_[starts[1:], len(rows)] - 1
        ys = rows[starts].tolist()
        return list(zip(self.first[starts].tolist(), ys)) + list(zip(self.last[ends].tolist(), ys))

    def hull(self) -> list[tuple[float, float]]:
        return geometry.convex_hull(self.extremes())

    def mask(self) -> tuple[np.ndarray, int, int]:
        """The component alone in its bounding box: ``(mask, x0, y0)``."""
        x0, y0, x1, y1 = self.bbox
        out = np.zeros((y1 - y0 + 1, x1 - x0 + 1), bool)
        ys, xs = self.pixels()
        out[ys - y0, xs - x0] = True
        return out, x0, y0

    def outline(self) -> list[tuple[float, float]]:
        """The outer boundary's pixel centres, traced clockwise on screen (Moore neighbours)."""
        m, x0, y0 = self.mask()
        return [(x + x0 - 1.0, y + y0 - 1.0) for x, y in trace_outline(np.pad(m, 1))]


def components(mask: np.ndarray) -> list[Component]:
    """The 8-connected components of a binary map, ordered by their first pixel in raster order."""
    rows, first, last = runs(mask)
    n = len(rows)
    if n == 0:
        return []
    w2 = mask.shape[1] + 2
    first_key = rows * w2 + first
    last_key = rows * w2 + last
    # the runs of the row above that touch run b: last >= b.first - 1 and first <= b.last + 1
    lo = np.searchsorted(last_key, (rows - 1) * w2 + first - 1, side="left")
    hi = np.searchsorted(first_key, (rows - 1) * w2 + last + 1, side="right")
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    b = np.repeat(np.arange(n), counts)
    a = np.repeat(lo, counts) + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    sets = UnionFind(n)
    for i, j in zip(a.tolist(), b.tolist()):
        sets.join(i, j)
    labels = np.fromiter((sets.find(i) for i in range(n)), dtype=np.int64, count=n)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    cuts = np.flatnonzero(np.diff(sorted_labels)) + 1
    out = []
    for idx in np.split(order, cuts):
        out.append(Component(rows[idx], first[idx], last[idx]))
    return out


# neighbours clockwise on screen (y down), from the left one
_STEPS = ((-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1))  # (dx, dy)


def trace_outline(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(x, y)`` of the outer boundary pixels of the shape holding the first set pixel (raster
    order), clockwise on screen. The mask's border pixels must be clear."""
    m = mask.astype(bool)
    ys, xs = np.nonzero(m)
    if len(xs) == 0:
        return []
    rows = m.tolist()
    start = (int(xs[0]), int(ys[0]))
    out = [start]
    p, back = start, 0  # the left neighbour of the first pixel is clear
    first_move = None
    for _ in range(4 * m.size + 8):
        x, y = p
        for t in range(8):
            d = (back + t) % 8
            dx, dy = _STEPS[d]
            if rows[y + dy][x + dx]:
                break
        else:
            return out  # a single pixel
        q = (x + dx, y + dy)
        if p == start and first_move is not None and q == first_move:
            break
        if first_move is None:
            first_move = q
        # the last clear neighbour looked at, seen from q, is where the next search starts
        back = (d + 5) % 8 if d % 2 else (d + 6) % 8
        p = q
        out.append(p)
    if len(out) > 1 and out[-1] == start:
        out.pop()  # back where it began
    return out


@dataclass
class Detection:
    """One text region found on an image, in image pixels."""

    points: list[tuple[float, float]]  # a quad (4 points) clockwise from top-left, or a polygon
    score: float  # mean text probability inside the shape
    kind: str = "quad"  # quad | polygon


@dataclass
class PostProcess:
    thresh: float = 0.3  # pixel probability that counts as text
    box_thresh: float = 0.5  # a shape's mean probability needed to keep it
    unclip_ratio: float = 1.6
    min_size: float = 3.0  # shorter side, in map pixels, below which a shape is noise
    max_candidates: int = 3000
    dilate: bool = True  # a 2x2 dilation joins characters split by a thin gap
    polygons: str = "auto"  # quad: always quads; poly: always polygons; auto: polygons for curved text

    def __call__(self, prob: np.ndarray, sx: float = 1.0, sy: float = 1.0,
                 width: float | None = None, height: float | None = None) -> list[Detection]:
        """``prob`` is an HxW map; ``sx``/``sy`` scale map pixels to image pixels; results are
        clipped to ``width`` x ``height`` (the image) when given."""
        h, w = prob.shape
        width = w * sx if width is None else width
        height = h * sy if height is None else height
        mask = prob > self.thresh
        if self.dilate:
            mask = dilate(mask)
        out: list[Detection] = []
        for comp in components(mask)[: self.max_candidates]:
            if comp.size < 3:
                continue
            hull = comp.hull()
            if len(hull) < 3:
                continue  # a line one pixel thin
            rect = geometry.min_area_rect(hull)
            box, rw, rh = rect
            if min(rw, rh) < self.min_size:
                continue
            curved = self.polygons == "poly" or (self.polygons == "auto" and is_curved(comp, rect))
            if curved:
                ys, xs = comp.pixels()
                score = float(prob[ys, xs].mean())
            else:
                score = shape_score(prob, np.asarray(box))
            if score < self.box_thresh:
                continue
            if curved:
                outline = comp.outline()
                approx = np.asarray(geometry.simplify(outline, 0.002 * geometry.perimeter(outline)), np.float64)
                grown = unclip(approx, self.unclip_ratio)
                if grown is None or len(grown) < 3:
                    continue
                rect_pts, gw, gh = geometry.min_area_rect([tuple(p) for p in grown.tolist()])
                if min(gw, gh) < self.min_size + 2:
                    continue
                poly = _scale_clip(grown, sx, sy, width, height)
                poly = _simplify(poly)
                if len(poly) >= 5:
                    out.append(Detection(geometry.clockwise(poly), score, "polygon"))
                    continue
                # a polygon that simplifies to a quad is a quad
            else:
                grown = unclip(np.asarray(box, np.float64), self.unclip_ratio)
                if grown is None:
                    continue
                rect_pts, gw, gh = geometry.min_area_rect([tuple(p) for p in grown.tolist()])
                if min(gw, gh) < self.min_size + 2:
                    continue
            quad = _scale_clip(np.asarray(rect_pts, np.float64), sx, sy, width, height)
            quad = geometry.order_quad(quad)
            if geometry.area(quad) < 1.0:
                continue
            out.append(Detection(quad, score, "quad"))
        return out


def is_curved(comp: Component, rect: tuple | None = None, bins: int = 8) -> bool:
    """True when a text shape bends: its centre line strays from a straight line by more than a
    quarter of the rectangle's height, while the band itself stays thinner than that rectangle.
    (A straight line with ragged ink, like ``***Thank You***``, fills its rectangle's height.)"""
    box, rw, rh = rect or geometry.min_area_rect(comp.hull())
    long_side, short_side = max(rw, rh), min(rw, rh)
    if short_side <= 0 or long_side < 3 * short_side:
        return False
    if comp.size > 0.85 * (rw + 1) * (rh + 1):
        return False  # fills its rectangle: straight (and the cheap test spares most lines the full one)
    ys, xs = comp.pixels()
    if len(xs) < 20:
        return False
    (x0, y0), (x1, y1), (x2, y2) = box[0], box[1], box[2]
    cx, cy = (x0 + x2) / 2, (y0 + y2) / 2
    ax, ay = (x1 - x0, y1 - y0) if rw >= rh else (x2 - x1, y2 - y1)  # along the long side
    ux, uy = ax / long_side, ay / long_side
    px, py = xs - cx, ys - cy
    u = px * ux + py * uy
    v = -px * uy + py * ux
    edges = np.linspace(u.min(), u.max() + 1e-6, bins + 1)
    idx = np.clip(np.digitize(u, edges) - 1, 0, bins - 1)
    centres, thick, us = [], [], []
    for b in range(bins):
        sel = idx == b
        if sel.sum() < 3:
            continue
        vb = v[sel]
        centres.append(float(vb.mean()))
        thick.append(float(vb.max() - vb.min()))
        us.append(float(u[sel].mean()))
    if len(centres) < 4:
        return False
    fit = np.polyfit(us, centres, 1)
    stray = float(np.max(np.abs(np.polyval(fit, us) - centres)))
    return stray > 0.25 * short_side and float(np.median(thick)) < 0.7 * short_side


def shape_score(prob: np.ndarray, pts: np.ndarray) -> float:
    """Mean probability inside a polygon (given in map pixels; its edges count as inside)."""
    h, w = prob.shape
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    x0 = int(np.clip(np.floor(pts[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(pts[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(pts[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(pts[:, 1].max()), 0, h - 1))
    shifted = (pts - [x0, y0]).round()
    mask = Image.new("1", (x1 - x0 + 1, y1 - y0 + 1))
    ImageDraw.Draw(mask).polygon([tuple(p) for p in shifted.tolist()], fill=1, outline=1)
    sel = np.asarray(mask)
    if not sel.any():
        return 0.0
    return float(prob[y0:y1 + 1, x0:x1 + 1][sel].mean())


def unclip(pts: np.ndarray, ratio: float) -> np.ndarray | None:
    """Grow a polygon by ``area * ratio / perimeter`` (the inverse of DB's label shrink)."""
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    ring = [tuple(p) for p in pts.tolist()]
    area = geometry.area(ring)
    length = geometry.perimeter(ring)
    if length <= 0 or area <= 0:
        return None
    distance = area * ratio / length
    off = pyclipper.PyclipperOffset()
    off.AddPath(ring, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    paths = off.Execute(distance)
    if not paths:
        return None
    best = max(paths, key=lambda p: geometry.area([tuple(q) for q in p]))
    return np.asarray(best, dtype=np.float64)


def _scale_clip(pts: np.ndarray, sx: float, sy: float, width: float, height: float) -> list[tuple[float, float]]:
    out = []
    for x, y in pts:
        out.append((min(max(float(x) * sx, 0.0), float(width)), min(max(float(y) * sy, 0.0), float(height))))
    return out


def _simplify(poly: list[tuple[float, float]], max_points: int = 24) -> list[tuple[float, float]]:
    """Fewer points for a grown polygon (rounded corners make many): Douglas-Peucker, then a cap."""
    eps = 0.005 * geometry.perimeter(poly)
    pts = geometry.simplify(poly, eps)
    while len(pts) > max_points:
        eps *= 1.5
        pts = geometry.simplify(poly, eps)
    # drop repeated points left by clipping to the image
    dedup = [p for i, p in enumerate(pts) if math.dist(p, pts[i - 1]) > 1e-6]
    return dedup if len(dedup) >= 3 else pts
