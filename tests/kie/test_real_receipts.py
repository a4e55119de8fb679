"""Key-values on receipts as scans and phone photos read them (issue 16: the outside evaluators' failure
modes on real receipts, and the OCR slips in numbers a print-reality page brings): made-up regions, no
model except where the extraction path is the point."""

from __future__ import annotations

import pytest

from hanji.domain import validators as v
from hanji.domain.fields import FieldSpan
from hanji.domain.kv_link import rows_of
from hanji.domain.kv_rank import choose_fields
from hanji.domain.model import Region
from hanji.domain.receipt_items import read_items
from hanji.domain.values import cut_value, shape_of, won_amount

CH = 12  # pixels per character


def box(x: float, y: float, text: str, h: float = 20) -> Region:
    w = CH * len(text)
    return Region(points=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], text=text)


def values(regions: list[Region], doc_type: str = "receipt", spans=None) -> dict[str, str]:
    return {k: c.value for k, c in choose_fields(regions, doc_type, spans).items()}


def _brn(first9: str) -> str:
    return v.format_business_number(first9 + str(v.brn_check_digit(first9)))


def _items(regs: list[Region]) -> list[dict[str, str]]:
    return [{k: val for k, (val, _) in it.items()} for it in read_items(rows_of(regs, "receipt")) or []]


def test_a_won_amount_whose_separator_ocr_read_as_a_point_or_split_is_read_whole():
    assert won_amount("9.636") == "9,636" and won_amount("21. 727") == "21,727" and won_amount("6, 636") == "6,636"
    assert won_amount("10.600원") == "10,600원" and won_amount("~400") == "-400"
    assert won_amount("12.50") == "12.50" and won_amount("2,400") == "2,400"  # decimals and amounts as printed
    regs = [box(20, 100, "공급가액 9.636"), box(20, 130, "부 가 세"), box(300, 130, "1.000"),
            box(20, 160, "할인금액 ~400"), box(20, 190, "결제금액"), box(300, 190, "10.236")]
    got = values(regs)
    assert got["subtotal"] == "9,636" and got["tax"] == "1,000" and got["discount"] == "-400"
    assert got["total"] == "10,236"


def test_a_masked_card_number_whose_asterisks_ocr_merged_or_dropped_is_printed_as_slips_mask_it():
    assert cut_value("card_number", "9920-79*****-4972") == "9920-79**-****-4972"
    assert cut_value("card_number", "4718-73*******-0508") == "4718-73**-****-0508"
    assert cut_value("card_number", "5775-96******") == "5775-96**-****-****"
    assert cut_value("card_number", "9476-82******.5325") == "9476-82**-****-5325"
    assert cut_value("card_number", "9222-75**-****-4222") == "9222-75**-****-4222"  # as printed
    assert cut_value("card_number", "4111 1111 1111 1111") == "4111 1111 1111 1111"
    assert cut_value("card_number", "3760-45**-****-***") == "3760-45**-****-***"  # a masked AMEX, 15 as printed


def test_a_tax_mark_column_is_no_part_of_an_item_and_a_letter_spaced_heading_is_found():
    # '상 품 명' letter-spaced; a 과세 column marks taxable items with 'O' (OCR: '0' as often)
    regs = [box(20, 100, "상 품 명"), box(250, 100, "과세"), box(330, 100, "수량"), box(400, 100, "단가"),
            box(500, 100, "금액"),
            box(20, 130, "비타민C"), box(262, 130, "O"), box(342, 130, "1"), box(400, 130, "4,900"),
            box(500, 130, "4,900"),
            box(20, 160, "유기농 당근"), box(342, 160, "2"), box(400, 160, "1,000"), box(500, 160, "2,000"),
            box(20, 190, "파스"), box(262, 190, "0"), box(342, 190, "1"), box(400, 190, "5,200"),
            box(500, 190, "5,200"), box(20, 220, "합계"), box(500, 220, "12,100")]
    assert _items(regs) == [
        {"item_name": "비타민C", "item_quantity": "1", "item_unit_price": "4,900", "item_amount": "4,900"},
        {"item_name": "유기농 당근", "item_quantity": "2", "item_unit_price": "1,000", "item_amount": "2,000"},
        {"item_name": "파스", "item_quantity": "1", "item_unit_price": "5,200", "item_amount": "5,200"}]


