"""Statistics and their export, likely label errors, what to label next, duplicates, search."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PIL import Image, ImageEnhance

from hanji.domain.model import KeyValue, Region
from hanji.jobs import quality as jq
from hanji.quality.duplicates import (
    HASH_BITS,
    _dct_matrix,
    _percentiles,
    dhash_bits,
    fingerprint,
    group_duplicates,
    hash_distance,
    levelled,
    levelled_reference,
    phash_bits,
    same_picture,
    thumbnail,
)
from hanji.quality.label_errors import Reading, TagReading, cer, rank_tags, rank_transcriptions
from hanji.quality.next import Candidate, rank_next, uncertainty

from .conftest import encode, page, receipt_lines


def test_statistics_count_and_export(clean, tmp_path):
    clean.set_meta(jq.CHARSET_KEY, "상호합계원사업자0123456789,.-")
    s = jq.statistics(clean)
    assert s.documents == 8 and s.documents_by_status == {"done": 8}
    assert s.regions == 32 and s.regions_by_status == {"confirmed": 32}
    assert s.entities["total"] == 8 and s.keyvalue_keys["business_number"] == 8
    assert s.char_classes["hangul"] == 96 and s.char_classes["digit"] > 0
    assert "한" in s.missing_chars and "합" not in s.missing_chars
    assert sum(n for _, n, _ in s.progress()) == 32
    files = jq.export_csv(s, tmp_path / "csv")
    by_name = {p.stem: p for p in files}
    with open(by_name["entities"], encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["entity_type", "count"] and ["total", "8"] in rows
    with open(by_name["missing_characters"], encoding="utf-8-sig") as f:
        assert any(r[0] == "한" for r in csv.reader(f))
    pngs = jq.export_png(s, tmp_path / "png", names=["entities", "doc_types", "missing_chars"])
    assert {p.name for p in pngs} >= {"overview.png", "entities.png", "doc_types.png", "missing_chars.png"}
    with Image.open(tmp_path / "png" / "overview.png") as im:
        arr = np.asarray(im.convert("L"))
    assert arr.std() > 10  # drawn, not blank


def test_confident_learning_ranks_the_confident_disagreement_first():
    rs = [Reading(1, i, "합계", "합계", 0.9) for i in range(20)]
    rs += [Reading(2, 100, "합게", "합계", 0.95),  # confident: a label error
           Reading(2, 101, "영수증", "영수즘", 0.4),  # the model is unsure: its own problem
           Reading(2, 102, "부가세", "부가서", 0.91)]
    ranked = rank_transcriptions(rs)
    assert [s.region_id for s in ranked] == [100, 102, 101]
    assert [s.flagged for s in ranked] == [True, True, False]
    assert cer("합게", "합계") == 0.5 and cer("", "") == 0.0


def test_tag_disagreements_use_per_type_thresholds():
    rs = [TagReading(1, i, "합계", "B-total", "B-total", 0.8) for i in range(5)]
    rs += [TagReading(1, 10, "소계", "B-total", "B-subtotal", 0.99),
           TagReading(1, 11, "세금", "O", "B-tax", 0.3)]
    got = rank_tags(rs)
    assert [r.region_id for r, _ in got] == [10]


def test_likely_label_errors_with_a_recognizer(planted):
    # a recognizer that reads every region as its label, except one it reads differently
    target = planted.regions(planted.documents()[3].id)[0]

    def recognizer(image, regions):
        assert image.mode == "RGB"
        return [("상호 엉뚱한" if r.id == target.id else r.text, 0.97) for r in regions]

    flagged = [s for s in jq.likely_label_errors(planted, recognizer) if s.flagged]
    assert [s.region_id for s in flagged] == [target.id]


def test_next_prefers_uncertain_and_unlike_documents():
    assert uncertainty([]) == 0.5 and uncertainty([1.0, 1.0]) == 0.0
    bits = np.zeros((4, 64), dtype=bool)
    bits[2, :32] = True  # unlike the others
    cands = [Candidate(1, "a", [0.9, 0.8], bits[0]), Candidate(2, "b", [0.4, 0.3], bits[0]),
             Candidate(3, "c", [0.6, 0.5], bits[2]), Candidate(4, "d", [0.45, 0.3], bits[0])]
    picks = rank_next(cands, labelled=bits[:1], n=3)
    assert [p.doc_id for p in picks] == [3, 2, 4]
    plain = rank_next([Candidate(c.doc_id, c.name, c.confidences) for c in cands], n=2)
    assert [p.doc_id for p in plain] == [2, 4]
    # a document without a reading ranks at the median uncertainty, not above every scored one
    mixed = rank_next([Candidate(c.doc_id, c.name, c.confidences) for c in cands] + [Candidate(9, "x", [])], n=5)
    assert [p.doc_id for p in mixed][:2] == [2, 4] and mixed[-1].doc_id == 1


def test_next_documents_skips_labelled_ones(clean):
    docs = []
    for i, conf in ((20, 0.95), (21, 0.35)):
        doc, _ = clean.add_image_bytes(f"new_{i}.png", encode(page(receipt_lines(i))))
        clean.add_regions(doc.id, [Region([(8, 8), (200, 8), (200, 30), (8, 30)], text="", status="machine",
                                          source="model", confidence=conf, machine_text="상호")])
        docs.append(doc)
    picks = jq.next_documents(clean, n=5)
    assert [p.name for p in picks] == ["new_21.png", "new_20.png"]


def test_near_duplicates_are_told_from_same_layout_pages():
    a = page(receipt_lines(0))
    same_layout = page(receipt_lines(5))  # same shop, other amount and date
    other = page(["계약서", "갑 홍길동", "을 김철수"])
    brighter = ImageEnhance.Brightness(a).enhance(0.85)
    smaller = a.resize((200, 166))
    assert same_picture(thumbnail(a), thumbnail(brighter))
    assert same_picture(thumbnail(a), thumbnail(smaller))
    assert not same_picture(thumbnail(a), thumbnail(same_layout))
    ims = {1: a, 2: same_layout, 3: other, 4: brighter, 5: a.copy(), 6: smaller}
    thumbs = {k: thumbnail(v) for k, v in ims.items()}
    groups = group_duplicates([(k, fingerprint(v)) for k, v in ims.items()],
                              verify=lambda x, y: same_picture(thumbs[x], thumbs[y]))
    assert [(g.kind, g.doc_ids) for g in groups] == [("exact", [1, 5]), ("near", [1, 4, 5, 6])]


def test_dct_matrix_is_the_dct_ii_by_its_definition():
    n, k = 12, 5
    x = np.random.default_rng(3).normal(size=n)
    brute = [2 * sum(x[i] * np.cos(np.pi * u * (2 * i + 1) / (2 * n)) for i in range(n)) for u in range(k)]
    assert np.allclose(_dct_matrix(n, k) @ x, brute)


def test_perceptual_and_difference_hashes():
    a = page(receipt_lines(0))
    other = page(["계약서", "갑 홍길동", "을 김철수"])
    p, d = phash_bits(a), dhash_bits(a)
    assert p.shape == d.shape == (16, 16) and p.dtype == d.dtype == bool
    assert p.sum() in (127, 128)  # against the median: half the bits are set
    # a horizontal ramp gets brighter to the right: every dHash bit is "right is brighter"
    ramp = Image.fromarray(np.tile(np.arange(0, 255, 3, dtype=np.uint8), (40, 1)))
    assert dhash_bits(ramp).all() and not dhash_bits(ramp.transpose(Image.FLIP_LEFT_RIGHT)).any()
    fa, fb, fo = fingerprint(a), fingerprint(ImageEnhance.Brightness(a).enhance(0.85)), fingerprint(other)
    assert len(fa.phash) == len(fa.dhash) == HASH_BITS // 4
    assert hash_distance(fa.phash, fb.phash) < 0.05 and hash_distance(fa.dhash, fb.dhash) < 0.05
    assert hash_distance(fa.phash, fo.phash) > 0.2


def test_levelled_is_the_reference_levelling_to_the_bit():
    """The histogram percentiles and the level table give np.percentile's numbers and the per-pixel
    arithmetic's picture exactly (fingerprints kept in projects were made the reference way): pages,
    noise, nearly flat images, colour, and one larger than the levelling size (reduced first)."""
    rng = np.random.default_rng(20)
    images = [page(receipt_lines(i)) for i in range(3)] + [ImageEnhance.Brightness(page(receipt_lines(0))).enhance(1.2)]
    for t in range(400):
        h, w = (int(v) for v in rng.integers(1, 90, 2))
        if t % 4 == 0:
            a = rng.integers(0, 256, (h, w), dtype=np.uint8)
        elif t % 4 == 1:
            a = np.clip(rng.normal(210, 35, (h, w)), 0, 255).astype(np.uint8)
        elif t % 4 == 2:  # flat but for a few pixels
            a = np.full((h, w), rng.integers(0, 256), np.uint8)
            a.flat[rng.integers(0, a.size, 3)] = rng.integers(0, 256, 3)
        else:
            a = rng.integers(int(rng.integers(0, 250)), 256, (h, w), dtype=np.uint8)
        assert tuple(float(v) for v in _percentiles(np.bincount(a.ravel(), minlength=256).tolist(), (1, 90))) == \
            tuple(np.percentile(a.astype(np.float32), (1, 90)).tolist())
        images.append(Image.fromarray(a, "L"))
    images.append(Image.fromarray(rng.integers(0, 256, (40, 30, 3), dtype=np.uint8), "RGB"))
    images.append(Image.fromarray(np.clip(rng.normal(200, 50, (700, 530)), 0, 255).astype(np.uint8), "L"))
    for im in images:
        assert levelled(im).tobytes() == levelled_reference(im).tobytes()


def test_search_finds_hangul_substrings_in_regions_and_key_values(clean):
    hits = jq.search(clean, "지문")  # two characters: the character-pair index
    assert {h.document for h in hits if h.kind == "region"} == {"receipt_0.png", "receipt_5.png"}
    hits = jq.search(clean, "한지문구")
    kinds = {(h.kind, h.document) for h in hits}
    assert ("keyvalue", "receipt_0.png") in kinds and ("region", "receipt_5.png") in kinds
    kv = next(h for h in hits if h.kind == "keyvalue")
    assert kv.key == "store_name" and kv.region_id is not None
    doc = clean.documents()[0]
    clean.set_keyvalues(doc.id, [KeyValue("memo", "특별할인 행사")])
    assert [h.text for h in jq.search(clean, "할인 행") if h.kind == "keyvalue"] == ["특별할인 행사"]
    assert jq.search(clean, "한지문구") != hits  # the old key-value is gone from the index
    assert jq.document_text(clean, doc.id).splitlines()[0] == "상호 한지문구"


def test_forbidden_words_are_stored_in_the_project(clean):
    assert jq.forbidden_words(clean) == []
    jq.set_forbidden_words(clean, ["바다", " ", "바다"])
    assert jq.forbidden_words(clean) == ["바다"]
    f = jq.run_checks(clean)
    assert {x.document for x in f} == {"receipt_1.png", "receipt_6.png"}
    assert {x.check for x in f} == {"forbidden_word"}


def test_searcher_answers_short_queries_like_the_store(clean):
    searcher = jq.Searcher(clean)
    for q in ("지문", "합계", "원", "03", "없음", "한지문구"):
        want = [(h.kind, h.region_id) for h in jq.search(clean, q, 20)]
        assert [(h.kind, h.region_id) for h in searcher.search(q, 20)] == want, q
    assert len(searcher.search("합계", 3)) == 3
    doc = clean.documents()[0]
    region = clean.regions(doc.id)[0]
    clean.update_region(region.id, text="상호 새이름")  # the index follows edits
    assert region.id in [h.region_id for h in searcher.search("새이", 50) if h.kind == "region"]
    assert region.id not in [h.region_id for h in searcher.search("지문", 50) if h.kind == "region"]


def test_jobs_report_progress_and_cancel(clean):
    from hanji.jobs.base import Cancelled, CancelToken

    seen = []
    jq.run_checks(clean, progress=lambda d, t=None, m="": seen.append((d, t)))
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)
    token = CancelToken()

    def cancel_midway(done, total=None, message=""):
        if done == 3:
            token.cancel()

    with pytest.raises(Cancelled):
        jq.run_checks(clean, progress=cancel_midway, cancel=token)
    with pytest.raises(Cancelled):
        jq.fingerprints(clean, progress=cancel_midway, cancel=token)


def test_tag_errors_from_the_taggers_reading(clean):
    doc = clean.documents()[0]
    regs = clean.regions(doc.id)
    for r in regs:  # the tagger agrees everywhere with confidence 0.9 ...
        clean.update_region(r.id, attrs={"machine_tags": list(r.tags), "machine_tag_confidences": [0.9] * len(r.tags)})
    # ... except on one token, where it is surer than usual that the label is wrong
    r = regs[1]
    clean.update_region(r.id, attrs={"machine_tags": ["O", "B-subtotal"], "machine_tag_confidences": [0.9, 0.97]})
    got = jq.likely_tag_errors(clean)
    assert [(t.region_id, t.given, t.predicted) for t, _ in got] == [(r.id, "B-total", "B-subtotal")]


def test_an_empty_project(project, tmp_path):
    assert jq.run_checks(project) == []
    s = jq.statistics(project)
    assert s.documents == 0
    assert jq.export_png(s, tmp_path / "png", names=["progress"])
    assert jq.find_duplicates(project) == [] and jq.next_documents(project) == []
    assert jq.likely_label_errors(project) == [] and jq.search(project, "합계") == []


@pytest.mark.slow
def test_likely_label_errors_with_a_shipped_recognizer(planted):
    """The real path: crops read again by a recognizer of the model zoo (slow: loads a model)."""
    from hanji.resources import resource_path

    if not resource_path("models", "ppocr_en_rec.pt").exists():
        pytest.skip("the PP-OCR recognizer is not shipped in this build")
    suspects = jq.likely_label_errors(planted, jq.model_recognizer("ppocr_en"))
    dates = [s for s in suspects if s.given.startswith("2024.")]
    assert len(suspects) > 0 and not dates  # it reads the digit-only dates as labelled
