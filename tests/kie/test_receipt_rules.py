"""Receipt rules as a second opinion next to the tagger: which date is the sale's, which head line names
the business by its legal form, which lines make the address; and how jobs.extract combines them (and
the total's, tests/kie/test_receipt_total.py) with the tagger's probabilities."""

from __future__ import annotations

from hanji.domain.receipt_rules import (
    company_lines,
    date_candidates,
    entity_grade,
    is_name_line,
    is_registration,
    name_length,
    name_runs,
    print_size,
    starts_legal_name,
    under_wider_name,
    wider_print,
)
from hanji.jobs.extract import choose_date, choose_name, choose_total

from .made_up import lines_at, probs_for, reg, tags_from


def test_date_candidates_prefer_the_labelled_date_and_skip_expiry():
    regions = [reg(10, 10, 300, "CLOSED: 11-03-2018"), reg(10, 40, 80, "DATE"), reg(120, 40, 300, ": 10-03-2018 23:03"),
               reg(10, 70, 300, "EXPIRY 12/05/2020"), reg(10, 100, 300, "2018년 3월 5일")]
    c = {x.text: x for x in date_candidates(regions)}
    assert c["10-03-2018"].grade == 1.0 and c["11-03-2018"].grade < 1.0
    assert c["12/05/2020"].grade == 0.0
    k = c["2018년 3월 5일"]
    assert (k.start, k.end) == (0, 3)  # a date of several tokens


def test_entity_grade_and_registration_numbers():
    assert entity_grade("TASTE OF THE WORLD SDN BHD") == 1.0
    assert entity_grade("(주)한지문구") == 1.0
    assert 0 < entity_grade("YONGFATT ENTERPRISE") < 1.0
    assert entity_grade("GEOVENTURE") == 0.0
    assert entity_grade("GST REG NO: 000136577024") == 0.0
    assert entity_grade("FORMERLY KNOWN AS GOLDEN ARCHES RESTAURANTS SDN BHD") == 0.0
    assert is_registration("(519537-X)") and is_registration("(JM0517726)") and not is_registration("666")
    regions = [reg(10, 10 + 30 * i, 300, t) for i, t in enumerate(
        ["GEOVENTURE", "TASTE OF THE WORLD SDN BHD", "LOT 38, JALAN KENARI 5", "TEL: 03-8079", "a", "b", "c", "d",
         "GOGIANT ENGINEERING SDN BHD"])]
    assert company_lines(regions) == [(1, 1.0)]  # a business named far down is a customer, not the seller


NAMES = ["O", "B-total", "I-total", "B-date", "I-date", "B-company", "I-company"]


def test_choose_total_takes_the_labelled_amount_over_an_unsure_tagger():
    regions = [reg(10, 10, 100, "SUB TOTAL"), reg(300, 10, 360, "77.80"), reg(10, 40, 100, "TOTAL:"),
               reg(300, 40, 360, "593.10")]
    probs = probs_for(NAMES, regions, {(1, 0): {"B-total": 0.7}, (3, 0): {"B-total": 0.2}})
    tags = tags_from(NAMES, probs)
    scores = [[max(p) for p in rows] for rows in probs]
    assert tags[1] == ["B-total"]
    choose_total(regions, tags, scores, probs, NAMES)
    assert tags[1] == ["O"] and tags[3] == ["B-total"]
    # with the rules off (weight 0) a sure tagger keeps its own pick
    tags = tags_from(NAMES, probs)
    choose_total(regions, tags, scores, probs, NAMES, weight=0.0)
    assert tags[1] == ["B-total"]


def test_choose_total_keeps_a_sure_tagger_where_no_label_says_total():
    regions = [reg(10, 10, 100, "ROUNDING ADJ"), reg(300, 10, 360, "-0.01"), reg(300, 40, 360, "60.30")]
    probs = probs_for(NAMES, regions, {(2, 0): {"B-total": 0.95}})
    tags = tags_from(NAMES, probs)
    choose_total(regions, tags, [[1.0] for _ in regions], probs, NAMES)
    assert tags[2] == ["B-total"]


