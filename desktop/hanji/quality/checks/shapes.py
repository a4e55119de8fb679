"""Checks on the geometry of regions: bad polygons, regions outside the image, duplicates.

Each works on a page's regions together (numpy arrays of their coordinates), with the float
operations of :mod:`hanji.domain.geometry` in the same order, so that what it finds is what
measuring one region at a time finds, to the bit."""

from __future__ import annotations

import numpy as np

from hanji.domain import geometry
from hanji.quality.checks.base import Check
from hanji.quality.columns import RegionPage

PAIRS_AT_ONCE = 1 << 20  # candidate region pairs measured together (bounds the memory of a crowded page)


def _orient(ax, ay, bx, by, cx, cy) -> np.ndarray:
    """``geometry._segments_cross``'s orientation test: the sign of the cross product, 0 within 1e-12."""
    v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    return (v > 1e-12).astype(np.int8) - (v < -1e-12).astype(np.int8)


def self_crossing(page: RegionPage) -> np.ndarray:
    """For each region, whether two of its non-adjacent edges cross (``not geometry.is_simple``)."""
    out = np.zeros(len(page), dtype=bool)
    for part, xs, ys in page.shapes_by_size():
        n = xs.shape[1]
        if n < 4:
            continue
        pairs = [(i, j) for i in range(n) for j in range(i + 2, n) if not (i == 0 and j == n - 1)]
        i = np.array([p[0] for p in pairs])
        j = np.array([p[1] for p in pairs])
        i1, j1 = (i + 1) % n, (j + 1) % n
        p1, p2, p3, p4 = (xs[:, i], ys[:, i]), (xs[:, i1], ys[:, i1]), (xs[:, j], ys[:, j]), (xs[:, j1], ys[:, j1])
        cross = ((_orient(*p1, *p2, *p3) * _orient(*p1, *p2, *p4)) < 0) & \
                ((_orient(*p3, *p4, *p1) * _orient(*p3, *p4, *p2)) < 0)
        out[part] = cross.any(axis=1)
    return out


class BadPolygon(Check):
    """Degenerate shapes (no area, repeated points) and self-intersecting polygons (a bow-tie quad)."""

    name = "polygon"
    title = "Degenerate or self-intersecting shapes"
    level = "error"

    def update_page(self, page: RegionPage) -> None:
        if not len(page):
            return
        distinct = page.distinct_points
        area = np.abs(page.areas)
        crossing = (distinct >= 4) & self_crossing(page)  # first: a bow-tie has no net area
        degenerate = (distinct < 3) | (area < self.options.min_area)
        for k in np.flatnonzero(crossing | degenerate).tolist():
            if crossing[k]:
                self.flag_region(page, k, f"{page.region_name(k)} is self-intersecting (its edges cross; the "
                                          "corners are out of order)")
            else:
                self.flag_region(page, k, f"{page.region_name(k)} is degenerate (area {float(area[k]):.1f} px², "
                                          f"{int(distinct[k])} distinct points)")


class OutsideImage(Check):
    """Regions with points outside the image."""

    name = "outside_image"
    title = "Regions outside the image"
    tolerance = 0.5  # geometry.inside_image's

    def update_page(self, page: RegionPage) -> None:
        if not len(page):
            return
        tol = self.tolerance
        x0, y0, x1, y1 = page.bounds
        w = np.array([d.width for d in page.documents], dtype=np.float64)[page.doc] + tol
        h = np.array([d.height for d in page.documents], dtype=np.float64)[page.doc] + tol
        inside = (x0 >= -tol) & (x1 <= w) & (y0 >= -tol) & (y1 <= h)
        for k in np.flatnonzero(~inside).tolist():
            d = page.documents[int(page.doc[k])]
            bx0, by0, bx1, by1 = page.bbox(k)
            self.flag_region(page, k, f"{page.region_name(k)} reaches outside the {d.width}×{d.height} image "
                                      f"(box {bx0:.0f},{by0:.0f}–{bx1:.0f},{by1:.0f})")


def overlapping_pairs(page: RegionPage) -> np.ndarray:
    """The pairs ``(a, b)`` of regions of one document whose boxes overlap, in the order of
    sweeping each document's regions by the left edge of their box (stable: reading order breaks
    ties) and, for each, the regions after it whose left edge is left of its right edge: the pairs
    the one-document sweep measures, in its order. Shape ``(pairs, 2)``."""
    n = len(page)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    x0, y0, x1, y1 = page.bounds
    order = np.lexsort((np.arange(n), x0, page.doc))
    # x0 and x1 as exact ranks among each other, so that one integer key orders (document, x)
    uniq, inv = np.unique(np.concatenate([x0, x1]), return_inverse=True)
    span = len(uniq) + 1
    doc = page.doc[order]
    key = doc * span + inv[:n][order]
    end = np.searchsorted(key, doc * span + inv[n:][order], "left")  # the first of the document right of x1
    cnt = np.maximum(0, end - np.arange(n) - 1)
    csum = np.cumsum(cnt)
    out, lo = [], 0
    while lo < n:
        base = int(csum[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(csum, base + PAIRS_AT_ONCE, "right")))
        c = cnt[lo:hi]
        if c.sum():
            p = np.repeat(np.arange(lo, hi), c)
            q = p + 1 + np.arange(len(p)) - np.repeat(np.cumsum(c) - c, c)
            a, b = order[p], order[q]
            keep = ~((y0[b] >= y1[a]) | (y0[a] >= y1[b]))
            out.append(np.stack([a[keep], b[keep]], axis=1))
        lo = hi
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


class OverlappingDuplicates(Check):
    """Two regions covering (almost) the same place: one text labelled twice."""

    name = "overlap"
    title = "Heavily overlapping regions"

    def update_page(self, page: RegionPage) -> None:
        pairs = overlapping_pairs(page)
        if not len(pairs):
            return
        threshold = self.options.overlap_iou
        a, b = pairs[:, 0], pairs[:, 1]
        x0, y0, x1, y1 = page.bounds
        # the IoU can be no more than this bound (the boxes' overlap over the hulls' areas, at least):
        # only the pairs it cannot rule out are measured exactly, by geometry.iou as before
        inter = (np.minimum(x1[a], x1[b]) - np.maximum(x0[a], x0[b])).clip(0) * \
                (np.minimum(y1[a], y1[b]) - np.maximum(y0[a], y0[b])).clip(0)
        fa, fb = page.hull_area_floor[a], page.hull_area_floor[b]
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = inter / (np.maximum(fa, inter) + np.maximum(fb, inter) - inter)
        maybe = ~(bound < threshold - 1e-9)  # NaN (nothing to divide by) is measured too
        for ka, kb in pairs[maybe].tolist():
            iou = geometry.iou(page.points(ka), page.points(kb))
            if iou >= threshold:
                self.flag_region(page, kb, f"{page.region_name(kb)} overlaps {page.region_name(ka)} "
                                           f"(IoU {iou:.2f}): the same text labelled twice?")
