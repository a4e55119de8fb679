"""The print-reality line engine: text from :class:`hanji.synth.vocab.TextMix`, drawn in a print style
(:mod:`hanji.synth.print_effects`), then thermal-faded, scanned (:func:`hanji.synth.lines.degrade`) or
photographed (:mod:`hanji.synth.photo`).

``PrintLineSampler(seed)`` is a reproducible stream of ``(image, text)`` pairs over the training fonts
and training text; ``PrintLineSampler(seed, held_out=True)`` renders evaluation lines with the held-out
font families and held-out text. Every line passes :func:`hanji.synth.print_effects.legible`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from hanji.synth.lines import FontFace, can_render, degrade, font_coverage, font_faces
from hanji.synth.photo import photograph, small_text
from hanji.synth.print_effects import HARD_STYLES, STYLES, legible, render_styled, thermal
from hanji.synth.vocab import TextMix

# font files never drawn from for training lines (brush handwriting, not print)
NOT_PRINT = ("NanumBrush.ttf", "NanumPen.ttf")


def training_faces() -> list[FontFace]:
    return [f for f in font_faces(held_out=False) if f.name not in NOT_PRINT]


def evaluation_faces() -> list[FontFace]:
    return font_faces(held_out=True)


def _families(faces: list[FontFace]) -> list[list[FontFace]]:
    from hanji.synth.lines import HELD_OUT_FAMILIES

    groups = [[f for f in faces if f.name in files] for files in HELD_OUT_FAMILIES.values()]
    rest = [f for f in faces if not any(f in g for g in groups)]
    return [g for g in groups if g] + [[f] for f in rest]


@dataclass
class LineInfo:
    """How a line was made (for benchmarks that report by kind)."""

    text_kind: str = ""
    face: str = ""
    style: str = ""
    effects: list[str] = field(default_factory=list)


def render_print_line(text: str, face: FontFace, rng: random.Random, style: str | None = None,
                      strength: float = 1.0, info: LineInfo | None = None) -> np.ndarray:
    """One line in a print style with print and capture effects; always :func:`legible`."""
    style = style or rng.choices(list(STYLES), list(STYLES.values()))[0]
    if style in HARD_STYLES and style not in STYLES:
        return render_hard_line(text, face, rng, style, strength, info)
    size = rng.randint(20, 44)
    clean = render_styled(text, face, size, rng, style)
    effects: list[str] = []
    img = _thermal(clean, rng, (0.45 if style in ("bitmap", "dotmatrix", "plain") else 0.25) * strength, effects)
    r = rng.random()
    if r < 0.5:
        img, applied = photograph(img, rng, strength)
        effects += applied
    elif r < 0.85:
        img = degrade(img, rng, strength * 0.8)
        effects.append("scan")
    return _finish(img, clean, effects, face, style, info)


def render_hard_line(text: str, face: FontFace, rng: random.Random, style: str | None = None,
                     strength: float = 1.0, info: LineInfo | None = None) -> np.ndarray:
    """A line of the kinds read worst: a :data:`HARD_STYLES` style, mostly photographed, often small
    (:func:`hanji.synth.photo.small_text`); always :func:`legible`."""
    style = style or rng.choices(list(HARD_STYLES), list(HARD_STYLES.values()))[0]
    clean = render_styled(text, face, rng.randint(20, 40), rng, style)
    effects: list[str] = []
    img = _thermal(clean, rng, 0.3 * strength, effects)
    if rng.random() < 0.7:
        img, applied = photograph(img, rng, 0.7 * strength)
        effects += applied
    else:
        img = degrade(img, rng, strength * 0.6)
        effects.append("scan")
    blurred = {"defocus", "motion_blur", "low_resolution"} & set(effects)
    if rng.random() < (0.25 if blurred else 0.6) * strength:
        out = small_text(img, rng)
        if legible(out):
            img = out
            effects.append("small_text")
    return _finish(img, clean, effects, face, style, info)


def _thermal(img: np.ndarray, rng: random.Random, p: float, effects: list[str]) -> np.ndarray:
    """A thermal printer's fade (:func:`hanji.synth.print_effects.thermal`) with probability ``p``
    (one ``rng.random()``, then the fade's own draws), noted in ``effects``."""
    if rng.random() < p:
        img = thermal(img, rng)
        effects.append("thermal")
    return img


def _finish(img: np.ndarray, clean: np.ndarray, effects: list[str], face: FontFace, style: str,
            info: LineInfo | None) -> np.ndarray:
    """The line as drawn, or the clean line (no effects) where the effects left it not
    :func:`legible`; ``info`` told how it was made. No draws from the rng."""
    if not legible(img):
        img, effects = clean, []
    if info is not None:
        info.face, info.style, info.effects = face.name, style, effects
    return img


class PrintLineSampler:
    """Reproducible stream of ``(image, text)``: same seed, same lines."""

    def __init__(self, seed: int = 0, held_out: bool = False, faces: list[FontFace] | None = None,
                 max_chars: int = 28, strength: float = 1.0, hard: float = 0.0) -> None:
        self.rng = random.Random(seed)
        # the share of lines from render_hard_line (0: the stream is the same as without it)
        self.hard = hard
        self.faces = faces if faces is not None else (evaluation_faces() if held_out else training_faces())
        if not self.faces:
            raise RuntimeError("no Korean fonts found" + (" in the held-out families" if held_out else ""))
        self.text = TextMix(self.rng, held_out=held_out)
        # held-out lines: each family equally often (Noto Serif's seven weights would otherwise dominate)
        self.by_family = _families(self.faces) if held_out else None
        self.max_chars = max_chars
        self.strength = strength

    def sample(self, info: LineInfo | None = None) -> tuple[np.ndarray, str]:
        rng = self.rng
        for _ in range(50):
            face = rng.choice(rng.choice(self.by_family)) if self.by_family else rng.choice(self.faces)
            text, kind = self.text.sample(rng.randint(4, self.max_chars))
            if can_render(face, text):
                break
        else:
            text = "".join(c for c in text if c in font_coverage(face)).strip() or "0"
        if info is not None:
            info.text_kind = kind
        if self.hard and rng.random() < self.hard:
            return render_hard_line(text, face, rng, strength=self.strength, info=info), text
        return render_print_line(text, face, rng, strength=self.strength, info=info), text

    def batch(self, n: int) -> list[tuple[np.ndarray, str]]:
        return [self.sample() for _ in range(n)]
