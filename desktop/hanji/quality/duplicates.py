"""Duplicate images: exact (same pixels, whatever the file encoding) and near (perceptual hash).

A document image is reduced to a :class:`Fingerprint`; :func:`group_duplicates` joins documents
whose fingerprints match into groups (transitively, so A~B and B~C make one group).
Document pages share layouts, so hashes alone would merge every receipt of one shop. Pairs whose
16×16 DCT hash and 16×16 difference hash (256 bits each) are close are only candidates; a pair is a
near duplicate when, in addition, small thumbnails of the two pages match block by block (after
matching one page's brightness and contrast to the other's, clipped at white as a brightened page's
paper is, and allowing a shift of a pixel or two): a re-encode, a resize or a brighter copy of one
page matches everywhere (the hashes are of the page levelled so that its paper is white), a different receipt of the same layout differs where its
text differs. A re-scan that is cropped or rescaled by more than a few percent is not caught.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import io
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from hanji.domain.unionfind import UnionFind
from hanji.quality.bands import all_pairs, band_pairs, pair_distances  # noqa: F401 (all_pairs: the reference search)

HASH_SIZE = 16
HASH_BITS = HASH_SIZE * HASH_SIZE
NEAR_BITS = 0.15  # candidates: at most this share of bits differs in each hash
THUMB = 64  # thumbnail side for the block comparison
FIT_SIDE = 256  # thumbnail side where two pages' brightness is matched
BLOCK_GRID = 8  # the thumbnail is compared in 8×8 blocks
BLOCK_LIMIT = 0.25  # the worst block may differ by this much (mean |z| difference) in a near duplicate
PHASH_FACTOR = 4  # the DCT hash looks at a (HASH_SIZE * PHASH_FACTOR)² grayscale image
FINGERPRINT_VERSION = 2  # 2: hashes and thumbnails of the levelled page (a brightened copy is found)
VERIFY_TRIES = 3  # failed verifications a document may take part in (see group_duplicates)
VERIFY_WINDOW = 128  # candidate pairs verified side by side (group_duplicates' verify_many)
LEVEL_SIDE = 512  # pages are levelled at this size
PAPER_PERCENTILE = 90  # the paper's level: most of a document page is paper
PAPER_MARGIN = 0.85  # levels above this share of the way from ink to paper are paper (white)


@dataclass(frozen=True)
class Fingerprint:
    pixels: str  # sha256 of the decoded RGB pixels and the size
    phash: str  # hex, HASH_BITS bits
    dhash: str
    version: int = 1  # hashes of older versions were made differently: cached ones are made again

    def as_dict(self) -> dict:
        return {"pixels": self.pixels, "phash": self.phash, "dhash": self.dhash, "v": self.version}

    @classmethod
    def from_dict(cls, d: dict) -> Fingerprint:
        return cls(d["pixels"], d["phash"], d["dhash"], int(d.get("v", 1)))


@dataclass
class DuplicateGroup:
    kind: str  # exact | near
    doc_ids: list[int]  # in the order given to group_duplicates (the first is the one to keep by default)
    distance: float  # largest share of differing hash bits inside the group (0 for exact)


def fingerprint(image: Image.Image) -> Fingerprint:
    rgb = image.convert("RGB")
    h = hashlib.sha256(f"{rgb.width}x{rgb.height}".encode())
    h.update(rgb.tobytes())
    gray = levelled(image)
    return Fingerprint(h.hexdigest(), _hex(phash_bits(gray)), _hex(dhash_bits(gray)), FINGERPRINT_VERSION)


def fingerprint_encoded(images: Sequence[bytes]) -> list[dict | None]:
    """:func:`fingerprint` of encoded images, as ``Fingerprint.as_dict()`` (None for one that does not
    decode): what a worker process hashes for ``hanji.jobs.duplicates.fingerprints`` (bytes in,
    small dicts out, so little crosses the pipe)."""
    out: list[dict | None] = []
    for data in images:
        try:
            with Image.open(io.BytesIO(data)) as im:
                out.append(fingerprint(im).as_dict())
        except OSError:  # what the job skips when it hashes in its own process
            out.append(None)
    return out


def same_encoded(pairs: Sequence[tuple[bytes, bytes]]) -> list[bool | None]:
    """:func:`same_picture` of pairs of encoded images, on their :func:`thumbnail` s at whole levels
    (as ``hanji.jobs.duplicates`` keeps them); None for a pair with an image that does not decode:
    what a worker process verifies (bytes in, a bool a pair out)."""
    out: list[bool | None] = []
    for a, b in pairs:
        try:
            ta, tb = (_thumb_levels(x) for x in (a, b))
        except OSError:
            out.append(None)
            continue
        out.append(same_picture(ta.astype(np.float32), tb.astype(np.float32)))
    return out


def _thumb_levels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return thumbnail(im).astype(np.uint8)


def levelled(image: Image.Image, side: int = LEVEL_SIDE) -> Image.Image:
    """Grayscale with the paper made white and the darkest ink black: the levels a brightened
    (or darkened) copy shares with its page. The page is reduced first (the percentiles need no more),
    and the paper level is a high percentile, so a copy brightened until its paper is clipped at
    white gives the same picture.

    The percentiles are read off the page's histogram and the levels mapped through a table of the
    256 grey levels: the same numbers as ``np.percentile`` and the per-pixel float arithmetic
    (:func:`levelled_reference`, which the tests compare it with) in a fifth of the time."""
    gray = image if image.mode == "L" else image.convert("L")
    if max(gray.size) > side:
        gray = gray.copy()
        gray.thumbnail((side, side), Image.BILINEAR)
    lo, hi = _percentiles(gray.histogram(), (1, PAPER_PERCENTILE))
    if hi - lo < 8:  # a flat page: nothing to stretch
        return gray if gray is not image else gray.copy()
    white = lo + PAPER_MARGIN * (hi - lo)  # shading of the paper and the paper a brightened copy clipped
    table = np.clip((_LEVELS - lo) * (255.0 / (white - lo)), 0, 255).astype(np.uint8)
    return gray.point(table.tolist())


_LEVELS = np.arange(256, dtype=np.float32)  # the grey levels as the reference's float32 pixels


def _percentiles(hist: Sequence[int], qs: tuple[float, ...]) -> tuple[np.float64, ...]:
    """``np.percentile(pixels, qs)`` (its default, linear method; ``pixels`` float32) of the pixels whose
    histogram over the 256 grey levels is ``hist``: numpy's virtual index ``(n - 1)·q``, the levels of
    its two neighbours in sorted order read off the cumulative counts instead of a partial sort, and
    numpy's interpolation (``a + (b - a)·γ``, or ``b - (b - a)·(1 - γ)`` from γ = 0.5 on), in the same
    float64 arithmetic; float64 scalars, as ``np.percentile`` gives."""
    cum = list(itertools.accumulate(hist))
    n = cum[-1]

    def level(i: int) -> float:  # the grey level of the i-th pixel in sorted order
        return float(bisect.bisect_right(cum, i))

    out = []
    for q in qs:
        virtual = (n - 1) * (q / 100)
        prev = math.floor(virtual)
        if virtual >= n - 1:
            out.append(np.float64(level(n - 1)))
            continue
        a, b = level(prev), level(prev + 1)
        gamma = virtual - prev
        out.append(np.float64(b - (b - a) * (1 - gamma) if gamma >= 0.5 else a + (b - a) * gamma))
    return tuple(out)


def levelled_reference(image: Image.Image, side: int = LEVEL_SIDE) -> Image.Image:
    """:func:`levelled` as first written (``np.percentile`` and float arithmetic on every pixel): the
    reference the tests hold it to (fingerprints kept in projects were made with this)."""
    gray = image.convert("L")
    if max(gray.size) > side:
        gray = gray.copy()
        gray.thumbnail((side, side), Image.BILINEAR)
    x = np.asarray(gray, dtype=np.float32)
    lo, hi = np.percentile(x, (1, PAPER_PERCENTILE))
    if hi - lo < 8:
        return gray
    white = lo + PAPER_MARGIN * (hi - lo)
    y = np.clip((x - lo) * (255.0 / (white - lo)), 0, 255)
    return Image.fromarray(y.astype(np.uint8), "L")


@functools.lru_cache(maxsize=8)
def _dct_matrix(n: int, k: int) -> np.ndarray:
    """The first ``k`` rows of the (unnormalised) ``n``-point DCT-II: ``2·cos(π·u·(2x+1)/2n)``
    (made once per size, read-only)."""
    u = np.arange(k, dtype=np.float64)[:, None]
    x = np.arange(n, dtype=np.float64)[None, :]
    m = 2.0 * np.cos(np.pi * u * (2 * x + 1) / (2 * n))
    m.flags.writeable = False
    return m


def phash_bits(image: Image.Image, hash_size: int = HASH_SIZE) -> np.ndarray:
    """Perceptual hash: the lowest ``hash_size``² DCT coefficients of a Lanczos-resized
    ``(hash_size·PHASH_FACTOR)``² grayscale image against their median. The same bits as
    ``imagehash.phash`` (fingerprints cached by older versions stay valid)."""
    n = hash_size * PHASH_FACTOR
    gray = image if image.mode == "L" else image.convert("L")
    pixels = np.asarray(gray.resize((n, n), Image.LANCZOS), dtype=np.float64)
    d = _dct_matrix(n, hash_size)
    low = d @ pixels @ d.T  # 2-D DCT-II, rows then columns, low frequencies only
    return low > np.median(low)


def dhash_bits(image: Image.Image, hash_size: int = HASH_SIZE) -> np.ndarray:
    """Difference hash: is each pixel of a ``(hash_size+1)×hash_size`` grayscale image darker
    than its right neighbour (as ``imagehash.dhash``)."""
    gray = image if image.mode == "L" else image.convert("L")
    pixels = np.asarray(gray.resize((hash_size + 1, hash_size), Image.LANCZOS))
    return pixels[:, 1:] > pixels[:, :-1]


def _hex(bits: np.ndarray) -> str:
    """Row-major bits as hex, most significant bit first (the format of cached fingerprints)."""
    return np.packbits(bits.reshape(-1)).tobytes().hex()


def thumbnail(image: Image.Image) -> np.ndarray:
    """Two grayscale thumbnails (levels 0-255) of ``FIT_SIDE``²: the page as it is and levelled (its
    paper white). :func:`same_picture` matches the brightness of two pages there, where few pixels mix
    clipped paper with ink, then compares them at ``THUMB``²; the levelled one copes with shaded
    paper, the plain one with faint print."""
    return np.stack([np.asarray(im.resize((FIT_SIDE, FIT_SIDE), Image.BILINEAR), dtype=np.float32)
                     for im in (image.convert("L"), levelled(image))])


def _small(x: np.ndarray) -> np.ndarray:
    f = x.shape[0] // THUMB
    return x.reshape(THUMB, f, THUMB, f).sum(axis=3).sum(axis=1) / (f * f) if f > 1 else x  # the means, rows first


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() or 1.0)


def matched(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a`` with the brightness and contrast of ``b``: the line ``b ≈ k·a + c`` fitted where neither is
    white, then clipped as ``b`` is (a brightened copy has its paper clipped at white; each thumbnail
    pixel mixes ink and paper in the same share, so the copy's levels are a line of the page's)."""
    m = (a < 250) & (b < 250)
    count = int(np.count_nonzero(m))
    if count < a.size // 20:
        return a
    x, y = np.where(m, a, 0).astype(np.float64), np.where(m, b, 0).astype(np.float64)  # zero outside the mask
    sx, sy = float(x.sum()), float(y.sum())
    # the least-squares line (what polyfit(x, y, 1) fits) from sums times the count: whole levels make every
    # term a whole number below 2**53, so these are exact
    var = float((x * x).sum()) * count - sx * sx
    if var == 0:
        return a
    k = (float((x * y).sum()) * count - sx * sy) / var
    c = (sy - k * sx) / count
    if not 0.2 < k < 5:  # not a brightness change: compare as they are
        return a
    return np.clip(k * a + c, 0, 255)


