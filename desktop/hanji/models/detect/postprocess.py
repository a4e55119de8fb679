"""From a text probability map to text regions (DB post-processing).

Binarise the map, find connected shapes, score each by its mean probability, grow it back by the
shrink the DB model was trained with (``unclip``, a polygon offset of ``area * ratio / perimeter``),
and fit the smallest rotated rectangle: a quad, clockwise from top-left. A shape that a rectangle
fits badly (curved text) is kept as a polygon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import pyclipper

from hanji.domain import geometry


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
        mask = (prob > self.thresh).astype(np.uint8)
        if self.dilate:
            mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        out: list[Detection] = []
        for contour in contours[: self.max_candidates]:
            if len(contour) < 3:
                continue
            rect = cv2.minAreaRect(contour)
            if min(rect[1]) < self.min_size:
                continue
            pts = contour.reshape(-1, 2).astype(np.float32)
            curved = self.polygons == "poly" or (self.polygons == "auto" and is_curved(contour, rect))
            if curved:
                score = shape_score(prob, pts)
            else:
                score = shape_score(prob, cv2.boxPoints(rect))
            if score < self.box_thresh:
                continue
            if curved:
                eps = 0.002 * cv2.arcLength(contour, True)
                approx = cv2.approxPolyDP(contour, eps, True).reshape(-1, 2).astype(np.float64)
                grown = unclip(approx, self.unclip_ratio)
                if grown is None or len(grown) < 3:
                    continue
                gr = cv2.minAreaRect(grown.astype(np.float32))
                if min(gr[1]) < self.min_size + 2:
                    continue
                poly = _scale_clip(grown, sx, sy, width, height)
                poly = _simplify(poly)
                if len(poly) >= 5:
                    out.append(Detection(geometry.clockwise(poly), score, "polygon"))
                    continue
                # a polygon that simplifies to a quad is a quad
                rect_pts = cv2.boxPoints(gr)
            else:
                grown = unclip(cv2.boxPoints(rect).astype(np.float64), self.unclip_ratio)
                if grown is None:
                    continue
                gr = cv2.minAreaRect(grown.astype(np.float32))
                if min(gr[1]) < self.min_size + 2:
                    continue
                rect_pts = cv2.boxPoints(gr)
            quad = _scale_clip(rect_pts.astype(np.float64), sx, sy, width, height)
            quad = geometry.order_quad(quad)
            if geometry.area(quad) < 1.0:
                continue
            out.append(Detection(quad, score, "quad"))
        return out


def is_curved(contour: np.ndarray, rect=None, bins: int = 8) -> bool:
    """True when a text shape bends: its centre line strays from a straight line by more than a
    quarter of the rectangle's height, while the band itself stays thinner than that rectangle.
    (A straight line with ragged ink, like ``***Thank You***``, fills its rectangle's height.)"""
    rect = rect or cv2.minAreaRect(contour)
    (cx, cy), (rw, rh), angle = rect
    long_side, short_side = max(rw, rh), min(rw, rh)
    if short_side <= 0 or long_side < 3 * short_side:
        return False
    if cv2.contourArea(contour) > 0.85 * rw * rh:
        return False  # fills its rectangle: straight (and the cheap test spares most lines the full one)
    x, y, w, h = cv2.boundingRect(contour)
    mask = np.zeros((h, w), np.uint8)
    cv2.drawContours(mask, [contour - [x, y]], -1, 1, thickness=-1)
    ys, xs = np.nonzero(mask)
    if len(xs) < 20:
        return False
    a = math.radians(angle if rw >= rh else angle + 90)
    ux, uy = math.cos(a), math.sin(a)
    px, py = xs + x - cx, ys + y - cy
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
    """Mean probability inside a polygon (given in map pixels)."""
    h, w = prob.shape
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    x0 = int(np.clip(np.floor(pts[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(pts[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(pts[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(pts[:, 1].max()), 0, h - 1))
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    shifted = (pts - [x0, y0]).round().astype(np.int32)
    cv2.fillPoly(mask, [shifted], 1)
    if not mask.any():
        return 0.0
    return float(cv2.mean(prob[y0:y1 + 1, x0:x1 + 1], mask)[0])


def unclip(pts: np.ndarray, ratio: float) -> np.ndarray | None:
    """Grow a polygon by ``area * ratio / perimeter`` (the inverse of DB's label shrink)."""
    pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    area = abs(float(cv2.contourArea(pts.astype(np.float32))))
    length = float(cv2.arcLength(pts.astype(np.float32), True))
    if length <= 0 or area <= 0:
        return None
    distance = area * ratio / length
    off = pyclipper.PyclipperOffset()
    off.AddPath([tuple(p) for p in pts.tolist()], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    paths = off.Execute(distance)
    if not paths:
        return None
    best = max(paths, key=lambda p: abs(cv2.contourArea(np.asarray(p, np.float32))))
    return np.asarray(best, dtype=np.float64)


def _scale_clip(pts: np.ndarray, sx: float, sy: float, width: float, height: float) -> list[tuple[float, float]]:
    out = []
    for x, y in pts:
        out.append((min(max(float(x) * sx, 0.0), float(width)), min(max(float(y) * sy, 0.0), float(height))))
    return out


def _simplify(poly: list[tuple[float, float]], max_points: int = 24) -> list[tuple[float, float]]:
    """Fewer points for a grown polygon (rounded corners make many): Douglas-Peucker, then a cap."""
    arr = np.asarray(poly, dtype=np.float32).reshape(-1, 1, 2)
    peri = cv2.arcLength(arr, True)
    eps = 0.005 * peri
    approx = cv2.approxPolyDP(arr, eps, True)
    while len(approx) > max_points:
        eps *= 1.5
        approx = cv2.approxPolyDP(arr, eps, True)
    pts = [(float(x), float(y)) for x, y in approx.reshape(-1, 2)]
    # drop repeated points left by clipping to the image
    dedup = [p for i, p in enumerate(pts) if math.dist(p, pts[i - 1]) > 1e-6]
    return dedup if len(dedup) >= 3 else pts
