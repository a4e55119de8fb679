"""The detector's training pages: every line has a quad around its own ink, a letter-spaced label is
one quad, a Latin code and the quantity beside it are two, and only training fonts are used."""

from __future__ import annotations

import numpy as np
import pytest

from hanji.domain import geometry
from hanji.synth.detpages import detector_page
from hanji.synth.lines import HELD_OUT_FONTS
from hanji.synth.printline import training_faces

pytestmark = pytest.mark.skipif(not training_faces(), reason="no training fonts on this machine")


@pytest.fixture(scope="module")
def pages():
    return [detector_page(s) for s in range(3)]


def test_pages_are_reproducible_and_lines_sit_on_ink(pages):
    again = detector_page(1)
    assert np.array_equal(again.image, pages[1].image) and again.quads == pages[1].quads
    for p in pages:
        h, w = p.image.shape[:2]
        assert len(p.quads) >= 8 and len(p.quads) == len(p.kinds)
        g = p.image.astype(np.float32).mean(axis=2)
        for q in p.quads:
            x0, y0, x1, y1 = (int(round(v)) for v in geometry.bbox(q))
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
            crop = g[max(0, y0):y1, max(0, x0):x1]
            assert np.percentile(crop, 97) - np.percentile(crop, 3) >= 30  # legible: ink against paper (or band)


def test_no_two_lines_overlap(pages):
    for p in pages:
        for i, a in enumerate(p.quads):
            for b in p.quads[i + 1:]:
                assert geometry.iou(a, b) < 0.05


def test_kinds_the_issue_names_are_drawn():
    kinds = {k for s in range(8) for k in detector_page(s).kinds}
    assert {"row", "codes", "band", "stacked", "packed"} <= kinds


def test_only_training_fonts():
    assert not any(f.name in HELD_OUT_FONTS for f in training_faces())


def test_a_spaced_label_is_one_quad():
    import random

    from hanji.synth import detpages

    rng = random.Random(3)
    cv = detpages._Canvas(600, 200, rng, training_faces()[0])
    m = cv.mask("카드번호", 24, spacing=1.2)
    cv.put(20, 20, m, "row")
    assert len(cv.quads) == 1
    x0, _, x1, _ = geometry.bbox(cv.quads[0])
    assert x1 - x0 > 4 * 24 + 3 * 1.0 * 24  # four syllables and three wide gaps in one quad