def block_difference(a: np.ndarray, b: np.ndarray, max_shift: int = 2) -> float:
    """The worst block's mean absolute difference of two thumbnails, at the best small shift (all
    shifts' differences in one array, reduced at once)."""
    m = max_shift
    k = (a.shape[0] - 2 * m) // BLOCK_GRID
    side = k * BLOCK_GRID  # the blocks cover this much of the middle of ``a``
    s = 2 * m + 1
    d = np.empty((s * s, side, side), dtype=np.result_type(a, b))
    middle = a[m:m + side, m:m + side]
    for i in range(s):
        for j in range(s):
            np.subtract(middle, b[i:i + side, j:j + side], out=d[i * s + j])
    np.abs(d, out=d)
    blocks = d.reshape(s * s, BLOCK_GRID, k, BLOCK_GRID, k).sum(axis=4).sum(axis=2) / (k * k)
    return float(blocks.max(axis=(1, 2)).min())


def picture_difference(a: np.ndarray, b: np.ndarray) -> float:
    """:func:`block_difference` of two pages' thumbnails, one matched to the other's levels (the best
    of both ways and both kinds of thumbnail)."""
    if a.ndim == 2:
        a, b = a[None], b[None]
    return min(min(block_difference(_z(_small(matched(x, y))), _z(_small(y))),
                   block_difference(_z(_small(x)), _z(_small(matched(y, x))))) for x, y in zip(a, b))


