"""The seller's header of a receipt (name above address), legal forms as printed, and an address's
commas read as full stops."""

from __future__ import annotations

from hanji.domain.receipt_header import header_name, legal_form_as_printed, seller_address_line
from hanji.jobs.extract import choose_name

from .made_up import lines_at, probs_for, tags_from

NAMES = ["O", "B-company", "I-company", "B-address", "I-address"]

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
    probs = probs_for(NAMES, regions, {(6, 0): {"B-company": 0.9}, **{(6, k): {"I-company": 0.9} for k in range(1, 7)}})
    tags = tags_from(NAMES, probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[1] == ["B-company", "I-company", "I-company", "I-company"]
    assert all(t == "O" for i, tg in enumerate(tags) if i != 1 for t in tg)
    # a name the tagger found above the address is kept, the one below it dropped
    probs = probs_for(NAMES, regions, {(1, 0): {"B-company": 0.3}, (6, 0): {"B-company": 0.9}})
    tags = tags_from(NAMES, probs)
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


def test_a_company_number_glued_to_the_name_is_cut_off():
    from hanji.domain.receipt_header import name_without_number

    assert name_without_number("GARDENIABAKERIES(KL)SDN BHD(139386X)") == "GARDENIABAKERIES(KL)SDN BHD"
    assert name_without_number("ACME TRADING S/B(587969-U)") == "ACME TRADING S/B"
    assert name_without_number("ACME TRADING S/B 273500-U (KSB)") == "ACME TRADING S/B"  # a branch code after it
    assert name_without_number("HANJI CO. (M) BHD.(126926-H)") == "HANJI CO. (M) BHD."
    assert name_without_number("HANJI SDN BHD (I39386 X)") == "HANJI SDN BHD"  # a 1 read as I
    assert name_without_number("PARKING 210") == "PARKING 210"  # a short number is part of a name
    assert name_without_number("(139386-X)") == "(139386-X)"  # nothing would be left


def test_a_latin_address_loses_a_label_before_it_and_a_phone_number_after_it():
    from hanji.domain.receipt_header import latin_address_as_printed

    assert latin_address_as_printed("HQ ADD: LOT 11, BATU 2, JALAN KAPAR 41400 KLANG") == "LOT 11, BATU 2, JALAN KAPAR 41400 KLANG"
    assert latin_address_as_printed("19A,JALAN MERANTI 2A,44300 03-60570314") == "19A,JALAN MERANTI 2A,44300"
    assert latin_address_as_printed("Address: 12 Jalan Besar.45600 Batang") == "12 Jalan Besar,45600 Batang"
    assert latin_address_as_printed("NO 5, JALAN 3/4, 56000 KL") == "NO 5, JALAN 3/4, 56000 KL"  # no phone: as given


def test_the_name_lines_above_the_address_name_the_seller_when_nothing_else_does():
    regions = lines_at(["Hanji Fresh", "No.145G, Jalan Rimbunan Raya 1,", "52100 Kuala Lumpur", "Tel:(603) 6243 5520"])
    probs = probs_for(NAMES, regions, {})
    tags = tags_from(NAMES, probs)
    choose_name(regions, tags, [[max(p) for p in rows] for rows in probs], probs, NAMES, "company")
    assert tags[0] == ["B-company", "I-company"] and all(t == "O" for tg in tags[1:] for t in tg)
    # a notice printed in the head is no name
    from hanji.domain.receipt_rules import is_name_line

    assert not is_name_line("GOODS SOLD ARE NOT RETURNABLE") and not is_name_line("Your order number is")


def test_zeros_read_for_o_in_a_name_and_s_b_read_as_digits():
    from hanji.domain.receipt_header import name_letters

    assert name_letters("YONG S00N FATT S/B") == "YONG SOON FATT S/B"
    assert name_letters("KMF F00DICIOUS SDN BHD") == "KMF FOODICIOUS SDN BHD"
    assert name_letters("99 SPEED MART") == "99 SPEED MART" and name_letters("ROTI 100") == "ROTI 100"
    assert name_letters("OLIVE9 PHARMACY") == "OLIVE9 PHARMACY"  # another digit: left alone
    assert name_letters("한빛0상사") == "한빛0상사"
    assert legal_form_as_printed("99 SPEED MART 5/8") == "99 SPEED MART S/B"
    assert legal_form_as_printed("HANJI TRADING S/8") == "HANJI TRADING S/B"
    assert legal_form_as_printed("ABC S/B.") == "ABC S/B."
