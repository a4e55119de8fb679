"""Shapes in a binary map, without OpenCV: 8-connected components and their outlines.

A row of the map is cut into runs (maximal stretches of set pixels); two runs in neighbouring rows
touch when they overlap or meet at a corner, and a union-find over the touching pairs gives the
components. A component keeps its runs, from which its pixels, its convex hull (the end points of
each row are enough) and, for the rare shape that needs it, its traced outline follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
