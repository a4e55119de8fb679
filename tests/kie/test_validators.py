"""Validators with valid and invalid numbers, date/time parsing, sums, masking."""

from __future__ import annotations

import datetime as dt

from hanji.domain import validators as v


def test_business_number():
    assert v.check_business_number("123-45-67891").ok  # worked by hand: check digit 1
    assert v.check_business_number("1234567891").ok
    bad = v.check_business_number("123-45-67892")
    assert not bad.ok and bad.level == "error" and "check digit" in bad.reason
    assert not v.check_business_number("123-45-6789").ok  # 9 digits


def test_corporate_number():
    assert v.check_corporate_number("110111-0000002").ok
    assert not v.check_corporate_number("110111-0000003").ok


def test_resident_number_check_digit_and_date():
    assert v.check_resident_number("900101-1234568").ok  # worked by hand: check digit 8
    bad = v.check_resident_number("900101-1234567")
    assert not bad.ok and bad.level == "warning"  # could be a post-2020 number
    assert v.check_resident_number("900101-1234567", issued=dt.date(2010, 5, 1)).level == "error"
    assert not v.check_resident_number("901301-1234568").ok  # month 13
    assert not v.check_resident_number("900230-1234568").ok  # 30 February
    assert not v.check_resident_number("900101-5").ok
    # born after October 2020: random back digits, no check digit to test
    assert v.check_resident_number("210305-4123456").ok
    assert v.rrn_birth_date("010527-3485946") == dt.date(2001, 5, 27)


def test_card_numbers_luhn_and_masked():
    assert v.check_card_number("4111 1111 1111 1111").ok
    assert not v.check_card_number("4111 1111 1111 1112").ok
    assert v.check_card_number("3782-822463-10005").ok  # 15-digit AmEx test number
    assert v.check_card_number("5241-48**-****-****").ok
    assert not v.check_card_number("5241-48**").ok
    assert not v.check_card_number("1234").ok
    assert v.check_expiry("08/27").ok and not v.check_expiry("13/27").ok


def test_dates_and_times_korean_formats():
    d = dt.date(2024, 3, 5)
    for s in ("2024.03.05", "2024-03-05", "24/03/05", "2024년 3월 5일", "2024. 3. 5.", "20240305",
              "2024 년 03 월 05 일"):
        assert v.parse_date(s) == d, s
    assert v.parse_date("2024.02.30") is None
    assert v.parse_date("영수증") is None
    assert v.parse_date("05/03/2024", dayfirst=True) == d
    assert v.parse_date("5 Mar 2024", dayfirst=True) == d
    assert v.parse_time("14:03:27") == dt.time(14, 3, 27)
    assert v.parse_time("오후 2:03") == dt.time(14, 3)
    assert v.parse_time("2시 3분") == dt.time(2, 3)
    assert v.parse_time("25:61") is None
    assert not v.check_time("abc").ok and v.check_date("2024-03-05").ok


def test_items_sum_to_total():
    assert v.check_items_total(["4,500", "9,000"], "13,500").ok
    assert v.check_items_total(["4,500", "9,000"], "13,500원", "12,273", "1,227").ok
    assert v.check_items_total(["4,500", "9,000"], "14,000").level == "error"
    assert v.check_items_total(["4,500", "9,000"], "13,000").level == "warning"  # a discount?
    assert v.parse_amount("RM 12.50") == 12.5 and v.parse_amount("₩12,500") == 12500


def test_masking_keeps_first_digits_only():
    assert v.mask_resident_number("900101-1234568") == "900101-1******"
    assert v.mask_card_number("4111-1111-1111-1111") == "4111-11**-****-****"
    assert v.mask_number("123456789", keep=3) == "123******"
    assert v.mask_name("홍길동") == "홍*동" and v.mask_name("남궁민수") == "남**수"


def test_check_field_dispatch():
    assert not v.check_field("business_number", "123-45-67892").ok
    assert v.check_field("store_name", "anything").ok
    assert v.check_field("date", "25/12/2018", doc_type="sroie").ok
