"""Validators for extracted fields: check digits, dates, times, sums; and masking of personal numbers.

Each validator returns a :class:`Check`: ``ok`` (bool), ``level`` (``ok`` / ``warning`` / ``error``)
and a short English reason. Review flags are made from the checks that are not ok.
Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hanji.domain.text import nfc


@dataclass(frozen=True)
class Check:
    ok: bool
    level: str = "ok"  # ok | warning | error
    reason: str = ""


OK = Check(True)


def _err(reason: str) -> Check:
    return Check(False, "error", reason)


def _warn(reason: str) -> Check:
    return Check(False, "warning", reason)


def digits(text: str) -> str:
    """The ASCII digits of ``text`` (full-width digits count too)."""
    out = []
    for ch in nfc(text):
        if "0" <= ch <= "9":
            out.append(ch)
        elif "０" <= ch <= "９":
            out.append(chr(ord(ch) - 0xFEE0))
    return "".join(out)


# --- 사업자등록번호 (business registration number, 10 digits: XXX-XX-XXXXX) ---------------------

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit(first9: str) -> int:
    d = [int(c) for c in first9]
    if len(d) != 9:
        raise ValueError("a business registration number check digit needs 9 digits")
    s = sum(a * w for a, w in zip(d, BRN_WEIGHTS)) + (d[8] * 5) // 10
    return (10 - s % 10) % 10


def check_business_number(text: str) -> Check:
    d = digits(text)
    if len(d) != 10:
        return _err(f"a business registration number has 10 digits, got {len(d)}")
    if brn_check_digit(d[:9]) != int(d[9]):
        return _err("business registration number check digit does not match")
    return OK


def format_business_number(d: str) -> str:
    d = digits(d)
    return f"{d[:3]}-{d[3:5]}-{d[5:]}"


# --- 법인등록번호 (corporate registration number, 13 digits: XXXXXX-XXXXXXX) ------------------------

def corporate_check_digit(first12: str) -> int:
    d = [int(c) for c in first12]
    if len(d) != 12:
        raise ValueError("a corporate registration number check digit needs 12 digits")
    s = sum(a * (1 if i % 2 == 0 else 2) for i, a in enumerate(d))
    return (10 - s % 10) % 10


def check_corporate_number(text: str) -> Check:
    d = digits(text)
    if len(d) != 13:
        return _err(f"a corporate registration number has 13 digits, got {len(d)}")
    if corporate_check_digit(d[:12]) != int(d[12]):
        return _err("corporate registration number check digit does not match")
    return OK


# --- 주민등록번호 (resident registration number, 13 digits: YYMMDD-GXXXXXX) ------------------------

RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# 7th digit -> century (9/0: born 1800s; 1/2: 1900s; 3/4: 2000s; 5-8: foreigners 1900s/2000s)
RRN_CENTURY = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "3": 2000, "4": 2000,
               "5": 1900, "6": 1900, "7": 2000, "8": 2000}
# from October 2020 the six digits after the gender digit are random: no check digit
RRN_RANDOM_FROM = dt.date(2020, 10, 1)


def rrn_check_digit(first12: str) -> int:
    d = [int(c) for c in first12]
    if len(d) != 12:
        raise ValueError("a resident registration number check digit needs 12 digits")
    s = sum(a * w for a, w in zip(d, RRN_WEIGHTS))
    return (11 - s % 11) % 10


def rrn_birth_date(text: str) -> dt.date | None:
    d = digits(text)
    if len(d) < 7 or d[6] not in RRN_CENTURY:
        return None
    try:
        return dt.date(RRN_CENTURY[d[6]] + int(d[:2]), int(d[2:4]), int(d[4:6]))
    except ValueError:
        return None


def check_resident_number(text: str, issued: dt.date | None = None) -> Check:
    """Date part, gender/century digit and check digit of a 주민등록번호.

    Numbers issued since October 2020 have no check digit (the back digits are random). A failed
    check digit is therefore an error only when the number must be older (born, or ``issued``,
    before then); otherwise it is a warning.
    """
    d = digits(text)
    if len(d) != 13:
        return _err(f"a resident registration number has 13 digits, got {len(d)}")
    if d[6] not in RRN_CENTURY:
        return _err(f"the 7th digit {d[6]} is not a valid gender/century digit")
    born = rrn_birth_date(d)
    if born is None:
        return _err(f"the birth date part {d[:6]} is not a real date")
    if born > dt.date.today():
        return _err(f"the birth date {born.isoformat()} is in the future")
    if rrn_check_digit(d[:12]) != int(d[12]):
        must_be_old = issued is not None and issued < RRN_RANDOM_FROM
        if must_be_old:
            return _err("resident registration number check digit does not match")
        if born >= RRN_RANDOM_FROM:
            return OK  # issued after the change: nothing to check
        return _warn("check digit does not match (numbers issued since October 2020 carry none)")
    return OK


def format_resident_number(d: str) -> str:
    d = digits(d)
    return f"{d[:6]}-{d[6:]}"


# --- card numbers -------------------------------------------------------------------------------

def luhn_check_digit(partial: str) -> int:
    """The Luhn digit that completes ``partial`` (digits without the check digit)."""
    total = 0
    for i, c in enumerate(reversed(partial)):
        n = int(c)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return (10 - total % 10) % 10


def luhn_ok(number: str) -> bool:
    d = digits(number)
    return len(d) >= 2 and luhn_check_digit(d[:-1]) == int(d[-1])


MASK_CHARS = "*＊xX●•"


def check_card_number(text: str) -> Check:
    """Luhn for a full card number (13-19 digits). A masked number (``1234-56**-****-1234``) cannot be
    checked: it is accepted when its shape is right."""
    t = nfc(text).strip()
    if any(c in t for c in MASK_CHARS):
        body = re.sub(r"[- ]", "", t)
        if not re.fullmatch(r"[0-9][0-9*＊xX●•]{12,18}", body):
            return _err("a masked card number should look like 1234-56**-****-1234")
        return OK
    d = digits(t)
    if not 13 <= len(d) <= 19:
        return _err(f"a card number has 13 to 19 digits, got {len(d)}")
    if not luhn_ok(d):
        return _err("card number fails the Luhn check")
    return OK


def format_card_number(d: str, sep: str = "-") -> str:
    d = digits(d)
    if len(d) == 15:  # American Express 4-6-5
        return sep.join([d[:4], d[4:10], d[10:]])
    return sep.join(d[i:i + 4] for i in range(0, len(d), 4))


def check_expiry(text: str) -> Check:
    m = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", nfc(text))
    if not m:
        return _err("an expiry date should read MM/YY")
    if not 1 <= int(m.group(1)) <= 12:
        return _err(f"month {m.group(1)} is not 01-12")
    return OK


# --- dates and times ----------------------------------------------------------------------------

_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"),
    re.compile(r"(?P<y>\d{4})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})\.?"),
    re.compile(r"(?P<y>\d{2})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})\.?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
]
_DMY = re.compile(r"(?P<d>\d{1,2})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<y>\d{4}|\d{2})")
_MONTHS = {m: i + 1 for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
                                             "OCT", "NOV", "DEC"])}
_DMONY = re.compile(r"(?P<d>\d{1,2})\s*[-/ ]?\s*(?P<mon>[A-Za-z]{3})[A-Za-z]*\.?\s*[-/ ,]?\s*(?P<y>\d{4}|\d{2})")
_MONDY = re.compile(r"(?<![A-Za-z])(?P<mon>[A-Za-z]{3})[A-Za-z]*\.?\s*[-/ ]?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*[-/ ,]"
                    r"\s*(?P<y>\d{4})")
_XXY4 = re.compile(r"(?<!\d)(?P<a>\d{1,2})\s*[.\-/]\s*(?P<b>\d{1,2})\s*[.\-/]\s*(?P<y>\d{4})(?!\d)")


def _year(y: str) -> int:
    n = int(y)
    return n if len(y) == 4 else (2000 + n if n < 70 else 1900 + n)


def parse_date(text: str, dayfirst: bool = False) -> dt.date | None:
    """A date in the formats Korean documents use (2024.03.05, 2024-03-05, 24/03/05, 2024년 3월 5일,
    20240305); with ``dayfirst``, also day-first forms (05/03/2024, 5 Mar 2024) as on SROIE receipts."""
    t = nfc(text).strip()
    pats = list(_DATE_PATTERNS)
    for i, p in enumerate(pats):
        if i == 2 and (dayfirst or _XXY4.search(t)):  # 28/12/2017 is not the year 28
            continue
        m = p.search(t) if i < 3 else p.fullmatch(t)
        if m:
            try:
                return dt.date(_year(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                if not dayfirst:
                    break
    english = _english_date(t)  # receipts in English: 01-NOV-2017, OCT 3, 2016, 15 MAY 2018, 12/28/2017
    if english is not None:
        return english
    if dayfirst:
        m = _DMY.search(t)
        if m:
            try:
                return dt.date(_year(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                return None
        m = _DMONY.search(t)
        if m and m.group("mon").upper() in _MONTHS:
            try:
                return dt.date(_year(m.group("y")), _MONTHS[m.group("mon").upper()], int(m.group("d")))
            except ValueError:
                return None
    return None


def _english_date(t: str) -> dt.date | None:
    for pat in (_DMONY, _MONDY):
        m = pat.search(t)
        if m and m.group("mon").upper()[:3] in _MONTHS:
            try:
                return dt.date(_year(m.group("y")), _MONTHS[m.group("mon").upper()[:3]], int(m.group("d")))
            except ValueError:
                pass
    m = _XXY4.search(t)
    if m:  # day and month first with a four-digit year: either order reads as a date (28/12 or 12/28)
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        for d, mo in ((a, b), (b, a)):
            try:
                return dt.date(y, mo, d)
            except ValueError:
                continue
    return None


def check_date(text: str, dayfirst: bool = False) -> Check:
    if parse_date(text, dayfirst=dayfirst) is None:
        return _err(f"{text!r} is not a date")
    return OK


_TIME = re.compile(r"(?:(?P<ap>오전|오후|AM|PM|am|pm)\s*)?(?P<h>\d{1,2})\s*[:시]\s*(?P<m>\d{1,2})\s*분?"
                   r"(?:\s*:\s*(?P<s>\d{1,2})\s*초?)?(?:\s*(?P<ap2>AM|PM|am|pm))?")


def parse_time(text: str) -> dt.time | None:
    """A time: 14:03, 14:03:27, 오후 2:03, 2시 3분, 02:03 PM."""
    m = _TIME.search(nfc(text))
    if not m:
        return None
    h, mi, s = int(m.group("h")), int(m.group("m")), int(m.group("s") or 0)
    ap = (m.group("ap") or m.group("ap2") or "").upper()
    if ap in ("오후", "PM") and h < 12:
        h += 12
    elif ap in ("오전", "AM") and h == 12:
        h = 0
    try:
        return dt.time(h, mi, s)
    except ValueError:
        return None


def check_time(text: str) -> Check:
    if parse_time(text) is None:
        return _err(f"{text!r} is not a time")
    return OK


# --- amounts ------------------------------------------------------------------------------------

def parse_amount(text: str) -> float | None:
    """A money amount: ``12,500``, ``₩12,500``, ``12,500원``, ``RM 12.50``, ``-3,000``."""
    t = nfc(text).replace(" ", "")
    m = re.search(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?", t)
    if not m:
        return None
    return float(m.group(0).replace(",", ""))


def check_amount(text: str) -> Check:
    if parse_amount(text) is None:
        return _err(f"{text!r} is not an amount")
    return OK


def check_items_total(amounts: list[str], total: str, subtotal: str | None = None, tax: str | None = None,
                      tolerance: float = 0.011) -> Check:
    """Items sum to the total: Σ amounts == subtotal + tax == total (Korean receipts print prices
    with VAT included, so Σ amounts == total is accepted too)."""
    vals = [parse_amount(a) for a in amounts]
    if any(v is None for v in vals):
        return _err("an item amount is not a number")
    tot = parse_amount(total)
    if tot is None:
        return _err("the total is not a number")
    s = sum(vals)  # type: ignore[arg-type]
    sub = parse_amount(subtotal) if subtotal else None
    tx = parse_amount(tax) if tax else None
    if sub is not None and tx is not None and abs(sub + tx - tot) > tolerance * max(1.0, tot) and \
            abs(sub - tot) > 0.5:
        return _err(f"subtotal {sub:g} + tax {tx:g} is not the total {tot:g}")
    if abs(s - tot) <= 0.5 or (sub is not None and abs(s - sub) <= 0.5):
        return OK
    if s > tot:  # a discount line, not a field, can explain it
        return _warn(f"items sum to {s:g}, more than the total {tot:g} (a discount?)")
    return _err(f"items sum to {s:g}, the total is {tot:g}")


# --- masking ------------------------------------------------------------------------------------

def mask_number(text: str, keep: int = 6, mask: str = "*") -> str:
    """Keep the first ``keep`` digits, mask the others, keep separators: ``901231-1234567`` ->
    ``901231-*******``; ``1234-5678-9012-3456`` with keep=6 -> ``1234-56**-****-****``."""
    out, seen = [], 0
    for ch in nfc(text):
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep else mask)
        else:
            out.append(ch)
    return "".join(out)


def mask_resident_number(text: str) -> str:
    """Birth date and gender digit stay (``901231-1******``), as Korean practice prints them."""
    return mask_number(text, keep=7)


def mask_card_number(text: str) -> str:
    """First six digits (the issuer's BIN) stay, the rest is masked."""
    return mask_number(text, keep=6)


def mask_name(text: str) -> str:
    """홍길동 -> 홍*동; 남궁민수 -> 남**수; two syllables: 홍*."""
    t = nfc(text).strip()
    if len(t) <= 1:
        return t
    if len(t) == 2:
        return t[0] + "*"
    return t[0] + "*" * (len(t) - 2) + t[-1]


# field name -> validator, for the fields of hanji.domain.schemas.DOC_TYPES
FIELD_CHECKS = {
    "business_number": check_business_number,
    "registration_number": check_business_number,
    "corporate_number": check_corporate_number,
    "resident_number": check_resident_number,
    "card_number": check_card_number,
    "date": check_date,
    "issue_date": check_date,
    "opening_date": check_date,
    "time": check_time,
    "expiry": check_expiry,
    "subtotal": check_amount,
    "tax": check_amount,
    "total": check_amount,
    "item_amount": check_amount,
    "item_unit_price": check_amount,
}

# field name -> masking function applied on export when personal data is masked
FIELD_MASKS = {
    "resident_number": mask_resident_number,
    "card_number": mask_card_number,
    "name": mask_name,
    "holder": mask_name,
    "representative": mask_name,
}


def check_field(key: str, value: str, doc_type: str = "") -> Check:
    if doc_type == "sroie" and key == "date":
        return check_date(value, dayfirst=True)
    fn = FIELD_CHECKS.get(key)
    if fn is None or doc_type in ("funsd",):
        return OK
    return fn(value)
