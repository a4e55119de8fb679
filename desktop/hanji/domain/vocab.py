"""A project's field vocabulary, and OCR slips in extracted values corrected against it.

The words of the key-values a person confirmed, counted per field (each value counts a word once),
are the vocabulary. A word of an extracted value that the field's vocabulary does not hold, but that
one OCR confusion away (``I/L/1/|/!``, ``O/D/0/Q``, ``S/5/$``, ``B/8``, ``Z/2``, ``G/6``, ``U/V``,
``rn/m``, ``vv/w``; case ignored) is a frequent word of it (``min_count`` values or more, ``min_length``
letters or more, letters only), is replaced by that word: ``BANOAR`` -> ``BANDAR``, ``MALAYSLA`` ->
``MALAYSIA``. A word the vocabulary holds at all (even once) is left alone, and so is a number: a
target is letters only, so a word with more than one character that is no letter cannot reach one.
Words two confusions away are left alone; so is a word one confusion from two equally frequent
targets. A word OCR glued together from words of the field, one or more of them one confusion off
(``JaianTampoi``), has those corrected (``JalanTampoi``).

Separators doubled by a slip at the end of a word (``SELATAN.,``) become one comma, for a field whose
confirmed values never hold such a run.

Hangul has no confusions listed here: a Hangul word is never changed.

A whole value a few OCR slips from one value confirmed before (the same store's address on its next
receipt: ``PERINDUSTIAN`` for ``PERINDUSTRIAN``, ``S1750`` for ``81750``) becomes that value: at most
``max_value_edits`` (a share of its characters, spaces and case ignored) from it, and nearer to it than
to any other confirmed value of the field by at least two edits (:func:`snap_value`), and no digit
changed, added or dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from hanji.domain.text import edit_distance, nfc

# characters OCR mistakes for one another, upper case (the comparison ignores case)
CONFUSABLE = ("IL1|!", "OD0Q", "S5$", "B8", "Z2", "G6", "UV")
# runs OCR reads as one character and back
CONFUSABLE_RUNS = (("RN", "M"), ("VV", "W"))

_CLASS = {ch: group for group in CONFUSABLE for ch in group}
_WORD = re.compile(r"(?:[^\W_]|[|!$])+")
_DOUBLED = re.compile(r"(?<=\w)(?=[.,]*,)[.,]{2,3}(?=\s|$)")  # 'SELATAN.,' / 'JOHOR,,' / 'JAYA,.'


@dataclass
class FieldVocabulary:
    """The words of one field's confirmed values: upper-case word -> number of values holding it."""

    counts: Counter = field(default_factory=Counter)
    forms: dict[str, Counter] = field(default_factory=dict)  # upper-case word -> its written forms
    values: int = 0
    doubled_separators: int = 0  # values holding a doubled separator (then they are left alone)
    whole: dict[str, Counter] = field(default_factory=dict)  # a value, spaces removed and upper case -> its forms

    def form(self, word: str) -> str:
        f = self.forms.get(word)
        return f.most_common(1)[0][0] if f else word


@dataclass
class Vocabulary:
    """Per field, the words of a project's confirmed key-values (:func:`build_vocabulary`)."""

    fields: dict[str, FieldVocabulary] = field(default_factory=dict)
    min_count: int = 2
    min_length: int = 4
    min_values: int = 5  # a field with fewer confirmed values is not corrected
    max_value_edits: float = 0.1  # a whole value this share of its characters from a confirmed one becomes it

    def __bool__(self) -> bool:
        return any(fv.values for fv in self.fields.values())


@dataclass(frozen=True)
class Correction:
    """One change to a value: ``before`` (as read) became ``after``."""

    key: str
    before: str
    after: str


def build_vocabulary(pairs: Iterable[tuple[str, str]], min_count: int = 2, min_length: int = 4,
                     min_values: int = 5) -> Vocabulary:
    """The vocabulary of ``(key, value)`` pairs (confirmed key-values)."""
    vocab = Vocabulary(min_count=min_count, min_length=min_length, min_values=min_values)
    for key, value in pairs:
        value = nfc(value)
        fv = vocab.fields.setdefault(key, FieldVocabulary())
        fv.values += 1
        fv.doubled_separators += bool(_DOUBLED.search(value))
        if value.strip():
            fv.whole.setdefault(_squash(value), Counter())[value.strip()] += 1
        seen = set()
        for w in _WORD.findall(value):
            u = w.upper()
            fv.forms.setdefault(u, Counter())[w] += 1
            if u not in seen:
                seen.add(u)
                fv.counts[u] += 1
    return vocab


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def snap_value(value: str, fv: FieldVocabulary, max_edits: float) -> str | None:
    """The confirmed value of the field that ``value`` is an OCR reading of, or None: within
    ``max_edits`` of its characters (spaces and case ignored; at least 8 characters long) and nearer
    by two edits or more than any other confirmed value that is not a variant of it (within
    ``max_edits`` of it: ``...TAMPOI,81200`` and ``...TAMPOI 81200``); of such variants, the one
    confirmed most often (then the nearest). A value confirmed as read is itself."""
    if max_edits <= 0 or not fv.whole:
        return None
    u = _squash(value)
    if len(u) < 8 or u in fv.whole:
        return None
    near = sorted((edit_distance(u, w), w) for w in fv.whole if abs(len(w) - len(u)) <= max_edits * len(w))
    if not near or near[0][0] > max_edits * len(near[0][1]):
        return None
    best = min(near, key=lambda x: (x[0], -sum(fv.whole[x[1]].values())))
    for d, w in near:  # another value about as near is ambiguous, unless it is a variant of the same
        if w != best[1] and d - best[0] < 2 and edit_distance(w, best[1]) > max_edits * len(best[1]):
            return None
    variants = [(sum(fv.whole[w].values()), -d, w) for d, w in near
                if d <= max_edits * len(w) and edit_distance(w, best[1]) <= max_edits * len(best[1])]
    chosen = max(variants)[2]  # the variant confirmed most often (the project's usual spelling), then the nearest
    if not _same_numbers(u, chosen):
        return None
    return fv.whole[chosen].most_common(1)[0][0]