def test_choose_date_and_name():
    regions = [reg(10, 10, 300, "GEOVENTURE"), reg(10, 40, 300, "TASTE OF THE WORLD SDN BHD (965857-A)"),
               reg(10, 70, 80, "DATE"), reg(120, 70, 300, ": 10-03-2018 23:03"), reg(10, 400, 300, "CLOSED: 11-03-2018")]
    hot = {(0, 0): {"B-company": 0.6}, (1, 0): {"B-company": 0.3}, (4, 1): {"B-date": 0.6}}
    hot.update({(1, k): {"I-company": 0.3} for k in range(1, 6)})
    probs = probs_for(NAMES, regions, hot)
    tags = tags_from(NAMES, probs)
    scores = [[max(p) for p in rows] for rows in probs]
    choose_date(regions, tags, scores, probs, NAMES)
    assert tags[4] == ["O", "O"] and tags[3] == ["O", "B-date", "O"]
    choose_name(regions, tags, scores, probs, NAMES, "company")
    assert tags[0] == ["O"]
    assert tags[1] == ["B-company"] + ["I-company"] * 5 + ["O"]  # the whole line, less its company number


def test_name_lines_leave_out_addresses_contacts_titles_and_numbers():
    assert is_name_line("YHM AEON TEBRAU CITY") and is_name_line("(주)한지문구")
    assert not is_name_line("S117, SECOND FLOOR,") and not is_name_line("NO.53 JALAN PUTRA 1,")
    assert not is_name_line("TEL : 07-386 7524") and not is_name_line("1950") and not is_name_line("* TAX INVOICE *")
    assert not is_name_line("WELCOME TO OUR STORE") and not is_name_line("서울특별시 중구 세종대로 110")
    # a legal form keeps a line that looks like an address or carries a company number
    assert is_name_line("BOOK TA.K (TAMAN DAYA) SDN BHD") and is_name_line("MR D.I.Y. SDN BHD (CO REG : 933109-X)")


def test_name_runs_split_at_non_name_lines_and_follow_visible_continuations():
    regions = lines_at(["YHM AEON TEBRAU CITY", "S117, SECOND FLOOR,", "AEON TEBRAU CITY,"])
    assert name_runs(regions, [0, 1]) == [[0]]
    regions = lines_at(["HOME MASTER HARDWARE &", "ELECTRICAL", "NO.113G & 115G, JALAN SETIA GEMBILANG"])
    assert name_runs(regions, [0]) == [[0, 1]]
    regions = lines_at(["AIK HUAT HARDWARE", "ENTERPRISE (SETIA", "ALAM) SDN BHD", "822737-X"])
    assert name_runs(regions, [2]) == [[1, 2]]  # the bracket closed here was opened on the line above
    assert name_runs(lines_at(["1950", "TEL: 03-1234"]), [0, 1]) == []


def test_company_lines_stop_at_the_document_title_and_skip_former_names():
    regions = lines_at(["PERNIAGAAN ZHENG HUI", "JM0325955-V", "NO.59 JALAN PERMAS 9/5", "SIMPLIFIED TAX INVOICE",
                        "GOGIANT ENGINEERING (M) SDN BHD", "RECEIPT#: CS00082662"])
    assert company_lines(regions) == [(0, 0.6)]  # the business named below the title is the customer
    regions = lines_at(["GERBANG ALAF RESTAURANTS SDN BHD", "(65351-M)", "FORMERLY KNOWN AS",
                        "GOLDEN ARCHES RESTAURANTS SDN BHD", "LEVEL 6, BANGUNAN TH"])
    assert company_lines(regions) == [(0, 1.0)]
    # a title printed before the seller's name (Korean receipts) does not end the header
    assert company_lines(lines_at(["영수증", "(주)한지문구", "서울특별시 중구"])) == [(1, 1.0)]


def test_choose_name_prefers_a_legal_name_to_a_brand_line_and_drops_address_lines():
    regions = lines_at(["BREWERY TAP", "OWNER BY CASTLE BLUE S/B", "(1035693-T)", "GST NO : 002108047360"])
    probs = probs_for(NAMES, regions, {(0, 0): {"B-company": 0.9}, (0, 1): {"I-company": 0.9},
                                       (1, 0): {"B-company": 0.05}})
    tags = tags_from(NAMES, probs)
    scores = [[max(p) for p in rows] for rows in probs]
    choose_name(regions, tags, scores, probs, NAMES, "company")
    assert tags[0] == ["O", "O"] and tags[1] == ["B-company"] + ["I-company"] * 4
    regions = lines_at(["YHM AEON TEBRAU CITY", "S117, SECOND FLOOR,", "1, JALAN DESA TEBRAU,"])
    hot = {(0, 0): {"B-company": 0.8}, (0, 1): {"I-company": 0.8}, (0, 2): {"I-company": 0.8},
           (0, 3): {"I-company": 0.8}, (1, 0): {"I-company": 0.6}, (1, 1): {"I-company": 0.6},
           (1, 2): {"I-company": 0.6}}
    probs = probs_for(NAMES, regions, hot)
    tags = tags_from(NAMES, probs)
    scores = [[max(p) for p in rows] for rows in probs]
    assert tags[1] == ["I-company"] * 3
    choose_name(regions, tags, scores, probs, NAMES, "company")
    assert tags[0] == ["B-company"] + ["I-company"] * 3 and tags[1] == ["O"] * 3


