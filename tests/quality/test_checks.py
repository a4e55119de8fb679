"""Each check on small hand-made documents, without a project file."""

from __future__ import annotations

from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.domain.validators import brn_check_digit
from hanji.quality.checks import REGISTRY, CheckOptions, make_checks, run_checks

DOC = Document("문서.png", 200, 100, "0" * 64, id=1)


def reg(x0, y0, x1, y1, text="한글", status="confirmed", rid=None, **kw):
    return Region([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], text=text, status=status, id=rid, **kw)


def found(regions, names=None, links=(), kvs=(), doc=DOC, **opts):
    return run_checks([(doc, regions, list(links), list(kvs))], CheckOptions(**opts), names)


def test_registry_lists_every_check_with_a_title():
    assert {"empty_text", "charset", "polygon", "outside_image", "overlap", "bio", "validator",
            "inconsistent_label", "forbidden_word"} <= set(REGISTRY)
    assert all(c.title for c in REGISTRY.values())
    assert [c.name for c in make_checks(names=["bio", "empty_text"])] == ["empty_text", "bio"]


def test_empty_and_whitespace_text():
    rs = [reg(0, 0, 50, 20, "", rid=1), reg(0, 30, 50, 50, " \t", rid=2), reg(0, 60, 50, 80, "합계", rid=3),
          reg(60, 0, 90, 20, "", status="machine", rid=4), reg(60, 30, 90, 50, "", status="difficult", rid=5)]
    f = found(rs, ["empty_text"])
    assert [x.region_id for x in f] == [1, 2]


def test_characters_outside_the_charset():
    rs = [reg(0, 0, 50, 20, "합계 ₩", rid=1), reg(0, 30, 50, 50, "합계 ☃", rid=2)]
    f = found(rs, ["charset"], charset=frozenset("합계₩"))
    assert [x.region_id for x in f] == [2] and "U+2603" in f[0].message
    assert found(rs, ["charset"]) == []  # no charset: nothing to check


def test_degenerate_and_self_intersecting_polygons():
    bowtie = Region([(0, 0), (50, 20), (50, 0), (0, 20)], text="가", status="confirmed", id=1)
    flat = Region([(0, 0), (50, 0), (50, 0.01), (0, 0.01)], text="나", status="confirmed", id=2)
    poly = Region([(0, 0), (10, 0), (10, 10), (5, 5), (0, 10)], kind="polygon", text="다", id=3)
    f = found([bowtie, flat, poly], ["polygon"])
    assert {(x.region_id, "self-intersecting" in x.message) for x in f} == {(1, True), (2, False)}


def test_regions_outside_the_image():
    f = found([reg(150, 80, 210, 99, rid=1), reg(0, 0, 200, 100, rid=2)], ["outside_image"])
    assert [x.region_id for x in f] == [1]


def test_heavily_overlapping_duplicates():
    rs = [reg(10, 10, 100, 30, rid=1), reg(11, 10, 101, 31, rid=2), reg(10, 40, 100, 60, rid=3),
          reg(60, 40, 150, 60, rid=4)]
    f = found(rs, ["overlap"])
    assert [x.region_id for x in f] == [2]


def test_invalid_bio_sequences_across_regions():
    ok = [reg(0, 0, 90, 20, "서울시 강남구", rid=1, tags=["B-address", "I-address"]),
          reg(0, 30, 90, 50, "테헤란로 1", rid=2, tags=["I-address", "I-address"])]  # continues the line above
    assert found(ok, ["bio"]) == []
    bad = [reg(0, 0, 90, 20, "합계 1,000원", rid=1, tags=["O", "I-total"]),
           reg(0, 30, 90, 50, "날짜", rid=2, tags=["X-date"]),
           reg(0, 60, 90, 80, "두 토큰", rid=3, tags=["O"])]
    f = found(bad, ["bio"])
    assert sorted(x.region_id for x in f) == [1, 2, 3]
    assert any("no B-" in x.message for x in f)
    f = found([reg(0, 0, 90, 20, "합계", rid=1, tags=["B-price"])], ["bio"], entity_names=frozenset({"total"}))
    assert "price" in f[0].message


def test_key_value_validators():
    wrong = (brn_check_digit("123456789") + 1) % 10
    kvs = [KeyValue("business_number", f"123-45-6789{wrong}", [1]), KeyValue("date", "2024.13.45"),
           KeyValue("total", "12,500원"), KeyValue("card_number", "4111-1111-1111-1111")]
    f = found([reg(0, 0, 50, 20, rid=1)], ["validator"], kvs=kvs)
    msgs = {x.message.split(" =")[0]: x.region_id for x in f}
    assert msgs == {"business_number": 1, "date": None}


