"""What to label next: unlabelled documents ranked by model uncertainty and diversity.

Uncertainty comes from the pre-annotation: a document whose machine regions the model read with
low confidence (mean and worst) teaches the model most. Diversity keeps the list from filling
with ten copies of one form: candidates are picked greedily by maximal marginal relevance,
``weight * uncertainty + (1 - weight) * novelty``, where novelty is the distance (share of
differing perceptual-hash bits, scaled) to the nearest document already labelled or already
picked. Without features, it is uncertainty alone.

The labelled set is not compared whole (a project of 100,000 pages would make that a square): each
candidate is compared with a fixed-size sample of the labelled pages (``LABELLED_SAMPLE``, drawn
evenly) and, for hash bits, with the labelled pages that share a band of its hash (the near copies
of it, found as ``hanji.quality.duplicates.band_pairs`` finds duplicates), so a page like one
already labelled is still found, in time that grows with the pages, not their product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hanji.quality.duplicates import band_pairs

LABELLED_SAMPLE = 1024  # labelled pages each candidate is compared with, besides the ones sharing a hash band
CHUNK = 2048  # candidates compared at once (a CHUNK × LABELLED_SAMPLE distance block)
NO_READING_UNCERTAINTY = 0.5  # a document with no machine reading, when no document has one


@dataclass
class Candidate:
    doc_id: int
    name: str
    confidences: list[float]  # of the document's machine regions
    features: np.ndarray | None = None  # bool bits (a perceptual hash) or floats


@dataclass(frozen=True)
class Pick:
    doc_id: int
    name: str
    score: float
    uncertainty: float
    novelty: float
    reason: str


def uncertainty(confidences: Sequence[float]) -> float:
    """``1 -`` the mean of mean and minimum confidence; 0.5 when there is no reading."""
    if not confidences:
        return NO_READING_UNCERTAINTY
    mean = sum(confidences) / len(confidences)
    return 1.0 - 0.5 * (mean + min(confidences))


def _distances(x: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Distance of each row of x to its nearest row of pool, in 0..1 (bits: the share that differs)."""
    if len(pool) == 0:
        return np.ones(len(x))
    if x.dtype == bool:  # differing bits |a| + |b| - 2 a·b, by matrix products (exact in float32 for 256 bits)
        b = pool.astype(np.float32)
        nb = b.sum(1)
        parts = []
        for i in range(0, len(x), CHUNK):  # the candidates as floats a chunk at a time (all at once: 1 KB each)
            a = x[i:i + CHUNK].astype(np.float32)
            parts.append((a.sum(1)[:, None] + nb[None] - 2 * (a @ b.T)).min(1))
        return np.rint(np.concatenate(parts)) / x.shape[1]
    d = np.concatenate([np.linalg.norm(pool[None] - x[i:i + CHUNK, None], axis=2).min(1)
                        for i in range(0, len(x), CHUNK)])
    return d / (d.max() or 1.0)


def sample(pool: np.ndarray, size: int = LABELLED_SAMPLE) -> np.ndarray:
    """At most ``size`` rows of pool, evenly spaced (the same rows every run)."""
    if len(pool) <= size:
        return pool
    return pool[np.linspace(0, len(pool) - 1, size).round().astype(int)]


def nearest_labelled(x: np.ndarray, pool: np.ndarray, within: float = 1.0) -> np.ndarray:
    """Distance of each candidate to the nearest labelled page it is compared with: the sample, and
    (hash bits) the labelled pages sharing a band of its hash, of those within ``within`` of it (a
    page farther than the novelty scale counts as far however far it is)."""
    d = _distances(x, sample(pool))
    if x.dtype != bool or len(pool) <= LABELLED_SAMPLE:
        return d
    xp, pp = np.packbits(x, axis=1), np.packbits(pool, axis=1)
    pairs = band_pairs(np.vstack([xp, pp]), max_bits=int(within * x.shape[1]), across=len(x))
    if len(pairs):
        a, b = pairs[:, 0], pairs[:, 1] - len(x)
        near = np.bitwise_count(xp[a] ^ pp[b]).sum(1) / x.shape[1]
        np.minimum.at(d, a, near)
    return d


def rank_next(candidates: Sequence[Candidate], labelled: np.ndarray | None = None, n: int = 10,
              weight: float = 0.7, novelty_scale: float = 0.5) -> list[Pick]:
    """The ``n`` most useful documents to label next, best first.

    ``labelled``: features of documents already labelled (rows). Novelty is the nearest-distance
    divided by ``novelty_scale`` and capped at 1 (two unrelated pages differ in about half of the
    hash bits, two pages of one layout in a quarter or less).
    """
    if not candidates:
        return []
    unc = np.array([uncertainty(c.confidences) for c in candidates])
    scored = [u for c, u in zip(candidates, unc) if c.confidences]
    if scored:  # documents without a reading are neither favoured nor held back: the median (worked out once)
        middle = float(np.median(scored))
        unc = np.array([u if c.confidences else middle for c, u in zip(candidates, unc)])
    have_feats = all(c.features is not None for c in candidates)
    if not have_feats:
        order = np.argsort(-unc, kind="stable")[:n]
        return [Pick(candidates[i].doc_id, candidates[i].name, float(unc[i]), float(unc[i]), 0.0,
                     _reason(candidates[i], unc[i], None)) for i in order]
    feats = np.stack([np.asarray(c.features) for c in candidates])
    pool = np.asarray(labelled) if labelled is not None and len(labelled) else feats[:0]
    nov = np.minimum(1.0, nearest_labelled(feats, pool, novelty_scale) / novelty_scale)
    picks: list[Pick] = []
    left = list(range(len(candidates)))
    while left and len(picks) < n:
        scores = weight * unc[left] + (1 - weight) * nov[left]
        k = int(np.argmax(scores))
        i = left.pop(k)
        c = candidates[i]
        picks.append(Pick(c.doc_id, c.name, float(scores[k]), float(unc[i]), float(nov[i]),
                          _reason(c, unc[i], nov[i])))
        # the picked one now counts as labelled: those like it lose novelty
        if left:
            if feats.dtype == bool:
                d = (feats[left] != feats[i]).mean(1)
            else:
                d = np.linalg.norm(feats[left] - feats[i], axis=1) / (np.linalg.norm(feats, axis=1).max() or 1.0)
            nov[left] = np.minimum(nov[left], np.minimum(1.0, d / novelty_scale))
    return picks


def _reason(c: Candidate, u: float, nov: float | None) -> str:
    if c.confidences:
        part = (f"{len(c.confidences)} machine regions, mean confidence "
                f"{sum(c.confidences) / len(c.confidences):.2f}, lowest {min(c.confidences):.2f}")
    else:
        part = "no machine reading yet (pre-annotate it to rank it by uncertainty)"
    if nov is not None:
        part += f"; {'unlike' if nov > 0.6 else 'like'} the labelled pages (novelty {nov:.2f})"
    return part
