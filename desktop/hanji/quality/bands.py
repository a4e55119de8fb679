"""Candidate pairs of near-equal bit hashes without comparing every pair: locality-sensitive bands.

Two hashes that differ in few bits are equal in most of their 16-bit bands; :func:`band_pairs` pairs
the rows that share a band value. A value shared by many rows (pages of one template, near-blank
pages, page-wide low frequencies) would bring the square of the project back, so such a bucket is not
compared whole: its rows are ordered by the rest of their hash (the band's bytes first, then the
following bytes, wrapping round: each band orders by other bits) and each row is paired with the next
``window`` rows in that order, where a near copy sits (it shares the longest stretch of bits with its
page). Nothing is dropped: every bucket gives pairs, a big one a bounded number a row.
"""

from __future__ import annotations

import numpy as np

BAND_BYTES = 2  # near-duplicate candidates share at least one 16-bit band of a hash (16 bands a hash)
BAND_LIMIT = 400  # a band value shared by more rows than this is searched in windows, not pair by pair
BAND_BUDGET = 8  # all pairs of a band's buckets, smallest first, up to this many pairs a row; the rest by windows
BAND_WINDOW = 4  # in a bucket searched by windows, each row is paired with the next this many rows
MERGE_AT = 1 << 22  # pair codes kept before duplicates are removed (bounds the memory of a big search)


def popcount(x: np.ndarray) -> np.ndarray:
    """Set bits of each row of packed bytes."""
    return np.bitwise_count(x).sum(axis=-1, dtype=np.int32)