def test_the_business_number_beside_the_phone_on_one_row_is_never_the_phone():
    brn = _brn("611868653")
    regs = [box(20, 60, f"사업자No: {brn}"), box(400, 62, "TEL: 02-425-7538")]
    # even when the tagger is sure the business number is the phone
    spans = [FieldSpan("phone", brn, [0], 0.99, 1, 2)]
    got = values(regs, spans=spans)
    assert got["business_number"] == brn and got["phone"] == "02-425-7538"
    regs = [box(20, 60, "☎ 02-425-7538"), box(400, 62, f"사업자번호 : {brn}")]
    got = values(regs, spans=[FieldSpan("phone", brn, [1], 0.99, 5, 6)])
    assert got["business_number"] == brn and got["phone"] == "02-425-7538"


def test_a_time_field_is_never_a_phone_line():
    regs = [box(20, 60, "매장 02)555-1234"), box(20, 90, "TEL 02-425-7538"), box(20, 120, "2024-05-03")]
    # the tagger takes the phone line for the time: no time is better than a phone number
    got = values(regs, spans=[FieldSpan("time", "02-425-7538", [1], 0.95, 3, 4)])
    assert "time" not in got and got["phone"] == "02-425-7538"
    # a time printed beside the phone line is the time
    regs = [box(20, 60, "매장 02)555-1234"), box(400, 62, "시간 13:22"), box(20, 90, "판매일: 2024-05-03")]
    got = values(regs, spans=[FieldSpan("time", "02)555-1234", [0], 0.95, 1, 2)])
    assert got["time"] == "13:22" and got["date"] == "2024-05-03"
    assert shape_of("02-425-7538") == "phone" and shape_of("13:22") == "time"


def test_a_barcode_under_the_approval_line_and_its_approval_time_are_no_approval_number():
    regs = [box(20, 60, "승인번호 : 30012345"), box(20, 90, "승인일시 2024-05-03 13:22:10"),
            box(100, 140, "24050313221230012345"), box(20, 170, "거래번호: 01234567")]
    spans = [FieldSpan("approval_number", "24050313221230012345", [2], 0.99, 7, 8)]
    got = values(regs, spans=spans)
    assert got["approval_number"] == "30012345" and got["transaction_number"] == "01234567"
    # the approval line's number lost to OCR: the barcode still is none
    regs = [box(20, 60, "승인번호 :"), box(100, 140, "24050313221230012345")]
    assert "approval_number" not in values(regs, spans=[FieldSpan("approval_number", "24050313221230012345",
                                                                    [1], 0.99, 2, 3)])


def test_a_discount_printed_between_the_sum_and_the_amount_paid_never_becomes_the_total():
    regs = [box(20, 100, "합     계"), box(400, 100, "39,900"), box(20, 130, "즉시할인"), box(400, 130, "-400"),
            box(20, 160, "결 제 금 액"), box(400, 160, "39,500"), box(20, 190, "신용카드"), box(400, 190, "39,500")]
    for tagged in (3, 1):  # the tagger sure of the discount's amount, or of the sum
        got = values(regs, spans=[FieldSpan("total", regs[tagged].text, [tagged], 0.99, tagged + 2, tagged + 3)])
        assert got["total"] == "39,500" and got["discount"] == "-400"


def test_a_tax_column_mark_is_never_the_tax():
    regs = [box(20, 100, "상품명"), box(250, 100, "과세"), box(400, 100, "금액"),
            box(20, 130, "두유"), box(262, 130, "O"), box(400, 130, "2,000"),
            box(20, 160, "부가세"), box(400, 160, "182"), box(20, 190, "합계"), box(400, 190, "2,000")]
    spans = [FieldSpan("tax", "O", [4], 0.95, 4, 5)]
    got = values(regs, spans=spans)
    assert got["tax"] == "182"
    got = values(regs[:6], spans=spans)  # no 부가세 printed: no tax rather than a mark
    assert "tax" not in got


@pytest.mark.usefixtures("one_torch_thread")
def test_extract_prints_korean_amounts_with_their_separator():
    from hanji.jobs.extract import extract_regions

    regs = [box(20, 100, "품명"), box(300, 100, "금액"), box(20, 130, "현미 1kg"), box(300, 130, "1.000"),
            box(20, 160, "과세물품가액"), box(300, 160, "909"), box(20, 190, "부가세"), box(300, 190, "91"),
            box(20, 220, "결제금액"), box(300, 220, "1.000")]
    res = extract_regions(regs, "receipt")
    f = res["fields"]
    assert f["total"] == "1,000" and f["item_amount"] in ("1,000", ["1,000"])


