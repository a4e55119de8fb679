"""Extraction results, masking on export, machine proposals that a confirmation turns into labels,
and tags found from loose key-values (SROIE's key files)."""

from __future__ import annotations

import pytest

from hanji.domain import KeyValue, Region
from hanji.domain.fields import (
    field_counts,
    field_spans,
    fields_dict,
    keyvalues_from_spans,
    prf,
    tags_from_keyvalues,
)
from hanji.jobs.extract import flags_for, mask_fields, personal_fields

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _line(y, text, x=10):
    return Region(points=[(x, y), (x + 12 * len(text), y), (x + 12 * len(text), y + 20), (x, y + 20)], text=text)


def test_fields_from_tags_across_lines_and_best_single_value():
    regs = [_line(0, "주소: 서울특별시 강남구"), _line(30, "테헤란로 1 2층"), _line(60, "합계 5,500"), _line(90, "결제 5,500")]
    tags = [["O", "B-address", "I-address"], ["I-address", "I-address", "I-address"], ["O", "B-total"], ["O", "B-total"]]
    scores = [[1, 1, 1], [1, 1, 1], [1, 0.9], [1, 0.6]]
    spans = field_spans(regs, tags, scores)
    kvs = keyvalues_from_spans(spans, "receipt", [11, 12, 13, 14])
    f = fields_dict(kvs)
    assert f == {"address": "서울특별시 강남구 테헤란로 1 2층", "total": "5,500"}
    total = next(kv for kv in kvs if kv.key == "total")
    assert total.region_ids == [13] and total.source == "machine"


def test_tags_from_loose_keyvalues_like_sroie():
    regs = [_line(0, "BOOK TA .K(TAMAN DAYA) SDN BHD"), _line(30, "NO.53 55,57 & 59, JALAN SAGU 18,"),
            _line(60, "TAMAN DAYA,"), _line(90, "DATE: 25/12/2018 8:13:39 PM"), _line(120, "9.00"),
            _line(150, "TOTAL:"), _line(150, "9.00", x=300)]
    kvs = [KeyValue("company", "BOOK TA .K (TAMAN DAYA) SDN BHD"), KeyValue("address", "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA,"),
           KeyValue("date", "25/12/2018"), KeyValue("total", "9.00")]
    tags = tags_from_keyvalues(regs, kvs)
    assert tags[0] == ["B-company"] + ["I-company"] * 5
    assert tags[1][0] == "B-address" and tags[2] == ["I-address", "I-address"]
    assert tags[3] == ["O", "B-date", "O", "O"]
    assert tags[4] == ["O"] and tags[6] == ["B-total"]  # the amount on the TOTAL line, not the item's


def test_field_counts_and_prf():
    gold = {"total": ["5,500"], "item_name": ["김밥", "라면"]}
    pred = {"total": ["5, 500"], "item_name": ["김밥", "우동"], "date": ["2024-01-01"]}
    c = field_counts(gold, pred)
    assert c["total"] == (1, 0, 0) and c["item_name"] == (1, 1, 1) and c["date"] == (0, 1, 0)
    assert prf(2, 2, 1) == pytest.approx((0.5, 2 / 3, 4 / 7))


def test_validators_become_flags():
    kvs = [KeyValue("business_number", "123-45-67892"), KeyValue("date", "2024-13-01"),
           KeyValue("item_amount", "1,000"), KeyValue("item_amount", "2,000"), KeyValue("total", "5,000"),
           KeyValue("store_name", "한빛마트")]
    flags = flags_for("receipt", kvs)
    keys = sorted(f["key"] for f in flags)
    assert keys == ["business_number", "date", "total"]
    assert not flags_for("receipt", [KeyValue("business_number", "123-45-67891")])


def test_masking_on_export():
    fields = {"resident_number": "900101-1234568", "card_number": ["4111-1111-1111-1111"], "name": "홍길동",
              "address": "서울특별시 중구 세종대로 110"}
    m = mask_fields(fields)
    assert m["resident_number"] == "900101-1******"
    assert m["card_number"] == ["4111-11**-****-****"]
    assert m["name"] == "홍*동" and m["address"] == fields["address"]
    assert {"resident_number", "name", "card_number", "holder"} <= personal_fields()
    assert "store_name" not in personal_fields()


class _FakePredictor:
    doc_types = ["receipt"]


def _fake_predict(regions, doc_type=None, ordered=False):
    from types import SimpleNamespace

    from hanji.domain.order import reading_order

    order = reading_order([r.points for r in regions])
    tags, scores = [], []
    for r in regions:
        toks = r.text.split()
        if any(c.isdigit() for c in r.text):
            tags.append(["B-total"] + ["I-total"] * (len(toks) - 1))
        else:
            tags.append(["B-store_name"] + ["I-store_name"] * (len(toks) - 1))
        scores.append([0.9] * len(toks))
    return SimpleNamespace(doc_type="receipt", type_scores={"receipt": 1.0}, order=order, tags=tags, scores=scores)