def pair_distances(packed: np.ndarray, pairs: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
    """Differing bits of each ``(a, b)`` row pair of ``(n, bytes)`` packed hashes, ``chunk`` pairs at a time
    (the XORed rows of millions of pairs would take gigabytes at once)."""
    if packed.shape[1] % 8 == 0:  # as 64-bit words: a quarter of the gathers and counts
        packed = np.ascontiguousarray(packed).view(np.uint64)
    out = np.empty(len(pairs), np.int32)
    for lo in range(0, len(pairs), chunk):
        p = pairs[lo:lo + chunk]
        out[lo:lo + len(p)] = popcount(packed[p[:, 0]] ^ packed[p[:, 1]])
    return out


def distinct(x: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (by sorting: numpy 2's hashing ``unique`` is far slower here)."""
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def cutoff(sizes: np.ndarray, limit: int, budget: int) -> int:
    """The largest bucket size compared pair by pair in a band: at most ``limit``, and the buckets
    kept (smallest first) make at most ``budget`` pairs."""
    s = np.sort(sizes[(sizes > 1) & (sizes <= limit)])
    if not len(s):
        return 1
    cum = np.cumsum(s * (s - 1) // 2)
    last = np.flatnonzero(cum <= budget)
    if not len(last):
        return 1
    top = int(s[last[-1]])
    return top if last[-1] == len(s) - 1 or s[last[-1] + 1] != top else top - 1


def lex_order(rows: np.ndarray) -> np.ndarray:
    """Row indices of ``(n, bytes)`` uint8 rows in the order of their bytes (as strings compare)."""
    n, width = rows.shape
    pad = (-width) % 8
    if pad:
        rows = np.hstack([rows, np.zeros((n, pad), np.uint8)])
    words = np.ascontiguousarray(rows).view(">u8")  # (n, words), most significant word first
    return np.lexsort(words.T[::-1])


def band_pairs(*packed: np.ndarray, band_bytes: int = BAND_BYTES, limit: int = BAND_LIMIT,
               budget: int = BAND_BUDGET, window: int = BAND_WINDOW, max_bits: int | None = None,
               across: int | None = None) -> np.ndarray:
    """``(k, 2)`` row pairs ``a < b`` (sorted, each once) of the ``(n, bytes)`` packed hashes that share
    a band of ``band_bytes`` bytes of one of the hashes: all pairs of a band value shared by few
    rows, and in a band value shared by more than ``limit`` rows (or past ``budget`` pairs a row in
    the band, its largest values first) each row with its next ``window`` rows in the order of the
    hash read from the band on.

    Two hashes differing in ``d`` of 256 bits at random places share a given 16-bit band with
    probability ``(1 - d/256)**16``, so they share none of 16 with ``(1 - (1 - d/256)**16)**16``:
    one in 170,000 for ``d = 10`` (a recompressed, brightened or resized copy differs in fewer),
    one in 160 for ``d = 20``; with two hashes both must miss. Unrelated pages share a band by chance
    in about 32 of 65,536 pairs; pages alike share bands far more often, and there the windows keep
    the pairs a row bounded: at most ``(budget + window)`` a row and band. ``max_bits``: only the pairs
    whose every hash differs in at most that many bits (kept as the search goes: pages alike make
    millions of candidates, few of them close). ``across``: only the pairs of a row before that index
    with a row from it on (the candidates against the labelled pages of what to label next)."""
    n = packed[0].shape[0]
    kept = np.zeros(0, np.int64)
    chunks: list[np.ndarray] = []
    for pk in packed:
        for lo in range(0, pk.shape[1], band_bytes):
            keys = np.zeros(n, dtype=np.int64)
            for j in range(lo, min(lo + band_bytes, pk.shape[1])):
                keys = (keys << 8) | pk[:, j]
            order = np.argsort(keys, kind="stable")
            keys_sorted = keys[order]
            starts = np.flatnonzero(np.r_[True, keys_sorted[1:] != keys_sorted[:-1]])
            sizes = np.diff(np.r_[starts, n])
            top = cutoff(sizes, limit, budget * n)
            for size in distinct(sizes[(sizes > 1) & (sizes <= top)]):
                runs = order[starts[sizes == size][:, None] + np.arange(size)]  # (runs, size) rows sharing a value
                i, j = np.triu_indices(int(size), 1)
                chunks.append(_close(_codes(runs[:, i].reshape(-1), runs[:, j].reshape(-1), n), packed, max_bits, across))
            big = sizes > top
            if big.any():  # the rest: each row with the next rows of its bucket, in the order of its hash
                rows = order[np.flatnonzero(np.repeat(big, sizes))]
                rows = rows[lex_order(np.roll(pk[rows], -lo, axis=1))]  # by the band (its bucket), then the bytes after it
                k = keys[rows]
                first = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
                end = np.repeat(np.r_[first[1:], len(rows)], np.diff(np.r_[first, len(rows)]))
                pos = np.arange(len(rows))
                for w in range(1, window + 1):
                    p = pos[pos + w < end]
                    chunks.append(_close(_codes(rows[p], rows[p + w], n), packed, max_bits, across))
            if sum(len(c) for c in chunks) > MERGE_AT:
                kept = distinct(np.concatenate([kept, *chunks]))
                chunks = []
    codes = distinct(np.concatenate([kept, *chunks])) if chunks else kept
    return np.stack([codes // n, codes % n], axis=1) if len(codes) else np.zeros((0, 2), dtype=np.int64)


def _close(codes: np.ndarray, packed: tuple[np.ndarray, ...], max_bits: int | None,
           across: int | None = None) -> np.ndarray:
    """The pair codes whose hashes all differ in at most ``max_bits`` bits (all of them when ``None``), and
    with ``across`` those of a row before it with a row from it on."""
    n = packed[0].shape[0]
    if across is not None and len(codes):
        codes = codes[(codes // n < across) & (codes % n >= across)]
    if max_bits is None or not len(codes):
        return codes
    pairs = np.stack([codes // n, codes % n], axis=1)
    for pk in packed:  # the next hash's distances only for the pairs close in the ones before
        keep = pair_distances(pk, pairs) <= max_bits
        codes, pairs = codes[keep], pairs[keep]
        if not len(codes):
            break
    return codes


def _codes(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """One int64 a pair, ``min * n + max``."""
    return np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)


def all_pairs(*packed: np.ndarray, max_bits: int | None = None) -> np.ndarray:
    """Every row pair ``a < b`` (the exhaustive reference :func:`band_pairs` is tested against), or with
    ``max_bits`` those whose every hash differs in at most that many bits."""
    n = packed[0].shape[0]
    i, j = np.triu_indices(n, 1)
    codes = _close(i.astype(np.int64) * n + j, packed, max_bits)
    return np.stack([codes // n, codes % n], axis=1)
