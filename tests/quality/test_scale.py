"""Jobs that must not grow with the square of the project: near-duplicate candidates by hash bands,
what to label next against a bounded sample of the labelled pages."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance

from hanji.quality import next as next_mod
from hanji.quality.duplicates import (
    _packed,
    all_pairs,
    band_pairs,
    fingerprint,
    group_duplicates,
    same_picture,
    thumbnail,
)
from hanji.quality.next import Candidate, rank_next

from .conftest import page, receipt_lines


def _jpeg(im: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _pages() -> dict[int, Image.Image]:
    """Receipts of five shops (same layout, other amounts), contracts, and copies of some of them:
    brightened and recompressed, resized, re-encoded, darkened."""
    ims: dict[int, Image.Image] = {}
    k = 0
    for i in range(24):
        ims[k] = page(receipt_lines(i))
        k += 1
    for i in range(6):
        ims[k] = page(["계약서", f"갑 홍길동 {i}", f"을 김철수 {i * 7}", "서명"])
        k += 1
    originals = list(ims.items())
    for j, (_, im) in enumerate(originals[::3]):
        copy = [_jpeg(ImageEnhance.Brightness(im).enhance(1.25), 70), im.resize((220, 183)), _jpeg(im, 85),
                ImageEnhance.Brightness(im).enhance(0.85)][j % 4]
        ims[k] = copy
        k += 1
    return ims


def test_band_candidates_find_the_groups_all_pairs_find():
    ims = _pages()
    thumbs = {k: thumbnail(v) for k, v in ims.items()}
    items = [(k, fingerprint(v)) for k, v in ims.items()]
    seen_all, seen_band = [], []

    def verify(log):
        return lambda a, b: log.append((a, b)) or same_picture(thumbs[a], thumbs[b])

    exhaustive = group_duplicates(items, verify=verify(seen_all), pairs=all_pairs)
    banded = group_duplicates(items, verify=verify(seen_band))
    assert [(g.kind, g.doc_ids) for g in banded] == [(g.kind, g.doc_ids) for g in exhaustive]
    assert sum(g.kind == "near" for g in banded) == 10  # every copy found, no two receipts merged
    assert len(seen_band) <= len(seen_all)


def test_a_brightened_recompressed_copy_is_a_near_duplicate():
    a = page(receipt_lines(3))
    b = _jpeg(ImageEnhance.Brightness(a).enhance(1.3), 60)
    other = page(receipt_lines(8))
    groups = group_duplicates([(1, fingerprint(a)), (2, fingerprint(other)), (3, fingerprint(b))],
                              verify=lambda x, y: same_picture(thumbnail({1: a, 2: other, 3: b}[x]),
                                                               thumbnail({1: a, 2: other, 3: b}[y])))
    assert [(g.kind, g.doc_ids) for g in groups] == [("near", [1, 3])]


def test_band_pairs_grow_with_the_documents_not_their_square():
    rng = np.random.default_rng(0)
    n = 20000
    p = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    d = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    near = p[:50].copy()
    near[:, :4] ^= 1  # 50 planted copies differing in 4 bits
    p2, d2 = np.vstack([p, near]), np.vstack([d, d[:50]])
    pairs = band_pairs(p2, d2)
    assert len(pairs) < n * (n - 1) // 2 // 1000  # 2·10⁸ pairs in all; chance shares of a 16-bit band: 32/65,536
    found = {(a, b) for a, b in pairs.tolist()}
    assert all((i, n + i) in found for i in range(50))


def test_a_value_every_page_shares_gives_a_window_of_pairs_a_page():
    from hanji.quality.bands import BAND_WINDOW

    rng = np.random.default_rng(1)
    p = rng.integers(0, 256, size=(3000, 32), dtype=np.uint8)
    p[:, :2] = 0  # a blank margin: one band alike on every page
    assert len(band_pairs(p)) < (BAND_WINDOW + 1) * 3000  # its window, and chance shares of the other bands
    assert len(band_pairs(p, limit=10**6, budget=10**6)) >= 3000 * 2999 // 2


def test_packed_reads_hex():
    assert _packed(["00ff", "0101"]).tolist() == [[0, 255], [1, 1]]


def test_next_compares_with_a_bounded_sample_of_the_labelled(monkeypatch):
    rng = np.random.default_rng(2)
    labelled = rng.random((5000, 256)) < 0.5
    cands = [Candidate(i, f"c{i}", [0.5], rng.random(256) < 0.5) for i in range(300)]
    cands[7] = Candidate(7, "c7", [0.5], labelled[4321].copy())  # a copy of a labelled page
    sizes = []
    real = next_mod._distances

    def spy(x, pool):
        sizes.append(len(pool))
        return real(x, pool)

    monkeypatch.setattr(next_mod, "_distances", spy)
    picks = rank_next(cands, labelled, n=300)
    assert sizes and max(sizes) <= next_mod.LABELLED_SAMPLE
    assert picks[-1].doc_id == 7  # the copy still has no novelty: the sample keeps the nearest's neighbours


def test_statistics_from_the_database_equal_the_per_document_accumulator(planted):
    from hanji.domain.model import Region
    from hanji.jobs import quality as jq
    from hanji.quality.stats import Statistics

    doc = planted.documents()[0]
    planted.add_regions(doc.id, [
        Region([(0, 0), (40, 0), (50, 30), (20, 45), (0, 20)], kind="polygon", text="다각 형", label="other"),
        Region([(5, 5), (65.5, 25.25)], kind="rect", text="상자 1,000원", tags=["B-total", "I-total"]),
        Region([(1e-05, 2), (30, 2), (30, 12), (1e-05, 12)], text="", status="confirmed")])
    fast = jq.statistics(planted)
    slow = Statistics(jq.recognizer_charset(planted))
    for item in jq.iter_documents(planted):
        slow.update(*item)
    slow.add_confirmed_times(planted.region_times("confirmed"))
    a, b = fast.tables(), slow.summary().tables()
    assert a["regions"] == b["regions"]  # one row a region, in document and reading order
    # counts equal; ties of a count may come in another order (the database's: by value)
    assert {k: (h, sorted(map(tuple, rows))) for k, (h, rows) in a.items()} == \
        {k: (h, sorted(map(tuple, rows))) for k, (h, rows) in b.items()}
    assert fast.regions_by_kind["polygon"] == 1 and fast.entities["total"] >= 1


def test_a_band_of_pages_alike_is_cut_to_its_budget():
    from hanji.quality.bands import cutoff

    sizes = np.array([1, 2, 2, 3, 5, 50, 50, 300])
    assert cutoff(sizes, 400, 10) == 3  # 1 + 1 + 3 pairs; the two buckets of 5 and more would pass 10
    assert cutoff(sizes, 400, 10**6) == 300 and cutoff(sizes, 40, 10**6) == 5
    assert cutoff(sizes, 400, 1) == 1  # two buckets of 2 make 2 pairs: neither is kept alone
    rng = np.random.default_rng(3)
    p = rng.integers(0, 256, size=(4000, 32), dtype=np.uint8)
    p[:, 0], p[:, 1] = rng.integers(0, 3, size=4000), rng.integers(0, 10, size=4000)  # one band of 30 values
    with_budget = band_pairs(p, budget=4, window=4)
    whole = band_pairs(p, budget=10**6)  # the band's 30 buckets of about 133 pages compared pair by pair
    assert len(with_budget) <= (4 + 4) * 4000 + 16 * 4000 and len(with_budget) < len(whole) / 4


def test_same_picture_stops_early_with_the_same_answer():
    from hanji.quality.duplicates import BLOCK_LIMIT, picture_difference

    ims = _pages()
    thumbs = [thumbnail(im) for k, im in ims.items() if k < 4 or k >= 30]
    for i in range(len(thumbs)):
        for j in range(i + 1, len(thumbs)):
            a, b = thumbs[i], thumbs[j]
            assert same_picture(a, b) == (picture_difference(a, b) <= BLOCK_LIMIT)


def _form_pages(n: int) -> dict[int, Image.Image]:
    """Near-uniform pages: one form (a title bar on blank paper of slightly varying shade) with a one-pixel
    mark written at one of 195 places, so the hashes of all pages share most bands and each band value
    is shared by many pages; a page and the one 195 later are the same picture at another shade. Every
    tenth page has a copy: brightened, darkened or recompressed."""
    ims: dict[int, Image.Image] = {}
    for i in range(n):
        im = Image.new("L", (48, 64), 235 + i % 15)
        d = ImageDraw.Draw(im)
        d.rectangle([4, 4, 43, 9], fill=60)
        x, y = 4 + 3 * (i % 13), 14 + 3 * ((i // 13) % 15)
        d.rectangle([x, y, x + 1, y + 1], fill=90 + (i * 7) % 60)
        ims[i] = im
    for j, k in enumerate(range(0, n, 10)):
        src = ims[k]
        ims[n + j] = [ImageEnhance.Brightness(src).enhance(1.1), _jpeg(src, 95).convert("L"),
                      ImageEnhance.Brightness(src).enhance(0.9)][j % 3]
    return ims


def test_big_buckets_of_near_uniform_pages_find_the_groups_all_pairs_find():
    """Buckets past the limit are searched in windows, not dropped: with a limit of 8 pages a bucket (and
    one pair a page a band past that), 300 near-uniform pages put every copy's band values in big
    buckets; the groups still equal the exhaustive comparison's (a search that skips big buckets
    loses some of them), and every planted copy is in its page's group."""
    import functools

    ims = _form_pages(300)
    thumbs = {k: thumbnail(v) for k, v in ims.items()}
    items = [(k, fingerprint(v)) for k, v in ims.items()]

    def verify(a, b):
        return same_picture(thumbs[a], thumbs[b])

    exhaustive = group_duplicates(items, verify=verify, pairs=all_pairs, tries=None)
    small_buckets = functools.partial(band_pairs, limit=8, budget=1)
    banded = group_duplicates(items, verify=verify, pairs=small_buckets)
    assert [(g.kind, g.doc_ids) for g in banded] == [(g.kind, g.doc_ids) for g in exhaustive]
    by_doc = {d: g.doc_ids for g in banded for d in g.doc_ids}
    assert all(300 + j in by_doc.get(k, []) for j, k in enumerate(range(0, 300, 10)))
    assert [(g.kind, g.doc_ids) for g in group_duplicates(items, verify=verify)] == \
        [(g.kind, g.doc_ids) for g in exhaustive]  # the shipped limits