def _quad(cx: float, cy: float, text: str, slant_deg: float, h: float = 20) -> Region:
    import math

    w = CH * len(text)
    c, s = math.cos(math.radians(slant_deg)), math.sin(math.radians(slant_deg))
    pts = [(cx + dx * c - dy * s, cy + dx * s + dy * c) for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2),
                                                                    (w / 2, h / 2), (-w / 2, h / 2))]
    return Region(points=pts, text=text)


def test_a_value_at_the_right_end_of_a_photographed_row_stays_on_its_labels_row():
    import math

    # a slip photographed at an angle: its printed lines turn by 11 degrees, the lines further down a
    # little more (perspective), while the detector's boxes of the short words slant by less (10 degrees)
    rows = [("과세물품가액", "21,727"), ("부가세", "2,173"), ("면세물품가액", "15,600"), ("합계", "39,900"),
            ("즉시할인", "-400"), ("결제금액", "39,500"), ("신용카드", "39,500"), ("카드종류", "국민카드"),
            ("할부", "일시불"), ("승인번호", "92553097")]
    regs = []
    for k, (lab, val) in enumerate(rows):
        turn = math.radians(11.3 + 0.05 * k)
        x0, y0 = 100.0, 100.0 + 26 * k / math.cos(turn)
        regs.append(_quad(x0 + CH * len(lab) / 2, y0, lab, 10.0))
        regs.append(_quad(x0 + 420, y0 + (420 - CH * len(lab) / 2) * math.tan(turn), val, 10.0))
    got = values(regs)
    assert got["subtotal"] == "21,727" and got["tax"] == "2,173" and got["tax_free"] == "15,600"
    assert got["discount"] == "-400" and got["total"] == "39,500" and got["approval_number"] == "92553097"
    paired = {tuple(t.text for t in r.toks) for r in rows_of(regs, "receipt")}
    assert ("즉시할인", "-400") in paired and ("합계", "39,900") in paired


def test_labels_misread_by_a_square_for_a_round_or_a_box_jamo_still_introduce_their_values():
    from hanji.domain.labels import find_labels

    assert find_labels(["연세물품가액", "15,600"], "receipt")[0].field == "tax_free"  # 면 read 연
    assert find_labels(["엄태", "제조업"], "business_registration")[0].field == "business_type"  # 업 read 엄
    # a short label letter-spaced at the start of its own region, misread ('업 때' for 업태)
    hits = find_labels(["⑦", "사업의", "종류", "업", "때", ":", "정보통신업"], "business_registration", starts={0, 3})
    assert [h.field for h in hits] == ["", "business_type"]


def test_a_speck_read_as_a_quote_beside_a_name_is_no_part_of_it():
    regs = [box(20, 100, "대표자"), box(160, 100, "' 박슬기")]
    assert values(regs, "business_registration")["representative"] == "박슬기"


def test_a_label_ocr_misread_after_another_is_no_value_and_the_value_below_is_taken():
    # '성명 Name' read '성명 Nanse', the name on the line below
    regs = [box(40, 90, "성명 Nanse"), box(40, 115, "홍다기"), box(40, 160, "주소 Addres"),
            box(40, 185, "부산광역시 동래구 개나리길 2-1")]
    got = values(regs, "id_card")
    assert got["name"] == "홍다기" and got["address"] == "부산광역시 동래구 개나리길 2-1"
    from hanji.domain.labels import label_like

    assert label_like("소계지", "business_registration") and label_like("업대", "business_registration", short=True)
    assert not label_like("홍다기", "id_card") and not label_like("NAM", "id_card")


def test_a_date_glued_to_a_time_that_lost_a_colon_and_an_address_never_runs_into_the_time_line():
    assert cut_value("date", "2025-10-191639:17") == "2025-10-19"
    regs = [box(20, 100, "주소 강원도 속초시 상록로 68-6"), box(20, 122, "202209702 (급) 16:57")]
    assert values(regs)["address"] == "강원도 속초시 상록로 68-6"


def test_a_network_name_glued_to_the_issuer_with_its_first_letter_lost_is_no_part_of_it():
    from hanji.domain.values import without_marks

    assert without_marks("MAPLE FINANCENIONPAY") == "MAPLE FINANCE"
    assert without_marks("OCEAN CREDITastercard") == "OCEAN CREDIT"
    assert without_marks("MAPLE FINANCE") == "MAPLE FINANCE"


