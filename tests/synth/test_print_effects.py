"""Print styles, thermal fading and photo effects: each one visibly changes a line, none leaves it
unreadable (the legibility check rejects what a person could not read)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from hanji.synth import photo
from hanji.synth.lines import font_faces
from hanji.synth.print_effects import STYLES, ink_mask, legible, render_styled, thermal

TEXT = "결제금액 12,000원"


@pytest.fixture(scope="module")
def face():
    faces = [f for f in font_faces(held_out=False) if "NanumGothic.ttf" == f.name] or font_faces(held_out=False)
    if not faces:
        pytest.skip("no Korean font")
    return faces[0]


def _ink(img: np.ndarray) -> np.ndarray:
    g = img.mean(axis=2)
    lo, hi = np.percentile(g, 3), np.percentile(g, 97)
    dark_text = np.median(g) > (lo + hi) / 2
    return (g < (lo + hi) / 2) if dark_text else (g > (lo + hi) / 2)


def test_legibility_check_rejects_unreadable_lines():
    blank = np.full((40, 200, 3), 230, np.uint8)
    assert not legible(blank)
    faint = blank.copy()
    faint[10:30, 20:180] = 215  # 15 grey levels of contrast: a smear, not text
    assert not legible(faint)
    tiny = np.full((10, 200, 3), 255, np.uint8)
    tiny[3:7, 10:190] = 0
    assert not legible(tiny)
    ok = blank.copy()
    ok[10:30, 20:180:6] = 20
    assert legible(ok)


@pytest.mark.parametrize("style", [s for s in STYLES if s != "plain"])
def test_each_print_style_changes_the_line_and_stays_legible(face, style):
    plain = ink_mask(TEXT, face, 32, random.Random(1), "plain")
    styled = ink_mask(TEXT, face, 32, random.Random(1), style)
    if style == "inverse":  # same ink, drawn light on a dark band
        img = render_styled(TEXT, face, 32, random.Random(1), style)
        g = img.mean(axis=2)
        assert np.median(g) < 100 and np.percentile(g, 99) > 180
        assert legible(img)
        return
    if styled.shape == plain.shape:
        assert np.abs(styled - plain).mean() > 0.02, style
    else:
        assert styled.shape != plain.shape
    if style in ("wide", "heavy_wide"):
        assert styled.shape[1] > 1.25 * plain.shape[1]
    if style == "condensed":
        assert styled.shape[1] < 0.85 * plain.shape[1]
    if style in ("bold", "heavy_wide"):
        assert styled.mean() > plain.mean() * 1.1  # more ink per pixel
    if style in ("bitmap", "dotmatrix"):
        # no anti-aliasing: scaled-up blocks (bitmap) or round dots on a grid (dot matrix)
        levels = np.unique(np.round(styled, 2))
        assert len(levels) < 12 if style == "bitmap" else (styled == 0).mean() > (plain == 0).mean()
    for seed in range(10):
        assert legible(render_styled(TEXT, face, 32, random.Random(seed), style)), (style, seed)


def test_dot_matrix_is_made_of_separate_dots(face):
    m = ink_mask("합계", face, 40, random.Random(3), "dotmatrix")
    row = m[m.shape[0] // 2] > 0.5
    runs = np.diff(row.astype(int))
    # along a row of a dot-matrix glyph ink comes in short dots with gaps, not long strokes
    assert (runs == 1).sum() >= 4


def test_thermal_fades_but_keeps_the_text_readable(face):
    changed = 0
    for seed in range(30):
        clean = render_styled(TEXT, face, 30, random.Random(seed), "plain")
        faded = thermal(clean, random.Random(seed + 100))
        assert faded.shape == clean.shape
        assert legible(faded), seed
        g0, g1 = clean.mean(axis=2), faded.mean(axis=2)
        c0 = np.percentile(g0, 97) - np.percentile(g0, 3)
        c1 = np.percentile(g1, 97) - np.percentile(g1, 3)
        assert c1 >= min(c0, 30)  # never below the legible contrast
        changed += c1 < 0.9 * c0
    assert changed >= 20  # it does fade


@pytest.mark.parametrize("name", list(photo.EFFECTS))
def test_each_photo_effect_changes_the_line_and_stays_legible(face, name):
    fn = photo.EFFECTS[name]
    diffs = []
    for seed in range(6):
        clean = render_styled(TEXT, face, 34, random.Random(seed), "plain")
        out = fn(clean, random.Random(seed + 7))
        assert out.dtype == np.uint8 and out.ndim == 3
        assert legible(out), (name, seed)
        if out.shape == clean.shape:
            diffs.append(np.abs(out.astype(float) - clean).mean())
            # the text is still where it was: its ink overlaps the clean ink (no smear, no wipe-out)
            a, b = _ink(clean), _ink(out)
            if name in ("perspective", "curl"):  # the text moves: as much ink as before, not a smear
                assert 0.5 * a.sum() <= b.sum() <= 2 * a.sum(), (name, seed)
            elif name not in ("shadow", "uneven_light"):  # those darken paper on purpose
                assert (a & b).sum() >= 0.4 * a.sum(), (name, seed)
        else:
            diffs.append(255.0)
    assert np.mean(diffs) > 1.0, name


def test_photograph_reports_what_it_applied(face):
    clean = render_styled(TEXT, face, 34, random.Random(0), "plain")
    seen = set()
    for seed in range(40):
        out, applied = photo.photograph(clean, random.Random(seed))
        assert legible(out)
        seen.update(applied)
        if not applied:
            assert np.array_equal(out, clean)
    assert seen == set(photo.EFFECTS)


@pytest.mark.parametrize("style", ["typewriter", "dotmatrix_coarse", "bitmap_coarse"])
def test_hard_styles_change_the_line_and_stay_legible(face, style):
    plain = ink_mask(TEXT, face, 32, random.Random(1), "plain")
    styled = ink_mask(TEXT, face, 32, random.Random(1), style)
    assert styled.shape != plain.shape or np.abs(styled - plain).mean() > 0.02
    if style == "bitmap_coarse":  # binary blocks: at most two ink levels
        assert len(np.unique(styled)) <= 2
    if style == "dotmatrix_coarse":  # round dots: more empty cells than the plain line has
        assert (styled == 0).mean() > (plain == 0).mean()
    for seed in range(10):
        assert legible(render_styled(TEXT, face, 32, random.Random(seed), style)), (style, seed)


def test_typewriter_has_a_fixed_pitch(face):
    """Each Hangul syllable takes one cell of the same width, a Latin letter or digit half of one, whatever the glyph."""
    def width(text):
        return ink_mask(text, face, 32, random.Random(3), "typewriter").shape[1]

    assert width("가가가가") == width("뷁ㅣ가힣")
    assert abs(width("가ab") - width("가가")) <= 1
    assert width("가가가가") > 1.9 * width("가가") - 8
    # each strike has its own pressure: the ink peaks of the four syllables differ
    m = ink_mask("가가가가", face, 32, random.Random(3), "typewriter")
    quarter = m.shape[1] // 4
    peaks = [np.percentile(m[:, k * quarter:(k + 1) * quarter], 99) for k in range(4)]
    assert max(peaks) - min(peaks) > 0.05


def test_small_text_keeps_the_size_but_loses_the_detail(face):
    img = render_styled(TEXT, face, 40, random.Random(0), "plain")
    out = photo.small_text(img, random.Random(5))
    assert out.shape == img.shape and out.dtype == np.uint8
    assert legible(out)

    def detail(a):  # energy of the horizontal gradient: what a 13-20 px line cannot keep
        return float(np.abs(np.diff(a.mean(axis=2), axis=1)).mean())

    assert detail(out) < 0.8 * detail(img)
    small = np.full((14, 80, 3), 255, np.uint8)
    small[4:10, 5:75:4] = 0
    assert np.array_equal(photo.small_text(small, random.Random(0)), small)  # already that small: unchanged
