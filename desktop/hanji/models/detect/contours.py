"""Shapes in a binary map: 8-connected components, their outlines, convex hulls and pixels.

OpenCV walks the outer boundary of every shape (``findContours``, through :mod:`hanji.imaging`);
a component is that boundary, from which its box, convex hull and smallest rectangle follow at
once; its pixels (the filled boundary within the map) are found only when asked for.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from hanji import imaging


def dilate(mask: np.ndarray) -> np.ndarray:
    """A 2x2 dilation: a pixel is set when it, its left, upper or upper-left neighbour is."""
    return imaging.dilate(mask, 2)


class Component:
    """One 8-connected shape of ``source`` (a binary map), given by its outer boundary."""

    def __init__(self, source: np.ndarray, boundary: np.ndarray, holes: bool = True) -> None:
        self.source = source
        self.boundary = boundary  # int (N, 2) pixel centres, clockwise on screen, from the first pixel
        self.holes = holes  # whether the shape may have holes (False: it has none)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        """``(x0, y0, x1, y1)``, inclusive pixel indices."""
        lo, hi = self.boundary.min(axis=0), self.boundary.max(axis=0)
        return int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])

    @cached_property
    def _filled(self) -> tuple[np.ndarray, int, int]:
        return imaging.component_mask(self.source, self.boundary, self.holes)

    def mask(self) -> tuple[np.ndarray, int, int]:
        """The component alone in its bounding box: ``(mask, x0, y0)``."""
        return self._filled

    @cached_property
    def size(self) -> int:
        """Number of pixels."""
        return int(self._filled[0].sum())

    def pixels(self) -> tuple[np.ndarray, np.ndarray]:
        """``(ys, xs)`` of every pixel, in raster order."""
        m, x0, y0 = self._filled
        ys, xs = np.nonzero(m)
        return ys + y0, xs + x0

    def first_pixel(self) -> tuple[int, int]:
        """``(x, y)`` of the first pixel in raster order."""
        return int(self.boundary[0, 0]), int(self.boundary[0, 1])

    def outline(self) -> list[tuple[float, float]]:
        """The outer boundary's pixel centres, clockwise on screen, from the first pixel."""
        return [(float(x), float(y)) for x, y in self.boundary.tolist()]

    def hull(self) -> np.ndarray:
        """The convex hull, a float ``(N, 2)`` array clockwise on screen."""
        return imaging.convex_hull(self.boundary)


def components(mask: np.ndarray) -> list[Component]:
    """The 8-connected components of a binary map, ordered by their first pixel in raster order."""
    m = np.asarray(mask)
    return [Component(m, b, holes) for b, holes in imaging.shapes_and_holes(m)]


def trace_outline(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(x, y)`` of the outer boundary pixels of the shape holding the first set pixel (raster
    order), clockwise on screen."""
    return [(int(x), int(y)) for x, y in imaging.outline(mask)]
