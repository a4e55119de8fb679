"""Layout-independent key-values: labels found whatever their spacing, linked to their values by
geometry, values taken whole, candidates ranked by validators (hanji.domain.labels / kv_link / kv_rank)."""

from __future__ import annotations

import pytest

from hanji.domain import validators as v
from hanji.domain.fields import FieldSpan
from hanji.domain.kv_link import link_score, rows_of
from hanji.domain.kv_rank import choose_fields
from hanji.domain.labels import find_labels
from hanji.domain.model import Region
from hanji.domain.values import network_of_number, plausible

CH = 12  # pixels per character


def box(x: float, y: float, text: str, h: float = 20) -> Region:
    w = CH * len(text)
    return Region(points=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], text=text)


def values(regions: list[Region], doc_type: str, spans=None) -> dict[str, str]:
    return {k: c.value for k, c in choose_fields(regions, doc_type, spans).items()}


def _brn(first9: str) -> str:
    return v.format_business_number(first9 + str(v.brn_check_digit(first9)))


def test_letter_spaced_labels_and_glued_labels_are_found():
    hits = find_labels(["상", "호", ":", "(유)", "보람"], "business_registration")
    assert [(h.field, h.start, h.end) for h in hits] == [("trade_name", 0, 3)]  # its colon with it
    hits = find_labels(["3.", "대", "표", "자", "홍길동"], "business_registration")
    assert hits[0].field == "representative" and hits[0].end == 4
    hits = find_labels(["TEL:02-123-4567"], "receipt")
    assert hits[0].field == "phone" and hits[0].rest == "02-123-4567"
    # the longest spelling wins: 사업장 소재지 is the address, not 사업장 and a word after it
    hits = find_labels(["사업장", "소재지", "서울특별시"], "business_registration")
    assert [(h.field, h.end) for h in hits] == [("business_address", 2)]


def test_multi_word_values_are_taken_whole():
    regs = [box(40, 100, "상      호"), box(200, 100, "(유) 보람"),
            box(40, 140, "개 업 연 월 일 :"), box(240, 140, "2015년 09월 10일"),
            box(40, 180, "법인명(단체명)"), box(240, 180, "DEMO BANK 주식회사")]
    got = values(regs, "business_registration")
    assert got["trade_name"] in ("(유) 보람", "DEMO BANK 주식회사")
    assert got["opening_date"] == "2015년 09월 10일"
    # the tagger's span of the first token only becomes the whole value
    regs = [box(40, 100, "개업연월일 2015년 09월 10일")]
    spans = [FieldSpan("opening_date", "2015년", [0], 0.9, 1, 2)]
    assert values(regs, "business_registration", spans)["opening_date"] == "2015년 09월 10일"


def test_a_value_beside_a_letter_spaced_label_is_found_and_one_below_an_empty_label():
    regs = [box(40, 100, "대 표 자"), box(300, 100, "김 보 람"), box(40, 140, "사업장 소재지"),
            box(60, 165, "서울특별시 동작구 장미로 12"), box(60, 190, "(상도동, 솔빛타워)"),
            box(40, 240, "업태"), box(120, 240, "제조업")]
    got = values(regs, "business_registration")
    assert got["representative"] == "김 보 람"
    assert got["business_address"] == "서울특별시 동작구 장미로 12 (상도동, 솔빛타워)"
    assert got["business_type"] == "제조업"


def test_a_discount_line_never_becomes_the_total_when_the_amount_paid_is_printed():
    regs = [box(20, 100, "합계"), box(300, 100, "15,000"), box(20, 130, "할인"), box(300, 130, "-1,000"),
            box(20, 160, "결제금액"), box(300, 160, "14,000")]
    # even when the tagger is sure the discount's amount is the total
    spans = [FieldSpan("total", "-1,000", [3], 0.99, 3, 4)]
    got = values(regs, "receipt", spans)
    assert got["total"] == "14,000" and got["discount"] == "-1,000"
    # a discount printed with no amount paid: its amount still is no total
    regs = regs[:4]
    got = values(regs, "receipt", [FieldSpan("total", "-1,000", [3], 0.99, 3, 4)])
    assert got["total"] == "15,000" and got["discount"] == "-1,000"


