"""Likely label errors, in the manner of confident learning (Northcutt et al., ``cleanlab``).

A confirmed transcription is suspect when the recognizer reads something else *and* is at least
as sure of its reading as it usually is when it agrees with people. That per-model threshold (the
mean confidence over agreeing readings) is confident learning's per-class threshold, taken over
strings; disagreements below it are the model's own uncertainty, not evidence against the label.
The same is done per token for BIO tags against a tagger, with one threshold per entity type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hanji.domain.text import cer as text_cer
from hanji.domain.text import nfc


@dataclass(frozen=True)
class Reading:
    """A person's label and the model's reading of the same region."""

    doc_id: int
    region_id: int
    given: str
    predicted: str
    confidence: float  # the model's confidence in ``predicted``, 0..1


@dataclass(frozen=True)
class Suspect:
    doc_id: int
    region_id: int
    given: str
    predicted: str
    confidence: float
    distance: float  # character error rate of the label against the reading
    score: float  # higher: more likely a label error
    flagged: bool  # a confident disagreement (above the threshold)


def normalise(text: str) -> str:
    return " ".join(nfc(text).split())


def cer(given: str, predicted: str) -> float:
    """The CER of one reading against its label, white space collapsed (the one CER)."""
    return text_cer([predicted], [given], spaces="collapse")


def agreement_threshold(readings: Iterable[Reading], default: float = 0.5) -> float:
    """Mean confidence of the readings that agree with their label (confident learning's t_j)."""
    agree = [r.confidence for r in readings if normalise(r.given) == normalise(r.predicted)]
    return sum(agree) / len(agree) if agree else default


def rank_transcriptions(readings: Sequence[Reading], threshold: float | None = None) -> list[Suspect]:
    """Disagreeing readings, most likely label errors first.

    ``score`` is the model's confidence scaled by how far the label is from its reading (capped at
    one CER), so a confident one-character disagreement outranks an unsure total mismatch; flagged
    suspects (confidence at or above the threshold) always come before unflagged ones.
    """
    t = agreement_threshold(readings) if threshold is None else threshold
    out = []
    for r in readings:
        if normalise(r.given) == normalise(r.predicted):
            continue
        d = cer(r.given, r.predicted)
        score = r.confidence * (0.5 + 0.5 * min(1.0, d))
        out.append(Suspect(r.doc_id, r.region_id, r.given, r.predicted, r.confidence, d, score,
                           r.confidence >= t))
    out.sort(key=lambda s: (not s.flagged, -s.score))
    return out


@dataclass(frozen=True)
class TagReading:
    doc_id: int
    region_id: int
    token: str
    given: str  # BIO tag a person gave
    predicted: str  # the tagger's tag
    confidence: float


def _entity(tag: str) -> str:
    return tag.partition("-")[2] or "O"


def rank_tags(readings: Sequence[TagReading]) -> list[tuple[TagReading, float]]:
    """Confident disagreements of a tagger with BIO labels: per predicted entity type ``j`` the
    threshold ``t_j`` is the mean confidence of tokens where tagger and label both say ``j``; a
    token labelled ``i`` but predicted ``j ≠ i`` with confidence ≥ ``t_j`` is a likely error.
    Returns ``(reading, margin)`` sorted by the margin above the threshold, largest first."""
    sums: dict[str, list[float]] = defaultdict(list)
    for r in readings:
        if _entity(r.given) == _entity(r.predicted):
            sums[_entity(r.predicted)].append(r.confidence)
    thresholds = {k: sum(v) / len(v) for k, v in sums.items()}
    out = []
    for r in readings:
        j = _entity(r.predicted)
        if _entity(r.given) == j:
            continue
        t = thresholds.get(j, 0.5)
        if r.confidence >= t:
            out.append((r, r.confidence - t))
    out.sort(key=lambda x: -x[1])
    return out
