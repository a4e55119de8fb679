"""Fake Korean documents: every template renders, tags line up, numbers pass the validators."""

from __future__ import annotations

import pytest

from hanji.domain import validators as v
from hanji.domain.bio import spans_from_tags
from hanji.domain.schemas import DOC_TYPES
from hanji.synth.documents import SYNTH_DOC_TYPES, make_document, templates
from hanji.synth.fonts import shipped_fonts

CASES = [(dt, t) for dt in SYNTH_DOC_TYPES for t in range(templates(dt))]


@pytest.mark.parametrize("doc_type,template", CASES)
def test_every_template_renders_with_aligned_tags(doc_type, template):
    doc = make_document(doc_type, seed=3, template=template)
    assert doc.image.mode == "RGB" and doc.doc_type == doc_type and doc.template == template
    fields = {f for f, _, _ in DOC_TYPES[doc_type]}
    w, h = doc.image.size
    assert doc.regions
    for reg in doc.regions:
        assert reg.text and len(reg.tags) == len(reg.text.split())
        for tag in reg.tags:
            assert tag == "O" or tag[2:] in fields, tag
        x0, y0, x1, y1 = reg.bbox
        assert -2 <= x0 < x1 <= w + 2 and -2 <= y0 < y1 <= h + 2
    # every key-value's text is the labelled tokens of the regions, in reading order
    tagged: dict[str, list[str]] = {}
    for reg in doc.regions:
        toks = reg.text.split()
        for s in spans_from_tags(reg.tags):
            tagged.setdefault(s.label, []).append(" ".join(toks[s.start:s.end]))
    for key, values in doc.fields.items():
        assert key in fields
        assert " ".join(values) == " ".join(tagged[key])


def test_same_seed_same_document_and_seeds_differ():
    a = make_document("receipt", 5)
    b = make_document("receipt", 5)
    c = make_document("receipt", 6)
    assert [r.text for r in a.regions] == [r.text for r in b.regions]
    assert a.image.tobytes() == b.image.tobytes()
    assert [r.text for r in a.regions] != [r.text for r in c.regions]


def test_numbers_are_valid_and_hangul_is_rendered():
    font = shipped_fonts()[0]
    for seed in range(12):
        rc = make_document("receipt", seed, font=font)
        f = rc.fields
        assert v.check_business_number(f["business_number"][0]).ok
        assert v.check_card_number(f["card_number"][0]).ok
        assert v.parse_date(f["date"][0]) is not None and v.parse_time(f["time"][0]) is not None
        assert v.check_items_total(f["item_amount"], f["total"][0], f["subtotal"][0], f["tax"][0]).level != "error"
        assert any("\uac00" <= ch <= "\ud7a3" for ch in f["store_name"][0])
        idc = make_document("id_card", seed, font=font).fields
        assert v.check_resident_number(idc["resident_number"][0]).ok
        assert v.parse_date(idc["issue_date"][0]) is not None
        br = make_document("business_registration", seed, font=font).fields
        assert v.check_business_number(br["registration_number"][0]).ok
        if "corporate_number" in br:
            assert v.check_corporate_number(br["corporate_number"][0]).ok
        assert v.parse_date(br["opening_date"][0]) is not None
        cc = make_document("credit_card", seed, font=font).fields
        assert v.check_card_number(" ".join(cc["card_number"])).ok
        assert v.check_expiry(cc["expiry"][0]).ok


def test_bad_arguments():
    with pytest.raises(ValueError):
        make_document("passport", 1)
    with pytest.raises(ValueError):
        make_document("receipt", 1, template=99)
