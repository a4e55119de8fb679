"""The one edit distance and CER (hanji.domain.text, on rapidfuzz) against their definitions."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hanji.domain.text import cer, edit_distance


def dp(a: str, b: str) -> int:
    """Levenshtein by the textbook dynamic programme."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


hangul = st.text(alphabet="한글헌현법벌별 ab1", max_size=30)


@settings(max_examples=200, deadline=None)
@given(hangul, hangul)
def test_edit_distance_is_levenshtein(a, b):
    assert edit_distance(a, b) == dp(a, b) == edit_distance(b, a)


def test_cer_spaces_case_and_nfc():
    assert cer(["한글 문서"], ["한글문서"]) == pytest.approx(1 / 4)
    assert cer(["한글 문서"], ["한글문서"], spaces="ignore") == 0.0
    assert cer(["한글   문서 "], ["한글 문서"], spaces="collapse") == 0.0
    assert cer(["TOTAL"], ["total"]) == 1.0 and cer(["TOTAL"], ["total"], fold_case=True) == 0.0
    decomposed = unicodedata.normalize("NFD", "한글")
    assert cer([decomposed], ["한글"]) == 0.0  # NFC both
    assert cer(["한글", "abc"], ["한글", "abd"]) == pytest.approx(1 / 5)
    assert cer([""], [""]) == 0.0 and cer(["x"], [""]) == 1.0 and cer([""], ["가나"]) == 1.0
    with pytest.raises(ValueError):
        cer(["a"], ["a"], spaces="drop")


def test_edit_distance_is_fast_on_hangul_lines():
    # 2,000 pairs of 30-syllable lines: the pure-Python programme took about a second here
    a = "서울특별시 종로구 세종대로 175 합계금액 12,500원 부가세"
    pairs = [(a[k % 7:] + a[: k % 7], a[::-1][k % 5:]) for k in range(2000)]
    t = time.perf_counter()
    total = sum(edit_distance(x, y) for x, y in pairs)
    assert total > 0 and time.perf_counter() - t < 0.25
