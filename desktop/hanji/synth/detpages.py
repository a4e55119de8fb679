"""Pages for fine-tuning the text detector on what it gets wrong on real Korean documents.

Issue 15 lists them: letter-spaced labels (``카 드 번 호``, ``발 급 기 관 명``) that the detector cuts
into syllables, small tightly packed text on phone photos, white-on-black bands, and labels stacked
in one table cell that must stay separate horizontal lines. Each page is a column of blocks of those
kinds, each text line labelled with one quad around its ink:

- ``row``: a label, letter-spaced (0.3-1.7 text heights between syllables) or not, and its value a
  column gap to the right: the value is a line of its own; the label is one line when its syllables are
  under ``PIECE_SPACING`` text heights apart, else each syllable is a piece of its own, as the shipped
  detector finds them (the letter-spaced merge joins pieces it reads as Hangul: a detector taught to
  bridge wide gaps itself learnt to lose syllables and to join pieces half-way);
- ``codes``: a short Latin code, a quantity and an amount a text height or less apart (a receipt's
  tax code column, ``GA 3 12.50``): separate lines, so spacing alone never means one line;
- ``band``: white text on a dark band;
- ``stacked``: two short labels one above the other, a third of a text height apart, with a value
  beside them: two lines and a third;
- ``packed``: a paragraph of small text (10-15 px) with little leading;
- ``line``: a plain line of text.

Lines are drawn in the print styles of :mod:`hanji.synth.print_effects` (plain, bold, wide,
condensed, bitmap, dot-matrix); the page then may be thermal-faded and photographed (shadow, uneven
light, blur, low resolution, noise, JPEG; no geometric warp, so the quads stay exact). Training fonts
and training text only (:func:`hanji.synth.printline.training_faces`, :class:`hanji.synth.vocab.TextMix`):
the held-out families and konlpy's text stay for the benchmarks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter

from hanji.synth import corpus, vocab
from hanji.synth.print_effects import LEGIBLE_CONTRAST, ink_mask

KINDS = {"row": 0.30, "codes": 0.12, "band": 0.12, "stacked": 0.10, "packed": 0.14, "line": 0.22}
PRINT_STYLES = {"plain": 0.45, "bold": 0.14, "wide": 0.08, "condensed": 0.08, "bitmap": 0.13, "dotmatrix": 0.12}
LATIN = "ABCDEFGHJKLMNPRSTVWXYZ"


@dataclass
class DetPage:
    image: np.ndarray  # HxWx3 uint8 RGB
    quads: list[list[tuple[float, float]]] = field(default_factory=list)  # one per text line, clockwise from top-left
    kinds: list[str] = field(default_factory=list)  # the block kind each line came from


class _Canvas:
    def __init__(self, w: int, h: int, rng: random.Random, face):
        self.w, self.h, self.rng, self.face = w, h, rng, face
        self.ink = np.zeros((h, w), np.float32)  # 1: ink of dark text
        self.white = np.zeros((h, w), np.float32)  # 1: ink of text on a band
        self.band = np.zeros((h, w), np.float32)  # 1: a dark band
        self.quads: list[list[tuple[float, float]]] = []
        self.kinds: list[str] = []
        self.style = rng.choices(list(PRINT_STYLES), list(PRINT_STYLES.values()))[0]

    def mask(self, text: str, size: int, spacing: float = 0.0) -> np.ndarray:
        """The ink of ``text``; ``spacing`` in text heights between characters (a spaced label)."""
        style = self.style if self.rng.random() < 0.8 else "plain"
        if not spacing:
            return ink_mask(text, self.face, size, random.Random(self.rng.random()), style)
        parts = [ink_mask(c, self.face, size, random.Random(self.rng.random()), style) for c in text if c != " "]
        h = max(p.shape[0] for p in parts)
        gap = np.zeros((h, max(1, int(round(spacing * size)))), np.float32)
        row = []
        for k, p in enumerate(parts):
            p = _tight_x(p)
            row += ([gap] if k else []) + [np.pad(p, ((0, h - p.shape[0]), (0, 0)))]
        return np.concatenate(row, axis=1)

    def put(self, x: float, y: float, m: np.ndarray, kind: str, white: bool = False, align: str = "left") -> float | None:
        """Draw the ink ``m`` with its top-left at x, y (or its right edge at x); the line's quad is
        kept; returns its right edge, or None when it does not fit."""
        h, w = m.shape
        if align == "right":
            x -= w
        x0, y0 = int(round(x)), int(round(y))
        if x0 < 2 or y0 < 2 or x0 + w > self.w - 2 or y0 + h > self.h - 2:
            return None
        ys, xs = np.nonzero(m > 0.35)
        if not len(xs):
            return None
        size = ys.max() - ys.min() + 1
        pad = 0.12 * size
        bx0, bx1 = max(0.0, x0 + xs.min() - pad), min(float(self.w), x0 + xs.max() + 1 + pad)
        by0, by1 = max(0.0, y0 + ys.min() - pad), min(float(self.h), y0 + ys.max() + 1 + pad)
        for q in self.quads:  # a line never lands on another: each pixel of text belongs to one line
            (qx0, qy0), (qx1, qy1) = q[0], q[2]
            if bx0 < qx1 and qx0 < bx1 and by0 < qy1 and qy0 < by1:
                return None
        target = self.white if white else self.ink
        region = target[y0:y0 + h, x0:x0 + w]
        np.maximum(region, m, out=region)
        self.quads.append([(bx0, by0), (bx1, by0), (bx1, by1), (bx0, by1)])
        self.kinds.append(kind)
        return x0 + w


PIECE_SPACING = 0.6  # text heights between syllables from which a spaced label is drawn as pieces


def _tight_x(m: np.ndarray) -> np.ndarray:
    cols = np.flatnonzero(m.max(axis=0) > 0.2)
    return m[:, cols[0]:cols[-1] + 1] if len(cols) else m


def _text(rng: random.Random, mix, max_chars: int) -> str:
    t, _ = mix.sample(max_chars)
    return t


def _label(rng: random.Random) -> str:
    words = vocab.RECEIPT_LABELS + vocab.CERT_LABELS
    w = rng.choice(words).replace(" ", "")
    return w[:6] if len(w) > 1 else w + "명"


def _value(rng: random.Random, mix) -> str:
    k = rng.random()
    if k < 0.3:
        return corpus.amount(rng)
    if k < 0.45:
        return corpus.date(rng)
    if k < 0.55:
        return corpus.phone(rng)
    if k < 0.65:
        return vocab.card_number(rng)
    return _text(rng, mix, rng.randint(4, 16))


def _code(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.5:
        return "".join(rng.choice(LATIN) for _ in range(rng.randint(1, 2)))
    if k < 0.8:
        return rng.choice(LATIN) + str(rng.randint(0, 9))
    return rng.choice(["SR", "ZR", "TX", "GST", "NT", "EX", "*", "#"])


def detector_page(seed: int, faces: list | None = None, mix=None) -> DetPage:
    """One training page (see the module's doc), reproducible from ``seed``."""
    from hanji.synth.printline import training_faces
    from hanji.synth.vocab import TextMix

    rng = random.Random(seed)
    faces = faces or training_faces()
    if not faces:
        raise RuntimeError("no training fonts: install fonts-nanum or another Korean font family")
    mix = mix or TextMix(random.Random(seed))
    W, H = rng.randint(560, 1000), rng.randint(640, 1000)
    cv = _Canvas(W, H, rng, rng.choice(faces))
    base = rng.choice([18, 20, 22, 24, 26, 28, 32])
    y = rng.uniform(10, 40)
    while y < H - 30:
        kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
        s = max(12, int(base * rng.uniform(0.8, 1.2)))
        x = rng.uniform(10, 60)
        if kind == "row":
            spacing = rng.choice([0.0, rng.uniform(0.3, 0.8), rng.uniform(0.6, 1.7)])
            if spacing < PIECE_SPACING:
                end = cv.put(x, y, cv.mask(_label(rng), s, spacing), kind)
            else:  # each syllable its own piece: the merge joins them once it has read them as Hangul
                end = x
                for k, ch in enumerate(c for c in _label(rng) if c != " "):
                    end = cv.put(end + (spacing * s if k else 0), y, _tight_x(cv.mask(ch, s)), kind)
                    if end is None:
                        break
            if end is not None and rng.random() < 0.85:
                gap = rng.uniform(1.8, 5) * s
                v = cv.mask(_value(rng, mix), s)
                if rng.random() < 0.5:
                    cv.put(W - rng.uniform(10, 40), y, v, kind, align="right")
                else:
                    cv.put(end + gap, y, v, kind)
            y += s * rng.uniform(1.4, 2.2)
        elif kind == "codes":
            cx = x + rng.uniform(0, 0.4) * W
            parts = [_code(rng), str(rng.randint(1, 12))] + ([corpus.amount(rng)] if rng.random() < 0.6 else [])
            for p in parts:
                end = cv.put(cx, y, cv.mask(p, s), kind)
                if end is None:
                    break
                cx = end + rng.uniform(0.6, 1.3) * s
            y += s * rng.uniform(1.4, 2.0)
        elif kind == "band":
            top, bh = y, s * rng.uniform(1.5, 2.2)
            if top + bh > H - 10:
                break
            cv.band[int(top):int(top + bh), int(rng.uniform(0, 30)):W - int(rng.uniform(0, 30))] = 1.0
            t = cv.mask(_text(rng, mix, rng.randint(4, 18)), s, rng.choice([0.0, 0.0, 0.5]))
            cx = (W - t.shape[1]) / 2 if rng.random() < 0.5 else x + 10
            cv.put(cx, top + (bh - t.shape[0]) / 2, t, kind, white=True)
            y += bh + s * rng.uniform(0.6, 1.2)
        elif kind == "stacked":
            first = cv.mask(_label(rng)[:rng.randint(2, 4)], s)
            cv.put(x, y, first, kind)
            y2 = y + first.shape[0] + rng.uniform(0.15, 0.5) * s
            second = cv.mask(_label(rng)[:rng.randint(2, 4)], s)
            cv.put(x, y2, second, kind)
            v = cv.mask(_value(rng, mix), s)
            cv.put(x + rng.uniform(4, 8) * s, (y + y2 + second.shape[0] - v.shape[0]) / 2, v, kind)
            y = y2 + second.shape[0] + s * rng.uniform(0.6, 1.2)
        elif kind == "packed":
            ps = rng.randint(10, 15)
            for _ in range(rng.randint(2, 6)):
                t = cv.mask(_text(rng, mix, rng.randint(12, 40)), ps)
                cv.put(x, y, t, kind)
                y += t.shape[0] + rng.uniform(0.0, 0.3) * ps
            y += ps
        else:
            cv.put(x, y, cv.mask(_text(rng, mix, rng.randint(6, 30)), s), kind)
            y += s * rng.uniform(1.3, 2.0)
    return _finish(cv, rng)


def _finish(cv: _Canvas, rng: random.Random) -> DetPage:
    paper = np.array([rng.randint(215, 255)] * 3, np.float32) + np.array([rng.randint(-8, 4) for _ in range(3)])
    ink = np.array([rng.randint(0, 70)] * 3, np.float32)
    band = np.array([rng.randint(0, 60)] * 3, np.float32)
    fg_white = np.array([rng.randint(215, 255)] * 3, np.float32)
    img = paper[None, None, :] * (1 - cv.band[..., None]) + band[None, None, :] * cv.band[..., None]
    img = img * (1 - cv.ink[..., None]) + ink[None, None, :] * cv.ink[..., None]
    img = img * (1 - cv.white[..., None]) + fg_white[None, None, :] * cv.white[..., None]
    clean = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    for strength in (1.0, 0.6, 0.3):  # weaker effects until every line stays legible (else the clean page)
        img = _effects(clean, rng, strength)
        if all(_contrast(img, q) >= LEGIBLE_CONTRAST for q in cv.quads):
            break
    else:
        img = clean
    return DetPage(np.ascontiguousarray(img), cv.quads, cv.kinds)


def _contrast(img: np.ndarray, quad) -> float:
    (x0, y0), (x1, y1) = quad[0], quad[2]
    g = img[int(y0):int(np.ceil(y1)), int(x0):int(np.ceil(x1))].astype(np.float32).mean(axis=2)
    return float(np.percentile(g, 97) - np.percentile(g, 3)) if g.size else 0.0


def _effects(img: np.ndarray, rng: random.Random, strength: float) -> np.ndarray:
    """Print and capture effects on the whole page, each with its chance times ``strength``."""
    from hanji.synth.photo import jpeg, sensor_noise, shadow, uneven_light
    from hanji.synth.print_effects import thermal

    if rng.random() < 0.35 * strength:
        img = thermal(img, rng)
    if rng.random() < 0.25 * strength:
        img = shadow(img, rng)
    if rng.random() < 0.4 * strength:
        img = uneven_light(img, rng)
    if rng.random() < 0.3 * strength:
        img = np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.3))))
    if rng.random() < 0.3 * strength:  # taken from afar: down and back up
        from hanji import imaging

        h, w = img.shape[:2]
        f = rng.uniform(0.5, 0.8)
        img = imaging.resize(imaging.resize(img, (int(w * f), int(h * f)), "area"), (w, h), "linear")
    if rng.random() < 0.4 * strength:
        img = sensor_noise(img, rng)
    if rng.random() < 0.5 * strength:
        img = jpeg(img, rng)
    return img
