"""Image operations on numpy arrays: decode and encode, resize, perspective warp, blur; binary
maps' connected components, outlines, convex hulls, smallest rotated rectangles and polygon fill;
and painting regions over in an encoded image (masking on export).

The one thin place that calls OpenCV (``opencv-python-headless``) for the pixel work that models,
formats, synthesis, jobs and the window share; Pillow for what OpenCV does not do as well (16-bit
and odd image formats, encoding with Pillow's options, masking on export). Images are ``HxW`` or
``HxWxC`` uint8 arrays, RGB when they have colour. Coordinates follow OpenCV's convention, which
the detector and recognizer were trained with: pixel ``(x, y)`` has its centre at ``(x, y)``; a
resize maps output pixel ``x`` to input ``(x + 0.5) * scale - 0.5``.

OpenCV is imported on first use (``_cv()``), so that importing this module stays cheap for the
window's start.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, UnidentifiedImageError

from hanji.errors import HanjiError

_INTERPOLATION = {"nearest": "INTER_NEAREST_EXACT", "linear": "INTER_LINEAR", "cubic": "INTER_CUBIC",
                  "area": "INTER_AREA"}
_CV_MAX_SIDE = 32767  # OpenCV's warps address pixels with 16-bit coordinates


def _cv():
    import cv2

    return cv2


def _flag(interpolation: str) -> int:
    try:
        return getattr(_cv(), _INTERPOLATION[interpolation])
    except KeyError:
        raise ValueError(f"unknown interpolation {interpolation!r}; use one of {', '.join(_INTERPOLATION)}") from None


def decode(data: bytes, source: str | Path = "image") -> np.ndarray:
    """Encoded image bytes as an ``HxWx3`` uint8 RGB array (pixels as stored: no EXIF rotation).
    16-bit and float grayscale are stretched to 0-255. Unreadable bytes raise :class:`HanjiError`
    naming ``source``. JPEG and 8-bit PNG are decoded by OpenCV, anything else by Pillow."""
    fast = _decode_cv(data)
    if fast is not None:
        return fast
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.mode in ("I;16", "I", "F"):
                arr = np.asarray(im, dtype=np.float64)
                arr = (255 * (arr - arr.min()) / max(1e-9, float(arr.max() - arr.min()))).astype(np.uint8)
                return np.repeat(arr[:, :, None], 3, axis=2)
            return np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise HanjiError(f"not a readable image ({e.__class__.__name__}: {e})", source) from e


def _decode_cv(data: bytes) -> np.ndarray | None:
    """OpenCV's decode of an 8-bit JPEG or PNG as RGB (alpha dropped, as Pillow's ``convert``
    does), or None for anything else (Pillow then decodes it, or says what is wrong)."""
    if not (data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n"):
        return None
    cv2 = _cv()
    a = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)  # pixels as stored: no EXIF turn
    if a is None or a.dtype != np.uint8:
        return None
    if a.ndim == 2:
        return cv2.cvtColor(a, cv2.COLOR_GRAY2RGB)
    if a.shape[2] == 3:
        return cv2.cvtColor(a, cv2.COLOR_BGR2RGB)
    if a.shape[2] == 4:
        return cv2.cvtColor(a, cv2.COLOR_BGRA2RGB)
    return None


def encode(image: np.ndarray, ext: str = ".jpg", quality: int = 95) -> bytes:
    """An RGB (or gray) uint8 array as image file bytes; ``ext`` names the format (``.jpg``, ``.png``)."""
    fmt = Image.registered_extensions().get(ext.lower())
    if fmt is None:
        raise ValueError(f"unknown image extension {ext!r}")
    buf = io.BytesIO()
    params = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    Image.fromarray(np.ascontiguousarray(image)).save(buf, format=fmt, **params)
    return buf.getvalue()


def perspective_transform(src: Sequence[Sequence[float]], dst: Sequence[Sequence[float]]) -> np.ndarray:
    """The 3x3 homography that maps the four ``src`` points onto the four ``dst`` points."""
    s = np.asarray(src, dtype=np.float64).reshape(4, 2)
    d = np.asarray(dst, dtype=np.float64).reshape(4, 2)
    a = np.zeros((8, 8))
    b = np.zeros(8)
    for i, ((x, y), (u, v)) in enumerate(zip(s, d)):
        a[i] = [x, y, 1, 0, 0, 0, -u * x, -u * y]
        a[i + 4] = [0, 0, 0, x, y, 1, -v * x, -v * y]
        b[i], b[i + 4] = u, v
    try:
        h = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:  # three points on a line: the least-squares map, as good as any
        h = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.append(h, 1.0).reshape(3, 3)


def warp_perspective(image: np.ndarray, matrix: np.ndarray, size: tuple[int, int], interpolation: str = "linear",
                     border: str | float | tuple = "replicate") -> np.ndarray:
    """``image`` seen through the homography ``matrix`` (input to output pixels) as a ``size``
    ``(width, height)`` image. Outside the input, ``border="replicate"`` repeats the edge pixels;
    a number or tuple fills with that value. (``area`` interpolates as ``linear`` here.)"""
    cv2 = _cv()
    w, h = int(size[0]), int(size[1])
    a = np.ascontiguousarray(image)
    if a.dtype != np.uint8:
        raise TypeError(f"warp_perspective needs a uint8 image, got {a.dtype}")
    if max(w, h, *a.shape[:2]) > _CV_MAX_SIDE:
        raise ValueError(f"warp_perspective works on images up to {_CV_MAX_SIDE} pixels a side")
    if w <= 0 or h <= 0:
        return np.zeros((max(h, 0), max(w, 0)) + a.shape[2:], np.uint8)
    inv = np.linalg.pinv(np.asarray(matrix, dtype=np.float64))  # the inverse, or the nearest for a degenerate map
    # warps round the mapped coordinate for "nearest" (INTER_NEAREST); they know no INTER_AREA
    flags = (cv2.INTER_NEAREST if interpolation == "nearest" else _flag("linear" if interpolation == "area"
                                                                          else interpolation)) | cv2.WARP_INVERSE_MAP
    if border == "replicate":
        out = cv2.warpPerspective(a, inv, (w, h), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    else:
        fill = tuple(float(v) for v in border) if isinstance(border, (tuple, list)) else (float(border),) * 4
        out = cv2.warpPerspective(a, inv, (w, h), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    return out.reshape((h, w) + a.shape[2:])


def warp_quad(image: np.ndarray, quad: Sequence[Sequence[float]], size: tuple[int, int], interpolation: str = "linear",
              border: str | float | tuple = "replicate") -> np.ndarray:
    """The quad (clockwise from top-left) warped onto an upright ``size`` ``(width, height)``
    rectangle, its corners onto the output's corners ``(0, 0)``, ``(w, 0)``, ``(w, h)``, ``(0, h)``."""
    w, h = size
    m = perspective_transform(quad, [[0, 0], [w, 0], [w, h], [0, h]])
    return warp_perspective(image, m, (w, h), interpolation, border)


