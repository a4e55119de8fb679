"""Cropping a region out of an image, rectified upright: what recognition training reads."""

from __future__ import annotations

import numpy as np

from hanji import imaging
from hanji.domain import geometry
from hanji.domain.model import Region


def decode(data: bytes) -> np.ndarray:
    """An image's bytes as an RGB array."""
    return imaging.decode(data)


def region_quad(region: Region) -> list[tuple[float, float]]:
    """The clockwise quad a region rectifies from (a polygon's smallest rotated rectangle)."""
    if len(region.points) == 4:
        return geometry.order_quad(region.points) if region.kind == "rect" else list(region.points)
    return geometry.min_area_quad(region.points)


def crop(image: np.ndarray, region: Region) -> np.ndarray:
    """Perspective-warp the region's quad to an upright crop (PaddleOCR's rule: a crop at least
    1.5 times taller than wide is turned 90 degrees, as vertical text lines are)."""
    quad = region_quad(region)
    w, h = geometry.quad_size(quad)
    out = imaging.warp_quad(image, quad, (w, h), interpolation="cubic")
    if h / w >= 1.5:
        out = np.rot90(out)
    return out


def encode(image: np.ndarray, ext: str = ".jpg") -> bytes:
    """An RGB crop as image file bytes."""
    return imaging.encode(image, ext)
