"""Image operations on numpy arrays, with Pillow: decode and encode, resize, perspective warp, blur;
and painting regions over in an encoded image (masking on export).

The one place for the pixel work that models, formats, synthesis, jobs and the window share (no
OpenCV: it doubled the installed size). Images are ``HxW`` or ``HxWxC`` uint8 arrays, RGB when they
have colour. Coordinates follow OpenCV's convention, which the detector and recognizer were trained
with: pixel ``(x, y)`` has its centre at ``(x, y)``; a resize maps output pixel ``x`` to input
``(x + 0.5) * scale - 0.5``. Pillow puts centres at ``+0.5``; the conversions are made here.
Pillow's warps truncate where OpenCV rounds: interpolated pixels come out up to one grey level
darker (half a level on average), which neither model notices.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, UnidentifiedImageError

from hanji.errors import HanjiError

_RESAMPLE = {"nearest": Image.NEAREST, "linear": Image.BILINEAR, "cubic": Image.BICUBIC, "area": Image.BOX}


def decode(data: bytes, source: str | Path = "image") -> np.ndarray:
    """Encoded image bytes as an ``HxWx3`` uint8 RGB array (pixels as stored: no EXIF rotation).
    16-bit and float grayscale are stretched to 0-255. Unreadable bytes raise :class:`HanjiError`
    naming ``source``."""
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
    a number or tuple fills with that value."""
    w, h = int(size[0]), int(size[1])
    a = np.asarray(image)
    if a.dtype != np.uint8:
        raise TypeError(f"warp_perspective needs a uint8 image, got {a.dtype}")
    inv = np.linalg.pinv(np.asarray(matrix, dtype=np.float64))  # the inverse, or the nearest for a degenerate map
    fill = None
    if border == "replicate":
        # the input pixels the output can reach, plus a margin, with the edges repeated outward
        corners = np.array([[0, 0, 1], [w - 1, 0, 1], [w - 1, h - 1, 1], [0, h - 1, 1]], np.float64) @ inv.T
        with np.errstate(divide="ignore", invalid="ignore"):
            xy = np.nan_to_num(corners[:, :2] / corners[:, 2:3], nan=0.0, posinf=1e9, neginf=-1e9)
        ih, iw = a.shape[:2]
        x0, y0 = np.floor(xy.min(axis=0)).astype(int) - 2
        x1, y1 = np.ceil(xy.max(axis=0)).astype(int) + 3
        x0, y0 = max(x0, -iw - 2), max(y0, -ih - 2)  # a degenerate map cannot ask for unbounded padding
        x1, y1 = min(x1, 2 * iw + 2), min(y1, 2 * ih + 2)
        sub = a[max(y0, 0):max(min(y1, ih), 1), max(x0, 0):max(min(x1, iw), 1)]
        pad = [(max(0, -y0), max(0, y1 - ih)), (max(0, -x0), max(0, x1 - iw))] + [(0, 0)] * (a.ndim - 2)
        if any(p != (0, 0) for p in pad):
            sub = np.pad(sub, pad, mode="edge")
        a = sub
        inv = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ inv
    else:
        fill = tuple(int(round(v)) for v in border) if isinstance(border, (tuple, list)) else int(round(border))
        if a.ndim == 3 and isinstance(fill, int):
            fill = (fill,) * a.shape[2]
    # Pillow samples the input at M(x + 0.5) - 0.5 for output pixel x: shift into that convention
    half = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    unhalf = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    m = half @ inv @ unhalf
    if m[2, 2] != 0:
        m = m / m[2, 2]
    im = Image.fromarray(np.ascontiguousarray(a))
    out = im.transform((w, h), Image.PERSPECTIVE, tuple(m.reshape(-1)[:8]), resample=_RESAMPLE[interpolation],
                       fillcolor=fill)
    return np.asarray(out)


def warp_quad(image: np.ndarray, quad: Sequence[Sequence[float]], size: tuple[int, int], interpolation: str = "linear",
              border: str | float | tuple = "replicate") -> np.ndarray:
    """The quad (clockwise from top-left) warped onto an upright ``size`` ``(width, height)``
    rectangle, its corners onto the output's corners ``(0, 0)``, ``(w, 0)``, ``(w, h)``, ``(0, h)``."""
    w, h = size
    m = perspective_transform(quad, [[0, 0], [w, 0], [w, h], [0, h]])
    return warp_perspective(image, m, (w, h), interpolation, border)


def resize(image: np.ndarray, size: tuple[int, int], interpolation: str = "linear") -> np.ndarray:
    """``image`` resized to ``size`` ``(width, height)``.

    ``linear`` interpolates between the four nearest input pixels without smoothing first (as
    OpenCV's ``INTER_LINEAR``, which the detector was trained with); ``area`` averages the input
    pixels under each output pixel, parts of pixels weighted by the part covered (OpenCV's
    ``INTER_AREA``; when enlarging it is ``linear``); ``nearest`` and ``cubic`` are Pillow's.
    """
    w, h = int(size[0]), int(size[1])
    a = np.ascontiguousarray(image)
    if a.dtype != np.uint8:
        raise TypeError(f"resize needs a uint8 image, got {a.dtype}")
    ih, iw = a.shape[:2]
    if (w, h) == (iw, ih):
        return a
    if interpolation == "area" and w <= iw and h <= ih:
        out = _shrink(_shrink(a, h, 0), w, 1)
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)
    if interpolation == "area":
        interpolation = "linear"  # enlarging: nothing to average
    im = Image.fromarray(a)
    if interpolation == "linear" and (w < iw or h < ih):  # Pillow's resize would smooth before shrinking
        out = im.transform((w, h), Image.AFFINE, (iw / w, 0, 0, 0, ih / h, 0), resample=Image.BILINEAR)
    else:
        out = im.resize((w, h), _RESAMPLE[interpolation])
    return np.asarray(out)


def _shrink(a: np.ndarray, n_out: int, axis: int) -> np.ndarray:
    """Box-average ``a`` down to ``n_out`` along ``axis``: each output pixel is the mean of the
    input over its span, from the running sum interpolated at the span's fractional ends."""
    x = np.moveaxis(np.asarray(a, dtype=np.float64), axis, 0)
    n_in = x.shape[0]
    if n_out == n_in:
        return np.moveaxis(x, 0, axis)
    scale = n_in / n_out
    run = np.concatenate([np.zeros((1,) + x.shape[1:]), np.cumsum(x, axis=0)])
    t = np.arange(n_out + 1) * scale
    t[-1] = n_in
    k = np.minimum(np.floor(t).astype(np.intp), n_in - 1)
    frac = (t - k).reshape((-1,) + (1,) * (x.ndim - 1))
    integral = run[k] + frac * x[k]
    return np.moveaxis((integral[1:] - integral[:-1]) / scale, 0, axis)


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur of standard deviation ``sigma`` pixels (Pillow's box-filter approximation)."""
    if sigma <= 0 or not math.isfinite(sigma):
        return np.asarray(image)
    return np.asarray(Image.fromarray(np.ascontiguousarray(image)).filter(ImageFilter.GaussianBlur(sigma)))


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