def test_a_line_under_a_name_printed_double_width_is_its_tagline():
    # 'THREE STOOGES' printed double width over 'BISTRO & CAFE': the tagger took both lines
    regions = [reg(10, 10, 317, "THREE STOOGES", h=25), reg(10, 40, 165, "BISTRO & CAFE", h=23),
               reg(10, 70, 160, "109, SS21/1A,"), reg(10, 100, 190, "DAMANSARA UTAMA")]
    assert wider_print(regions[0], regions[1]) and not wider_print(regions[1], regions[0])
    assert name_runs(regions, [0, 1]) == [[0], [1]] and under_wider_name(regions, [1])
    hot = {(0, 0): {"B-company": 0.8}, (0, 1): {"I-company": 0.8}, (1, 0): {"I-company": 0.8},
           (1, 1): {"I-company": 0.8}, (1, 2): {"I-company": 0.8}}
    probs = probs_for(NAMES, regions, hot)
    tags = tags_from(NAMES, probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[0] == ["B-company", "I-company"] and tags[1] == ["O"] * 3
    # a name printed over two lines in one type stays whole; a legal name printed under a brand is no
    # tagline; a line written by hand over the name is taller, not double width; a line too short to
    # tell says nothing
    same = [reg(10, 10, 526, "AIK HUAT HARDWARE", h=60), reg(10, 80, 524, "ENTERPRISE (SETIA", h=58),
            reg(10, 150, 406, "ALAM) SDN BHD", h=49)]
    assert name_runs(same, [0, 1, 2]) == [[0, 1, 2]]
    brand = [reg(10, 10, 323, "BREWERY TAP", h=26), reg(10, 40, 356, "OWNER BY CASTLE BLUE S/B", h=27)]
    assert wider_print(brand[0], brand[1]) and not under_wider_name(brand, [1])
    hand = [reg(100, 40, 310, "tan chay yee", h=34), reg(30, 110, 420, "SOONHUATMACHINERYENTERPRISE", h=18)]
    assert not wider_print(hand[0], hand[1]) and name_runs(hand, [0, 1]) == [[0, 1]]
    assert print_size(reg(10, 10, 300, "SDN")) is None


def test_a_brand_line_over_a_whole_legal_name_is_no_part_of_it():
    regions = lines_at(["GEOVENTURE", "TASTE OF THE WORLD SDN BHD", "965857-A", "LOT 38, 39 101 BOULEVARD,"])
    assert starts_legal_name(regions[1].text) and name_runs(regions, [0, 1]) == [[0], [1]]
    hot = {(0, 0): {"B-company": 0.9}, **{(1, k): {"I-company": 0.9} for k in range(6)}}
    probs = probs_for(NAMES, regions, hot)
    tags = tags_from(NAMES, probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[0] == ["O"] and tags[1] == ["B-company"] + ["I-company"] * 5
    # a legal name that goes on from the line above, or a legal form alone on its line, keeps the lines above
    assert not starts_legal_name("ALAM) SDN BHD") and not starts_legal_name("SDN BHD")
    assert name_runs([reg(10, 10, 300, "UNIHAKKA INTERNATIONAL"), reg(10, 40, 95, "SDN BHD")], [0, 1]) == [[0, 1]]
    assert name_runs(lines_at(["HOME MASTER HARDWARE &", "ELECTRICAL SDN BHD"]), [0, 1]) == [[0, 1]]


def test_dates_and_names_read_through_spaces_the_ocr_lost():
    got = [c.text for c in date_candidates(lines_at(["25/12/20188:13:39PM", "14-03-1821:32", "05Mar201818:24"]))]
    assert got == ["25/12/2018", "14-03-18", "05Mar2018"]
    from hanji.domain.fields import clean_value

    assert clean_value("date", "14-03-1821:32", "sroie") == "14-03-18"
    assert entity_grade("GERBANGALAFRESTAURANTSSDNBHD") == 1.0
    regions = lines_at(["PERNIAGAAN ZHENG HUI", "NO.59 JALAN PERMAS 9/5", "SIMPLIFIEDTAXINVOICE", "GOGIANTENGINEERING(M)SDNBHD"])
    assert company_lines(regions) == [(0, 0.6)]


def test_choose_name_drops_a_tagger_span_on_no_name_line():
    regions = lines_at(["1950", "RECEIPT", "ITEM 1.00"])
    probs = probs_for(NAMES, regions, {(0, 0): {"B-company": 0.7}})
    tags = tags_from(NAMES, probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[0] == ["O"]


def test_choose_name_leaves_a_printed_label_out_of_the_name():
    NAMES_KO = ["O", "B-store_name", "I-store_name"]
    regions = lines_at(["[ 영수증 ]", "상호: 카페 온담 강남점", "가맹점명 : 할매국밥"])
    rows = [[[1.0, 0.0, 0.0]], [[0.9, 0.05, 0.05], [0.1, 0.9, 0.0], [0.1, 0.0, 0.9], [0.1, 0.0, 0.9]],
            [[1.0, 0.0, 0.0]] * 3]
    tags = [[NAMES_KO[max(range(3), key=lambda j: p[j])] for p in r] for r in rows]
    choose_name(regions, tags, [[max(p) for p in r] for r in rows], rows, NAMES_KO, "store_name")
    assert tags[1] == ["O", "B-store_name", "I-store_name", "I-store_name"]


def test_the_address_is_the_block_of_address_lines_around_the_taggers_span():
    from hanji.domain.receipt_rules import address_block, is_address_line
    from hanji.jobs.extract import choose_address

    texts = ["Timeless Kitchenette Sdn Bhd", "Company no:1174703-K", "GST Reg no:0000 67710976",
             "Lot 50,Floor T2,Sky Avenue Genting Highlands", "Pahang,69000 Pahang Malaysia", "Guest Check"]
    assert [is_address_line(t) for t in texts] == [False, False, False, True, True, False]
    assert is_address_line("NO4,JALANPERJIRANAN 10 TAMANAIRBIRU.")  # address words OCR glued on
    assert address_block(texts, [3]) == [3, 4] and address_block(texts, [1, 3]) == [3, 4]
    # a line ending in a comma goes on into the next, whatever it holds; a scrap is passed over
    texts = ["PAGOH REST AND SERVICE AREA", "LOT R1, KWS REHAT & RAWAT PAGOH ARAH UTARA,",
             "SIMPANG AMPAT PAGOH, LEBUHRAYA UTARA SELATAN,", "2", "84600,PAGOH,JOHOR", "TEL: 1800 88 1231"]
    assert address_block(texts, [4]) == [1, 2, 4]
    assert address_block(texts, [0, 1, 2, 4]) == [1, 2, 4]  # the name the tagger took in above is none of it
    regions = lines_at(texts)
    tags = [["O"] * len(r.text.split()) for r in regions]
    tags[1][5] = "B-address"  # the tagger's span: one word of the first line
    choose_address(regions, tags, [[0.5] * len(t) for t in tags])
    assert [any(t != "O" for t in tg) for tg in tags] == [False, True, True, False, True, False]
    assert tags[1][0] == "B-address" and all(t == "I-address" for t in tags[4])


def test_a_line_naming_only_the_state_ends_the_address():
    from hanji.domain.receipt_rules import address_block, is_address_line

    texts = ["Licensee of McDonald's", "Level 6, Bangunan TH, Damansara Uptown3",
             "No.3, Jalan SS21/39,47400 Petaling Jaya", "Selangor", "(GST ID NO:000504664064)"]
    assert address_block(texts, [1, 2]) == [1, 2, 3]
    texts = ["TEO HENG STATIONERY & BOOKS", "NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI", "SELANGOR DARUL EHSAN",
             "TEL : 03-3271 9872"]
    assert address_block(texts, [1]) == [1, 2]
    assert all(is_address_line(t) for t in ["JOHOR.", "KUALA LUMPUR, MALAYSIA", "SELANGOR D.E, MALAYSIA"])
    # a name that holds a state is no address line, nor is a city with more words
    assert not any(is_address_line(t) for t in ["MR D.I.Y. (JOHOR) SDN BHD", "JOHOR BAHRU CITY MALL", "THANK YOU"])


def test_a_line_that_begins_with_its_legal_form_goes_on_from_the_name_above():
    from hanji.domain.receipt_rules import bare_legal_form

    regions = lines_at(["HANJI BOOK", "CO. (M) SDN BHD", "(Co.No.113825-W)", "No 8, Jalan 7/118B"])
    assert bare_legal_form("CO. (M) SDN BHD") and bare_legal_form("RESTAURANT SDN BHD") and bare_legal_form("Sdn Bhd")
    assert not bare_legal_form("TASTE OF THE WORLD SDN BHD") and not starts_legal_name("CO. (M) SDN BHD")
    assert name_runs(regions, [1]) == [[0, 1]]  # the legal-form line alone takes in the name above it
    hot = {(1, k): {"B-company" if k == 0 else "I-company": 0.9} for k in range(4)}
    probs = probs_for(NAMES, regions, hot)
    tags = tags_from(NAMES, probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[0] == ["B-company", "I-company"] and tags[2] == ["O"]


def test_a_company_number_glued_inside_a_bracket_does_not_cut_the_name():
    assert name_length(["GARDENIABAKERIES", "(KL)SDN", "BHD(139386X)"]) == 3
    assert name_length(["ACME", "SDN", "BHD", "(CO", "REG", ":", "933109-X)"]) == 3


def test_a_registration_number_line_is_no_address_but_a_postcode_alone_is():
    from hanji.domain.receipt_rules import address_block, is_address_line

    texts = ["HANJI TRADING", "(81109-A)", "NO 290,JALAN AIR PANAS,", "SETAPAK,", "53200,KUALA LUMPUR.", "TEL:03-1234"]
    assert not is_address_line("(81109-A)") and not is_address_line("CO NO: 933109-X")
    assert address_block(texts, [2, 3]) == [2, 3, 4]
    assert address_block(["LOT F21, CITTA MALL", "JLN PJU 1A/4", "47301", "TEL:03-1234"], [0, 1]) == [0, 1, 2]


def test_date_candidates_are_days_of_the_calendar_and_month_names_take_slashes():
    got = [c.text for c in date_candidates(lines_at(["Tel:1300-88-6555", "EC21-41-71-10/100", "02/Jan/201710:49:25",
                                                    "08-03-17 13:42"]))]
    assert got == ["02/Jan/2017", "08-03-17"]
    from hanji.domain.fields import clean_value

    assert clean_value("date", "ORD #18-REG #19-21/03/2018 19:53", "sroie") == "21/03/2018"  # one separator
    assert clean_value("date", "V2.6029/07/2016 12:13:52", "sroie") == "29/07/2016"
    assert clean_value("date", "17/01/201842153", "sroie") == "17/01/2018"
    assert clean_value("date", "2018-04-06", "sroie") == "2018-04-06"


def test_an_expiry_date_loses_to_the_sales_date_even_where_the_tagger_prefers_it():
    names = ["O", "B-date", "I-date"]
    regions = lines_at(["01/03/18 19:14", "Card Expiry: 30/09/18", ":04 Jan 2017 01:15pm"])
    probs = probs_for(names, regions[:2], {(1, 2): {"B-date": 0.95}})
    tags = tags_from(names, probs)
    choose_date(regions[:2], tags, [[max(p) for p in rows] for rows in probs], probs, names)
    assert tags == [["B-date", "O"], ["O", "O", "O"]]
    # the tagger's span inside a candidate ('2017' of '04 Jan 2017') is that candidate, taken whole
    probs = probs_for(names, regions[2:], {(0, 2): {"B-date": 0.9}})
    tags = tags_from(names, probs)
    choose_date(regions[2:], tags, [[max(p) for p in rows] for rows in probs], probs, names)
    assert tags == [["B-date", "I-date", "I-date", "O"]]


def test_an_sroie_total_keeps_rm_printed_glued_to_it():
    from hanji.domain.fields import clean_value

    assert clean_value("total", "TOTAL:RM9.00", "sroie") == "RM9.00"
    assert clean_value("total", "RM 9.00", "sroie") == "9.00"  # printed apart: the amount only
    assert clean_value("total", "Total:S8.60", "sroie") == "$8.60"
    assert clean_value("total", "45.35", "sroie") == "45.35"

