"""Labeling consistency (issue 21): two labelers' versions of the same documents with planted
differences give the expected box IoU, CER, tag and key-value F1, and exactly the documents that
differ go to review."""

from __future__ import annotations

import pytest

from hanji.domain.model import KeyValue, Region
from hanji.jobs.team import give_share, measure_agreement
from hanji.quality.agreement import compare
from helpers import png_bytes


def _rect(x0, y0, x1, y1, text, label=""):
    return Region(points=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], kind="rect", text=text, label=label,
                  status="confirmed")


def _version(shift=0.0, text="가나다라", label2="answer", total="12,000", extra=False):
    regs = [_rect(shift, 0, 100 + shift, 20, text, "question"), _rect(0, 30, 100, 50, "123", label2)]
    if extra:
        regs.append(_rect(0, 60, 100, 80, ""))
    return regs, [KeyValue("date", "2024-01-01"), KeyValue("total", total)]


PLANTED = {  # document -> bob's version (ann's is always the plain one)
    "same": _version(),
    "moved": _version(shift=10),  # IoU 90/110
    "typo": _version(text="가나다마"),  # one edit in 7 characters
    "tag": _version(label2="header"),
    "kv": _version(total="13,000"),
    "extra": _version(extra=True),
}


def test_compare_planted_differences():
    a_regs, a_kvs = _version()
    c = compare(a_regs, a_kvs, *PLANTED["moved"])
    assert c.iou == pytest.approx((1 + 90 / 110) / 2)
    assert c.disagrees and "IoU 0.82" in c.reasons[0]
    c = compare(a_regs, a_kvs, *PLANTED["typo"])
    assert c.cer == pytest.approx(1 / 7) and c.iou == 1.0 and len(c.reasons) == 1
    c = compare(a_regs, a_kvs, *PLANTED["tag"])
    assert c.tags.f1 == pytest.approx(0.5)
    assert c.tags_by_entity["question"].f1 == 1.0 and c.tags_by_entity["answer"].f1 == 0.0
    c = compare(a_regs, a_kvs, *PLANTED["kv"])
    assert c.keyvalues.f1 == pytest.approx(0.5) and c.keyvalues_by_key["date"].f1 == 1.0
    assert c.keyvalues_by_key["total"].f1 == 0.0
    c = compare(a_regs, a_kvs, *PLANTED["extra"])
    assert c.boxes.f1 == pytest.approx(4 / 5) and c.cer == 0 and c.tags.f1 == 1.0
    assert not compare(a_regs, a_kvs, *PLANTED["same"]).disagrees


def test_bio_spans_are_entity_items():
    a = [Region(points=[(0, 0), (50, 0), (50, 10), (0, 10)], text="홍 길동 님", tags=["B-NAME", "I-NAME", "O"])]
    b = [Region(points=[(0, 0), (50, 0), (50, 10), (0, 10)], text="홍 길동 님", tags=["B-NAME", "O", "O"])]
    c = compare(a, [], b, [])
    assert c.tags.f1 == 0.0 and c.tags_by_entity["NAME"].a == 1 and c.disagrees


def test_agreement_sends_exactly_the_differing_documents_to_review(project):
    ids = {}
    for i, name in enumerate(PLANTED):
        d, _ = project.add_image_bytes(f"{name}.png", png_bytes(120 + i, 90))
        ids[name] = d.id
    project.assign(ids.values(), ["ann", "bob"])
    for name, doc_id in ids.items():
        project.put_version(doc_id, "ann", *_version())
        project.put_version(doc_id, "bob", *PLANTED[name])
    got = measure_agreement(project)
    differing = {ids[n] for n in PLANTED if n != "same"}
    assert set(got["sent_to_review"]) == differing
    assert {q["id"] for q in project.review_queue()} == differing
    pair = got["pairs"][0]
    assert pair["labelers"] == ["ann", "bob"] and pair["documents"] == 6 and pair["disagreeing"] == 5
    assert pair["box_iou"] == pytest.approx((11 + 90 / 110) / 12, abs=1e-4)
    assert pair["cer"] == pytest.approx(1 / 42, abs=1e-4)
    assert pair["tag_f1"] == pytest.approx(22 / 24, abs=1e-4)
    assert pair["keyvalue_f1"] == pytest.approx(22 / 24, abs=1e-4)
    assert pair["box_f1"] == pytest.approx(24 / 25, abs=1e-4)
    assert pair["per_entity"]["answer"]["tag_f1"] == pytest.approx(10 / 11, abs=1e-4)
    assert pair["per_entity"]["total"]["keyvalue_f1"] == pytest.approx(10 / 12, abs=1e-4)
    assert got["overall"]["disagreeing"] == 5 and got["waiting_for_versions"] == []
    comments = project.review_comments(ids["typo"])
    assert len(comments) == 1 and "CER 0.143" in comments[0]["comment"]
    # a second run measures again but sends nothing twice
    again = measure_agreement(project)
    assert again["sent_to_review"] == [] and again["pairs"] == got["pairs"]
    assert len(project.review_comments(ids["typo"])) == 1


def test_two_labelers_through_submit_and_the_reviewer_picks_one(project):
    d, _ = project.add_image_bytes("twice.png", png_bytes(200, 100))
    project.add_region(d.id, _rect(0, 0, 50, 20, "", ""))  # a pre-annotation both start from
    assert project.assign([d.id], ["ann", "bob"]) == 1
    project.user = "ann"
    project.update_region(project.regions(d.id)[0].id, text="서울")
    assert project.submit(d.id) == "to_label"  # back, as it was given out, for bob
    assert [r.text for r in project.regions(d.id)] == [""]
    assert project.document(d.id).status == "in_progress"
    project.user = "bob"
    project.update_region(project.regions(d.id)[0].id, text="서을")
    assert project.submit(d.id) == "labelled"
    versions = project.label_versions(d.id)[d.id]
    assert [r.text for r in versions["ann"][0]] == ["서울"] and [r.text for r in versions["bob"][0]] == ["서을"]
    got = measure_agreement(project)
    assert got["sent_to_review"] == [d.id] and got["documents"][0]["cer"] == 0.5
    project.user = "rev"
    project.restore_version(d.id, "ann")
    assert [r.text for r in project.regions(d.id)] == ["서울"]
    project.accept(d.id)
    assert project.review_state(d.id) == "accepted"


def test_a_share_is_given_to_two_labelers(project):
    for i in range(40):
        project.add_image_bytes(f"{i}.png", png_bytes(64 + i, 32))
    got = give_share(project, 0.05, ["ann", "bob"])
    assert got == {"assigned": 2, "documents": 2, "share": 0.05}
    assert all(names == ["ann", "bob"] for names in project.assignments().values())
    assert give_share(project, 0.05, ["ann", "bob"])["assigned"] == 0  # the same share is not given twice
