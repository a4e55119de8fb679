"""A validation twin of the realistic Korean set (benchmarks/realistic_pages.py), and what each
line of either set went through.

Settings of the recognizer's decoding and test-time reading are tuned on pages that the same
templates and the same print and photo effects render, but with the *training* font families
(print families only: no brush or pen hands, the benchmark has none) and the *training* text (the
Korean gettext catalogs not held out, hunspell-ko's and kiwipiepy-model's words), from seeds apart
from the benchmark's (7). Neither konlpy's kolaw/kobill nor a held-out family is read here, so a
setting chosen on these pages has never seen the benchmark's.

:func:`annotated` builds either set and records each line's attributes (font family, dot-matrix,
white on black, letter spacing, double width, text size; the page's thermal fade, photo, skew,
blur, scale, JPEG quality), for benchmarks/ocr_errors.py.
"""

from __future__ import annotations

import random
import re
from contextlib import contextmanager
from functools import lru_cache

import realistic_pages as rp

VALIDATION_SEED = 31
# training families that print (the brush, pen and handwriting families are left out: the
# benchmark's families are all print faces)
PRINT_FAMILIES = ("nanumgothic", "notosanscjk", "nanumbarungothic", "nanumsquare", "nanumsquare_ac", "undinaru",
                  "nanumgothiccoding", "unbatang", "ungraphic", "batang", "dotum", "unshinmun", "unvada",
                  "notosanscjkdemi", "unyetgul")


@lru_cache(maxsize=1)
def training_corpus() -> tuple[list[str], list[str]]:
    """(sentences, words) from the recognizer's training text, filtered as rp.corpus() filters kolaw/kobill."""
    from hanji.synth.textsource import gettext_lines, hunspell_words, kiwi_words

    sentences = []
    for raw in gettext_lines(False):
        s = re.sub(r"[^\uac00-\ud7a3A-Za-z0-9 .,()·:%-]", "", " ".join(raw.split())).strip()
        if 12 <= len(s) <= 40 and sum("\uac00" <= c <= "\ud7a3" for c in s) >= 8:
            sentences.append(s)
    words = sorted({w for w in hunspell_words() + kiwi_words() if re.fullmatch(r"[\uac00-\ud7a3]{2,6}", w)})
    rng = random.Random(0)
    words = rng.sample(words, min(len(words), 30_000))  # the benchmark draws from some thousands
    return sentences, sorted(words)


def training_faces() -> list[list[tuple[str, int]]]:
    from hanji.synth.lines import font_faces

    fams: dict[str, list[tuple[str, int]]] = {}
    for f in font_faces(held_out=False):
        fam = rp.family(f.name)
        if fam in PRINT_FAMILIES:
            fams.setdefault(fam, []).append((str(f.path), f.index))
    return [fams[k] for k in sorted(fams)]


def validation_pages(n: int, seed: int = VALIDATION_SEED) -> list[rp.Page]:
    """``n`` pages of the realistic templates and effects in training families and training text."""
    return [p for p, _ in annotated(n, seed, validation=True)]


@contextmanager
def _patched(obj, name, value):
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def _page_effects(rng: random.Random, kind: str) -> dict:
    """The choices rp.finish makes from ``rng`` (a copy of its state), replayed in its order."""
    e = {"thermal": False}
    if kind == "receipt" and rng.random() < 0.7:
        rng.getrandbits(32)
        e["thermal"] = True
        e["fade"] = rng.uniform(0.35, 0.75)
        rng.random()
    rng.uniform(225, 250)
    rng.uniform(0.95, 1.0)
    rng.uniform(0.9, 1.0)
    e["photo"] = photo = rng.random() < 0.6
    e["angle"] = rng.uniform(-8, 8) if photo else rng.uniform(-2, 2)
    for _ in range(8):
        rng.uniform(-1, 1)
    if photo:
        for _ in range(3):
            rng.randint(60, 140)
        rng.uniform(0.5, 1.5)
        rng.uniform(0, 3)
        rng.uniform(0.6, 0.95)
        rng.random()
    rng.getrandbits(32)
    e["noise"] = rng.uniform(2, 7)
    e["blur"] = "none"
    if rng.random() < 0.6:
        e["blur"] = "defocus"
        e["sigma"] = rng.uniform(0.4, 1.2)
    elif photo:
        e["blur"] = "motion"
        e["motion"] = rng.randint(2, 4)
    e["scale"] = rng.uniform(0.6, 0.95) if photo else 1.0
    e["jpeg"] = rng.randint(45, 85)
    return e


def annotated(n: int, seed: int = 7, validation: bool = False) -> list[tuple[rp.Page, list[dict]]]:
    """Pages of the benchmark's set (``validation=False``, held-out families and kolaw/kobill) or of
    the validation twin, each with one attribute dict per line."""
    attrs: list[dict] = []
    effects: list[dict] = []
    text = rp.Sheet.text
    finish = rp.finish

    def recording_text(self, x, y, t, size, spacing=0.0, wide=1.0, ink=0, align="left", record=True):
        before = len(self.lines)
        box = text(self, x, y, t, size, spacing, wide, ink, align, record)
        if len(self.lines) > before:
            attrs.append({"family": rp.family(self.face[0].rsplit("/", 1)[-1]), "dot_matrix": self.dot_matrix,
                          "white_on_black": ink > 128, "spacing": spacing, "wide": wide, "size": size})
        return box

    def recording_finish(sh, rng, kind):
        replay = random.Random()
        replay.setstate(rng.getstate())
        effects.append(_page_effects(replay, kind))
        return finish(sh, rng, kind)

    patches = [(rp.Sheet, "text", recording_text), (rp, "finish", recording_finish)]
    if validation:
        patches += [(rp, "corpus", training_corpus), (rp, "faces", training_faces)]
    with _patch_all(patches):
        pages = rp.pages(n, seed)
    out, k = [], 0
    for p, e in zip(pages, effects):
        line_attrs = []
        for _ in p.lines:
            a = dict(attrs[k])
            a.update(e)
            a["kind"] = p.kind
            line_attrs.append(a)
            k += 1
        out.append((p, line_attrs))
    return out


@contextmanager
def _patch_all(patches):
    if not patches:
        yield
        return
    (obj, name, value), rest = patches[0], patches[1:]
    with _patched(obj, name, value), _patch_all(rest):
        yield
