"""How receipts and slips are printed: bitmap and dot-matrix glyphs, double-width, condensed and heavy
type, white-on-black bands, thermal fading and dead print-head dots.

``render_styled(text, face, size, rng, style)`` draws one clean line in a print style (see
:data:`STYLES`); ``thermal(img, rng)`` fades it as an old thermal receipt. Every function keeps
what a person can still read: :func:`legible` is the check (ink/paper contrast, height).
Images are ``HxWx3`` uint8 RGB arrays.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw

# styles and their weights in training renders
STYLES = {"plain": 0.30, "bold": 0.12, "wide": 0.10, "condensed": 0.08, "bitmap": 0.14, "dotmatrix": 0.10,
          "inverse": 0.08, "heavy_wide": 0.08}
# styles of the "hard" share of training lines (PrintLineSampler(hard=...)): the kinds of print a
# recognizer trained on STYLES reads worst (coarse dot grids and bitmaps, fixed-pitch typewriter)
HARD_STYLES = {"typewriter": 0.30, "dotmatrix_coarse": 0.25, "bitmap_coarse": 0.15, "dotmatrix": 0.10,
               "plain": 0.12, "bold": 0.08}
# a line a person can read keeps at least this contrast (97th - 3rd percentile of grey, of 255) ...
LEGIBLE_CONTRAST = 30.0
# ... and at least this height in pixels
LEGIBLE_HEIGHT = 16


def legible(img: np.ndarray) -> bool:
    """Whether a rendered line can still be read by a person: enough ink/paper contrast and height."""
    g = img.mean(axis=2) if img.ndim == 3 else img
    return img.shape[0] >= LEGIBLE_HEIGHT and float(np.percentile(g, 97) - np.percentile(g, 3)) >= LEGIBLE_CONTRAST


def _font(face, size: int):
    from hanji.synth.lines import _font as cached

    return cached(face, size)


def _draw_mask(text: str, face, size: int, spacing: int = 0, stroke: int = 0, antialias: bool = True) -> np.ndarray:
    """The ink of ``text`` as a float mask in [0, 1] (``H x W``), tight around the line's metrics."""
    font = _font(face, size)
    asc, desc = font.getmetrics()
    widths = [font.getlength(c) + spacing for c in text] if spacing else None
    tw = int(sum(widths)) if widths else int(font.getlength(text))
    pad = stroke + 1
    img = Image.new("L", (max(4, tw + 2 * pad), asc + desc + 2 * pad), 0)
    d = ImageDraw.Draw(img)
    if not antialias:
        d.fontmode = "1"
    if widths:
        x = pad
        for c, cw in zip(text, widths):
            d.text((x, pad), c, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
            x += cw
    else:
        d.text((pad, pad), text, font=font, fill=255, stroke_width=stroke, stroke_fill=255)
    return np.asarray(img, np.float32) / 255.0


def _scale_x(mask: np.ndarray, f: float, nearest: bool = False) -> np.ndarray:
    h, w = mask.shape
    im = Image.fromarray((mask * 255).astype(np.uint8))
    im = im.resize((max(4, int(round(w * f))), h), Image.NEAREST if nearest else Image.BILINEAR)
    return np.asarray(im, np.float32) / 255.0


def _bitmap(text: str, face, size: int, rng: random.Random) -> np.ndarray:
    """Glyphs rasterised without anti-aliasing at 12-16 px and scaled up by whole pixels (POS printers'
    bitmap fonts), sometimes double-width."""
    small = rng.randint(12, 16)
    m = _draw_mask(text, face, small, antialias=False)
    k = max(2, round(size / small))
    kx = k * (2 if rng.random() < 0.25 else 1)
    return np.kron(m, np.ones((k, kx), np.float32))


def _dotmatrix(text: str, face, size: int, rng: random.Random) -> np.ndarray:
    """Glyphs on a dot grid (impact printers): a 14-18 px binary raster, each inked cell one round dot."""
    small = rng.randint(14, 18)
    m = _draw_mask(text, face, small, antialias=False) > 0.5
    cell = max(2, round(size / small))
    if rng.random() < 0.3:
        m = m | np.roll(m, 1, axis=1)  # double-strike, as the emphasised mode
    return _pins(m, cell, cell * rng.uniform(0.42, 0.6))


def _pins(mask: np.ndarray, cell: int, r: float) -> np.ndarray:
    """Each cell of ``mask`` printed as one round dot of radius ``r`` (anti-aliased) in a ``cell`` px square."""
    yy, xx = np.mgrid[0:cell, 0:cell]
    c = (cell - 1) / 2
    dot = np.clip(r + 0.5 - np.hypot(yy - c, xx - c), 0, 1).astype(np.float32)
    return np.kron(mask.astype(np.float32), dot)


def _dotmatrix_coarse(text: str, face, size: int, rng: random.Random) -> np.ndarray:
    """Dot-matrix glyphs on a coarse grid: the line rasterised at only 11-14 px (anti-aliased, then cut
    at a random ink threshold, as a printer driver rounds a glyph to its pins), each cell one dot of
    a random radius."""
    small = rng.randint(11, 14)
    m = _draw_mask(text, face, small) > rng.uniform(0.3, 0.6)
    cell = max(2, round(size / small))
    return _pins(m, cell, cell * rng.uniform(0.4, 0.58))


def _bitmap_coarse(text: str, face, size: int, rng: random.Random) -> np.ndarray:
    """A bitmap font of only 11-14 px, cut at a random threshold and scaled up by whole pixels."""
    small = rng.randint(11, 14)
    m = (_draw_mask(text, face, small) > rng.uniform(0.3, 0.6)).astype(np.float32)
    k = max(2, round(size / small))
    return np.kron(m, np.ones((k, k * (2 if rng.random() < 0.2 else 1)), np.float32))


def _typewriter(text: str, face, size: int, rng: random.Random) -> np.ndarray:
    """A typewriter's line: every character in a cell of a fixed width (Hangul a full pitch, Latin,
    digits and symbols half of it), each struck
    with its own pressure (ink 0.5-1) and a little off the line, through a grainy ribbon."""
    font = _font(face, size)
    asc, desc = font.getmetrics()
    pitch = font.getlength("가") * rng.uniform(0.95, 1.15)
    cells = [pitch if ord(c) >= 0x1100 else pitch / 2 for c in text]  # Hangul full pitch, the rest half
    jitter = max(1, size // 18)
    pad = jitter + 1
    img = np.zeros((asc + desc + 2 * pad, int(sum(cells)) + 2 * pad), np.float32)
    x0 = 0.0
    for c, cw in zip(text, cells):
        g = _draw_mask(c, face, size, stroke=1 if rng.random() < 0.15 else 0)
        gh, gw = g.shape
        x = pad + int(x0 + (cw - gw) / 2)
        x0 += cw
        y = pad - 1 + rng.randint(-jitter, jitter)
        x, y = max(0, x), max(0, y)
        g = g[: img.shape[0] - y, : img.shape[1] - x] * rng.uniform(0.5, 1.0)
        img[y : y + g.shape[0], x : x + g.shape[1]] = np.maximum(img[y : y + g.shape[0], x : x + g.shape[1]], g)
    grain = np.random.default_rng(rng.getrandbits(32)).random(img.shape).astype(np.float32)
    return img * (1 - rng.uniform(0.15, 0.45) * (grain > 0.6))


def ink_mask(text: str, face, size: int, rng: random.Random, style: str) -> np.ndarray:
    """The ink of ``text`` drawn in ``style`` (a key of :data:`STYLES` or :data:`HARD_STYLES`)."""
    if style == "typewriter":
        return _typewriter(text, face, size, rng)
    if style == "dotmatrix_coarse":
        return _dotmatrix_coarse(text, face, size, rng)
    if style == "bitmap_coarse":
        return _bitmap_coarse(text, face, size, rng)
    spacing = rng.choice([0, 0, 0, 1, 2, size // 5]) if len(text) < 25 else 0
    if style == "bitmap":
        return _bitmap(text, face, size, rng)
    if style == "dotmatrix":
        return _dotmatrix(text, face, size, rng)
    if style == "bold":
        return _draw_mask(text, face, size, spacing, stroke=max(1, size // 28))
    if style == "wide":
        return _scale_x(_draw_mask(text, face, size, spacing), rng.uniform(1.5, 2.1))
    if style == "heavy_wide":
        return _scale_x(_draw_mask(text, face, size, spacing, stroke=max(1, size // 22)), rng.uniform(1.3, 2.0))
    if style == "condensed":
        return _scale_x(_draw_mask(text, face, size, spacing), rng.uniform(0.62, 0.82))
    return _draw_mask(text, face, size, spacing)


def render_styled(text: str, face, size: int, rng: random.Random, style: str = "plain") -> np.ndarray:
    """One clean line in a print style on paper (or, for ``inverse``, a dark band): RGB uint8."""
    m = ink_mask(text, face, size, rng, style)
    h = m.shape[0]
    mx, top, bot = rng.randint(1, max(2, h // 3)), rng.randint(0, max(1, h // 6)), rng.randint(0, max(1, h // 6))
    m = np.pad(m, ((top, bot), (mx, mx + rng.randint(0, 3))))
    if style == "inverse" or rng.random() < 0.03:
        bg = np.array([rng.randint(0, 70)] * 3, np.float32) + np.array([rng.randint(-8, 8) for _ in range(3)])
        fg = np.array([rng.randint(200, 255)] * 3, np.float32)
    else:
        base = rng.randint(200, 255)
        bg = np.array([min(255, base + rng.randint(-10, 10)) for _ in range(3)], np.float32)
        ink = rng.randint(0, 80)
        fg = np.array([max(0, ink + rng.randint(-15, 15)) for _ in range(3)], np.float32)
        if rng.random() < 0.08:  # coloured ink (red totals, blue stamps)
            fg = np.array([rng.randint(0, 170) for _ in range(3)], np.float32)
    a = bg[None, None, :] * (1 - m[..., None]) + fg[None, None, :] * m[..., None]
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def thermal(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """An old thermal receipt: greyish paper, faded ink fading unevenly along the line, light bands
    across it and dead print-head dots (thin light streaks across the text, in the feed direction).
    The ink keeps at least :data:`LEGIBLE_CONTRAST` (and a third of its contrast) against the paper."""
    a = img.astype(np.float32)
    h, w = a.shape[:2]
    g = a.mean(axis=2)
    paper, inkv = float(np.percentile(g, 97)), float(np.percentile(g, 3))
    dark_on_light = paper > inkv
    contrast = abs(paper - inkv)
    keep_min = max(LEGIBLE_CONTRAST * 1.6, contrast / 3) / max(contrast, 1.0)
    fade = rng.uniform(max(keep_min, 0.35), 0.8)
    xs = np.linspace(0, rng.uniform(0.5, 4) * np.pi, w)
    f = fade + rng.uniform(0, 0.25) * np.sin(xs + rng.uniform(0, 6))
    f = f[None, :] * (1 - rng.uniform(0, 0.2) * (np.random.default_rng(rng.getrandbits(32)).random((h, 1)) > 0.7))
    f = np.clip(f, min(1.0, keep_min), 1.0)
    n_dead = rng.randint(0, max(1, w // 60))
    for x in [rng.randrange(w) for _ in range(n_dead)]:
        f[:, x:x + rng.choice([1, 1, 2])] *= rng.uniform(0.2, 0.6)
        f = np.maximum(f, 0.0)
    ref = np.full_like(a, paper)
    out = ref + (a - ref) * f[..., None]
    if dark_on_light:  # paper yellows / greys a little
        out = out - rng.uniform(0, 25) + np.array([rng.uniform(-4, 6), rng.uniform(-4, 4), rng.uniform(-10, 0)])
    res = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return res if legible(res) else img