def test_a_receipt_read_badly_and_classified_as_an_id_card_is_extracted_as_the_type_its_labels_say():
    from hanji.domain.values import unlike_type
    from hanji.jobs.extract import extract_regions
    from hanji.models.kie.predictor import KiePrediction

    brn = _brn("172866132")
    regs = [box(20, 40, "바른김밥 망원점"), box(20, 70, f"사업자번호 1 {brn}"), box(20, 100, "TEL, 051-353-2592"),
            box(20, 130, "주소 서울특별시 강서구 역전로 11"), box(20, 160, "2024/05/21 (화) 17:25")]
    texts = [r.text for r in regs]
    assert unlike_type("id_card", texts) and not unlike_type("receipt", texts)
    assert not unlike_type("id_card", texts + ["주민등록번호 900101-1234568"])
    assert not unlike_type("credit_card", texts)  # a card number read in pieces may hold ten digits that pass

    class Stub:  # a classifier sure of the wrong type; tags nothing
        doc_types = ["id_card", "receipt", "business_registration", "credit_card"]
        asked: list = []

        def predict(self, regions, doc_type=None, ordered=False):
            self.asked.append(doc_type)
            # the runner-up a card, the receipt a distant third: the page's labels decide between the types
            # a page with a business number can be
            scores = {"id_card": 0.9966, "credit_card": 0.0028, "receipt": 0.0003, "business_registration": 0.0003}
            return KiePrediction(doc_type or "id_card", scores, list(range(len(regions))),
                                 [["O"] * len(r.text.split()) for r in regions],
                                 [[0.9] * len(r.text.split()) for r in regions])

        def fields_of(self, doc_type):
            return []

    stub = Stub()
    res = extract_regions(regs, "auto", stub)
    assert stub.asked == [None, "receipt"] and res["doc_type"] == "receipt"
    assert res["fields"]["business_number"] == brn and res["fields"]["phone"] == "051-353-2592"


def test_an_item_table_whose_amount_heading_ocr_misread_is_read_by_its_other_headings():
    regs = [box(20, 100, "상 품 명"), box(250, 100, "과세"), box(330, 100, "수량"), box(400, 100, "단가"),
            box(500, 100, "금색"),
            box(20, 130, "마카롱"), box(262, 130, "0"), box(342, 130, "1"), box(400, 130, "8,400"), box(500, 130, "8,400"),
            box(20, 160, "단팥빵"), box(262, 160, "O"), box(342, 160, "2"), box(400, 160, "6,400"),
            box(500, 160, "12,800"), box(20, 190, "합계"), box(500, 190, "21,200")]
    assert _items(regs) == [
        {"item_name": "마카롱", "item_quantity": "1", "item_unit_price": "8,400", "item_amount": "8,400"},
        {"item_name": "단팥빵", "item_quantity": "2", "item_unit_price": "6,400", "item_amount": "12,800"}]


def test_an_approval_number_with_a_seven_read_as_a_slash_is_read_back_and_a_barcode_stays_whole():
    assert cut_value("approval_number", "12/35/16") == "12735716"
    assert cut_value("approval_number", "220814/65412/3") == "22081476541273"  # 14 digits: no approval number
    regs = [box(20, 60, "승인번호 : 12/35/16"), box(20, 90, "승인일시 2022-08-14 17:18:46"),
            box(100, 140, "220814/65412/3")]
    spans = [FieldSpan("approval_number", "220814/65412/3", [2], 0.99, 6, 7)]
    assert values(regs, spans=spans)["approval_number"] == "12735716"


def test_a_time_with_a_stray_dash_or_a_colon_read_as_a_digit_is_no_time_as_read():
    from hanji.domain.values import plausible

    assert cut_value("time", "2021.11.29 -16:44:51") == "16:44:51"
    assert not plausible("time", "19:17503") and not plausible("time", "-16:44:51")
    assert plausible("time", "16:44:51") and plausible("time", "오후 2:03")


def test_the_amount_paid_is_never_below_the_tax_even_when_the_discount_moved_onto_its_row():
    # a photo moved each amount half a row up: 결제금액's row holds the amount paid and the discount's
    regs = [box(20, 100, "부 가 세"), box(400, 100, "2,991"), box(20, 130, "합계"), box(20, 160, "할인"),
            box(400, 160, "33,300"), box(20, 190, "결제금액"), box(300, 190, "32.900"), box(400, 190, "400")]
    assert values(regs)["total"] == "32,900"


