"""The seller's header of a receipt (name above address), legal forms as printed, and the amount paid
on a receipt that prints no total."""

from __future__ import annotations

from hanji.domain import Region
from hanji.domain.receipt_header import header_name, legal_form_as_printed, seller_address_line
from hanji.domain.receipt_rules import total_candidates
from hanji.jobs.extract import choose_name

NAMES = ["O", "B-company", "I-company", "B-address", "I-address"]


def reg(x0, y0, x1, text, h=20):
    return Region(points=[(x0, y0), (x1, y0), (x1, y0 + h), (x0, y0 + h)], text=text)


def lines_at(texts):
    return [reg(10, 10 + 30 * i, 300, t) for i, t in enumerate(texts)]


def probs_for(regions, hot):
    out = []
    for i, r in enumerate(regions):
        rows = []
        for k in range(len(r.text.split())):
            p = {n: 0.0 for n in NAMES}
            p.update(hot.get((i, k), {}))
            p["O"] = 1.0 - sum(v for n, v in p.items() if n != "O")
            rows.append([p[n] for n in NAMES])
        out.append(rows)
    return out


def tags_from(probs):
    return [[NAMES[max(range(len(NAMES)), key=lambda j: p[j])] for p in rows] for rows in probs]


MYNEWS = ["TQ FOR SHOPPING WITH myNEWS.com", "PAGOH RESTAND SERVICE AREA",
          "LOT R1,KWS REHAT& RAWAT PAGOH ARAHUTARA,", "SIMPANG AMPAT PAGOHLEBUHRAYAUTARASELATAN,",
          "84600,PAGOH,JOHOR", "myNEWScareline @mynews.com.my", "MYNEWS RETAIL SB(306255-X) FKA BISON STORES SB",
          "TAX REGID CBP 000709361664", "QTY", "PRICE", "GRAND TOTAL", "10.00"]


def test_the_sellers_address_follows_its_name_in_the_head():
    assert seller_address_line(MYNEWS) == 2
    regions = lines_at(MYNEWS)
    assert header_name(regions, 2) == [1]
    # a registration number between the name and the address is passed over
    texts = ["Geoventure", "Taste Of The World SdnBhd", "965857-A", "Lot 38.39 101 Boulevard", "TEL: 03-80790255"]
    assert seller_address_line(texts) == 3 and header_name(lines_at(texts), 3) == [1]
    # an address with no name line before it is no seller's address; nor is one far down the receipt
    assert seller_address_line(["NO 4, JALAN BESAR", "TEL 07-2614733"]) is None
    assert seller_address_line(["SHOP A"] + ["ITEM 1.00"] * 30 + ["NO 4, JALAN BESAR"]) is None


