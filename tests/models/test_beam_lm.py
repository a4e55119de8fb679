"""Decoding with the Korean prior: the character LM and CTC prefix beam search."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from hanji.errors import HanjiError
from hanji.models.recognize.beam import LMDecoder
from hanji.models.recognize.decode import ctc_greedy
from hanji.models.recognize.lm import BOS, CharLM, shipped_lm
from helpers import ctc_frames

CHARSET = ["헌", "현", "법", "별", "벌", "금", "급", " "]


def frames(*steps: dict[str, float]) -> np.ndarray:
    """CTC probabilities over CHARSET: each step a {character or "" for blank: probability}, the rest spread."""
    return ctc_frames(CHARSET, *steps)


@pytest.fixture(scope="module")
def lm() -> CharLM:
    return shipped_lm()


def test_the_prior_knows_korean_words(lm):
    assert lm.line_logp("헌법") > lm.line_logp("현법") + 3
    assert lm.line_logp("결제금액") > lm.line_logp("결제급액")
    assert lm.logp("", "헌") < 0 and lm.logp("헌", "법") > lm.logp("현", "법")


def test_beam_search_fixes_a_planted_confusable(lm):
    # the image leans a little to 현 (0.55 against 0.45): the prior reads the word 헌법
    probs = frames({"현": 0.55, "헌": 0.45}, {"": 0.99}, {"법": 0.98}, {"": 0.99})
    assert ctc_greedy(probs, CHARSET)[0] == "현법"
    text, score = LMDecoder(lm).decode(probs, CHARSET)
    assert text == "헌법"
    assert score == pytest.approx(ctc_greedy(probs, CHARSET)[1])  # the image's confidence, unchanged


def test_beam_search_keeps_a_planted_typo(lm):
    # printed clearly (0.97): a typo stays a typo, whatever the prior thinks of it
    probs = frames({"현": 0.97, "헌": 0.02}, {"": 0.99}, {"법": 0.98}, {"": 0.99})
    assert LMDecoder(lm).decode(probs, CHARSET)[0] == "현법"
    assert not LMDecoder(lm).unsure(probs)  # and no search was needed
    # even searched, a class the image gives under the floor is never tried
    assert LMDecoder(lm).search(probs, CHARSET) == "현법"


def test_beam_search_keeps_repeats_and_blanks_as_ctc_does(lm):
    # 법, blank, 법 is two characters; 법 법 (no blank) one; an unsure step keeps the search on
    probs = frames({"법": 0.9}, {"": 0.9}, {"법": 0.9}, {"법": 0.9}, {"금": 0.5, "급": 0.4}, {"": 0.9})
    d = LMDecoder(lm, weight=0.0, bonus=0.0)
    assert d.unsure(probs) and d.decode(probs, CHARSET)[0] == ctc_greedy(probs, CHARSET)[0] == "법법금"
    assert d.decode(np.zeros((0, len(CHARSET) + 1), np.float32), CHARSET) == ("", 0.0)


def test_lm_build_is_deterministic_and_files_are_checked(tmp_path):
    lines = ["헌법 제1조", "대한민국은 민주공화국이다", "헌법 재판소"] * 3
    a, b = CharLM.build(lines), CharLM.build(list(lines))
    a.save(tmp_path / "a.gz")
    b.save(tmp_path / "b.gz")
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()
    back = CharLM.load(tmp_path / "a.gz")
    assert back.counts == a.counts and BOS not in back.counts
    assert back.logp("헌", "법") == pytest.approx(a.logp("헌", "법"))
    # probabilities over the vocabulary sum to at most one (the unseen share is spread uniformly)
    seen = {g for g in a.counts if len(g) == 1}
    assert sum(np.exp(a.logp("헌", c)) for c in seen) < 1.0
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"not a model\n"))
    with pytest.raises(HanjiError, match="not a character language model"):
        CharLM.load(tmp_path / "bad.gz")


def test_shipped_lm_checksum_is_verified(monkeypatch, tmp_path):
    import hanji.models.recognize.lm as lm_mod
    from hanji.models import weights

    fake = tmp_path / "models"
    fake.mkdir()
    (fake / lm_mod.SHIPPED).write_bytes(b"tampered")
    (fake / "MANIFEST.json").write_text(weights.resource_path("models", "MANIFEST.json").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    monkeypatch.setattr(weights, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    monkeypatch.setattr(lm_mod, "_shipped", {})
    with pytest.raises(HanjiError, match="corrupt"):
        lm_mod.shipped_lm()


def test_korean_recognizers_decode_with_the_korean_prior():
    from hanji.models.recognize import load_recognizer

    assert load_recognizer("ko", device="cpu").prior is True
    assert load_recognizer("ko", device="cpu").korean is True  # ppocr_en: the English prior (test_english_prior.py)
