"""From a text probability map to text regions (DB post-processing).

Binarise the map, find connected shapes, score each by its mean probability, grow it back by the
shrink the DB model was trained with (``unclip``, a polygon offset of ``area * ratio / perimeter``),
and fit the smallest rotated rectangle: a quad, clockwise from top-left. A shape that a rectangle
fits badly (curved text) is kept as a polygon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyclipper

from hanji import imaging
from hanji.domain import geometry
from hanji.models.detect import contours

# a curved shape's outline is simplified to within 0.2 % of its perimeter before it is grown:
# pixel steps go, the bend stays (PaddleOCR's DB post-process uses 0.002 too)
OUTLINE_EPSILON = 0.002
# a grown shape must be this many map pixels wider than ``min_size`` on its shorter side: unclip
# adds about two pixels to anything, so a shape that grew less was noise (PaddleOCR: min_size + 2)
GROWN_MARGIN = 2
# a grown polygon keeps at most this many points (its rounded corners make many), simplified
# first to within 0.5 % of its perimeter, then 1.5x more loosely until it fits
POLYGON_MAX_POINTS = 24
POLYGON_EPSILON = 0.005
POLYGON_EPSILON_STEP = 1.5


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
    round_points: bool = False  # corners on whole image pixels (as PaddleOCR's DB post-process). Off: the
    # reading order takes a page of exactly upright rectangles for boxes drawn around skewed text
    # (hanji.domain.order.page_angle), and on SROIE it changed 2 of 625 boxes (H-mean 0.9060 -> 0.9074)

    def __call__(self, prob: np.ndarray, sx: float = 1.0, sy: float = 1.0,
                 width: float | None = None, height: float | None = None) -> list[Detection]:
        """``prob`` is an HxW map; ``sx``/``sy`` scale map pixels to image pixels; results are
        clipped to ``width`` x ``height`` (the image) when given."""
        h, w = prob.shape
        width = w * sx if width is None else width
        height = h * sy if height is None else height
        mask = prob > self.thresh
        if self.dilate:
            mask = contours.dilate(mask)
        out: list[Detection] = []
        for comp in contours.components(mask)[: self.max_candidates]:
            hull = comp.hull()  # (a shape of fewer than three pixels has fewer than three hull points)
            if len(hull) < 3:
                continue  # a line one pixel thin
            rect = imaging.min_area_rect(hull)
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
                approx = np.asarray(geometry.simplify(outline, OUTLINE_EPSILON * geometry.perimeter(outline)), np.float64)
                grown = unclip(approx, self.unclip_ratio)
                if grown is None or len(grown) < 3:
                    continue
                rect_pts, gw, gh = imaging.min_area_rect(grown)
                if min(gw, gh) < self.min_size + GROWN_MARGIN:
                    continue
                poly = _scale_clip(grown, sx, sy, width, height, self.round_points)
                poly = _simplify(poly)
                if len(poly) >= 5:
                    out.append(Detection(geometry.clockwise(poly), score, "polygon"))
                    continue
                # a polygon that simplifies to a quad is a quad
            else:
                grown = unclip(np.asarray(box, np.float64), self.unclip_ratio)
                if grown is None:
                    continue
                rect_pts, gw, gh = imaging.min_area_rect(grown)
                if min(gw, gh) < self.min_size + GROWN_MARGIN:
                    continue
            quad = _scale_clip(np.asarray(rect_pts, np.float64), sx, sy, width, height, self.round_points)
            quad = geometry.order_quad(quad)
            if geometry.area(quad) < 1.0:
                continue
            out.append(Detection(quad, score, "quad"))
        return out


def is_curved(comp: contours.Component, rect: tuple | None = None, bins: int = 8) -> bool:
    """True when a text shape bends: its centre line strays from a straight line by more than a
    quarter of the rectangle's height, while the band itself stays thinner than that rectangle.
    (A straight line with ragged ink, like ``***Thank You***``, fills its rectangle's height.)"""
    box, rw, rh = rect or imaging.min_area_rect(comp.hull())
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
    n = np.bincount(idx, minlength=bins)
    keep = n >= 3  # the bins with pixels enough: their centre, thickness and position along
    if keep.sum() < 4:
        return False
    vmax = np.full(bins, -np.inf)
    vmin = np.full(bins, np.inf)
    np.maximum.at(vmax, idx, v)
    np.minimum.at(vmin, idx, v)
    cc = (np.bincount(idx, weights=v, minlength=bins) / np.maximum(n, 1))[keep]
    uu = (np.bincount(idx, weights=u, minlength=bins) / np.maximum(n, 1))[keep]
    thick = (vmax - vmin)[keep]
    # the least-squares line through the centres
    du = uu - uu.mean()
    slope = float((du * (cc - cc.mean())).sum() / max((du * du).sum(), 1e-12))
    stray = float(np.max(np.abs(cc.mean() + slope * du - cc)))
    return stray > 0.25 * short_side and float(np.median(thick)) < 0.7 * short_side


def shape_score(prob: np.ndarray, pts: np.ndarray) -> float:
    """Mean probability inside a polygon (given in map pixels; its edges count as inside)."""
    h, w = prob.shape
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    x0 = int(np.clip(np.floor(pts[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(pts[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(pts[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(pts[:, 1].max()), 0, h - 1))
    sel = imaging.fill_polygon((y1 - y0 + 1, x1 - x0 + 1), pts - [x0, y0])
    return imaging.masked_mean(prob[y0:y1 + 1, x0:x1 + 1], sel)


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


def _scale_clip(pts: np.ndarray, sx: float, sy: float, width: float, height: float,
                round_points: bool = False) -> list[tuple[float, float]]:
    out = []
    for x, y in pts:
        px, py = min(max(float(x) * sx, 0.0), float(width)), min(max(float(y) * sy, 0.0), float(height))
        out.append((float(round(px)), float(round(py))) if round_points else (px, py))
    return out


def _simplify(poly: list[tuple[float, float]], max_points: int = POLYGON_MAX_POINTS) -> list[tuple[float, float]]:
    """Fewer points for a grown polygon (rounded corners make many): Douglas-Peucker, then a cap."""
    eps = POLYGON_EPSILON * geometry.perimeter(poly)
    pts = geometry.simplify(poly, eps)
    while len(pts) > max_points:
        eps *= POLYGON_EPSILON_STEP
        pts = geometry.simplify(poly, eps)
    # drop repeated points left by clipping to the image
    dedup = [p for i, p in enumerate(pts) if math.dist(p, pts[i - 1]) > 1e-6]
    return dedup if len(dedup) >= 3 else pts
