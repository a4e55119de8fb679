"""Rendered text lines: reproducible, drawable by their font, text inside the recognizer charset."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pytest

from hanji.synth import corpus
from hanji.synth.lines import HELD_OUT_FONTS, LineSampler, can_render, font_coverage, font_faces, render_line


def test_same_seed_same_lines():
    a = LineSampler(7).batch(6)
    b = LineSampler(7).batch(6)
    assert [t for _, t in a] == [t for _, t in b]
    assert all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))
    c = LineSampler(8).batch(6)
    assert [t for _, t in a] != [t for _, t in c]


def test_lines_are_rgb_uint8_and_nfc():
    for img, text in LineSampler(1).batch(30):
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
        assert img.shape[0] >= 10 and img.shape[1] >= 4
        assert text and text == unicodedata.normalize("NFC", text) and text == text.strip()
        # the line is not blank: ink differs from paper
        assert img.std() > 5


def test_held_out_fonts_are_kept_out_of_training():
    train, held = font_faces(held_out=False), font_faces(held_out=True)
    assert train and held
    assert not {f.name for f in train} & set(HELD_OUT_FONTS)
    assert {f.name for f in held} <= set(HELD_OUT_FONTS)
    sampler = LineSampler(0)
    assert all(f.name not in HELD_OUT_FONTS for f in sampler.faces)


def test_sampler_only_uses_text_the_font_can_draw(monkeypatch):
    import hanji.synth.lines as lines

    seen = []
    real = lines.render_line

    def spy(text, face, rng, size=None, strength=1.0):
        seen.append((text, face))
        return real(text, face, rng, size, strength)

    monkeypatch.setattr(lines, "render_line", spy)
    LineSampler(3).batch(40)
    assert len(seen) == 40
    assert all(can_render(face, text) for text, face in seen)


def test_coverage_of_a_korean_font():
    face = font_faces()[0]
    cov = font_coverage(face)
    assert "한" in cov and "글" in cov and "A" in cov
    assert not can_render(face, "\U0001F600")


def test_corpus_text_fits_the_korean_charset():
    from hanji.models.recognize.charset import korean_charset

    cs = set(korean_charset())
    rng = random.Random(0)
    bad = set()
    kinds = set()
    for _ in range(3000):
        t = corpus.sample_text(rng)
        bad |= {c for c in t if c not in cs}
    for k in corpus.GENERATORS:
        kinds.add(k)
        assert corpus.sample_text(rng, [k])
    assert not bad, f"characters outside the charset: {sorted(bad)[:20]}"


def test_generators_look_like_their_kind():
    rng = random.Random(5)
    assert any(c in corpus.phone(rng) for c in "0123456789")
    d = corpus.date(rng)
    assert sum(c.isdigit() for c in d) >= 3
    bn = corpus.business_number(rng)
    assert bn.count("-") == 2
    a = corpus.address(rng)
    assert any(a.startswith(s) for s in corpus.SIDO)
    p = corpus.prose(rng, 30)
    assert sum("\uac00" <= c <= "\ud7a3" for c in p) >= 5


@pytest.mark.parametrize("strength", [0.0, 1.0])
def test_degradations_keep_the_size(strength):
    face = font_faces()[0]
    img = render_line("영수증 합계 12,000원", face, random.Random(2), size=28, strength=strength)
    assert img.shape[0] >= 28 and img.shape[1] > img.shape[0] * 3


def test_degraded_lines_stay_legible():
    """Fading, down-scaling and erosion never leave a line a person could not read: the ink keeps a
    contrast with the paper (the old renderer made ~2% of lines blank or a grey smear)."""
    import numpy as np

    from hanji.synth.lines import LineSampler, font_faces

    lines = LineSampler(5, faces=font_faces(held_out=False), strength=1.0).batch(300)
    contrast = [np.percentile(img.mean(axis=2), 97) - np.percentile(img.mean(axis=2), 3) for img, _ in lines]
    assert min(contrast) >= 30, sorted(contrast)[:5]
    assert min(img.shape[0] for img, _ in lines) >= 16


def test_cmap_reader_agrees_with_fonttools():
    """Our cmap reader (no fontTools in the product) gives fontTools' best cmap, .ttc faces included."""
    ttlib = pytest.importorskip("fontTools.ttLib")
    from hanji.synth.fonts import cmap_chars

    faces = font_faces()
    assert faces
    for face in faces[:5] + [f for f in faces if f.path.suffix.lower() == ".ttc"][:1]:
        if face.path.suffix.lower() == ".ttc":
            tt = ttlib.TTCollection(str(face.path), lazy=True).fonts[face.index]
        else:
            tt = ttlib.TTFont(str(face.path), lazy=True)
        assert cmap_chars(face.path, face.index) == frozenset(chr(c) for c in tt.getBestCmap()), face.name