def test_a_failing_check_digit_loses_to_a_passing_candidate():
    good = _brn("123456789")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert not plausible("business_number", bad) and plausible("business_number", good)
    # the tagger prefers the bad number; the labelled one passes
    regs = [box(20, 60, f"No. {bad}"), box(20, 100, "사업자번호:"), box(160, 100, good)]
    spans = [FieldSpan("business_number", bad, [0], 0.99, 1, 2)]
    assert values(regs, "receipt", spans)["business_number"] == good
    # and a labelled number failing its check digit loses to a passing one printed without a label
    regs = [box(20, 60, good), box(20, 100, "사업자번호"), box(160, 100, bad)]
    assert values(regs, "receipt")["business_number"] == good
    # a business number is never the phone
    regs = [box(20, 60, good), box(20, 90, "TEL 02-123-4567")]
    got = values(regs, "receipt", [FieldSpan("phone", good, [0], 0.99, 0, 1)])
    assert got["phone"] == "02-123-4567" and got["business_number"] == good


def test_a_barcode_is_no_approval_number_and_a_letter_o_no_tax():
    regs = [box(20, 60, "승인번호 : 30012345"), box(20, 100, "8801234567890123"), box(20, 140, "부가세"),
            box(300, 140, "O")]
    spans = [FieldSpan("approval_number", "8801234567890123", [1], 0.99, 3, 4),
             FieldSpan("tax", "O", [3], 0.9, 5, 6)]
    got = values(regs, "receipt", spans)
    assert got["approval_number"] == "30012345"
    assert "tax" not in got


def test_the_card_network_is_found_and_the_sample_mark_is_no_part_of_the_issuer():
    regs = [box(40, 40, "DEMO BANK SAMPLE"), box(40, 200, "4111 1111 1111 1111"), box(300, 280, "VALID THRU"),
            box(300, 305, "08/29"), box(40, 380, "HONG GILDONG"), box(600, 380, "VISA")]
    spans = [FieldSpan("issuer", "DEMO", [0], 0.8, 0, 1)]
    got = values(regs, "credit_card", spans)
    assert got["network"] == "VISA" and got["issuer"] == "DEMO BANK" and got["expiry"] == "08/29"
    # no mark printed: the number's first digits say it
    regs = [box(40, 40, "누리은행"), box(40, 200, "5500 0000 0000 0004")]
    assert values(regs, "credit_card")["network"] == "MASTERCARD"
    assert network_of_number("3782 822463 10005") == "AMEX"


def test_rows_join_a_label_and_its_value_across_a_wide_gap():
    regs = [box(20, 100, "카드종류"), box(400, 102, "신한카드")]
    rows = rows_of(regs, "receipt")
    assert len(rows) == 1 and rows[0].hits[0].field == "card_kind"
    assert values(regs, "receipt")["card_kind"] == "신한카드"


def test_link_score_prefers_the_value_beside_or_below_over_one_far_away():
    label = (40.0, 100.0, 120.0, 120.0)
    beside, below, far = (140.0, 100.0, 300.0, 120.0), (40.0, 125.0, 200.0, 145.0), (500.0, 400.0, 600.0, 420.0)
    assert link_score(label, beside) > link_score(label, far)
    assert link_score(label, below) > link_score(label, far)


@pytest.mark.usefixtures("one_torch_thread")
def test_extract_keeps_its_contract_and_adds_the_linked_fields():
    from hanji.jobs.extract import extract_regions

    regs = [box(60, 40, "사업자등록증"), box(40, 100, "등록번호 : " + _brn("220811234")),
            box(40, 140, "상      호 :"), box(200, 140, "(유) 보람"), box(40, 180, "개업연월일 : 2015년 09월 10일"),
            box(300, 400, "동작세무서장")]
    res = extract_regions(regs, "business_registration")
    assert res["doc_type"] == "business_registration"
    f = res["fields"]
    assert f["trade_name"] == "(유) 보람" and f["opening_date"] == "2015년 09월 10일" and f["issuer"] == "동작세무서장"
    keyed = {r["text"]: r["key"] for r in res["regions"]}
    assert keyed["(유) 보람"] == "trade_name" and keyed["동작세무서장"] == "issuer"
    assert all({"points", "text", "score", "key"} <= set(r) for r in res["regions"])


