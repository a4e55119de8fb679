"""Text normalisation: NFC everywhere, and the tokenisation the BIO tags are aligned to."""

from __future__ import annotations

import unicodedata
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
    """Levenshtein distance in characters (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


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
