"""The English/Latin character prior of ``ppocr_en`` (issue 16: SROIE's English receipts)."""

from __future__ import annotations

import numpy as np
import pytest

from hanji.models.recognize.beam import LMDecoder
from hanji.models.recognize.decode import ctc_greedy
from hanji.models.recognize.lm import SHIPPED, SHIPPED_EN, shipped_lm
from helpers import ctc_frames

CHARSET = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,. ")


def frames(*steps: dict[str, float]) -> np.ndarray:
    """CTC probabilities over CHARSET: each step a {character or "" for blank: probability}, the rest spread."""
    return ctc_frames(CHARSET, *steps)


def word(text: str, unsure: dict[int, dict[str, float]]) -> np.ndarray:
    """Frames spelling ``text`` (each character then a blank), the characters at ``unsure`` as given."""
    steps = []
    for i, ch in enumerate(text):
        steps += [unsure.get(i, {ch: 0.98}), {"": 0.99}]
    return frames(*steps)


@pytest.fixture(scope="module")
def en():
    return shipped_lm(SHIPPED_EN)


def test_the_english_prior_knows_receipt_words(en):
    assert en.line_logp("JOHOR BAHRU") > en.line_logp("J0HOR BAHRU") + 3
    assert en.line_logp("TOTAL") > en.line_logp("T0TAL")
    assert en.line_logp("JALAN") > en.line_logp("JAIAN")
    assert en.line_logp("Total Amount") > en.line_logp("Tota1 Amount")


def test_an_unsure_letter_is_read_as_the_word_it_makes():
    from hanji.models.recognize import ENGLISH_PRIOR_WEIGHT

    # the image leans a little to the digit 0 (0.55 against 0.40) inside a word: the prior reads JOHOR
    probs = word("JOHOR", {1: {"0": 0.55, "O": 0.40}})
    assert ctc_greedy(probs, CHARSET)[0] == "J0HOR"
    assert LMDecoder(shipped_lm(SHIPPED_EN), weight=ENGLISH_PRIOR_WEIGHT).decode(probs, CHARSET)[0] == "JOHOR"
    # printed clearly, a digit stays a digit
    clear = word("J0HOR", {})
    assert LMDecoder(shipped_lm(SHIPPED_EN), weight=ENGLISH_PRIOR_WEIGHT).decode(clear, CHARSET)[0] == "J0HOR"


def test_each_recognizer_decodes_with_the_prior_of_its_script():
    from hanji.models.recognize import ENGLISH_PRIOR_WEIGHT, load_recognizer

    ko = load_recognizer("ko", device="cpu")
    en = load_recognizer("ppocr_en", device="cpu")
    assert ko.prior is True and en.prior is True
    assert ko.decoder().lm is shipped_lm(SHIPPED) and ko.decoder().weight == 0.3  # the Korean path as it was
    assert en.decoder().lm is shipped_lm(SHIPPED_EN) and en.decoder().weight == ENGLISH_PRIOR_WEIGHT
