"""Character sets of the recognizers. Class 0 of every CTC head is the blank; class i is charset[i-1]."""

from __future__ import annotations

import string
from functools import lru_cache

# symbols met in Korean documents (receipts, forms, contracts) beyond ASCII
KOREAN_DOC_SYMBOLS = (
    "₩·※㈜㈔①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮℃㎏㎡㎖㎞㎝㎜㎎㎍ℓ〜～「」『』【】〈〉《》○●◎◇◆□■△▲▽▼▶◀▷◁☆★♤♠♡♥"
    "×÷±≤≥≠∼…‥→←↑↓↔ㆍ、。"
    "\u2018\u2019\u201c\u201d"  # curly quotes
    "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎㅏㅓㅗㅜㅡㅣ"
)


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


@lru_cache(maxsize=1)
def korean_charset() -> list[str]:
    """Charset of the "ko" recognizer: space, printable ASCII, KS X 1001 Hangul, document symbols."""
    ascii_chars = [c for c in string.printable if c.isprintable() and c != " "]
    chars = [" "] + ascii_chars + list(ks_x_1001_hangul())
    seen = set(chars)
    for c in KOREAN_DOC_SYMBOLS:
        if c not in seen:
            seen.add(c)
            chars.append(c)
    return chars