def test_an_item_table_is_read_by_its_column_headings_in_any_order():
    from hanji.domain.kv_link import rows_of
    from hanji.domain.receipt_items import read_items

    regs = [box(20, 100, "품명"), box(200, 100, "단가"), box(300, 100, "수량"), box(400, 100, "금액"),
            box(20, 130, "유기농 당근"), box(200, 130, "1,200"), box(300, 130, "2"), box(400, 130, "2,400"),
            box(20, 160, "두유"), box(200, 160, "900"), box(300, 160, "1"), box(400, 160, "900"),
            box(20, 190, "합계"), box(400, 190, "3,300")]
    items = read_items(rows_of(regs, "receipt"))
    assert [{k: v for k, (v, _) in it.items()} for it in items] == [
        {"item_name": "유기농 당근", "item_unit_price": "1,200", "item_quantity": "2", "item_amount": "2,400"},
        {"item_name": "두유", "item_unit_price": "900", "item_quantity": "1", "item_amount": "900"}]
    # items sum to the total: the total's candidate agrees
    assert values(regs, "receipt")["total"] == "3,300"


def test_a_projects_own_label_introduces_its_field_but_never_takes_another_fields_label():
    regs = [box(20, 100, "판매처"), box(200, 100, "바른김밥 시청역점")]
    assert "store_name" not in values(regs, "receipt")
    got = {k: c.value for k, c in choose_fields(regs, "receipt", extra_labels={"store_name": ["판매처"]}).items()}
    assert got["store_name"] == "바른김밥 시청역점"
    # a title naming another field's label (성명 is the representative on a certificate) changes nothing
    regs = [box(20, 100, "성명"), box(200, 100, "김보람")]
    got = choose_fields(regs, "business_registration", extra_labels={"name": ["성명"]})
    assert got["representative"].value == "김보람" and "name" not in got


@pytest.mark.usefixtures("one_torch_thread")
def test_a_printed_label_is_never_an_item_and_a_mark_never_the_issuer():
    from hanji.domain.kv_rank import link_fields

    regs = [box(20, 40, "연락처 : 02-123-4567"), box(20, 80, "튀김"), box(40, 110, "1 x 3,000"), box(300, 110, "3,000"),
            box(20, 150, "에누리"), box(300, 150, "-500")]
    spans = [FieldSpan("item_name", "연락처", [0], 0.9, 0, 1), FieldSpan("item_name", "튀김", [1], 0.9, 3, 4),
             FieldSpan("item_name", "에누리", [4], 0.9, 8, 9)]
    tags = [["B-item_name", "O", "O"], ["B-item_name"], ["O", "O", "O"], ["O"], ["B-item_name"], ["O"]]
    scores = [[1.0] * len(t) for t in tags]
    link_fields(regs, "receipt", spans, tags, scores)
    assert tags[1] == ["B-item_name"] and tags[4] != ["B-item_name"] and tags[0][0] != "B-item_name"
    # a card whose tagger took the SAMPLE mark for the issuer and the issuer for the holder
    regs = [box(40, 40, "VISA"), box(500, 40, "SAMPLE"), box(40, 200, "4111 1111 1111 1111"),
            box(40, 380, "KIM BORAM"), box(500, 460, "OCEAN CREDIT")]
    spans = [FieldSpan("issuer", "SAMPLE", [1], 0.9, 1, 2), FieldSpan("holder", "OCEAN CREDIT", [4], 0.9, 7, 9)]
    got = values(regs, "credit_card", spans)
    assert got["issuer"] == "OCEAN CREDIT" and got["holder"] == "KIM BORAM" and got["network"] == "VISA"


def test_the_linking_proposes_only_the_fields_a_projects_schema_has():
    from hanji.domain.kv_rank import link_fields

    regs = [box(20, 100, "합계"), box(300, 100, "15,000"), box(20, 130, "할인"), box(300, 130, "-1,000"),
            box(20, 160, "결제금액"), box(300, 160, "14,000")]
    tags = [["O"] for _ in regs]
    scores = [[1.0] for _ in regs]
    assert set(link_fields(regs, "receipt", [], tags, scores)) == {"total", "discount"}
    tags = [["O"] for _ in regs]
    chosen = link_fields(regs, "receipt", [], tags, scores, schema={"total", "date"})
    assert set(chosen) == {"total"} and chosen["total"].value == "14,000"
    assert not any(t[0].endswith("discount") for t in tags)


def test_a_label_misread_by_one_syllable_still_introduces_its_value():
    hits = find_labels(["받급일자", "2020.01.01"], "id_card")
    assert hits[0].field == "issue_date"
    regs = [box(40, 100, "태표자"), box(200, 100, "권윤서")]
    assert values(regs, "business_registration")["representative"] == "권윤서"
    # a word two syllables off, or one off two labels, is no label
    assert find_labels(["서울특별시", "동작구"], "business_registration") == []


