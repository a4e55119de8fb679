"""A field's value cut out of the text that follows its label, and whether it is a plausible value of
that field: the shapes of numbers, dates, amounts, phone numbers and names on Korean documents,
with the check digits of :mod:`hanji.domain.validators`. Pure functions."""

from __future__ import annotations

import re

from hanji.domain import validators as v

_BRN = re.compile(r"(?<!\d)\d{3}\s?-\s?\d{2}\s?-\s?\d{5}(?!\d)|(?<![\d-])\d{10}(?![\d-])")
_THIRTEEN = re.compile(r"(?<!\d)\d{6}\s?-\s?\d{7}(?!\d)|(?<![\d-])\d{13}(?![\d-])")
_PHONE = re.compile(r"(?<![\d-])(?:\(?0\d{1,2}\)?\s?[-.)]\s?\d{3,4}\s?[-.]\s?\d{4}|1[5-9]\d{2}-\d{4}|01[016789]-?\d{3,4}-?\d{4})(?![\d-])")
_DATE = re.compile(r"\d{4}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일|"
                   r"(?<!\d)(?:\d{4}|\d{2})\s*([./\-])\s*\d{1,2}\s*\1\s*(?:\d{1,2}(?!\d)|\d{2}(?=\d{1,4}:\d{2}))"
                   r"(?:(?<=\d)\s*\.(?!\s*\d))?")  # the day, also where OCR glued the time on ('2023-12-1119:08',
# '2025-10-191639:17' with the time's first colon lost)
_TIME = re.compile(r"(?<![\d/.\-])(?:[01]?\d|2[0-3])\s*:\s*[0-5]\d(?:\s*:\s*[0-5]\d)?(?![\d/\-])")
_AMOUNT = re.compile(r"(?<![\d.,])-?\s?(?:₩\s?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?\s?원?(?![\d,])")
_EXPIRY = re.compile(r"(?<!\d)(?:0[1-9]|1[0-2])\s?/\s?(?:\d{4}|\d{2})(?!\d)")
_CARD = re.compile(r"(?<![\d*])[\d*]{4}(?:(?:\s?[\-_.]|\s)?[\d*]{2,12}){1,4}(?![\d*])")
_INSTALL = re.compile(r"일시불|\d{1,2}\s*개월|(?<!\d)\d{1,2}(?!\d)")
_STAMP = re.compile(r"\s*[(\[]\s*(?:인|직인|서명|印|SEAL)\s*[)\]]\s*$", re.I)
_HANGUL = re.compile(r"[가-힣]")
# words of a card issuer's name, never of its holder's
ISSUER_WORDS = re.compile(r"BANK|CARD|CREDIT|FINANCE|CAPITAL|SAVINGS|은행|카드|금융|캐피탈|저축", re.I)
_LATIN = re.compile(r"[A-Za-z]")

# fields whose value is a pattern cut out of the text after the label
_PATTERNS = {
    "business_number": _BRN, "registration_number": _BRN, "corporate_number": _THIRTEEN, "resident_number": _THIRTEEN,
    "phone": _PHONE, "date": _DATE, "issue_date": _DATE, "opening_date": _DATE, "time": _TIME, "expiry": _EXPIRY,
    "card_number": _CARD, "installment": _INSTALL,
}
AMOUNT_FIELDS = {"total", "subtotal", "tax", "tax_free", "discount", "item_amount", "item_unit_price"}
# fields whose value may run on over the next lines
MULTILINE = {"address", "business_address", "business_item", "trade_name"}
NAME_FIELDS = {"representative", "name", "holder"}


# fields whose digits a validator checks (check digits, Luhn) or whose shape is fixed: OCR look-alikes
# of digits in them are read as the digits (a '7' read '/', an 'O' for a '0'), spaces OCR put
# between digits taken out, where the pattern then matches and the validator passes
_DIGIT_FIELDS = {"business_number", "registration_number", "corporate_number", "resident_number", "card_number",
                 "phone"}
