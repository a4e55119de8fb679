"""Rendering realistic text-line images with real Korean fonts, for training and testing recognizers.

``render_line(text, font, rng)`` draws one line and degrades it the way scanned, photographed and
thermal-printed documents are degraded (blur, noise, JPEG, perspective, fading, low resolution).
``LineSampler`` draws (image, text) pairs from the text generators of :mod:`hanji.synth.corpus`,
reproducibly from a seed, skipping text a font cannot draw. Images are ``HxWx3`` uint8 RGB arrays.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from hanji.synth.corpus import sample_text
from hanji.synth.fonts import cmap_chars, korean_fonts

# whole font families kept out of training so that evaluation measures unseen type faces (family ->
# its files as Debian installs them); benchmarks render with these, training never does
HELD_OUT_FAMILIES = {
    "NanumMyeongjo": ("NanumMyeongjo.ttf", "NanumMyeongjoBold.ttf", "NanumMyeongjoExtraBold.ttf",
                      "NanumMyeongjoEcoR.ttf", "NanumMyeongjo-YetHangul.ttf"),
    "UnDotum": ("UnDotum.ttf", "UnDotumBold.ttf"),
    "NanumSquareRound": ("NanumSquareRoundR.ttf", "NanumSquareRoundB.ttf", "NanumSquareRoundEB.ttf",
                         "NanumSquareRoundL.ttf"),
    "Noto Serif CJK": tuple(f"NotoSerifCJK-{w}.ttc" for w in ("Regular", "Bold", "Black", "ExtraLight", "Light",
                                                             "Medium", "SemiBold")),
    "Baekmuk Gulim": ("gulim.ttf",),
    "UnTaza": ("UnTaza.ttf",),
}
# the file names of the held-out families: what font_faces(held_out=...) splits on
HELD_OUT_FONTS = tuple(f for files in HELD_OUT_FAMILIES.values() for f in files)
# thermal fading never leaves less ink/paper contrast than this (of 255): faint, but a person can read it
MIN_CONTRAST = 60.0
# degradations never shrink a line below this height in pixels
MIN_HEIGHT = 16


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int = 0  # face index inside a .ttc collection (the Korean face for Noto CJK)

    @property
    def name(self) -> str:
        return self.path.name


def _face_index(path: Path) -> int:
    # Noto CJK collections hold JP, KR, SC, TC, HK faces; index 1 is the Korean one
    return 1 if path.suffix.lower() == ".ttc" and "cjk" in path.name.lower() else 0


def font_faces(held_out: bool | None = None) -> list[FontFace]:
    """Korean font faces on this machine. ``held_out``: True only the evaluation fonts, False only the
    training fonts, None all."""
    faces = [FontFace(p, _face_index(p)) for p in korean_fonts()]
    if held_out is None:
        return faces
    return [f for f in faces if (f.name in HELD_OUT_FONTS) == held_out]


@lru_cache(maxsize=64)
def font_coverage(face: FontFace) -> frozenset[str]:
    """The characters a face has glyphs for (from its cmap)."""
    return cmap_chars(face.path, face.index) | {" "}


@lru_cache(maxsize=512)
def _font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size, index=face.index)


def can_render(face: FontFace, text: str) -> bool:
    cov = font_coverage(face)
    return all(c in cov for c in text)


def _paper(rng: random.Random, w: int, h: int) -> tuple[Image.Image, tuple[int, int, int]]:
    if rng.random() < 0.06:  # light text on a dark band
        bg = tuple(rng.randint(10, 90) for _ in range(3))
        fg = tuple(rng.randint(200, 255) for _ in range(3))
    else:
        base = rng.randint(190, 255)
        bg = tuple(min(255, base + rng.randint(-12, 12)) for _ in range(3))
        ink = rng.randint(0, 90)
        fg = tuple(max(0, ink + rng.randint(-20, 20)) for _ in range(3))
        if rng.random() < 0.1:  # coloured ink
            fg = tuple(rng.randint(0, 160) for _ in range(3))
    return Image.new("RGB", (w, h), bg), fg


def render_clean(text: str, face: FontFace, size: int, rng: random.Random) -> np.ndarray:
    """Draw ``text`` with a tight-ish margin, no degradation other than paper and ink colour."""
    font = _font(face, size)
    spacing = rng.choice([0, 0, 0, 0, 1, 2, size // 6]) if len(text) < 25 else 0
    if spacing:
        widths = [font.getlength(c) + spacing for c in text]
        tw = int(sum(widths))
    else:
        tw = int(font.getlength(text))
    asc, desc = font.getmetrics()
    mx = rng.randint(1, max(2, size // 3))
    top, bot = rng.randint(0, max(1, size // 5)), rng.randint(0, max(1, size // 5))
    w, h = tw + 2 * mx, asc + desc + top + bot
    img, fg = _paper(rng, max(w, 4), max(h, 4))
    d = ImageDraw.Draw(img)
    if spacing:
        x = mx
        for c, cw in zip(text, widths):
            d.text((x, top), c, font=font, fill=fg)
            x += cw
    else:
        d.text((mx, top), text, font=font, fill=fg)
    if rng.random() < 0.08:  # a rule line under or over the text, as in tables and forms
        y = rng.choice([h - 1 - rng.randint(0, 2), rng.randint(0, 2)])
        d.line([(0, y), (w, y)], fill=fg, width=1)
    return np.asarray(img)


def _u8(a: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def degrade(img: np.ndarray, rng: random.Random, strength: float = 1.0) -> np.ndarray:
    """Scan/photo/thermal-print degradations; ``strength`` 0 leaves the image nearly clean."""
    from hanji import imaging

    a = img.astype(np.float32)
    h, w = a.shape[:2]
    s = strength
    if rng.random() < 0.25 * s:  # thermal print: faded, uneven ink along the line, light streaks
        ink = 255 - a.mean(axis=2, keepdims=True)
        xs = np.linspace(0, rng.uniform(1, 6) * np.pi, w)
        fade = rng.uniform(0.35, 0.85) + rng.uniform(0, 0.3) * np.sin(xs + rng.uniform(0, 6))
        # fading scales the ink/paper contrast by ``fade``; keep what a person can still read
        lum = a.mean(axis=2)
        contrast = float(np.percentile(lum, 99) - np.percentile(lum, 1))
        floor = min(1.0, max(0.2, MIN_CONTRAST / max(contrast, 1.0)))
        if rng.random() < 0.5:
            fade = fade * (0.7 + 0.3 * (np.random.default_rng(rng.getrandbits(32)).random((1, w, 1)) > 0.1)[0, :, 0])
        fade = np.clip(fade, floor, 1.0)[None, :, None]
        a = np.clip(a + ink * (1 - fade), 0, 255)
    if rng.random() < 0.35 * s:  # perspective / rotation
        m = max(1.0, 0.06 * h)
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        dst = src + np.float32([[rng.uniform(-m, m), rng.uniform(-m, m)] for _ in range(4)])
        if rng.random() < 0.5:
            ang = np.deg2rad(rng.uniform(-1.5, 1.5))
            dst[:, 1] += (dst[:, 0] - w / 2) * np.tan(ang)
        M = imaging.perspective_transform(src, dst)
        border = tuple(float(v) for v in a[0, 0])
        a = imaging.warp_perspective(_u8(a), M, (w, h), border=border).astype(np.float32)
    if rng.random() < 0.3 * s:  # low resolution: down and back up
        f = max(rng.uniform(0.35, 0.8), MIN_HEIGHT / h)  # Hangul under ~16 px tall is a guess for anyone
        small = imaging.resize(_u8(a), (max(4, int(w * f)), max(4, int(h * f))), "area")
        a = imaging.resize(small, (w, h), rng.choice(["linear", "nearest", "cubic"])).astype(np.float32)
    if rng.random() < 0.4 * s:
        k = rng.uniform(0.3, 1.3)
        a = imaging.gaussian_blur(_u8(a), k).astype(np.float32)
    if rng.random() < 0.2 * s:  # uneven lighting
        g = np.linspace(rng.uniform(-40, 10), rng.uniform(-10, 40), w)[None, :, None]
        a = a + g
    if rng.random() < 0.5 * s:
        nrng = np.random.default_rng(rng.getrandbits(32))
        a = a + nrng.normal(0, rng.uniform(2, 14), a.shape if rng.random() < 0.3 else (h, w, 1))
    a = np.clip(a, 0, 255).astype(np.uint8)
    if rng.random() < 0.5 * s:
        buf = io.BytesIO()
        Image.fromarray(a).save(buf, format="JPEG", quality=rng.randint(15, 90))
        a = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    if rng.random() < 0.15 * s:  # ink spread (thicker strokes) or ink starved (thinner)
        thicker = rng.random() < 0.5
        if thicker or h >= 2 * MIN_HEIGHT + 8:  # a 3-pixel erosion wipes out the strokes of small text
            b = np.asarray(Image.fromarray(a).filter(ImageFilter.MinFilter(3) if thicker else ImageFilter.MaxFilter(3)))
            a = b if thicker else ((a.astype(np.uint16) + b) // 2).astype(np.uint8)
    return np.ascontiguousarray(a)


def restore_contrast(img: np.ndarray, target: float = 40.0) -> np.ndarray:
    """``img`` unchanged when a person can read it (:func:`hanji.synth.print_effects.legible`), else its
    grey levels stretched about their mean until ink and paper differ by ``target`` (no random draw,
    so a sampler's stream of lines stays the same). Hairline fonts faded and blurred fell below."""
    from hanji.synth.print_effects import legible

    if legible(img) or img.shape[0] < MIN_HEIGHT:
        return img
    g = img.mean(axis=2)
    c = float(np.percentile(g, 97) - np.percentile(g, 3))
    a = img.astype(np.float32)
    mean = a.mean(axis=(0, 1), keepdims=True)
    return _u8((a - mean) * (target / max(c, 1.0)) + mean)


def render_line(text: str, face: FontFace, rng: random.Random, size: int | None = None,
                strength: float = 1.0) -> np.ndarray:
    size = size or rng.randint(20, 44)
    return restore_contrast(degrade(render_clean(text, face, size, rng), rng, strength))


class LineSampler:
    """Reproducible stream of ``(image, text)`` pairs: same seed, same lines."""

    def __init__(self, seed: int = 0, faces: list[FontFace] | None = None, kinds: list[str] | None = None,
                 max_chars: int = 28, strength: float = 1.0) -> None:
        self.rng = random.Random(seed)
        self.faces = faces if faces is not None else font_faces(held_out=False)
        if not self.faces:
            raise RuntimeError("no Korean fonts found")
        self.kinds = kinds
        self.max_chars = max_chars
        self.strength = strength

    def sample(self) -> tuple[np.ndarray, str]:
        rng = self.rng
        for _ in range(50):
            face = rng.choice(self.faces)
            text = sample_text(rng, self.kinds, rng.randint(4, self.max_chars))
            if can_render(face, text):
                return render_line(text, face, rng, strength=self.strength), text
        text = "".join(c for c in text if c in font_coverage(face)).strip() or "0"
        return render_line(text, face, rng, strength=self.strength), text

    def batch(self, n: int) -> list[tuple[np.ndarray, str]]:
        return [self.sample() for _ in range(n)]