def resize(image: np.ndarray, size: tuple[int, int], interpolation: str = "linear") -> np.ndarray:
    """``image`` resized to ``size`` ``(width, height)`` by OpenCV.

    ``linear`` interpolates between the four nearest input pixels without smoothing first
    (``INTER_LINEAR``, which the detector was trained with); ``area`` averages the input pixels
    under each output pixel, parts of pixels weighted by the part covered (``INTER_AREA``; when
    enlarging either side it is ``linear``); ``nearest`` takes the pixel whose centre is nearest
    (``INTER_NEAREST_EXACT``, as Pillow); ``cubic`` is ``INTER_CUBIC``.
    """
    w, h = int(size[0]), int(size[1])
    a = np.ascontiguousarray(image)
    if a.dtype != np.uint8:
        raise TypeError(f"resize needs a uint8 image, got {a.dtype}")
    ih, iw = a.shape[:2]
    if (w, h) == (iw, ih):
        return a
    if interpolation == "area" and (w > iw or h > ih):
        interpolation = "linear"  # enlarging: nothing to average
    out = _cv().resize(a, (w, h), interpolation=_flag(interpolation))
    return out.reshape((h, w) + a.shape[2:])  # OpenCV drops a trailing axis of 1


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur of standard deviation ``sigma`` pixels (Pillow's box-filter approximation)."""
    if sigma <= 0 or not math.isfinite(sigma):
        return np.asarray(image)
    return np.asarray(Image.fromarray(np.ascontiguousarray(image)).filter(ImageFilter.GaussianBlur(sigma)))


# ------------------------------------------------------------------------------ binary maps and shapes
def dilate(mask: np.ndarray, size: int = 2) -> np.ndarray:
    """A ``size`` x ``size`` dilation of a binary map, as a 0/1 uint8 map (OpenCV's default anchor:
    for 2x2, a pixel is set when it, its left, upper or upper-left neighbour is)."""
    return _cv().dilate(_u8(mask), np.ones((size, size), np.uint8))


def _u8(mask: np.ndarray) -> np.ndarray:
    m = np.ascontiguousarray(mask)
    return m.view(np.uint8) if m.dtype == bool else m.astype(np.uint8, copy=False)


def shapes(mask: np.ndarray) -> list[np.ndarray]:
    """The outer boundary of each 8-connected shape of a binary map: an int32 ``(N, 2)`` array of
    ``(x, y)`` pixel centres from the shape's first pixel (raster order), clockwise on screen;
    the shapes in raster order of their first pixel (OpenCV's ``findContours``; a shape inside
    another's hole is a shape of its own)."""
    return [b for b, _ in shapes_and_holes(mask)]


def shapes_and_holes(mask: np.ndarray) -> list[tuple[np.ndarray, bool]]:
    """:func:`shapes`, each with whether the shape has a hole."""
    cv2 = _cv()
    found, hierarchy = cv2.findContours(_u8(mask), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if not found:
        return []
    # holes have a parent; an outer boundary's first child is its first hole
    outer = [(c[:, 0, :], bool(h[2] != -1)) for c, h in zip(found, hierarchy[0]) if h[3] == -1]
    outer.sort(key=lambda ch: (int(ch[0][0, 1]), int(ch[0][0, 0])))  # a border is walked from its first pixel
    return [(_clockwise(c), holes) for c, holes in outer]


def _clockwise(pts: np.ndarray) -> np.ndarray:
    """The same closed walk clockwise on screen, from the same first point."""
    if len(pts) > 2 and _shoelace(pts) < 0:  # OpenCV walks outer borders counter-clockwise on screen
        return np.concatenate([pts[:1], pts[:0:-1]])
    return pts


def component_mask(mask: np.ndarray, outline: np.ndarray, holes: bool = True) -> tuple[np.ndarray, int, int]:
    """The shape of ``mask`` whose outer boundary is ``outline`` (from :func:`shapes`), alone in its
    bounding box: ``(bool mask, x0, y0)`` (its holes clear, shapes inside them left out; ``holes``
    False says it has none, which spares looking for such shapes)."""
    cv2 = _cv()
    x0, y0, w, h = cv2.boundingRect(outline.reshape(-1, 1, 2).astype(np.int32))
    sub = np.zeros((h, w), np.uint8)
    cv2.fillPoly(sub, [(outline - [x0, y0]).astype(np.int32)], 1)
    sub &= _u8(mask[y0:y0 + h, x0:x0 + w])
    if not holes:
        return sub.view(bool), x0, y0
    n, labels = cv2.connectedComponents(sub, connectivity=8)
    if n > 2:  # something sits in a hole: keep the shape that holds the boundary's first pixel
        fx, fy = outline[0]
        sub = (labels == labels[fy - y0, fx - x0]).astype(np.uint8)
    return sub.astype(bool), x0, y0


def outline(mask: np.ndarray) -> list[tuple[float, float]]:
    """``(x, y)`` of the outer boundary pixels of the shape holding the first set pixel (raster
    order), clockwise on screen, from that pixel."""
    found = shapes(mask)
    return [(float(x), float(y)) for x, y in found[0]] if found else []


def _shoelace(pts: np.ndarray) -> float:
    x, y = pts[:, 0].astype(np.float64), pts[:, 1].astype(np.float64)
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]) + x[-1] * y[0] - x[0] * y[-1]) / 2