def same_picture(a: np.ndarray, b: np.ndarray, limit: float = BLOCK_LIMIT) -> bool:
    """``picture_difference(a, b) <= limit``, stopping at the first comparison within it (a copy
    usually matches at the first of the four)."""
    if a.ndim == 2:
        a, b = a[None], b[None]
    for x, y in zip(a, b):
        if block_difference(_z(_small(matched(x, y))), _z(_small(y))) <= limit:
            return True
        if block_difference(_z(_small(x)), _z(_small(matched(y, x)))) <= limit:
            return True
    return False


def _bits(hexes: Sequence[str]) -> np.ndarray:
    """``(n, HASH_BITS)`` bool array of hex hashes."""
    raw = np.frombuffer(b"".join(bytes.fromhex(h) for h in hexes), dtype=np.uint8).reshape(len(hexes), -1)
    return np.unpackbits(raw, axis=1).astype(bool)


def hash_distance(a: str, b: str) -> float:
    """Share of differing bits between two hex hashes of the same size."""
    x = _bits([a, b])
    return float((x[0] != x[1]).mean())


def group_duplicates(items: Sequence[tuple[int, Fingerprint]], near: float = NEAR_BITS,
                     verify: Callable[[int, int], bool] | None = None,
                     pairs: Callable[..., np.ndarray] = band_pairs,
                     tries: int | None = VERIFY_TRIES,
                     verify_many: Callable[[list[tuple[int, int]]], list[bool]] | None = None,
                     window: int = VERIFY_WINDOW) -> list[DuplicateGroup]:
    """Groups of two or more documents: exact groups (same pixels) first, then near groups.

    Exact duplicates share a pixel digest (a dictionary). Near candidates are the pairs that share a
    band of a hash (:func:`band_pairs`; ``pairs=all_pairs`` compares every pair) and whose two hashes
    both differ in at most ``near`` of their bits; ``verify(doc_a, doc_b)`` then decides candidate
    pairs (``same_picture`` on thumbnails, in ``hanji.jobs.quality``), nearest hashes first, and not
    a pair already in one group. ``tries``: a pair is not verified when both of its documents have
    already failed that many verifications (pages of one template are close in hash but differ: the
    verifications would grow with the square of them; a page's near copy is among its nearest
    hashes); ``None`` verifies every candidate. ``near=0`` finds exact duplicates only.

    ``verify_many(pairs)`` (with ``verify``, which it must agree with): the verdicts of many pairs at
    once (worker processes verify them side by side). The next ``window`` pairs that still need a
    verification when the window starts are asked together; the pairs are then taken in order as
    one at a time, each verdict used only when that pair is still to be verified (the groups only
    join and the failures only grow, so no pair needs a verdict the window did not ask): the same
    groups as ``verify`` alone, for at most ``window`` verifications more.
    """
    n = len(items)
    if n < 2:
        return []
    groups: list[DuplicateGroup] = []
    by_pixels: dict[str, list[int]] = {}
    for i, (_, fp) in enumerate(items):
        by_pixels.setdefault(fp.pixels, []).append(i)
    exact = [idx for idx in by_pixels.values() if len(idx) > 1]
    for idx in exact:
        groups.append(DuplicateGroup("exact", [items[i][0] for i in idx], 0.0))
    if near <= 0:
        return groups
    # near: one representative per exact group
    reps = [idx[0] for idx in by_pixels.values()]
    pk = _packed([items[i][1].phash for i in reps])
    dk = _packed([items[i][1].dhash for i in reps])
    bits = pk.shape[1] * 8
    limit = near * bits
    cand = pairs(pk, dk, max_bits=int(limit))
    dp, dd = pair_distances(pk, cand), pair_distances(dk, cand)
    close = np.flatnonzero((dp <= limit) & (dd <= limit))
    close = close[np.lexsort((dp[close] + dd[close], np.maximum(dp[close], dd[close])))]  # nearest first (stable)
    uf = UnionFind(len(reps))
    failed = [0] * len(reps)
    most = len(reps) if tries is None else tries
    worst: dict[tuple[int, int], float] = {}
    todo = list(zip(cand[close].tolist(), dp[close].tolist(), dd[close].tolist()))
    verdicts: dict[tuple[int, int], bool] = {}
    i = 0
    while i < len(todo):
        j = len(todo)
        if verify is not None and verify_many is not None:  # the window's pairs still to verify, asked at once
            ask: list[tuple[int, int]] = []
            j = i
            while j < len(todo) and len(ask) < window:
                a, b = todo[j][0]
                if uf.find(a) != uf.find(b) and not (failed[a] >= most and failed[b] >= most):
                    ask.append((a, b))
                j += 1
            verdicts = dict(zip(ask, verify_many([(items[reps[a]][0], items[reps[b]][0]) for a, b in ask])))
        for (a, b), p_, d_ in todo[i:j]:
            if uf.find(a) == uf.find(b):
                continue  # already one group: no need to look again
            if verify is not None:
                if failed[a] >= most and failed[b] >= most:
                    continue
                same = verdicts[(a, b)] if verify_many is not None else verify(items[reps[a]][0], items[reps[b]][0])
                if not same:
                    failed[a] += 1
                    failed[b] += 1
                    continue
            uf.join(a, b)
            worst[(a, b)] = max(p_, d_) / bits
        i = j
    members: dict[int, list[int]] = {}
    for k in range(len(reps)):
        members.setdefault(uf.find(k), []).append(k)
    dist: dict[int, float] = {}
    for (a, _b), v in worst.items():
        root = uf.find(a)
        dist[root] = max(dist.get(root, 0.0), v)
    for root, ks in members.items():
        if len(ks) < 2:
            continue
        doc_idx = sorted(i for k in ks for i in by_pixels[items[reps[k]][1].pixels])
        groups.append(DuplicateGroup("near", [items[i][0] for i in doc_idx], float(dist.get(root, 0.0))))
    return groups


def _packed(hexes: Sequence[str]) -> np.ndarray:
    """``(n, bytes)`` uint8 array of hex hashes."""
    return np.frombuffer(b"".join(bytes.fromhex(h) for h in hexes), dtype=np.uint8).reshape(len(hexes), -1)