@pytest.mark.usefixtures("one_torch_thread")
def test_a_tagged_mark_as_the_tax_or_a_barcode_as_the_approval_never_reaches_extracts_output():
    from hanji.jobs.extract import extract_regions
    from hanji.models.kie.predictor import KiePrediction

    regs = [box(20, 40, "초록마켓"), box(20, 70, "두유"), box(250, 70, "O"), box(400, 70, "2,000"),
            box(20, 100, "결제금액"), box(400, 100, "2,000"), box(20, 130, "승인번호 :"),
            box(100, 170, "24050313221230012345"), box(20, 200, "TEL 02-425-7538")]
    tagged = {2: "tax", 7: "approval_number", 8: "time"}

    class Stub:
        doc_types = ["receipt"]

        def predict(self, regions, doc_type=None, ordered=False):
            tags = [[("B-" + tagged[i] if i in tagged and (i != 8 or k == 1) else "O")
                     for k, _ in enumerate(r.text.split())] for i, r in enumerate(regions)]
            return KiePrediction("receipt", {"receipt": 1.0}, list(range(len(regions))), tags,
                                 [[0.95] * len(t) for t in tags])

        def fields_of(self, doc_type):
            return []

    res = extract_regions(regs, "auto", Stub())
    f = res["fields"]
    assert "tax" not in f and "approval_number" not in f and "time" not in f
    assert f["total"] == "2,000" and f["phone"] == "02-425-7538"
    assert {r["text"]: r["key"] for r in res["regions"]}["O"] == ""


def test_an_address_whose_province_ocr_misread_gets_its_name_back():
    from hanji.domain.values import address_as_printed

    assert address_as_printed("서운득별시 동작구 느티나무길 122") == "서울특별시 동작구 느티나무길 122"
    assert address_as_printed("대구광역식 남구 무궁화로 18") == "대구광역시 남구 무궁화로 18"
    assert address_as_printed("대한빌딩 3층 305호") == "대한빌딩 3층 305호"  # no province: as read
    assert address_as_printed("서품번시 증서구 역전로 11") == "서품번시 증서구 역전로 11"  # too far from any
    regs = [box(20, 100, "주소: 층청남도 논산시 등대길 89-6")]
    assert values(regs)["address"] == "충청남도 논산시 등대길 89-6"


def test_a_business_name_keeps_no_speck_before_it_nor_the_next_cells_label_glued_after_it():
    regs = [box(20, 100, "상호"), box(120, 100, "해오름인터내셔널(주대표자"), box(20, 140, "법인명(단체명)"),
            box(200, 140, '" 유한회사 늘봄인터내셔널')]
    assert values(regs[:2], "business_registration")["trade_name"] == "해오름인터내셔널(주)"
    assert values(regs[2:], "business_registration")["trade_name"] == "유한회사 늘봄인터내셔널"


def test_a_phone_number_whose_ten_digits_happen_to_pass_the_business_number_check_is_still_the_phone():
    from hanji.domain.values import plausible

    assert v.check_business_number("051-627-7903").ok  # one phone in ten does
    assert plausible("phone", "051-627-7903") and not plausible("phone", _brn("051627790"))
    regs = [box(20, 60, "사업자등록번호 : 839-01-16173"), box(20, 90, "전화: 051-627-7903")]
    got = values(regs, spans=[FieldSpan("phone", "051-627-7903", [1], 0.9, 4, 5)])
    assert got["phone"] == "051-627-7903" and got["business_number"] == "839-01-16173"


def test_a_short_label_misread_as_a_region_by_itself_is_a_label_not_the_value_beside_another():
    from hanji.domain.labels import find_labels

    # two columns, values under their labels; OCR read the right column's '업 태' as one word, '업대'
    assert [h.field for h in find_labels(["상호", "업대"], "business_registration", starts={0, 1})] == \
        ["trade_name", "business_type"]
    assert [h.field for h in find_labels(["상호", "업대", "별빛"], "business_registration", starts={0, 1})] == \
        ["trade_name"]  # a look-alike inside a region is no label
    regs = [box(60, 130, "상호"), box(420, 130, "업대"), box(70, 156, "별빛농산"), box(430, 156, "출판업")]
    got = values(regs, "business_registration")
    assert got["trade_name"] == "별빛농산" and got["business_type"] == "출판업"


def test_the_top_line_of_words_is_the_store_name_when_nothing_better_names_it():
    regs = [box(120, 20, "스마일 문구 중계점", h=28), box(20, 70, "대 표 자 : 김라윤"), box(20, 100, "전화 : 031-5860-6616")]
    assert values(regs)["store_name"] == "스마일 문구 중계점"
    # a label's name ranks above it
    regs = [box(120, 20, "[ 영 수 증 ]", h=28), box(20, 60, "[가맹점정보]"), box(20, 90, "가맹점명 : 꽃피는 베이커리")]
    assert values(regs)["store_name"] == "꽃피는 베이커리"