def convex_hull(points) -> np.ndarray:
    """The convex hull of points ``(x, y)`` as a float ``(N, 2)`` array, clockwise on screen
    (collinear points: their two ends)."""
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if len(pts) == 0:
        return np.zeros((0, 2))
    hull = _cv().convexHull(pts)[:, 0, :].astype(np.float64)
    return hull[::-1] if len(hull) > 2 and _shoelace(hull) < 0 else hull


def min_area_rect(points) -> tuple[list[tuple[float, float]], float, float]:
    """The smallest-area rectangle around the points: ``(corners, width, height)``, the corners
    clockwise on screen, ``width`` the side from ``corners[0]`` to ``corners[1]``, ``height`` the
    next (OpenCV's ``minAreaRect``; collinear points give a height of 0)."""
    cv2 = _cv()
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if len(pts) == 0:
        raise ValueError("min_area_rect needs at least one point")
    # float32 corners rounded to 1/1000 px: 9.9999995 is 10 (pyclipper truncates to whole pixels)
    box = np.round(cv2.boxPoints(cv2.minAreaRect(pts)).astype(np.float64), 3)
    if _shoelace(box) < 0:
        box = box[::-1]
    w = float(np.hypot(*(box[1] - box[0])))
    h = float(np.hypot(*(box[2] - box[1])))
    return [(float(x), float(y)) for x, y in box], w, h


