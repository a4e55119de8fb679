"""A character n-gram language model of Korean text: the prior that CTC beam search weighs
against the image evidence (:mod:`hanji.models.recognize.beam`).

Witten-Bell interpolation: ``P(c | h) = (C(h c) + T(h) P(c | h')) / (C(h) + T(h))``, ``h'`` the
context one character shorter, ``C(h)`` how often ``h`` was followed by anything, ``T(h)`` by how
many different characters; the shortest context falls back to a uniform floor over ``vocab``
characters. Lines begin with :data:`BOS`.

The shipped model (``ko_char_lm.txt.gz``, listed with its SHA-256 in the models' manifest) is
built by ``tools/build_char_lm.py`` from the recognizer's *training* text only (the Korean gettext
catalogs not held out, hunspell-ko's words, kiwipiepy-model's nouns); never from konlpy's
kolaw/kobill or the benchmarks' text. File format: gzip'd UTF-8, a header line
``hanji-char-lm <order> <vocab>`` then ``<count>\\t<n-gram>`` lines (n-grams of 1..order
characters; those seen once pruned above unigrams).
"""

from __future__ import annotations

import gzip
import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from hanji.errors import HanjiError

BOS = "\x02"
HEADER = "hanji-char-lm"
SHIPPED = "ko_char_lm.txt.gz"
SHIPPED_EN = "en_char_lm.txt.gz"  # English/Latin receipts, for ``ppocr_en`` (tools/build_char_lm.py --lang en)


class CharLM:
    """Character n-gram counts and their Witten-Bell probabilities (natural logs)."""

    def __init__(self, counts: dict[str, int], order: int, vocab: int) -> None:
        if order < 1 or vocab < 1:
            raise ValueError("order and vocab must be positive")
        self.order = order
        self.vocab = vocab
        self.counts = counts
        self.total: Counter[str] = Counter()  # C(h): h followed by anything
        self.types: Counter[str] = Counter()  # T(h): distinct followers
        for gram, n in counts.items():
            h = gram[:-1]
            self.total[h] += n
            self.types[h] += 1
        self._cache: dict[tuple[str, str], float] = {}

    # ------------------------------------------------------------------ building and files
    @classmethod
    def build(cls, lines: Iterable[str], order: int = 3, min_count: int = 2, vocab: int = 11_172) -> CharLM:
        """Counts of every n-gram (1..order) of ``lines`` (each begun with :data:`BOS`); n-grams
        longer than one character seen fewer than ``min_count`` times are dropped."""
        counts: Counter[str] = Counter()
        for line in lines:
            s = BOS * (order - 1) + line
            for i in range(order - 1, len(s)):
                for n in range(1, order + 1):
                    counts[s[i - n + 1:i + 1]] += 1
        kept = {g: c for g, c in counts.items() if len(g) == 1 or c >= min_count}
        kept.pop(BOS, None)  # the padding is context, never predicted
        return cls(kept, order, vocab)

    def save(self, path: str | Path) -> None:
        """Written deterministically (sorted), so the same text gives the same bytes and SHA-256."""
        body = [f"{HEADER} {self.order} {self.vocab}"]
        body += [f"{c}\t{g}" for g, c in sorted(self.counts.items())]
        data = ("\n".join(body) + "\n").encode("utf-8")
        with open(path, "wb") as f:
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
                gz.write(data)

    @classmethod
    def load(cls, path: str | Path) -> CharLM:
        path = Path(path)
        try:
            with gzip.open(path, "rt", encoding="utf-8", newline="\n") as f:
                head = f.readline().split()
                if len(head) != 3 or head[0] != HEADER:
                    raise ValueError("no hanji-char-lm header")
                order, vocab = int(head[1]), int(head[2])
                counts = {}
                for line in f:
                    c, _, g = line.rstrip("\n").partition("\t")
                    if g:
                        counts[g] = int(c)
        except (OSError, EOFError, ValueError, UnicodeDecodeError) as e:
            raise HanjiError(f"not a character language model ({e.__class__.__name__}: {e})", path) from e
        return cls(counts, order, vocab)

    # ------------------------------------------------------------------ probabilities
    def logp(self, context: str, ch: str) -> float:
        """``log P(ch | context)``, the context cut to the last ``order - 1`` characters (padded
        with :data:`BOS` at a line's start)."""
        k = self.order - 1
        h = (BOS * k + context)[-k:] if k else ""
        key = (h, ch)
        v = self._cache.get(key)
        if v is None:
            v = math.log(self._p(h, ch))
            if len(self._cache) < 500_000:
                self._cache[key] = v
        return v

    def _p(self, h: str, ch: str) -> float:
        p = 1.0 / self.vocab
        for i in range(len(h), -1, -1):  # from the empty context up to the whole one
            ctx = h[i:]
            total = self.total.get(ctx, 0)
            if total == 0:
                continue
            t = self.types[ctx]
            p = (self.counts.get(ctx + ch, 0) + t * p) / (total + t)
        return p

    def line_logp(self, text: str) -> float:
        """``log P(text)`` character by character from a line's start."""
        return sum(self.logp(text[:i], c) for i, c in enumerate(text))


_shipped: dict[str, CharLM] = {}


def shipped_lm(name: str = SHIPPED) -> CharLM:
    """A shipped character LM (default: the Korean one; :data:`SHIPPED_EN` the English one), SHA-256
    checked against the manifest, loaded once."""
    if name not in _shipped:
        from hanji.models.weights import shipped_path

        _shipped[name] = CharLM.load(shipped_path(name))
    return _shipped[name]
