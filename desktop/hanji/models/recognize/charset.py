"""Character sets of the recognizers. Class 0 of every CTC head is the blank; class i is charset[i-1].

``ks_x_1001_hangul`` lives in :mod:`hanji.domain.text` (the text generators use it too); it is
re-exported here."""

from __future__ import annotations

import string
from functools import lru_cache

from hanji.domain.text import ks_x_1001_hangul  # noqa: F401 (re-exported)

# symbols met in Korean documents (receipts, forms, contracts) beyond ASCII
KOREAN_DOC_SYMBOLS = (
    "₩·※㈜㈔①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮℃㎏㎡㎖㎞㎝㎜㎎㎍ℓ〜～「」『』【】〈〉《》○●◎◇◆□■△▲▽▼▶◀▷◁☆★♤♠♡♥"
    "×÷±≤≥≠∼…‥→←↑↓↔ㆍ、。"
    "\u2018\u2019\u201c\u201d"  # curly quotes
    "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎㅏㅓㅗㅜㅡㅣ"
)


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