def masked_mean(image: np.ndarray, mask: np.ndarray) -> float:
    """The mean of a one-channel ``image`` where ``mask`` is set (0.0 when it is set nowhere)."""
    cv2 = _cv()
    m = _u8(mask)
    if not cv2.countNonZero(m):
        return 0.0
    return float(cv2.mean(np.ascontiguousarray(image), m)[0])


def fill_polygon(shape: tuple[int, int], points, value: int = 1) -> np.ndarray:
    """A uint8 ``shape`` ``(height, width)`` map with the polygon (vertices rounded to pixels)
    set to ``value``, its edges included."""
    out = np.zeros(shape, np.uint8)
    pts = np.rint(np.asarray(points, dtype=np.float64).reshape(-1, 2)).astype(np.int32)
    cv2 = _cv()
    cv2.fillPoly(out, [pts], int(value))
    cv2.polylines(out, [pts], True, int(value))  # a polygon of no area still marks its line
    return out


def mask_image(data: bytes, polygons: list[list[tuple[float, float]]], source: str = "image") -> bytes:
    """``data`` (an encoded image) with each polygon painted over in the colour around it (the
    median of a thin frame just outside the polygon's box: the paper, so the text disappears), its
    edge widened by a few pixels for anti-aliased strokes. Written back in the image's own format
    (a JPEG is encoded again, at quality 95)."""
    from PIL import ImageDraw

    try:
        img = Image.open(io.BytesIO(data))
        fmt = img.format or "PNG"
        img.load()
    except (UnidentifiedImageError, OSError) as e:
        raise HanjiError(f"cannot read the image to mask it: {e}", source) from e
    if img.mode not in ("RGB", "RGBA", "L"):
        img = img.convert("RGBA" if "A" in img.mode else "RGB")
    w, h = img.size
    draw = ImageDraw.Draw(img)
    for poly in polygons:
        xs = [p[0] for p in poly]
        ys = [p[1] for p in poly]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
        pad = max(2, round(0.12 * (y1 - y0)))
        arr = np.asarray(img)
        ring = []  # thin strips just outside the box
        for bx in ((x0 - 2 * pad, y0 - 2 * pad, x1 + 2 * pad, y0 - pad), (x0 - 2 * pad, y1 + pad, x1 + 2 * pad, y1 + 2 * pad),
                   (x0 - 2 * pad, y0 - pad, x0 - pad, y1 + pad), (x1 + pad, y0 - pad, x1 + 2 * pad, y1 + pad)):
            bx0, by0 = max(0, int(bx[0])), max(0, int(bx[1]))
            bx1, by1 = min(w, int(round(bx[2]))), min(h, int(round(bx[3])))
            if bx1 > bx0 and by1 > by0:
                ring.append(arr[by0:by1, bx0:bx1].reshape(-1, len(img.getbands())))
        if ring:
            med = np.median(np.concatenate(ring), axis=0).round().astype(int).tolist()
        else:
            med = [255] * len(img.getbands())
        colour = tuple(med) if len(med) > 1 else med[0]
        pts = [(float(x), float(y)) for x, y in poly]
        draw.polygon(pts, fill=colour, outline=colour, width=pad)
    out = io.BytesIO()
    if fmt == "JPEG":
        img.convert("RGB").save(out, "JPEG", quality=95)
    else:
        try:
            img.save(out, fmt)
        except (KeyError, OSError, ValueError):
            out = io.BytesIO()
            img.save(out, "PNG")
    return out.getvalue()
