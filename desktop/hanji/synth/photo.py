"""What a phone camera does to a printed line: perspective, paper curl, a shadow, uneven light,
defocus and motion blur, low resolution and JPEG.

Each effect is a function ``(img, rng) -> img`` in :data:`EFFECTS`; :func:`photograph` applies a
random few. None of them leaves a line a person could not read (:func:`hanji.synth.print_effects.legible`):
an effect whose result fails the check is dropped. Images are ``HxWx3`` uint8 RGB arrays.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter

from hanji.synth.print_effects import LEGIBLE_HEIGHT, legible


def _u8(a: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def _border(img: np.ndarray) -> tuple[float, ...]:
    edge = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    return tuple(float(v) for v in np.median(edge, axis=0))


def perspective(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """The page seen at an angle: the corners move by up to ~15% of the line height, and a small tilt."""
    from hanji import imaging

    h, w = img.shape[:2]
    m = max(1.5, rng.uniform(0.06, 0.15) * h)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + np.float32([[rng.uniform(-m, m), rng.uniform(-m, m)] for _ in range(4)])
    ang = np.deg2rad(rng.uniform(-2.5, 2.5))
    dst[:, 1] += (dst[:, 0] - w / 2) * np.tan(ang)
    dst[:, 1] -= dst[:, 1].min() - rng.uniform(0, m / 2)
    out_h = int(np.ceil(dst[:, 1].max() + rng.uniform(0, m / 2)))
    M = imaging.perspective_transform(src, dst)
    return imaging.warp_perspective(img, M, (w, max(out_h, h)), border=_border(img))


def curl(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A curled or crumpled receipt: each column shifted up or down along a smooth wave."""
    h, w = img.shape[:2]
    amp = rng.uniform(0.05, 0.18) * h
    period = rng.uniform(0.6, 2.5) * w
    phase = rng.uniform(0, 2 * np.pi)
    shift = amp * np.sin(2 * np.pi * np.arange(w) / period + phase)
    shift -= shift.min()
    out_h = h + int(np.ceil(shift.max()))
    out = np.empty((out_h, w, 3), np.float32)
    out[:] = np.array(_border(img), np.float32)
    ys = np.arange(out_h, dtype=np.float32)
    a = img.astype(np.float32)
    for x in range(w):  # linear interpolation of each column at its shift
        src = ys - shift[x]
        i0 = np.floor(src).astype(int)
        t = (src - i0)[:, None]
        ok = (i0 >= 0) & (i0 + 1 < h)
        col = out[:, x]
        col[ok] = a[i0[ok], x] * (1 - t[ok]) + a[i0[ok] + 1, x] * t[ok]
    return _u8(out)


def shadow(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A hand's or phone's shadow: one side of a slanted soft edge darkened."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, 2 * np.pi)
    d = (xx - rng.uniform(0, w)) * np.cos(ang) + (yy - rng.uniform(0, h)) * np.sin(ang)
    soft = rng.uniform(2, max(3.0, 0.5 * h))
    dark = rng.uniform(0.35, 0.65)
    f = 1 - dark / (1 + np.exp(-d / soft))
    return _u8(img.astype(np.float32) * f[..., None])


def uneven_light(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Light falling off across the line and a glare spot."""
    h, w = img.shape[:2]
    gx = np.linspace(rng.uniform(-45, 10), rng.uniform(-10, 45), w)[None, :]
    gy = np.linspace(rng.uniform(-15, 5), rng.uniform(-5, 15), h)[:, None]
    out = img.astype(np.float32) + (gx + gy)[..., None]
    if rng.random() < 0.4:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.5, 2) * h
        out += (rng.uniform(20, 60) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)))[..., None]
    return _u8(out)


def defocus(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Out of focus: a box blur (a disk's stand-in) a few percent of the line height wide."""
    h = img.shape[0]
    r = max(1.0, rng.uniform(0.03, 0.07) * h)
    return np.asarray(Image.fromarray(img).filter(ImageFilter.BoxBlur(r)))


def motion_blur(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A shaking hand: the mean of copies shifted along a short line at a random angle."""
    h = img.shape[0]
    length = max(2, int(rng.uniform(0.04, 0.1) * h))
    ang = rng.uniform(0, np.pi)
    a = img.astype(np.float32)
    acc = np.zeros_like(a)
    for i in range(length):
        t = i - (length - 1) / 2
        dx, dy = int(round(t * np.cos(ang))), int(round(t * np.sin(ang)))
        acc += np.roll(np.roll(a, dy, axis=0), dx, axis=1)
    return _u8(acc / length)


def low_resolution(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Taken from afar: down to as few as ~16 px of height and back up."""
    from hanji import imaging

    h, w = img.shape[:2]
    f = max(rng.uniform(0.3, 0.7), (LEGIBLE_HEIGHT + 2) / h)
    if f >= 1:
        return img
    small = imaging.resize(img, (max(4, int(w * f)), max(4, int(h * f))), "area")
    return imaging.resize(small, (w, h), rng.choice(["linear", "cubic", "nearest"]))


def small_text(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Small print seen from a page photo: the whole line down to 13-20 px of height (its text a
    little less; :func:`low_resolution` keeps ~18 at least), sometimes blurred first and JPEG-compressed at
    that size, then back up to its size (as the recognizer scales a small crop up)."""
    from hanji import imaging

    h, w = img.shape[:2]
    th = rng.uniform(13, 20)
    if th >= h:
        return img
    if rng.random() < 0.5:
        img = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.6) * h / th)))
    f = th / h
    small = imaging.resize(img, (max(4, int(round(w * f))), max(4, int(round(h * f)))), "area")
    if rng.random() < 0.6:
        buf = io.BytesIO()
        Image.fromarray(small).save(buf, format="JPEG", quality=rng.randint(40, 90))
        small = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return imaging.resize(small, (w, h), rng.choice(["linear", "cubic"]))


def jpeg(img: np.ndarray, rng: random.Random) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=rng.randint(12, 70))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def sensor_noise(img: np.ndarray, rng: random.Random) -> np.ndarray:
    nrng = np.random.default_rng(rng.getrandbits(32))
    return _u8(img.astype(np.float32) + nrng.normal(0, rng.uniform(3, 12), img.shape))


EFFECTS = {"perspective": perspective, "curl": curl, "shadow": shadow, "uneven_light": uneven_light,
           "defocus": defocus, "motion_blur": motion_blur, "low_resolution": low_resolution, "noise": sensor_noise,
           "jpeg": jpeg}
# chance of each effect in :func:`photograph` at strength 1, in the order they are applied
CHANCES = {"perspective": 0.5, "curl": 0.3, "shadow": 0.25, "uneven_light": 0.4, "defocus": 0.3,
           "motion_blur": 0.2, "low_resolution": 0.35, "noise": 0.5, "jpeg": 0.6}


def photograph(img: np.ndarray, rng: random.Random, strength: float = 1.0) -> tuple[np.ndarray, list[str]]:
    """A random few of the effects (each with its chance times ``strength``); returns the image and
    the names of the effects applied. An effect that would make the line illegible is skipped."""
    applied = []
    for name, p in CHANCES.items():
        if rng.random() < p * strength:
            out = EFFECTS[name](img, rng)
            if legible(out):
                img = out
                applied.append(name)
    return np.ascontiguousarray(img), applied