def test_items_that_do_not_add_up():
    kvs = [KeyValue("item_amount", "1,000"), KeyValue("item_amount", "2,000"), KeyValue("total", "4,000")]
    f = found([], ["validator"], kvs=kvs)
    assert len(f) == 1 and "add up" in f[0].message
    kvs[-1] = KeyValue("total", "3,000")
    assert found([], ["validator"], kvs=kvs) == []


def test_inconsistent_labels_flag_the_minority():
    items = []
    for i in range(4):
        d = Document(f"d{i}.png", 200, 100, str(i) * 64, id=i + 1)
        label = "subtotal" if i == 3 else "total"
        items.append((d, [reg(0, 0, 50, 20, "합계", rid=10 + i, label=label)], [], []))
    f = run_checks(items, names=["inconsistent_label"])
    assert [(x.doc_id, x.region_id) for x in f] == [(4, 13)]
    assert "total ×3" in f[0].message
    # whole-region entity tags count as labels too, compared among themselves; a tie flags all
    items = []
    for i, entity in enumerate(["store_name", "address", "store_name", "address"]):
        d = Document(f"e{i}.png", 9, 9, str(i) * 64, id=i + 1)
        items.append((d, [reg(0, 0, 5, 5, "한지 문구", rid=i + 1, tags=[f"B-{entity}", f"I-{entity}"],
                              label="total" if i == 0 else "")], [], []))
    f = run_checks(items, names=["inconsistent_label"])
    assert {x.region_id for x in f} == {1, 2, 3, 4} and "no label is in the majority" in f[0].message
    # the same number in different roles is not an inconsistency; too few occurrences are not either
    items = [(Document(f"n{i}.png", 9, 9, str(i) * 64, id=i + 1),
              [reg(0, 0, 5, 5, "6,500", rid=10 + i, label=lab), reg(0, 9, 5, 15, "부가세", rid=20 + i, label=lab)],
              [], []) for i, lab in enumerate(["item_amount", "item_unit_price"])]
    assert run_checks(items, names=["inconsistent_label"]) == []


def test_forbidden_words_flag_documents():
    rs = [reg(0, 0, 50, 20, "대출 광고 문의", rid=1), reg(0, 30, 50, 50, "합계", rid=2)]
    f = found(rs, ["forbidden_word"], forbidden_words=["광고", "SPAM"])
    assert [(x.doc_id, x.region_id) for x in f] == [(1, 1)]
    f = found([reg(0, 0, 50, 20, "합계", rid=1)], ["forbidden_word"], forbidden_words=["spam"],
              kvs=[KeyValue("store_name", "Spam Mart", [1])])
    assert len(f) == 1 and "store_name" in f[0].message


def test_dangling_links_and_unreviewed_done_documents():
    rs = [reg(0, 0, 50, 20, rid=1)]
    f = found(rs, ["dangling"], links=[Link(1, 99)], kvs=[KeyValue("total", "1", [98])])
    assert len(f) == 2
    done = Document("done.png", 200, 100, "d" * 64, status="done", id=7)
    f = found([reg(0, 0, 50, 20, status="machine", rid=1)], ["unreviewed"], doc=done)
    assert len(f) == 1 and f[0].doc_id == 7


def test_finding_json_shape():
    (f,) = found([reg(0, 0, 50, 20, "", rid=5)], ["empty_text"])
    assert f.as_dict() == {"check": "empty_text", "document": "문서.png", "doc_id": 1, "region_id": 5,
                           "message": f.message}


def test_check_json_line_is_json_dumps_of_the_finding():
    """``hanji check --json`` writes each finding without a dictionary (millions of findings at 100,000
    documents): the same bytes ``json.dumps(as_dict(), ensure_ascii=False)`` writes, whatever the names hold."""
    import json

    from hanji.cli.quality import _finding_line
    from hanji.quality.findings import Finding

    odd = ['영수증 "1".png', "tab\there\\back", "line\nbreak\u2028", "\x00ctl\x1f", "é😀", ""]
    for name in odd:
        for rid in (None, 0, 123456789):
            for message in odd:
                f = Finding("charset", 42, name, message, rid, "warning")
                assert _finding_line(f) == json.dumps(f.as_dict(), ensure_ascii=False) + "\n"
                assert json.loads(_finding_line(f)) == f.as_dict()