def test_a_label_whose_bracket_ocr_dropped_is_still_found():
    regs = [box(40, 100, "법인명(단체명: (유) 보람출판")]
    assert values(regs, "business_registration")["trade_name"] == "(유) 보람출판"


def test_a_tagged_name_is_not_widened_over_another_value_in_its_line():
    regs = [box(20, 60, "459-41-81931 홍길동")]
    spans = [FieldSpan("representative", "홍길동", [0], 0.9, 1, 2)]
    assert values(regs, "receipt", spans)["representative"] == "홍길동"


def test_a_date_and_a_time_after_one_label_each_tag_their_own_token():
    """``거래일시: 2024/10/27 21:02``: the time cut to its pattern tags ``21:02``, not the date beside it
    (the date's tag had been overwritten, and the Tags pane proposed no date)."""
    from hanji.jobs.extract import extract_regions

    regs = [box(60, 40, "세븐데이 해운대점"), box(40, 100, "거래일시: 2024/10/27 21:02"),
            box(40, 140, "합계"), box(300, 140, "1,400")]
    res = extract_regions(regs, "receipt")
    assert res["fields"]["date"] == "2024/10/27" and res["fields"]["time"] == "21:02"
    line = next(r for r in res["regions"] if r["text"].startswith("거래일시"))
    assert line["tags"] == ["O", "B-date", "B-time"]


def test_labels_glued_to_their_values_by_ocr_are_found():
    assert values([box(20, 100, "부가세536")], "receipt")["tax"] == "536"
    regs = [box(40, 100, "업 태도소매"), box(300, 100, "종목 문구류")]
    got = values(regs, "business_registration")
    assert got["business_type"] == "도소매" and got["business_item"] == "문구류"
    assert values([box(40, 100, "대 표 자조결라")], "business_registration")["representative"] == "조결라"
    assert values([box(40, 100, "등 록 번 호" + _brn("380052950"))], "business_registration")[
        "registration_number"] == _brn("380052950")


def test_a_label_ocr_misread_by_look_alike_syllables_or_a_bullet_still_introduces_its_value():
    # mid-row, at the start of its own OCR region: '대표차' (자/차), two look-alikes '태표차'
    for misread in ("대표차", "태표차"):
        regs = [box(40, 100, "유한회사 새벽별"), box(300, 100, misread), box(400, 100, "권윤서")]
        assert values(regs, "business_registration")["representative"] == "권윤서"
    assert values([box(40, 100, "할계"), box(300, 100, "5,900원")], "receipt")["total"] == "5,900원"
    # a bullet read as '미', glued to the label or not, ends the value above and is no value itself
    regs = [box(40, 100, "법인명(단체명)"), box(50, 125, "(유) 나래물산"), box(40, 150, "미개업연월일"),
            box(50, 175, "2011년 03월 27일")]
    got = values(regs, "business_registration")
    assert got["trade_name"] == "(유) 나래물산" and got["opening_date"] == "2011년 03월 27일"
    regs = [box(40, 100, "미 대표자 미 등록번호"), box(40, 125, "한보하"), box(200, 125, _brn("546137514"))]
    got = values(regs, "business_registration")
    assert got["representative"] == "한보하"
    # a value word is no label: two syllables off, or a 2-syllable word away from the line's start
    assert find_labels(["서울특별시", "동작구"], "business_registration") == []
    assert find_labels(["김", "아름"], "id_card") == []


def test_ocr_look_alikes_in_checked_numbers_dates_and_floors_are_read_back():
    from hanji.domain.values import cut_value

    assert cut_value("business_number", "16/-13-56938") == "167-13-56938"  # passes its check digit
    assert cut_value("business_number", "16/-13-56939") is None  # fails it: no number
    assert cut_value("phone", "051-/48-8031") == "051-748-8031"
    assert cut_value("resident_number", "9806 16-2398618") == "980616-2398618"
    assert cut_value("opening_date", "2013 년 11 월 10 알") == "2013 년 11 월 10 일"
    assert cut_value("address", "공원로 52-4, 4충 493호") == "공원로 52-4, 4층 493호"
    # a 16-character card number whose OCR lost a dash gets its four groups back; others as read
    assert cut_value("card_number", "9654-93******-1420") == "9654-93**-****-1420"
    assert cut_value("card_number", "9480-85**_**** -8506") == "9480-85**-****-8506"
    assert cut_value("card_number", "3782 822463 10005") == "3782 822463 10005"


