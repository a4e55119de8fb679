"""Real Korean text found offline, for rendering training and evaluation lines.

Sources (each optional: a bare machine without one gets the others, and :func:`source_report` says
which are missing):

- ``gettext``: the Korean message catalogs Debian installs under ``/usr/share/locale/ko/LC_MESSAGES``
  (the ``msgstr`` of every ``.mo``): real sentences with Latin words, digits and symbols inside.
  The catalogs are split by domain: those whose CRC-32 falls in :data:`HELD_OUT_SHARE` are held out of
  training and serve evaluation (:func:`is_held_out_domain`).
- ``hunspell``: the ~100,000 words of Debian's ``hunspell-ko`` (``/usr/share/hunspell/ko.dic``).
- ``kiwi``: the nouns and proper nouns (places, people, organisations) in the user dictionaries of
  PyPI's ``kiwipiepy-model`` (``default.dict``, ``multi.dict``).
- receipt and certificate vocabulary (:mod:`hanji.synth.vocab`) and a cycle through all 2,350
  KS X 1001 syllables (:class:`SyllableCycle`), so every syllable is seen.

konlpy's kolaw/kobill are never read here: they stay for evaluation.
"""

from __future__ import annotations

import gettext
import glob
import os
import random
import re
import struct
import zlib
from functools import lru_cache
from pathlib import Path

from hanji.domain.text import ks_x_1001_hangul, nfc

LOCALE_DIRS = ("/usr/share/locale/ko/LC_MESSAGES", "/usr/share/locale-langpack/ko/LC_MESSAGES")
HUNSPELL_DIC = ("/usr/share/hunspell/ko.dic", "/usr/share/hunspell/ko_KR.dic")
# a gettext domain is held out of training when crc32(domain) % 100 < HELD_OUT_SHARE
HELD_OUT_SHARE = 20

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_FORMAT = re.compile(r"%(\d+\$)?[-+ #0]*(\*|\d+)?(\.\d+)?(hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGcsSpn%]|\{[^}]*\}|\$\{?\w+\}?")
_SPACES = re.compile(r"\s+")


def is_held_out_domain(domain: str) -> bool:
    """Whether a gettext catalog (by its domain name, e.g. ``coreutils``) is kept for evaluation."""
    return zlib.crc32(domain.encode()) % 100 < HELD_OUT_SHARE


def _clean(s: str) -> str:
    s = _FORMAT.sub(" ", s).replace("&", "").replace("_", " ")
    return _SPACES.sub(" ", nfc(s)).strip()


def _chunks(s: str, max_chars: int) -> list[str]:
    """Pieces of at most ``max_chars`` characters, cut at spaces where possible."""
    out, cur = [], ""
    for w in s.split(" "):
        if len(w) > max_chars:
            w = w[:max_chars]
        if cur and len(cur) + 1 + len(w) > max_chars:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        out.append(cur)
    return out


def read_catalog(path: str | Path) -> dict | None:
    """The messages of a gettext ``.mo`` file (msgid -> msgstr; a plural's msgid is ``(msgid, n)``),
    None when it cannot be read or parsed (a truncated file makes gettext raise struct.error)."""
    try:
        with open(path, "rb") as f:
            return gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    except (OSError, ValueError, UnicodeDecodeError, struct.error):
        return None


@lru_cache(maxsize=4)
def gettext_lines(held_out: bool = False, max_chars: int = 40) -> tuple[str, ...]:
    """Lines (at most ``max_chars``, with Hangul) of the Korean gettext catalogs of one split."""
    seen: set[str] = set()
    out: list[str] = []
    for d in LOCALE_DIRS:
        for p in sorted(glob.glob(os.path.join(d, "*.mo"))):
            domain = Path(p).stem
            if is_held_out_domain(domain) != held_out:
                continue
            catalog = read_catalog(p)
            if catalog is None:
                continue
            for v in catalog.values():
                if not isinstance(v, str) or not _HANGUL.search(v):
                    continue
                for line in v.split("\n"):
                    line = _clean(line)
                    if len(line) < 2 or not _HANGUL.search(line):
                        continue
                    for piece in _chunks(line, max_chars):
                        if piece not in seen and _HANGUL.search(piece):
                            seen.add(piece)
                            out.append(piece)
    if held_out:  # evaluation text shares no line with training text (catalogs repeat language names etc.)
        train = set(gettext_lines(False, max_chars))
        out = [s for s in out if s not in train and s.isprintable()]
    return tuple(out)


@lru_cache(maxsize=1)
def hunspell_words() -> tuple[str, ...]:
    """The Hangul words of Debian's hunspell-ko dictionary (affix flags dropped)."""
    for p in HUNSPELL_DIC:
        if os.path.exists(p):
            words = []
            with open(p, encoding="utf-8", errors="replace") as f:
                next(f, None)  # the word count
                for line in f:
                    w = nfc(line.split("/", 1)[0].strip())  # the file spells syllables as jamo (NFD)
                    if w and _HANGUL.search(w) and len(w) <= 12:
                        words.append(w)
            return tuple(dict.fromkeys(words))
    return ()


def _kiwi_dir() -> Path | None:
    try:
        import kiwipiepy_model  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Path(kiwipiepy_model.get_model_path())


@lru_cache(maxsize=1)
def kiwi_words() -> tuple[str, ...]:
    """Nouns and proper nouns of kiwipiepy-model's dictionaries (surface forms, Hangul and spaces only)."""
    d = _kiwi_dir()
    if d is None:
        return ()
    words = []
    ok = re.compile(r"^[\uac00-\ud7a3]{2,10}$")  # single words: multi.dict is mostly foreign full names
    for name in ("default.dict", "multi.dict"):
        p = d / name
        if not p.exists():
            continue
        with open(p, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                parts = line.split("\t")
                if len(parts) >= 2 and parts[1].strip() in ("NNP", "NNG") and ok.match(parts[0]):
                    words.append(nfc(parts[0]))
    return tuple(dict.fromkeys(words))


def source_report() -> dict[str, int]:
    """How many items each source has on this machine (0: missing; install hunspell-ko, kiwipiepy-model,
    or packages with Korean translations)."""
    return {"gettext_train": len(gettext_lines(False)), "gettext_held_out": len(gettext_lines(True)),
            "hunspell": len(hunspell_words()), "kiwi": len(kiwi_words())}


class SyllableCycle:
    """Runs of Hangul syllables taken in turn from shuffled passes over all 2,350 KS X 1001 syllables:
    every ``2350`` syllables drawn, each has been seen once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.order: list[str] = []

    def take(self, n: int) -> str:
        out = []
        for _ in range(n):
            if not self.order:
                self.order = list(ks_x_1001_hangul())
                self.rng.shuffle(self.order)
            out.append(self.order.pop())
        return "".join(out)
