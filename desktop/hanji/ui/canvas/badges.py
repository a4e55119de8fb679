"""Where a region's reading-order number (its badge) goes: beside the region, where it covers no other
region. Pure numpy, in screen pixels relative to each region's first point; translation does not
change the answer, so a placement is kept for a zoom level and reused while panning."""

from __future__ import annotations

import numpy as np

BADGE_H = 14  # screen pixels (items.RegionLayer._label_pixmap)
GAP = 1
MAX_REGIONS = 600  # above this the badges keep the plain place (n² comparisons: 2.5 ms at 600, once a zoom level)


def badge_width(text: str) -> int:
    return 7 * len(text) + 6


def badge_offsets(boxes: np.ndarray, anchors: np.ndarray, widths: np.ndarray, scale: float) -> np.ndarray:
    """Each badge's top-left, relative to its region's first point, in screen pixels.

    The first of these places where the badge overlaps no other region's box wins: left of the first
    point and above it (the plain place), left of it, above it; if none is free, the plain place.
    ``boxes`` are (x0, y0, x1, y1) and ``anchors`` (x, y) in image pixels, ``widths`` the badges' widths.
    """
    n = len(boxes)
    w = np.asarray(widths, dtype=float)
    plain = np.stack([-w - GAP, np.full(n, -float(BADGE_H))], axis=1) if n else np.zeros((0, 2))
    if n < 2 or n > MAX_REGIONS:
        return plain
    b = np.asarray(boxes, dtype=float) * scale
    a = np.asarray(anchors, dtype=float) * scale
    out = plain.copy()
    todo = np.ones(n, dtype=bool)
    for dx, dy in ((-w - GAP, np.full(n, -float(BADGE_H))), (-w - GAP, np.zeros(n)),
                   (np.zeros(n), np.full(n, -float(BADGE_H) - GAP))):
        idx = np.nonzero(todo)[0]
        if not len(idx):
            break
        x0 = a[idx, 0] + dx[idx]
        y0 = a[idx, 1] + dy[idx]
        x1, y1 = x0 + w[idx], y0 + BADGE_H
        hit = ((x0[:, None] < b[None, :, 2]) & (x1[:, None] > b[None, :, 0])
               & (y0[:, None] < b[None, :, 3]) & (y1[:, None] > b[None, :, 1]))
        hit[np.arange(len(idx)), idx] = False  # its own region does not count
        free = ~hit.any(axis=1)
        out[idx[free], 0] = dx[idx[free]]
        out[idx[free], 1] = dy[idx[free]]
        todo[idx[free]] = False
    return out
