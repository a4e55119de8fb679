"""General receipt knowledge, as a second opinion next to the learned tagger: who sold (the seller's
name by its legal form, its address lines) and when (the dates printed, graded by their labels). The
amount paid is :mod:`hanji.domain.receipt_total`'s.

Nothing here is fitted to particular receipts: the words are those printed on receipts in general
(English, Malaysian and Korean usage), the geometry is "a label is on its value's row, left of it".
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from hanji.domain.geometry import level_boxes, order_quad, same_row
from hanji.domain.model import Region
from hanji.domain.text import tokens

# legal-entity words: a line that carries one names a business (Malaysian, English, Korean usage)
_ENTITY_STRONG = re.compile(r"SDN\.?\s*BHD\b|\bBERHAD\b|\bBHD\b|\bS/B\b|\bPLT\b|\bLTD\b|\bLIMITED\b|\bINC\b|\bCORP|"
                            r"주\s*식\s*회\s*사|\(\s*주\s*\)|㈜|유\s*한\s*회\s*사")
_ENTITY = re.compile(r"\bENTERPRISES?\b|\bTRADING\b|\bCO\b\.?|\bCOMPANY\b|\bHOLDINGS?\b|\bGROUP\b|\bMART\b|"
                     r"\bRESTAURANTS?\b|\bRESTORAN\b|\bHARDWARE\b|\bSTORES?\b|\bSUPERMARKET\b|\bPHARMACY\b|\b(?:CAFE)\b|"
                     # Malay business words: 'business', 'shop', 'company'
                     r"\bPERNIAGAAN\b|\bKEDAI\b|\bSYARIKAT\b")
# 'NO.' also as OCR reads it with a zero ('CO.N0. (458592-T)')
_NOT_ENTITY = re.compile(r"FORMERLY|KNOWN AS|LICENSEE|N[O0]\s*[.:]|REG|GST|TEL|FAX|THANK|:|@|WWW|\.COM")
ENTITY_STRONG, ENTITY = 1.0, 0.6


_REGISTRATION = re.compile(r"^\(?(?:CO\.?\s*)?(?:NO\.?)?[:\s]*[A-Z]{0,3}\d{5,}(?:-?[A-Z])?\)?[.,]?$")


def is_registration(token: str) -> bool:
    """A company registration number printed after a name: ``(519537-X)``, ``(JM0517726)``."""
    return bool(_REGISTRATION.match(unicodedata.normalize("NFKC", token).upper()))


_REG_TAIL = re.compile(r"\bREG|\bNO\b|\bROC\b|\bGST\b|\d{5,}|사업자|등록번호")


def name_length(toks: list[str]) -> int:
    """How many of a line's tokens belong to the business name: a company number printed after it
    (``(519537-X)``, ``(CO REG : 933109-X)``, ``(ROC NO. ...)``) is cut off."""
    n = len(toks)
    for k, t in enumerate(toks):
        if not t.startswith("("):
            continue
        j = next((j for j in range(k, len(toks)) if ")" in toks[j]), len(toks) - 1)  # '(KL)SDN' closes its own
        if _REG_TAIL.search(unicodedata.normalize("NFKC", " ".join(toks[k:j + 1])).upper()):
            n = k
            break
    while n > 0 and is_registration(toks[n - 1]):
        n -= 1
    return n


def name_start(toks: list[str]) -> int:
    """How many of a line's tokens come before the business name: a label printed in front of it
    (``상호: 한빛상사``, ``가맹점명 : 할매국밥``, ``COMPANY: ...``), one of the first two tokens ending
    in ':'; 0 when there is none, or nothing after it."""
    for k, t in enumerate(toks[:2]):
        if t.endswith(":") or t.endswith("："):
            return k + 1 if k + 1 < len(toks) else 0
    return 0


def entity_grade(text: str) -> float:
    """How surely a line names a business by its legal form: 1.0 for SDN BHD / BERHAD / LTD /
    주식회사 / (주), 0.6 for ENTERPRISE / TRADING / CO / RESTAURANT..., 0 otherwise (and for lines
    that are a registration number, a phone, a 'formerly known as')."""
    t = unicodedata.normalize("NFKC", text).upper()
    if _NOT_ENTITY.search(t):
        return 0.0
    if _ENTITY_STRONG.search(t):
        return ENTITY_STRONG
    if _ENTITY.search(t):
        return ENTITY
    return 0.0


# a document title: the seller's header ends with it ('TAX INVOICE', 'RECEIPT', 'CASH BILL', 영수증)
_TITLE = re.compile(r"^\W*(?:SIMPLIFIED\s*|FULL\s*|OFFICIAL\s*)?(?:TAX\s*)?(?:INVOICE|RECEIPT|CASH\s*(?:BILL|SALES?)|"
                    r"BILL|RESIT|CREDIT\s+NOTE|QUOTATION|DELIVERY\s+ORDER)\b|^\W*(?:영\s*수\s*증|계\s*산\s*서)")
# lines that are no part of a business name: greetings, contact details and numbers, addresses
_GREETING = re.compile(r"WELCOME|THANK|SELAMAT|COME AGAIN|HAVE A NICE|감\s*사\s*합|환\s*영|어\s*서\s*오|"
                       # notices and prompts printed in a receipt's head
                       r"GOODS\s*SOLD|RETURNABLE|REFUNDABLE|ORDER\s*(?:NUMBER|NO\b)|교\s*환|환\s*불")
_CONTACT = re.compile(r"\b(?:TEL|FAX|PHONE|TELEPHONE|H/?P|E-?MAIL|WEBSITE|GST|SST|ROC|REG|REGISTRATION|BR\s*NO)\b|"
                      r"WWW\.|\.COM\b|전\s*화|사\s*업\s*자|등\s*록\s*번\s*호")
_ADDRESS = re.compile(r"\b(?:JALAN|JLN|JL|LORONG|TAMAN|TMN|KAWASAN|PERSIARAN|FLOOR|FLR|ROAD|STREET|AVENUE)\b|"
                      r"\b(?:LOT|NO|LEVEL)\b\.?\s*:?\s*\d|^\W*\d+[A-Z]?\s*,|(?<![\dA-Z])\d{5}(?!\d)|"
                      r"특\s*별\s*시|광\s*역\s*시|\d+\s*번\s*길|\d+\s*번\s*지")
# address words as OCR glues them to the next word ('NO4,JALANPERJIRANAN', 'TAMANAIRBIRU')
_ADDRESS_GLUED = re.compile(r"JALAN|LORONG|TAMAN|KAWASAN|PERSIARAN|BANDAR|\bJLN|\bTMN|\bJL\b\.?|\bLOT\s*[A-Z]?\d|"
                            r"^\W*NO\.?\s*:?\s*\d")
_NOT_ADDRESS = re.compile(r"COMPANY|\bCO\.?\s*(?:NO|REG)|[:=]\s*\d{6,}|INVOICE|RECEIPT|CASHIER|TABLE")
# a line that names only a state or the country ends many addresses ('SELANGOR', 'SELANGOR DARUL EHSAN',
# 'JOHOR.', 'KUALA LUMPUR, MALAYSIA')
_REGION_NAME = (r"(?:SELANGOR|JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|NEGERI\s+SEMBILAN|PAHANG|PERAK|PERLIS|PULAU\s+PINANG|"
                r"PENANG|SABAH|SARAWAK|TERENGGANU|KUALA\s+LUMPUR|PUTRAJAYA|LABUAN|W\.?\s*P\.?|MALAYSIA|SINGAPORE)"
                r"(?:\s+(?:DARUL\s+[A-Z]+|D\.?\s*E\.?|D\.?\s*T\.?))?")
_REGION_LINE = re.compile(rf"^\W*{_REGION_NAME}(?:\W+{_REGION_NAME})*\W*$")
_SCRAP = re.compile(r"^\W*\w{0,2}\W*$")


def is_address_line(text: str) -> bool:
    """A line of an address: address words (JALAN, TAMAN, LOT 12, FLOOR...; glued by OCR or not), a
    postcode, or only the names of a state or the country (SELANGOR DARUL EHSAN), and no contact, legal-name, title or number line (TEL, SDN BHD, COMPANY NO, INVOICE)."""
    t = unicodedata.normalize("NFKC", text).upper()
    if _CONTACT.search(t) or _ENTITY_STRONG.search(t) or _NOT_ADDRESS.search(t) or is_title(t) or is_registration_line(t):
        return False
    return bool(_ADDRESS.search(t) or _ADDRESS_GLUED.search(t) or _REGION_LINE.match(t))


def is_registration_line(text: str) -> bool:
    """A line that is only a company registration number (``(81109-A)``, ``CO NO: 933109-X``): its five
    digits are no postcode. A bare number of five digits may be one ('47301' ending an address) and is not."""
    t = "".join(tokens(unicodedata.normalize("NFKC", text).upper()))
    return is_registration(t) and bool(re.search(r"[(A-Z]|\d{6}", t))


def address_block(texts: list[str], seed: list[int], reach: int = 3) -> list[int]:
    """The lines of the address the lines ``seed`` are part of (indices into ``texts``, lines in reading
    order): the lines from the first to the last of them, widened over up to ``reach`` address lines
    (:func:`is_address_line`) before and after, and over a line that a line ending in a comma goes on
    to (or that ends in a comma itself, before); contact, legal-name, title and number lines are
    none of it, nor a line at the start of ``seed`` that is no address line and does not run on;
    scraps of two characters or fewer are left out and passed over."""
    if not seed:
        return []
    def other(text: str) -> bool:  # a contact, legal-name, title or number line
        t = unicodedata.normalize("NFKC", text).upper()
        return bool(_CONTACT.search(t) or _ENTITY_STRONG.search(t) or _NOT_ADDRESS.search(t) or is_title(t)
                    or is_registration_line(t))

    lo, hi = min(seed), max(seed)
    out = [i for i in range(lo, hi + 1) if not _SCRAP.match(texts[i]) and not other(texts[i])]
    if not out:
        return []
    # a first line of the tagger's lines that is no address line nor runs on ('PAGOH REST AND SERVICE
    # AREA' above 'LOT R1, ...') is a name or a title the tagger took in (a last one, 'JOHOR', may be a state)
    trimmed = list(out)
    while len(trimmed) > 1 and not is_address_line(texts[trimmed[0]]) and not texts[trimmed[0]].rstrip().endswith(","):
        trimmed.pop(0)
    if any(is_address_line(texts[i]) for i in trimmed):
        out = trimmed
        lo, hi = out[0], out[-1]
    j, n = lo - 1, 0
    while j >= 0 and n < reach:
        if not _SCRAP.match(texts[j]):
            if not (is_address_line(texts[j]) or texts[j].rstrip().endswith(",") and not other(texts[j])):
                break
            out.insert(0, j)
            n += 1
        j -= 1
    j, n = hi + 1, 0
    while j < len(texts) and n < reach:
        if not _SCRAP.match(texts[j]):
            goes_on = texts[out[-1]].rstrip().endswith(",") and not other(texts[j])
            if not (is_address_line(texts[j]) or goes_on):
                break
            out.append(j)
            n += 1
        j += 1
    return out


# a line that says the next one is a former name or the brand's owner, not the seller's name
_FORMER = re.compile(r"FORMERLY|KNOWN AS|LICENSEE OF|FRANCHISEE OF")


def is_title(text: str) -> bool:
    """A document title line: 'TAX INVOICE', '* RECEIPT *', 'CASH BILL', '영수증'."""
    return bool(_TITLE.search(unicodedata.normalize("NFKC", text).upper()))


def is_name_line(text: str) -> bool:
    """Whether a line can be part of a business name: it has words, and is no document title, greeting,
    contact line (TEL, GST, REG NO...) or address line (JALAN, FLOOR, LOT 12, a postcode), unless it
    carries a legal form (``BOOK TA.K (TAMAN DAYA) SDN BHD``, ``ABC SDN BHD (CO REG: 123456-X)``)."""
    t = unicodedata.normalize("NFKC", text).upper()
    if not re.search(r"[A-Z가-힣]{2,}", t) or is_title(t) or _GREETING.search(t):
        return False
    return bool(_ENTITY_STRONG.search(t)) or not (_CONTACT.search(t) or _ADDRESS.search(t))


def _continues(text: str) -> bool:
    """A name line that goes on to the next one: it ends with '&', 'AND', '-' or an open bracket."""
    t = unicodedata.normalize("NFKC", text).upper().strip()
    return bool(re.search(r"(?:&|\bAND|-)$", t)) or t.count("(") > t.count(")")


def _continued(text: str) -> bool:
    """A name line that goes on from the previous one: it starts with '&' or closes a bracket it did not open."""
    t = unicodedata.normalize("NFKC", text).upper().strip()
    return t.startswith("&") or t.count(")") > t.count("(")


# a line's type size: the letters' width (pitch: the line's length over its characters, spaces left out)
# and the line's height. A receipt printer's double-width type prints letters PRINT_RATIO times as wide
# or more at about the same height (within SAME_HEIGHT); a line written by hand over the print is taller
PRINT_RATIO = 1.5
SAME_HEIGHT = 1.3
PRINT_MIN_CHARS = 4  # fewer characters than this say too little of the pitch


def print_size(region: Region) -> tuple[float, float] | None:
    """``(pitch, height)`` of a line as printed: its length over its characters (spaces left out) and its
    height, in pixels; None for a line of fewer than :data:`PRINT_MIN_CHARS` characters or no quad."""
    n = sum(not c.isspace() for c in region.text)
    if n < PRINT_MIN_CHARS or len(region.points) != 4:
        return None
    tl, tr, _, bl = order_quad(region.points)
    w, h = math.dist(tl, tr), math.dist(tl, bl)
    return (w / n, h) if w > 0 and h > 0 and w > h else None


def wider_print(a: Region, b: Region) -> bool:
    """Whether ``a`` is printed in a wider type than ``b``: letters :data:`PRINT_RATIO` times as wide or
    more, the lines' heights within :data:`SAME_HEIGHT` of each other (double-width print: 'THREE STOOGES'
    over 'BISTRO & CAFE'); False where either line says too little (:func:`print_size`)."""
    sa, sb = print_size(a), print_size(b)
    if sa is None or sb is None:
        return False
    return sa[0] >= PRINT_RATIO * sb[0] and max(sa[1], sb[1]) <= SAME_HEIGHT * min(sa[1], sb[1])


def starts_legal_name(text: str) -> bool:
    """A line that is a whole legal name by itself: words, then a strong legal form ('TASTE OF THE WORLD
    SDN BHD'), not going on from the line before (:func:`_continued`). A name line printed above it
    without running on into it ('GEOVENTURE') is a brand or an outlet, not part of the legal name."""
    t = unicodedata.normalize("NFKC", text).upper()
    m = _ENTITY_STRONG.search(t)
    return bool(m and entity_grade(t) >= ENTITY_STRONG and re.search(r"[A-Z가-힣]{2,}", _GENERIC.sub(" ", t[:m.start()]))
                and not _continued(t))


def bare_legal_form(text: str) -> bool:
    """A line that begins with a legal form, only the company word, '(M)' or business words before it
    ('SDN BHD', 'CO. (M) SDN BHD', 'RESTAURANT SDN BHD'): the end of a name printed on the line above."""
    t = unicodedata.normalize("NFKC", text).upper()
    m = _ENTITY_STRONG.search(t)
    return bool(m and not re.search(r"[A-Z가-힣]{2,}", _GENERIC.sub(" ", t[:m.start()])))


# words before a legal form that name no business by themselves: the company word, '(M)' for Malaysia, the
# business words of _ENTITY ('CO. (M) SDN BHD' and 'RESTAURANT SDN BHD' go on from the name above them)
_GENERIC = re.compile(_ENTITY.pattern + r"|\(\s*M(?:ALAYSIA)?\s*\)|\bM\b")


def name_runs(regions: list[Region], lines: list[int]) -> list[list[int]]:
    """A name's lines cleaned: lines that cannot be part of a name (:func:`is_name_line`) taken out, the
    rest split into runs of consecutive lines printed in one type width (:func:`wider_print`), each run
    widened to the lines it visibly continues onto ('HOME MASTER HARDWARE &' + 'ELECTRICAL'; 'ENTERPRISE
    (SETIA' + 'ALAM) SDN BHD'; 'POPULAR BOOK' + 'CO. (M) SDN BHD', a line beginning with its legal form:
    :func:`bare_legal_form`; at most two each way, whatever their size)."""
    kept = sorted(i for i in set(lines) if is_name_line(regions[i].text))
    runs: list[list[int]] = []
    for i in kept:
        if runs and runs[-1][-1] == i - 1 and not (
                wider_print(regions[i - 1], regions[i]) or wider_print(regions[i], regions[i - 1])
                or (starts_legal_name(regions[i].text) and not _continues(regions[i - 1].text))):
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        for _ in range(2):
            nxt = run[-1] + 1
            if nxt < len(regions) and _continues(regions[run[-1]].text) and is_name_line(regions[nxt].text):
                run.append(nxt)
            prv = run[0] - 1
            if prv >= 0 and (_continued(regions[run[0]].text) or _continues(regions[prv].text)
                             or bare_legal_form(regions[run[0]].text)) \
                    and is_name_line(regions[prv].text):
                run.insert(0, prv)
    out: list[list[int]] = []
    for run in runs:
        if run not in out:
            out.append(run)
    return out


def under_wider_name(regions: list[Region], lines: list[int]) -> bool:
    """Whether name lines are a tagline under a name: the line right above them is a name line
    (:func:`is_name_line`) printed in a wider type (:func:`wider_print`: 'THREE STOOGES' printed double
    width over 'BISTRO & CAFE'). Not when they carry a legal form: a legal name printed under a brand
    ('CASTLE BLUE S/B' under 'BREWERY TAP') is the seller's name."""
    above = lines[0] - 1
    return (above >= 0 and is_name_line(regions[above].text) and wider_print(regions[above], regions[lines[0]])
            and not any(entity_grade(regions[i].text) >= ENTITY_STRONG for i in lines))


def company_lines(regions: list[Region], top_share: float = 0.25, min_lines: int = 6) -> list[tuple[int, float]]:
    """``(region index, grade)`` of lines near the top (the first ``top_share`` of the lines, at least
    ``min_lines``) whose :func:`entity_grade` is positive: a receipt names its seller in its head; a
    business named further down is a customer, a landlord, a card issuer. So is a business named below
    the document title ('TAX INVOICE', 'RECEIPT') when some name-like line came before it, and a
    former name (the line after 'FORMERLY KNOWN AS')."""
    n = max(min_lines, int(len(regions) * top_share))
    out = []
    seen_name = False
    for i, r in enumerate(regions[:n]):
        if is_title(r.text) and seen_name:
            break  # the seller's header is over
        seen_name = seen_name or is_name_line(r.text)
        if i > 0 and _FORMER.search(unicodedata.normalize("NFKC", regions[i - 1].text).upper()):
            continue
        g = entity_grade(r.text)
        if g > 0:
            out.append((i, g))
    return out


# a date as receipts print it: 25/12/2018, 2018-03-23, 5.3.18, 15 JAN 2018, 2018년 3월 5일
# a year as printed after day and month, also where OCR lost the space before the time ('25/12/20188:13:39',
# '14-03-1821:32': the year is 2018, 18)
YEAR = r"(?:(?:\d{4}|\d{2})(?!\d|:\d)|(?:\d{4}|\d{2})(?=\d{1,2}:\d{2}))"
_DATE = re.compile(r"\d{4}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일|(?<!\d)\d{1,4}\s*([./\-])\s*\d{1,2}\s*\1\s*" + YEAR + "|"
                   r"(?<!\d)\d{1,2}\s*[-\s/.]?(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\s*[-\s/.]?" + YEAR,
                   re.I)
_DATE_LABEL = re.compile(r"DATE|\bDT\b|TARIKH|일\s*자|날\s*짜|거\s*래\s*일|판\s*매\s*일|일\s*시|승\s*인\s*일", re.I)
# dates that are not the day of the sale: an expiry, a due or validity date, a birth date
_OTHER_DATE = re.compile(r"EXP|VALID|DUE|BIRTH|UNTIL|BEFORE|유효|만료|생년", re.I)
DATE_LABELLED, DATE_FIRST, DATE_OTHER = 1.0, 0.6, 0.3


@dataclass
class DateCandidate:
    region: int
    start: int  # token range within the region
    end: int
    text: str
    grade: float


def date_candidates(regions: list[Region]) -> list[DateCandidate]:
    """Every date printed, graded: labelled 'date' (DATE, 일자, 거래일...) on its line or just left of
    it 1.0; else the first date of the document 0.6; any other 0.3; a date labelled as an expiry, a
    due or validity date 0. What has a date's shape but is no day of the calendar (a phone number
    '1300-88-6555', a code '21-41-71') is no candidate."""
    from hanji.domain.validators import parse_date

    boxes = level_boxes([r.points for r in regions])
    out: list[DateCandidate] = []
    for i, reg in enumerate(regions):
        text = reg.text
        toks = tokens(text)
        # character offset where each token starts (tokens are the whitespace-split text)
        starts, pos = [], 0
        for t in toks:
            pos = text.find(t, pos)
            starts.append(pos)
            pos += len(t)
        for m in _DATE.finditer(text):
            if parse_date(m.group(0), dayfirst=True) is None:
                continue
            a = max((k for k, s in enumerate(starts) if s <= m.start()), default=0)
            b = max((k for k, s in enumerate(starts) if s < m.end()), default=0) + 1
            label = text[:m.start()]
            if not re.search(r"[A-Za-z가-힣]{2,}", label):
                left = [j for j in range(len(regions)) if j != i and same_row(boxes[i], boxes[j])
                        and boxes[j][2] <= boxes[i][0] + 0.25 * (boxes[i][2] - boxes[i][0])]
                if left:
                    label = regions[max(left, key=lambda j: boxes[j][2])].text
            if _OTHER_DATE.search(label):
                g = 0.0
            elif _DATE_LABEL.search(label):
                g = DATE_LABELLED
            else:
                g = DATE_FIRST if not out else DATE_OTHER
            out.append(DateCandidate(i, a, b, m.group(0), g))
    return out
