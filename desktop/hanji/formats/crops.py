"""Cropping a region out of an image, rectified upright: what recognition training reads."""

from __future__ import annotations

import cv2
import numpy as np

from hanji.domain import geometry
from hanji.domain.model import Region


def decode(data: bytes) -> np.ndarray:
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if arr is None:
        raise ValueError("the image cannot be decoded")
    return arr


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
    src = np.array(quad, dtype=np.float32)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if h / w >= 1.5:
        out = np.rot90(out)
    return out


def encode(image: np.ndarray, ext: str = ".jpg") -> bytes:
    ok, buf = cv2.imencode(ext, image)
    if not ok:
        raise ValueError("the crop cannot be encoded")
    return buf.tobytes()