def test_an_address_whose_bracket_closes_on_the_next_line_is_taken_whole():
    regs = [box(40, 100, "사업장 소재지 : 대구광역시 동구 은행나무길 239 (거제동,"), box(240, 125, "제일상가)"),
            box(40, 160, "상호 : 은빛제약")]
    got = values(regs, "business_registration")
    assert got["business_address"] == "대구광역시 동구 은행나무길 239 (거제동, 제일상가)"
    assert got["trade_name"] == "은빛제약"


def test_a_network_name_beside_the_holder_or_issuer_is_no_part_of_it():
    regs = [box(40, 40, "OCEAN CREDITmastercard"), box(40, 200, "5500 0000 0000 0004"),
            box(40, 380, "JUNG RAMHA AMERICAN EXPRESS")]
    got = values(regs, "credit_card")
    assert got["issuer"] == "OCEAN CREDIT" and got["holder"] == "JUNG RAMHA"


def test_items_printed_on_two_lines_without_headings_are_read_when_they_add_up():
    from hanji.domain.receipt_items import read_items

    regs = [box(20, 100, "참 치김밥"), box(40, 125, "2 x 3,000"), box(300, 125, "6,000"),
            box(20, 150, "색연필 12색"), box(40, 175, "1 x 3,300"), box(300, 175, "3,300"),
            box(20, 200, "쿠폰"), box(40, 225, "1 x 500"), box(300, 225, "5,000"),  # 1 x 500 is no 5,000
            box(20, 250, "껌"), box(40, 275, "4 x 900"), box(300, 275, "3,600"),  # a name of one syllable
            box(20, 310, "총 구매액"), box(300, 310, "9,300")]
    items = read_items(rows_of(regs, "receipt"))
    assert [(it["item_name"][0], it["item_quantity"][0], it["item_unit_price"][0], it["item_amount"][0])
            for it in items] == [("참 치김밥", "2", "3,000", "6,000"), ("색연필 12색", "1", "3,300", "3,300"),
                                 ("껌", "4", "900", "3,600")]


def test_a_date_with_the_time_glued_on_and_a_seven_read_as_a_slash_and_a_label_that_is_no_value():
    from hanji.domain.values import cut_value

    assert cut_value("date", "2023-12-1119:08:06") == "2023-12-11" and cut_value("time", "2023-12-1119:08:06") == "19:08:06"
    assert cut_value("opening_date", "2019. 04. 1/.") == "2019. 04. 17."
    assert cut_value("issue_date", "201/ 년 12 월 6 일") == "2017 년 12 월 6 일"
    assert cut_value("date", "2024/10/27 21:02") == "2024/10/27"  # a date written with slashes keeps them
    assert cut_value("corporate_number", "22005'/-1138863") == "220057-1138863"
    assert cut_value("address", "강원도 속초시 상록로 21/") == "강원도 속초시 상록로 217"
    # the tagger's span on a printed label is no value: the store name is not '대표'
    regs = [box(20, 40, "스마일 문구"), box(20, 80, "대표"), box(120, 80, "권보율")]
    spans = [FieldSpan("store_name", "대표", [1], 0.9, 2, 3)]
    got = values(regs, "receipt", spans)
    assert got.get("store_name") != "대표" and got["representative"] == "권보율"


def test_quantity_glued_to_its_x_and_a_label_token_keeps_no_value_tag():
    from hanji.domain.receipt_items import read_items
    from hanji.jobs.extract import extract_regions

    regs = [box(20, 100, "쫄면"), box(40, 125, "1x 800"), box(300, 125, "800"),
            box(20, 150, "라볶이"), box(40, 175, "2 x 4,000"), box(300, 175, "8,000")]
    items = read_items(rows_of(regs, "receipt"))
    assert [(it["item_name"][0], it["item_amount"][0]) for it in items] == [("쫄면", "800"), ("라볶이", "8,000")]
    assert extract_regions(regs, "receipt")["fields"]["item_quantity"] == ["1", "2"]  # not '1x'
    # the tagger's store name over '대표 권보율': the label's token is nobody's value
    regs = [box(20, 40, "스마일 문구"), box(20, 80, "사업자번호 : " + _brn("612136520")), box(300, 80, "대표 권보율")]
    tags = [["O", "O"], ["O", "O", "O"], ["B-store_name", "I-store_name"]]
    from hanji.domain.fields import field_spans
    from hanji.domain.kv_rank import link_fields

    scores = [[0.9] * len(t) for t in tags]
    chosen = link_fields(regs, "receipt", field_spans(regs, tags, scores), tags, scores)
    assert chosen["representative"].value == "권보율" and tags[2] == ["O", "B-representative"]
