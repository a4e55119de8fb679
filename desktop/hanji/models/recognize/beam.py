"""CTC prefix beam search with a character language model, used only where the image is unsure.

A line whose every step is confident is decoded greedily (most lines: the prior costs nothing).
Where the two best classes of some step are close (the second has at least :attr:`LMDecoder.close`
of the first's probability), the whole line is searched: prefixes extended by the classes each
step finds plausible, each new character scored ``log P_image + weight * log P_lm + bonus`` (the
bonus keeps the prior from preferring fewer characters). A class the image gives less than
:attr:`LMDecoder.floor` at a step is not tried there, so a clearly printed typo stays a typo: the
prior only chooses among readings the image leaves open (``현법`` read 0.55 / ``헌법`` 0.45 becomes
``헌법``; ``현법`` read 0.97 stays).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from hanji.models.recognize.decode import ctc_greedy
from hanji.models.recognize.lm import CharLM

NEG = -1e30


def _logadd(a: float, b: float) -> float:
    if a < b:
        a, b = b, a
    return a if b <= NEG else a + math.log1p(math.exp(b - a))


def _adder(beams: dict[tuple[int, ...], list[float]]):
    """``add(prefix, log P ending in blank, log P ending in a character)`` summed into ``beams``."""

    def add(prefix: tuple[int, ...], blank: float, nonblank: float) -> None:
        cur = beams.get(prefix)
        if cur is None:
            beams[prefix] = [blank, nonblank]
        else:
            cur[0] = _logadd(cur[0], blank)
            cur[1] = _logadd(cur[1], nonblank)

    return add


@dataclass
class LMDecoder:
    """Greedy decoding, and beam search with ``lm`` on lines with an unsure step."""

    lm: CharLM
    # chosen on a dev set (150 generated + 150 realistic lines, seeds apart from the benchmarks'):
    # realistic CER 0.196 -> 0.160, generated lines (a share of random syllables) unchanged
    weight: float = 0.3  # how much the prior counts against the image (per character, in log space)
    bonus: float = 1.0  # added per character, against the prior's preference for short readings
    close: float = 0.25  # a step is unsure when its second class has this share of its first's probability
    floor: float = 0.05  # classes below this probability at a step are not tried there
    beam: int = 8
    top: int = 4  # classes tried per step at most

    def unsure(self, probs: np.ndarray, top2: np.ndarray | None = None) -> bool:
        """Whether some step's two best classes are close (only those lines are searched).
        ``top2``: each step's second-best and best probability, ``(T, 2)``, when already known."""
        if len(probs) == 0:
            return False
        if top2 is None:
            top2 = np.partition(probs, -2, axis=1)[:, -2:]
        return bool((top2[:, 0] >= self.close * top2[:, 1]).any())

    def decode(self, probs: np.ndarray, charset: list[str], length: int | None = None,
               best: np.ndarray | None = None, conf: np.ndarray | None = None,
               second: np.ndarray | None = None) -> tuple[str, float]:
        """``(text, score)``; the score is greedy decoding's (the image's confidence in the line).
        ``best`` / ``conf`` / ``second``: each step's best class, its probability and the second
        best probability, when already known (the recognizer finds them for a batch at once): a
        sure line is then decided without reading ``probs``."""
        if length is not None:
            probs = probs[:length]
            best, conf, second = (None if a is None else a[:length] for a in (best, conf, second))
        text, score = ctc_greedy(probs, charset, best=best, conf=conf)
        top2 = None if conf is None or second is None else np.stack([second, conf], axis=1)
        if not self.unsure(probs, top2):
            return text, score
        best = self.search(probs, charset)
        return (best if best is not None else text), score

    def search(self, probs: np.ndarray, charset: list[str]) -> str | None:
        """The best reading by image and prior together, or None for an empty line."""
        k = min(self.top, probs.shape[1])
        cand = np.argpartition(-probs, k - 1, axis=1)[:, :k]
        # log P of the classes tried only (the same float32 logs as of the whole matrix, a fraction of the work)
        rows = np.arange(len(probs))[:, None]
        cols = np.concatenate([np.zeros((len(probs), 1), cand.dtype), cand], axis=1)  # the blank, then the candidates
        logs = np.log(np.maximum(probs[rows, cols], 1e-30))
        # prefix (tuple of class ids) -> [log P(prefix, ends in blank), log P(prefix, ends in its last class)]
        beams: dict[tuple[int, ...], list[float]] = {(): [0.0, NEG]}
        prior: dict[tuple[int, ...], float] = {(): 0.0}  # weight * log P_lm + bonus per character
        for t in range(len(probs)):
            row = probs[t]
            lp = dict(zip(cols[t].tolist(), logs[t]))  # class -> log P at this step
            classes = [int(c) for c in cand[t] if row[c] >= self.floor or c == cand[t][0]]
            nxt: dict[tuple[int, ...], list[float]] = {}
            add = _adder(nxt)
            for prefix, (pb, pnb) in beams.items():
                total = _logadd(pb, pnb)
                last = prefix[-1] if prefix else None
                for c in classes:
                    if c == 0:  # blank: the prefix stays
                        add(prefix, total + lp[0], NEG)
                        continue
                    if c == last:
                        add(prefix, NEG, pnb + lp[c])  # the same character continued
                        if pb > NEG:
                            self._extend(prefix, c, pb + lp[c], charset, prior, add)  # a repeat after a blank
                    else:
                        self._extend(prefix, c, total + lp[c], charset, prior, add)
            ranked = sorted(nxt.items(), key=lambda kv: _logadd(*kv[1]) + prior[kv[0]], reverse=True)
            beams = dict(ranked[: self.beam])
        if not beams:
            return None
        best = max(beams.items(), key=lambda kv: _logadd(*kv[1]) + prior[kv[0]])[0]
        return unicodedata.normalize("NFC", "".join(charset[c - 1] for c in best))

    def _extend(self, prefix, c, score, charset, prior, add) -> None:
        new = prefix + (c,)
        if new not in prior:
            context = "".join(charset[i - 1] for i in prefix[-(self.lm.order - 1):]) if self.lm.order > 1 else ""
            prior[new] = prior[prefix] + self.weight * self.lm.logp(context, charset[c - 1]) + self.bonus
        add(new, NEG, score)