def _same_numbers(read: str, known: str) -> bool:
    """Whether ``known`` keeps every digit ``read`` has: the edits that make one the other change no
    digit into another digit and add or drop none (``NO 12`` is no ``NO 13``), while a letter read for a
    digit (``S1750`` / ``81750``) may change."""
    from rapidfuzz.distance import Levenshtein

    for op, i, j in Levenshtein.editops(read, known):
        if op == "replace" and read[i].isdigit() and known[j].isdigit():
            return False
        if op == "delete" and read[i].isdigit() or op == "insert" and known[j].isdigit():
            return False
    return True


def _neighbours(word: str) -> set[str]:
    """Upper-case words one confusion away from ``word`` (upper case)."""
    out = set()
    for i, ch in enumerate(word):
        for alt in _CLASS.get(ch, ""):
            if alt != ch:
                out.add(word[:i] + alt + word[i + 1:])
    for a, b in CONFUSABLE_RUNS:
        for x, y in ((a, b), (b, a)):
            start = word.find(x)
            while start >= 0:
                out.add(word[:start] + y + word[start + len(x):])
                start = word.find(x, start + 1)
    return out


def _in_case_of(read: str, target: str, fv: FieldVocabulary) -> str:
    letters = [c for c in read if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return target
    if letters and all(c.islower() for c in letters):
        return target.lower()
    if read[:1].isupper() and all(c.islower() for c in letters[1:]):
        return target.capitalize()
    return fv.form(target)


def correct_word(word: str, fv: FieldVocabulary, min_count: int = 2, min_length: int = 4) -> str:
    """``word`` as the field's vocabulary ``fv`` says it is written: itself unless it is unknown and
    one confusion from exactly one most frequent word (see the module docstring)."""
    u = word.upper()
    if u in fv.counts or len(u) < min_length - 1:
        return word
    if sum(not c.isalpha() for c in word) > 1 or not any(c.isalpha() for c in word):
        return word  # a number, a code: no letters-only word is one confusion away
    target = _target(u, fv, min_count, min_length)
    if target is not None:
        return _in_case_of(word, target, fv)
    return _glued(word, fv, min_count, min_length)


def _target(u: str, fv: FieldVocabulary, min_count: int, min_length: int) -> str | None:
    """The one most frequent word of ``fv`` one confusion from upper-case ``u``, else None."""
    cands = sorted(((fv.counts[c], c) for c in _neighbours(u)
                    if fv.counts.get(c, 0) >= min_count and len(c) >= min_length and c.isalpha()), reverse=True)
    if not cands or (len(cands) > 1 and cands[0][0] == cands[1][0]):
        return None
    return cands[0][1]


def _glued(word: str, fv: FieldVocabulary, min_count: int, min_length: int, longest: int = 40) -> str:
    """``word`` read as words OCR glued together (``JaianTampoi``, ``KawasanPerindustrlan``): when it
    splits into frequent words of the field (``min_count`` values; three characters or more, or a
    number) and words one confusion from one, the fewest pieces, those pieces are corrected; else
    ``word``."""
    u = word.upper()
    if len(u) > longest:
        return word
    n = len(u)
    # best[i]: (pieces, corrections, [(start, end, target or None)]) for u[:i]
    best: list[tuple[int, int, list] | None] = [None] * (n + 1)
    best[0] = (0, 0, [])
    for i in range(1, n + 1):
        for j in range(i):
            if best[j] is None or (j == 0 and i == n):
                continue
            piece = u[j:i]
            if fv.counts.get(piece, 0) >= min_count and (len(piece) >= 3 or piece.isdigit()):
                step = (1, 0, None)
            elif len(piece) >= min_length - 1 and piece not in fv.counts:
                t = _target(piece, fv, min_count, min_length)
                if t is None:
                    continue
                step = (1, 1, t)
            else:
                continue
            cand = (best[j][0] + step[0], best[j][1] + step[1], best[j][2] + [(j, i, step[2])])
            if best[i] is None or cand[:2] < best[i][:2]:
                best[i] = cand
    if best[n] is None or best[n][1] == 0:
        return word
    return "".join(word[a:b] if t is None else _in_case_of(word[a:b], t, fv) for a, b, t in best[n][2])


def correct_value(key: str, value: str, vocab: Vocabulary | None) -> tuple[str, list[Correction]]:
    """``value`` of field ``key`` with its words corrected against ``vocab``, and what changed."""
    fv = vocab.fields.get(key) if vocab else None
    if fv is None or fv.values < vocab.min_values:
        return value, []
    fixes: list[Correction] = []

    def word(m: re.Match) -> str:
        w = m.group(0)
        new = correct_word(w, fv, vocab.min_count, vocab.min_length)
        if new != w:
            fixes.append(Correction(key, w, new))
        return new

    out = _WORD.sub(word, value)
    if not fv.doubled_separators:
        def sep(m: re.Match) -> str:
            fixes.append(Correction(key, m.group(0), ","))
            return ","

        out = _DOUBLED.sub(sep, out)
    snapped = snap_value(out, fv, vocab.max_value_edits)
    if snapped is not None and snapped != out:
        fixes.append(Correction(key, out, snapped))
        out = snapped
    return out, fixes