def test_a_business_named_below_the_sellers_address_is_not_the_seller():
    regions = lines_at(MYNEWS)
    # the tagger is sure of the chain that runs the shop, printed under the address
    probs = probs_for(regions, {(6, 0): {"B-company": 0.9}, **{(6, k): {"I-company": 0.9} for k in range(1, 7)}})
    tags = tags_from(probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[1] == ["B-company", "I-company", "I-company", "I-company"]
    assert all(t == "O" for i, tg in enumerate(tags) if i != 1 for t in tg)
    # a name the tagger found above the address is kept, the one below it dropped
    probs = probs_for(regions, {(1, 0): {"B-company": 0.3}, (6, 0): {"B-company": 0.9}})
    tags = tags_from(probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[1][0] == "B-company" and set(tags[6]) == {"O"}


def test_a_legal_form_misread_by_one_letter_is_written_as_printed():
    assert legal_form_as_printed("Timeless Kitchenette Sdin Bhd") == "Timeless Kitchenette Sdn Bhd"
    assert legal_form_as_printed("MRD.I.Y(M) SON BHD") == "MRD.I.Y(M) SDN BHD"
    assert legal_form_as_printed("Golden Arches Restaurants Sdn Bnd") == "Golden Arches Restaurants Sdn Bhd"
    assert legal_form_as_printed("SYL ROASTED DELIGHTS SDN. BHO.") == "SYL ROASTED DELIGHTS SDN. BHD."
    for same in ["RESTAURANT SIN DU", "UNIHAKKA INTERNATIONALSDN BHD", "AEON CO. (M) BHD", "SMITH & SON BHD",
                 "S.H.H. MOTOR SDN. BHD.", "SON BHO", "(주)한지문구"]:
        assert legal_form_as_printed(same) == same


def test_a_receipt_with_no_total_printed_was_paid_exactly():
    # 'CASH' printed over its amount, no change given
    regions = [reg(10, 10, 200, "RESTAURANT SINDU"), reg(10, 40, 80, "DP1.05"), reg(150, 40, 220, "149.00"),
               reg(10, 70, 80, "CASH"), reg(40, 92, 80, "RM"), reg(150, 92, 220, "170.00")]
    got = total_candidates(regions)
    assert [(c.text, c.grade) for c in got] == [("170.00", 0.4)]
    # change given back: the cash tendered is not the total
    regions = [reg(10, 10, 80, "CASH"), reg(150, 10, 220, "50.00"), reg(10, 40, 80, "CHANGE"), reg(150, 40, 220, "2.40")]
    assert total_candidates(regions) == []
    # no change: paid exactly, and the payment checks it
    regions = [reg(10, 10, 80, "CASH"), reg(150, 10, 220, "18.00"), reg(10, 40, 80, "CHANGE"), reg(150, 40, 220, "0.00")]
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("18.00", 1.0)]


def test_the_total_is_what_was_paid_less_the_change():
    rows = [("SUBTOTAL:", "28.60"), ("TOTAL", "28.61"), ("CASH", "100.00"), ("CHANGE", "71.40")]
    regions = [r for y, (a, b) in enumerate(rows) for r in (reg(10, 10 + 30 * y, 80, a), reg(150, 10 + 30 * y, 220, b))]
    # the labelled 28.61 fails the check (a digit misread); the amount that passes it is the candidate
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("28.60", 1.0)]
    regions[3] = reg(150, 40, 220, "28.60")  # the labelled total passes: it is kept, graded up
    assert [(c.text, c.label, c.grade) for c in total_candidates(regions)] == [("28.60", "TOTAL", 1.0)]
    # 'Total (RM): 112.46' misread, paid exactly 112.45 in cash
    rows = [("Rounding (RM):", "-0.02"), ("Total (RM):", "112.46"), ("CASH :", "112.45"), ("Change (RM):", "0.00")]
    regions = [r for y, (a, b) in enumerate(rows) for r in (reg(10, 10 + 30 * y, 120, a), reg(150, 10 + 30 * y, 220, b))]
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("112.45", 1.0)]
    # two payments (cash and card): no check, the labels decide
    rows = [("TOTAL", "30.00"), ("CASH", "10.00"), ("VISA", "20.00"), ("CHANGE", "0.00")]
    regions = [r for y, (a, b) in enumerate(rows) for r in (reg(10, 10 + 30 * y, 80, a), reg(150, 10 + 30 * y, 220, b))]
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("30.00", 0.8)]


def test_full_stops_read_for_an_addresss_commas_become_commas():
    from hanji.domain.receipt_header import address_commas

    assert address_commas("Lot 38.39 101 Boulevard. Jalan Kenari 5.Bandar Puchong Jaya 47170 Puchong. Selangor") == \
        "Lot 38.39 101 Boulevard, Jalan Kenari 5,Bandar Puchong Jaya 47170 Puchong, Selangor"
    assert address_commas("NO.53,JALAN BESAR.45600 BATANG BERJUNTAI") == "NO.53,JALAN BESAR,45600 BATANG BERJUNTAI"
    assert address_commas("TAMAN MALURI CHERAS. 55100 KUALA LUMPUR") == "TAMAN MALURI CHERAS, 55100 KUALA LUMPUR"
    # abbreviations, numbers with a decimal-like point, the last full stop and Hangul stay as read
    for same in ["NO.122.124.JALAN DEDAP 13", "LOT P.T. 2811, JALAN ANGSA", "KLANG SELANGOR D.E, MALAYSIA",
                 "NO. 17-G, JALAN SETIA INDAH", "81100 JOHOR BAHRU, JOHOR.", "JLN. KAPAR", "서울특별시 중구. 세종대로"]:
        assert address_commas(same) == same