def test_a_second_duplicates_run_verifies_no_pair_again(planted, monkeypatch):
    from hanji.jobs import duplicates as jd

    calls = []
    real = jd.same_picture
    monkeypatch.setattr(jd, "same_picture", lambda a, b: calls.append(1) or real(a, b))
    first = jd.find_duplicates(planted)
    assert calls and [g.doc_ids for g in first] == [[1, 9]]
    asked = len(calls)
    assert jd.find_duplicates(planted) == first and len(calls) == asked  # the verdicts were kept
    planted.delete_document(9)
    assert jd.find_duplicates(planted) == []


def test_next_works_out_the_median_uncertainty_once(monkeypatch):
    calls = []
    real = np.median
    monkeypatch.setattr(next_mod.np, "median", lambda x: calls.append(1) or real(x))
    cands = [Candidate(i, f"c{i}", [0.5 + i / 1000] if i % 2 else []) for i in range(400)]
    picks = rank_next(cands, n=5)
    assert len(calls) == 1  # once, not once for each of the 200 documents without a reading
    assert [p.doc_id for p in picks] == [1, 3, 5, 7, 9]


def test_candidates_verified_a_window_at_a_time_give_the_groups_one_at_a_time_gives():
    """group_duplicates' verify_many (worker processes verify a window of pairs side by side): for any
    window the same groups as verifying pair by pair, on pages where verifications fail and pages
    run out of tries, and no pair the one-by-one way verifies is missing from what was asked."""
    ims = _form_pages(300)
    thumbs = {k: thumbnail(v) for k, v in ims.items()}
    items = [(k, fingerprint(v)) for k, v in ims.items()]
    one_by_one: list[tuple[int, int]] = []

    def verify(a, b):
        one_by_one.append((a, b))
        return same_picture(thumbs[a], thumbs[b])

    want = [(g.kind, g.doc_ids, g.distance) for g in group_duplicates(items, verify=verify)]
    for window in (1, 3, 7, 128):
        asked: list[tuple[int, int]] = []

        def many(pairs, asked=asked):
            asked.extend(pairs)
            return [same_picture(thumbs[a], thumbs[b]) for a, b in pairs]

        got = group_duplicates(items, verify=lambda a, b: pytest.fail("asked one by one"), verify_many=many,
                               window=window)
        assert [(g.kind, g.doc_ids, g.distance) for g in got] == want, window
        assert set(one_by_one) <= set(asked) and (window > 1 or asked == one_by_one)


def test_worker_processes_verify_the_pairs_a_run_verifies_here(planted, monkeypatch):
    from hanji.jobs import duplicates as jd

    monkeypatch.setattr(jd, "VERIFY_POOL_MIN", 1)
    here = jd.find_duplicates(planted, workers=0)
    kept = planted.job_state(jd.VERIFIED_JOB)
    planted.save_job_state(jd.VERIFIED_JOB, "quality", None)
    calls = []
    real = jd.same_picture
    monkeypatch.setattr(jd, "same_picture", lambda a, b: calls.append(1) or real(a, b))
    assert jd.find_duplicates(planted, workers=2) == here and not calls  # verified by the workers
    assert planted.job_state(jd.VERIFIED_JOB) == kept