_LOOKALIKE_DIGITS = str.maketrans({"/": "7", "O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                                   "!": "1", "S": "5", "B": "8", "Z": "2"})
_NUMBERISH = re.compile(r"[\d*][\dOoDQlI|!SBZ/'*\-\s.]*[\d*]")
# Korean date units as OCR misreads them after a number ('10 알' for '10 일', '11 윌' for '11 월')
_UNIT_LOOKALIKES = ((re.compile(r"(?<=\d)(\s*)[넌연닌헌](?=\s*\d)"), r"\1년"),
                    (re.compile(r"(?<=\d)(\s*)[윌뭘월욀퀄웡](?=\s*\d)"), r"\1월"),
                    (re.compile(r"(?<=\d)(\s*)[알얼잃읽밀일](?![가-힣])"), r"\1일"))


def _fix_digits(field: str, text: str) -> str | None:
    """``text`` with the look-alikes of digits inside number-like runs read as digits and the spaces
    between digits removed (``16/-13-56938`` -> ``167-13-56938``; ``9806 16-2398618``), or None when
    that changes nothing."""
    def fix(m: re.Match) -> str:
        run = m.group(0)
        if sum(c.isdigit() for c in run) < 0.6 * len(re.sub(r"[\s\-.*]", "", run)):
            return run
        run = run.replace("'/", "/").replace("/'", "/").translate(_LOOKALIKE_DIGITS)
        if field != "card_number":
            run = re.sub(r"(?<=\d) (?=\d)", "", run)
        return run

    out = _NUMBERISH.sub(fix, text)
    return out if out != text else None


def _regroup_card(number: str) -> str:
    """A 16-character card number whose OCR lost a separator between groups (``9654-93******-1420``)
    printed again in its four groups of four, as Korean slips print it; a number masked after its first
    six digits whose asterisks OCR merged, split or dropped (``9920-79*****-4972``, ``5775-96******``)
    printed as Korean slips mask it (``9920-79**-****-4972``, ``5775-96**-****-****``); others as read."""
    chars = re.sub(r"[^\d*]", "", number)
    masked = re.fullmatch(r"(\d{6})(\*{3,9})(\d{4}|\*{2,6})", chars)
    printed = re.findall(r"[\d*]+", number)
    whole = len(printed) == 4 and all(len(g) == 4 for g in printed[:3])  # 4-4-4-3 is a masked AMEX as printed
    if masked and len(chars) != 16 and not whole:  # asterisks OCR merged or split ('9920-79*****-4972')
        sep = "-" if "-" in number or " " not in number.strip() else " "
        last = masked.group(3) if masked.group(3)[0] != "*" else "****"
        return sep.join((chars[:4], chars[4:6] + "**", "****", last))
    groups = re.findall(r"[\d*]+", number)
    seps = re.findall(r"[^\d*]+", number.strip())
    if len(chars) != 16 or len(groups) == 4 or not seps or any(len(g) % 4 for g in groups):
        return number
    sep = "-" if any("-" in x for x in seps) else seps[0]
    return sep.join(chars[k:k + 4] for k in range(0, 16, 4))


# a won amount's thousands separator as OCR misreads it ('9.636', '1.000', '21. 727', '6, 636') and a
# minus before it ('~400', '−400', '一400': a thin minus sign misread)
_WON_POINT = re.compile(r"(?<![\d.,])(\d{1,3})((?:\s?[.,]\s?\d{3})+)(?![\d.,])")
_MINUS_LOOKALIKE = re.compile(r"(?<![\d\w])[~∼−–—一](?=\s?\d)")


def won_amount(value: str) -> str:
    """A Korean amount as printed, its OCR slips read back: a '.' or a space taken for the thousands
    separator (won amounts have no decimals: ``9.636`` -> ``9,636``, ``21, 727`` -> ``21,727``) and a
    misread minus (``~400`` -> ``-400``). Other text as given."""
    out = _MINUS_LOOKALIKE.sub("-", value)
    return _WON_POINT.sub(lambda m: m.group(1) + re.sub(r"\s?[.,]\s?", ",", m.group(2)), out)


def cut_value(field: str, text: str) -> str | None:
    """The part of ``text`` (what follows a label) that is ``field``'s value, or None when there is
    none: a pattern for numbers, dates, phones, amounts (the last amount of the text); the whole text
    less a stamp mark (``(인)``) for the others."""
    t = text.strip()
    if not t:
        return None
    if field in AMOUNT_FIELDS:
        t = won_amount(t)  # linked fields are Korean documents': '9.636' is 9,636 won
        found = [m.group(0).strip() for m in _AMOUNT.finditer(t)]
        found = [f for f in found if any(c.isdigit() for c in f)]
        return found[-1].replace(" ", "") if found else None
    pat = _PATTERNS.get(field)
    if pat is not None:
        if field in ("date", "issue_date", "opening_date") and ("년" in t or re.search(r"\d\s*월", t)):
            for unit, to in _UNIT_LOOKALIKES:
                t = unit.sub(to, t)
        if field == "time":  # the date before it taken out first: '2023-12-1119:08:06'; a stray dash before it
            t = re.sub(r"(?:^|(?<=\s))[-~]+(?=\d{1,2}\s*:)", "", _DATE.sub(" ", t))
        m = pat.search(t)
        if field in ("date", "issue_date", "opening_date") and "/" in t and \
                not re.search(r"\d\s*/\s*\d{1,2}\s*/", t):
            t7 = re.sub(r"(?<=\d)/|/(?=\d)", "7", t)  # a '7' read as '/' in a date not written with slashes
            m7 = pat.search(t7)
            if m7 and plausible(field, m7.group(0)) and (m is None or not plausible(field, m.group(0)) or
                                                         len(m7.group(0)) > len(m.group(0))):
                m = m7
        if field in _DIGIT_FIELDS and (m is None or not plausible(field, _card(field, m.group(0).strip()))):
            fixed = _fix_digits(field, t)
            m2 = pat.search(fixed) if fixed else None
            if m2 and plausible(field, _card(field, m2.group(0).strip())):
                m = m2
        if m and field == "card_number":
            return _card(field, m.group(0).strip())
        return m.group(0).strip() if m else None
    if field == "approval_number" or field == "transaction_number":
        m = re.search(r"[0-9][0-9\-]*[0-9]", t)
        fixed = _fix_digits(field, t)  # '12/35/16': a 7 read as '/'; a barcode '220814/65412/3' stays whole
        m2 = re.search(r"[0-9][0-9\-]*[0-9]", fixed) if fixed else None
        if m2 and (m is None or len(v.digits(m2.group(0))) > len(v.digits(m.group(0)))):
            m = m2
        return m.group(0) if m else None
    t = _STAMP.sub("", t).strip()
    if field in ("address", "business_address") and _HANGUL.search(t):
        t = re.sub(r"(?<=\d)[충총증](?=\s|$|,|\d)", "층", t)  # '4충', '2총': a floor after its number is 층
        t = re.sub(r"(?<=\d)/(?=\s|$|,|-|\d)|(?<=[\s\-])/(?=\d)", "7", t)  # '21/', '1/-2': a 7 read as '/'
    return t or None


# the provinces and metropolitan cities a Korean address starts with (old names too)
SIDO = ("서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시", "세종특별자치시", "경기도",
        "강원도", "강원특별자치도", "충청북도", "충청남도", "전라북도", "전북특별자치도", "전라남도", "경상북도", "경상남도",
        "제주특별자치도", "제주도")


def address_as_printed(value: str) -> str:
    """An address whose first word, the province or metropolitan city, OCR misread is given its name back
    when one name of :data:`SIDO` is nearest and at most two fifths of its syllables off, look-alike
    syllables counting half (``서운득별시`` -> 서울특별시, ``대구광역식`` -> 대구광역시). Others as given."""
    from hanji.domain.labels import syllable_distance

    head, _, rest = value.strip().partition(" ")
    if not rest or head in SIDO or not re.fullmatch(r"[가-힣]{3,7}", head):
        return value
    near = sorted((sum(syllable_distance(a, b) for a, b in zip(head, s)), s) for s in SIDO if len(s) == len(head))
    if not near or near[0][0] > 0.4 * len(head) or len(near) > 1 and near[1][0] == near[0][0]:
        return value
    return near[0][1] + " " + rest


_LABELLED_AMOUNT = re.compile(r"^[A-Za-z가-힣][^:：]*[:：]\s*((?:\$|S(?=\d)|₩)?\s?-?\d[\d,]*(?:\.\d{1,2})?\s?원?)$")


def amount_as_printed(value: str) -> str:
    """An amount a label was glued to by OCR (``Total:$6.90``, ``Nett Total:S8.60``) cut to the amount,
    its ``$`` read back from the ``S`` OCR takes it for; a value printed alone as given (``S8.60`` too)."""
    m = _LABELLED_AMOUNT.match(value.strip())
    if not m:
        return re.sub(r"^S(?=\d+(?:,\d{3})*\.\d{2}$)", "$", value.strip())
    return re.sub(r"^S(?=\d)", "$", m.group(1))


def _card(field: str, value: str) -> str:
    """A card number as read, its masked groups' dashes that OCR read as '_' or '.' (or a space before
    a dash) made dashes again, its four groups restored (:func:`_regroup_card`); other fields as given."""
    if field != "card_number":
        return value
    value = re.sub(r"(?<=[\d*])\s?[_.\-]\s?(?=[\d*])", "-", value)
    return _regroup_card(value)


def plausible(field: str, value: str, doc_type: str = "") -> bool:
    """Whether ``value`` can be ``field``'s: its validator passes (check digits, Luhn, a real date)
    and its shape fits (a phone number is no business number, an approval number no barcode, a name
    holds no digits, a tax office's title ends in 세무서장)."""
    if not value or not value.strip():
        return False
    d = v.digits(value)
    if field in AMOUNT_FIELDS:
        return v.parse_amount(value) is not None
    if field in ("business_number", "registration_number", "corporate_number", "card_number", "expiry"):
        return v.check_field(field, value).ok
    if field == "resident_number":
        return v.check_resident_number(value).level != "error"
    if field in ("date", "issue_date", "opening_date"):
        return v.parse_date(value) is not None
    if field == "time":  # and no digit beside the time's own ('19:17503': a colon read as a 5)
        if v.parse_time(value) is None:
            return False
        m = _TIME.search(value)
        return ":" not in value or (m is not None and len(d) == len(v.digits(m.group(0))) and
                                    not value.strip().startswith("-"))
    if field == "phone":
        # a business number is no phone: printed as one (3-2-5 digits, or ten in a row) with its check digit
        # right; a phone grouped as phones are ('051-627-7903') is one even when its digits pass that check
        return bool(_PHONE.fullmatch(value.strip())) and not (v.check_business_number(value).ok and
                                                               _BRN.fullmatch(value.strip()))
    if field == "approval_number":
        return 4 <= len(d) <= 12 and len(d) == len(re.sub(r"[\s-]", "", value))
    if field == "transaction_number":
        return 4 <= len(d) <= 24
    if field == "installment":
        return bool(_INSTALL.fullmatch(value.strip()))
    if field in NAME_FIELDS:
        return not d and 2 <= len(value.replace(" ", "")) <= 30 and bool(_HANGUL.search(value) or _LATIN.search(value)) \
            and not (field == "holder" and ISSUER_WORDS.search(value))
    if field == "issuer":
        if doc_type == "business_registration":
            return value.replace(" ", "").endswith("세무서장")
        if doc_type == "id_card":
            return value.replace(" ", "").endswith(("장", "청장", "군수"))
        if doc_type == "credit_card" and not ISSUER_WORDS.search(value) and \
                re.fullmatch(r"[A-Z]{1,12}(?: [A-Z]{1,12}){1,3}|[가-힣]{2,4}", value.strip()):
            return False  # a person's name is the holder's
        return not d or bool(_LATIN.search(value) or _HANGUL.search(value))
    if field in ("address", "business_address"):
        return bool(_HANGUL.search(value)) and len(value.replace(" ", "")) >= 6
    if field in ("business_type", "business_item", "card_kind"):
        return bool(_HANGUL.search(value) or _LATIN.search(value)) and len(d) <= 2
    if field in ("trade_name", "store_name"):
        return bool(_HANGUL.search(value) or _LATIN.search(value)) and not _PHONE.search(value) and \
            not _BRN.search(value)
    return True


# the types a page that prints a business number can be
BUSINESS_NUMBER_TYPES = ("receipt", "business_registration")


def unlike_type(doc_type: str, texts: list[str]) -> bool:
    """Whether the page's lines speak against ``doc_type`` whatever a classifier says: an ID card prints a
    resident number and never a business number, so a page with a valid business number printed as one
    (``123-45-67890``, check digit) and nothing shaped like a resident number is no ID card but one of
    :data:`BUSINESS_NUMBER_TYPES` (a receipt or a certificate read badly). Not applied to cards: a card
    number read in pieces can hold ten digits that pass the check by chance."""
    if doc_type != "id_card" or any(cut_value("resident_number", t) for t in texts):
        return False
    return any((b := cut_value("business_number", t)) and "-" in b and plausible("business_number", b)
               for t in texts)


_SHAPED = ("phone", "business_number", "card_number", "date", "time")


def shape_of(text: str) -> str | None:
    """The field whose value ``text`` is by its look alone (a phone number, a business number with its
    check digit, a card number, a date, a time), when that value is most of the text; else None."""
    t = text.strip()
    n = len(re.sub(r"\s", "", t))
    for f in _SHAPED:
        val = cut_value(f, t)
        if val and plausible(f, val) and len(re.sub(r"\s", "", val)) >= 0.6 * n:
            return f
    return None


NETWORKS = (("AMEX", re.compile(r"AMERICAN\s*EXPRESS|\bAMEX\b", re.I)), ("MASTERCARD", re.compile(r"MASTER\s*CARD", re.I)),
            ("VISA", re.compile(r"\bVISA\b", re.I)), ("JCB", re.compile(r"\bJCB\b", re.I)),
            ("UNIONPAY", re.compile(r"UNION\s*PAY|银联", re.I)), ("DISCOVER", re.compile(r"\bDISCOVER\b", re.I)),
            ("DINERS", re.compile(r"DINERS", re.I)), ("MAESTRO", re.compile(r"\bMAESTRO\b", re.I)),
            ("BC", re.compile(r"(?<![A-Za-z0-9가-힣])BC(?![A-Za-z0-9가-힣])")))
NETWORK_WORDS = re.compile(r"^(?:VISA|MASTERCARD|AMEX|JCB|UNIONPAY|DISCOVER|DINERS|MAESTRO)$", re.I)
MARK_WORDS = re.compile(r"^(?:SAMPLE|SPECIMEN|견본|샘플|VOID|DEMO\s*ONLY)$", re.I)


_MARKS_IN = re.compile(r"\s*(?:AMERICAN\s*EXPRESS|MASTER\s*CARD|\bVISA\b|\bAMEX\b|\bJCB\b|UNION\s*PAY|\bSAMPLE\b|"
                       r"\bSPECIMEN\b|견본|샘플)\s*"
                       # a network's name glued on with its first letter lost ('FINANCENIONPAY', 'CREDITastercard')
                       r"|(?<=[A-Za-z])(?:(?:(?-i:[a-z])|M)?ASTER\s*CARD|N?ION\s*PAY)\s*$", re.I)


def without_marks(value: str) -> str:
    """A card's name (issuer, holder) without the network names and sample marks printed beside it,
    glued on or not (``OCEAN CREDITmastercard`` -> ``OCEAN CREDIT``)."""
    out = _MARKS_IN.sub(" ", value).strip()
    return out or value


def network_in_text(text: str) -> str | None:
    """The card network a card's text names (``VISA``, ``MASTERCARD``, ``AMEX``, ``JCB``, ``UNIONPAY``...)."""
    for name, pat in NETWORKS:
        if pat.search(text):
            return name
    return None


def network_of_number(number: str) -> str | None:
    """The network a card number's first digits (its BIN) belong to."""
    d = v.digits(number)
    if len(d) < 4:
        return None
    if d[:2] in ("34", "37"):
        return "AMEX"
    if d[0] == "4":
        return "VISA"
    if "51" <= d[:2] <= "55" or "2221" <= d[:4] <= "2720":
        return "MASTERCARD"
    if "3528" <= d[:4] <= "3589":
        return "JCB"
    if d[:2] == "62":
        return "UNIONPAY"
    if d[:4] == "6011" or d[:2] == "65":
        return "DISCOVER"
    return None
