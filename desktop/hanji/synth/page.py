"""A page that records what it draws: each text line becomes a Region with its BIO tags and key-values.

Templates call :meth:`Page.put` with the pieces of a line, each piece with a field name or ``None``;
the page draws the line with the page's font, and keeps a quad around the drawn ink, the exact text,
a BIO tag per whitespace token, and a :class:`~hanji.domain.KeyValue` per labelled piece.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from hanji.domain import KeyValue, Link, Region
from hanji.domain.text import tokens

Piece = tuple[str, "str | None"]


def bold_sibling(font: Path) -> Path:
    """The bold face next to ``font`` (NanumGothic.ttf -> NanumGothicBold.ttf), or ``font`` itself."""
    stem, suf = font.stem, font.suffix
    for cand in (stem + "Bold", stem.replace("Regular", "Bold"), stem.replace("Light", "Bold"),
                 stem[:-1] + "B" if stem.endswith("R") else stem):
        p = font.with_name(cand + suf)
        if p != font and p.exists():
            return p
    return font


@dataclass
class Page:
    width: int
    height: int
    font_path: Path
    bg: tuple[int, int, int] = (255, 255, 255)
    ink: tuple[int, int, int] = (25, 25, 25)
    regions: list[Region] = field(default_factory=list)
    keyvalues: list[KeyValue] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # src/dst are indices into ``regions``

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", (self.width, self.height), self.bg)
        self.draw = ImageDraw.Draw(self.image)
        self._fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}
        self._bold = bold_sibling(self.font_path)

    def font(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (int(size), bold)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(str(self._bold if bold else self.font_path), int(size))
        return self._fonts[key]

    def width_of(self, text: str, size: int, bold: bool = False) -> float:
        return self.font(size, bold).getlength(text)

    def put(self, x: float, y: float, pieces: list[Piece] | str, size: int, bold: bool = False,
            anchor: str = "l", ink: tuple[int, int, int] | None = None, cont: bool = False) -> int:
        """Draw one line at ``x`` (left, right or centre per ``anchor`` l/r/c) and top ``y``.

        ``cont``: the first labelled piece continues the previous key-value of the same field (a value
        wrapped onto the next line): it is tagged ``I-`` and its text is appended to that value.
        Returns the index of the new region.
        """
        if isinstance(pieces, str):
            pieces = [(pieces, None)]
        pieces = [(t, lab) for t, lab in pieces if t.strip()]
        text = " ".join(t for t, _ in pieces)
        f = self.font(size, bold)
        a = {"l": "la", "r": "ra", "c": "ma"}[anchor]
        self.draw.text((x, y), text, font=f, fill=ink or self.ink, anchor=a)
        x0, y0, x1, y1 = self.draw.textbbox((x, y), text, font=f, anchor=a)
        pad = max(1.0, size * 0.08)
        tags: list[str] = []
        labels = []
        for i, (t, lab) in enumerate(pieces):
            toks = tokens(t)
            if lab:
                first = "I-" if (cont and i == 0) else "B-"
                tags += [first + lab] + ["I-" + lab] * (len(toks) - 1)
                labels.append(lab)
                prev = self._last_kv(lab) if (cont and i == 0) else None
                if prev is not None:
                    prev.value = prev.value + " " + t.strip()
                else:
                    self.keyvalues.append(KeyValue(lab, t.strip(), source="synth"))
            else:
                tags += ["O"] * len(toks)
        label = labels[0] if len(set(labels)) == 1 else ""
        self.regions.append(Region(points=[(x0 - pad, y0 - pad), (x1 + pad, y0 - pad), (x1 + pad, y1 + pad),
                                           (x0 - pad, y1 + pad)], text=text, label=label, tags=tags,
                                   status="confirmed", source="synth"))
        return len(self.regions) - 1

    def _last_kv(self, key: str) -> KeyValue | None:
        for kv in reversed(self.keyvalues):
            if kv.key == key:
                return kv
        return None

    def link(self, src: int, dst: int, key: str = "") -> None:
        self.links.append(Link(src=src, dst=dst, key=key))

    def pair(self, x_label: float, x_value: float, y: float, label: str, value: str, key: str, size: int,
             bold: bool = False, value_anchor: str = "l") -> tuple[int, int]:
        """A label region and a value region on one line, linked label -> value."""
        a = self.put(x_label, y, label, size, bold=bold)
        b = self.put(x_value, y, [(value, key)], size, bold=bold, anchor=value_anchor)
        self.link(a, b, key)
        return a, b

    def wrap(self, text: str, size: int, max_width: float, bold: bool = False) -> list[str]:
        """Split ``text`` at spaces into lines no wider than ``max_width``."""
        lines: list[str] = []
        cur = ""
        for tok in text.split():
            cand = (cur + " " + tok) if cur else tok
            if cur and self.width_of(cand, size, bold) > max_width:
                lines.append(cur)
                cur = tok
            else:
                cur = cand
        if cur:
            lines.append(cur)
        return lines

    def hline(self, x0: float, x1: float, y: float, width: int = 1, dashed: bool = False) -> None:
        if not dashed:
            self.draw.line([(x0, y), (x1, y)], fill=self.ink, width=width)
            return
        x = x0
        while x < x1:
            self.draw.line([(x, y), (min(x + 6, x1), y)], fill=self.ink, width=width)
            x += 10


def finish(page: Page, r: random.Random, angle: float = 0.0, margin: int = 0,
           backdrop: tuple[int, int, int] | None = None, blur: float = 0.0, noise: float = 0.0,
           crop_height: int | None = None) -> Image.Image:
    """Crop, put on a backdrop, rotate, blur and add noise; the page's region quads follow."""
    img = page.image
    if crop_height is not None and crop_height < img.height:
        img = img.crop((0, 0, img.width, crop_height))
    if margin:
        bd = backdrop or (200, 200, 200)
        canvas = Image.new("RGB", (img.width + 2 * margin, img.height + 2 * margin), bd)
        canvas.paste(img, (margin, margin))
        img = canvas
        for reg in page.regions:
            reg.points = [(px + margin, py + margin) for px, py in reg.points]
    if angle:
        w, h = img.size
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=backdrop or page.bg)
        nw, nh = img.size
        t = math.radians(angle)
        c, s = math.cos(t), math.sin(t)
        for reg in page.regions:
            pts = []
            for px, py in reg.points:
                dx, dy = px - w / 2, py - h / 2
                pts.append((dx * c + dy * s + nw / 2, -dx * s + dy * c + nh / 2))
            reg.points = pts
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        import numpy as np

        arr = np.asarray(img).astype(np.int16)
        rng = np.random.default_rng(r.randint(0, 2**31))
        arr = arr + rng.normal(0, noise, arr.shape).astype(np.int16)
        img = Image.fromarray(arr.clip(0, 255).astype("uint8"))
    return img