def test_propose_then_confirm_turns_proposals_into_labels(tmp_path):
    from hanji.jobs.propose import confirm, propose
    from hanji.jobs.train_tagger import project_docs
    from hanji.store import ProjectStore

    fake = _FakePredictor()
    fake.predict = _fake_predict
    store = ProjectStore.create(tmp_path / "p.hanji")
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, format="PNG")
    doc, _ = store.add_image_bytes("r.png", buf.getvalue())
    store.add_regions(doc.id, [Region(points=[(5, 5), (150, 5), (150, 25), (5, 25)], text="한빛 마트", status="machine"),
                               Region(points=[(5, 40), (150, 40), (150, 60), (5, 60)], text="5,500", status="machine")])
    rep = propose(store, predictor=fake)
    assert rep.documents == 1 and rep.keyvalues == 2
    regs = store.regions(doc.id)
    assert [r.tags for r in regs] == [["B-store_name", "I-store_name"], ["B-total"]]
    assert all(r.attrs["tags_source"] == "machine" for r in regs)
    assert {kv.source for kv in store.keyvalues(doc.id)} == {"machine"}
    assert store.document(doc.id).doc_type == "receipt"
    assert project_docs(store) == []  # proposals are not labels
    assert confirm(store, doc.id) == 2
    assert all(r.attrs["tags_source"] == "human" for r in store.regions(doc.id))
    assert {kv.source for kv in store.keyvalues(doc.id)} == {"human"}
    docs = project_docs(store)
    assert len(docs) == 1 and docs[0].tags == ["B-store_name", "I-store_name", "B-total"]
    # a second proposal leaves the confirmed document alone
    assert propose(store, predictor=fake).skipped == 1
    store.undo()  # the confirmation is one undo step
    assert all(r.attrs["tags_source"] == "machine" for r in store.regions(doc.id))
    store.close()


def test_mask_personal_for_export_masks_tagged_tokens_and_keyvalues():
    from hanji.domain.fields import mask_personal

    regs = [Region(points=[(0, 0), (9, 0), (9, 9), (0, 9)], text="주민등록번호 900101-1234568",
                   tags=["O", "B-resident_number"]),
            Region(points=[(0, 20), (9, 20), (9, 29), (0, 29)], text="홍길동", label="name", tags=["B-name"]),
            Region(points=[(0, 40), (9, 40), (9, 49), (0, 49)], text="서울특별시 중구", tags=["B-address", "I-address"])]
    kvs = [KeyValue("resident_number", "900101-1234568"), KeyValue("issuer", "서울특별시 중구청장")]
    r2, k2 = mask_personal(regs, kvs, {"resident_number", "name"})
    assert [r.text for r in r2] == ["주민등록번호 900101-1******", "홍*동", "서울특별시 중구"]
    assert [kv.value for kv in k2] == ["900101-1******", "서울특별시 중구청장"]
    assert regs[0].text == "주민등록번호 900101-1234568"  # the originals are untouched


def test_extract_images_json_shape_and_mask(tmp_path):
    import json

    from hanji.models.weights import manifest

    if "kie_tagger_ko.pt" not in manifest():
        pytest.skip("no shipped tagger")
    from hanji.jobs.extract import extract_images
    from hanji.synth.documents import make_document
    from hanji.synth.fonts import shipped_fonts

    doc = make_document("id_card", 12, font=shipped_fonts()[0], template=0)
    path = tmp_path / "id.png"
    doc.image.save(path)

    class GroundTruthReader:  # stands in for the OCR pipeline: returns the rendered lines
        def page(self, rgb):
            assert rgb.shape[:2] == (doc.image.height, doc.image.width)
            return [Region(points=r.points, text=r.text, confidence=0.99) for r in doc.regions]

    (res,) = list(extract_images([path], "auto", pipeline=GroundTruthReader()))
    assert set(res) >= {"image", "doc_type", "fields", "regions", "flags"}
    assert res["doc_type"] == "id_card"
    assert {"points", "text", "score", "key"} <= set(res["regions"][0])
    json.dumps(res, ensure_ascii=False)
    rrn = doc.fields["resident_number"][0]
    assert res["fields"]["resident_number"] == rrn
    (masked,) = list(extract_images([path], "id_card", pipeline=GroundTruthReader(), mask=True))
    assert masked["fields"]["resident_number"] == rrn[:8] + "******"
    assert rrn not in json.dumps(masked, ensure_ascii=False)


def test_fill_missing_single_field_from_token_probabilities():
    from hanji.jobs.extract import fill_missing_fields

    names = ["O", "B-total", "I-total", "B-date", "I-date"]
    tags = [["O", "O"], ["O"]]
    scores = [[0.9, 0.9], [0.6]]
    probs = [[[0.9, 0.05, 0.0, 0.05, 0.0], [0.9, 0.02, 0.0, 0.08, 0.0]], [[0.6, 0.35, 0.0, 0.05, 0.0]]]
    fill_missing_fields(tags, scores, probs, names, ["total", "date"], min_prob=0.1)
    assert tags == [["O", "O"], ["B-total"]]  # date's best chance (0.08) is under the threshold
    assert scores[1] == [0.35]
