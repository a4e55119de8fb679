"""The validation twin of the realistic pages shares no font family and no text source with the
benchmark's pages, and each line's recorded attributes belong to that line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import realistic_pages as rp  # noqa: E402
import realistic_validation as rv  # noqa: E402


def test_validation_pages_use_training_families_and_training_text():
    if not rp.corpus()[0] or not rp.faces():
        pytest.skip(rp.SKIPPED or "no held-out fonts")
    held_out = {rp.family(p.rsplit("/", 1)[-1]) for fam in rp.faces() for p, _ in fam}
    if not rv.training_faces() or not rv.training_corpus()[0]:
        pytest.skip("no training fonts or text on this machine")
    val = rv.annotated(3, rv.VALIDATION_SEED, validation=True)
    bench = rv.annotated(3, 7)
    assert len(val) == 3 and all(len(p.lines) == len(a) for p, a in val)
    families = {a["family"] for _, attrs in val for a in attrs}
    assert families and not families & held_out
    assert {a["family"] for _, attrs in bench for a in attrs} <= held_out
    kolaw = set(rp.corpus()[0])
    texts = {t for p, _ in val for _, t in p.lines}
    assert not texts & kolaw
    # the benchmark's own pages are unchanged by the recording (same images as rp.pages)
    plain = rp.pages(1, 7)[0]
    assert (plain.image == bench[0][0].image).all() and plain.lines == bench[0][0].lines


def test_recorded_attributes_are_the_lines_and_pages_own():
    if not rp.corpus()[0] or not rp.faces():
        pytest.skip(rp.SKIPPED or "no held-out fonts")
    pages = rv.annotated(3, 7)
    for p, attrs in pages:
        assert {a["kind"] for a in attrs} == {p.kind}
        for key in ("photo", "thermal", "angle", "scale", "jpeg", "family"):  # one value a page
            assert len({a[key] for a in attrs}) == 1
        if not attrs[0]["photo"]:
            assert attrs[0]["scale"] == 1.0 and abs(attrs[0]["angle"]) <= 2
    # letter-spaced lines are recorded with their spacing, and their text has spaces between syllables
    spaced = [t for p, attrs in pages for (_, t), a in zip(p.lines, attrs) if a["spacing"] >= 0.3]
    assert spaced and all(" " in t for t in spaced)
