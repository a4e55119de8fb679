"""Text normalisation: NFC everywhere, and the tokenisation the BIO tags are aligned to."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache


def nfc(text: str | None) -> str:
    """Return ``text`` in Unicode NFC (Hangul jamo sequences become syllables)."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text)


def tokens(text: str) -> list[str]:
    """Whitespace tokens of a region's text: the unit BIO tags are attached to."""
    return nfc(text).split()


def char_class(ch: str) -> str:
    """One of hangul / latin / digit / space / symbol / other-cjk for statistics and checks."""
    o = ord(ch)
    if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if ch.isdigit():
        return "digit"
    if ch.isascii() and ch.isalpha():
        return "latin"
    if ch.isspace():
        return "space"
    if 0x4E00 <= o <= 0x9FFF:
        return "cjk"
    if ch.isalpha():
        return "latin"
    return "symbol"


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance in characters (insertions, deletions, substitutions).

    rapidfuzz's bit-parallel C++ (``Levenshtein.distance``): about 1,500x the pure-Python
    dynamic programme it replaced on Hangul lines. rapidfuzz is a pure function of its strings (no
    I/O, no state), which is what keeps the domain pure; the contract forbids storage, pixel and
    array libraries, not string algorithms."""
    return _levenshtein().distance(a, b)


@lru_cache(maxsize=1)
def _levenshtein():
    """rapidfuzz, imported on first use (40-50 ms: kept out of the window's start)."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein


def cer(preds: Iterable[str], refs: Iterable[str], spaces: str = "keep", fold_case: bool = False) -> float:
    """The character error rate: total edit distance over total reference length, both NFC.

    ``spaces``: ``keep`` as written; ``collapse`` runs of white space to one space (and strip);
    ``ignore`` them (recognizers differ in where they put spaces). ``fold_case``: compare
    case-folded (SROIE's transcripts are upper-cased, the receipts are not). Empty references
    with an empty reading are 0, with any reading 1."""
    if spaces not in ("keep", "collapse", "ignore"):
        raise ValueError(f"spaces must be keep, collapse or ignore, not {spaces!r}")

    def norm(s: str) -> str:
        s = unicodedata.normalize("NFC", s or "")
        s = s.casefold() if fold_case else s
        if spaces == "ignore":
            return "".join(s.split())
        return " ".join(s.split()) if spaces == "collapse" else s

    errors = n = 0
    distance = _levenshtein().distance
    for p, r in zip(preds, refs):
        r = norm(r)
        errors += distance(norm(p), r)
        n += len(r)
    return errors / n if n else float(errors > 0)


@lru_cache(maxsize=1)
def ks_x_1001_hangul() -> str:
    """The 2,350 Hangul syllables of KS X 1001 (EUC-KR 0xB0A1-0xC8FE), in code order."""
    out = []
    for hi in range(0xB0, 0xC9):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("euc-kr")
            except UnicodeDecodeError:
                continue
            if "\uac00" <= ch <= "\ud7a3":
                out.append(ch)
    return "".join(out)
