"""General receipt knowledge, as a second opinion next to the learned tagger.

Receipts print their amounts next to a label; the label says which amount is which. The amount
paid is the one labelled *grand total / total rounded / nett total / amount due* (합계, 결제금액,
받을금액, 청구금액, 총액), not the *sub total*, the tax, the cash tendered, the change or the
rounding adjustment. :func:`total_candidates` finds every amount whose label says it is the total and
grades the label; :mod:`hanji.jobs.extract` adds that grade to the tagger's own probability.

Nothing here is fitted to particular receipts: the label words are those printed on receipts in
general (English and Korean), the geometry is "the label is on the amount's row, left of it".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hanji.domain.model import Region
from hanji.domain.text import tokens

# an amount as printed: 12.50, 1,234.50, RM12.50, $8.20, 12,000, 12,000원, ₩12,000 (a bare integer
# without separators is a count or a code, not an amount)
_AMOUNT = re.compile(r"^(?:RM|\$|S(?=\d)|₩|MYR|KRW)?-?(?:\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2})(?:원)?$")
# a label OCR glued to its amount: 'Total:$6.90', 'NettTotal:S8.60' (S: the '$' as OCR reads it)
_GLUED_AMOUNT = re.compile(r"^([A-Za-z가-힣][^:：]*[A-Za-z가-힣])\s*[:：]\s*(\S+)$")

# labels that mean "not the amount paid"; an "inclusive of tax" phrase is taken out first. No word break is
# asked for before TAX or QTY: OCR glues words ('TOTALTAX')
_INCL = re.compile(r"[IL1|]NCL[A-Z]*[.,]?\s*(?:OF\s*)?(?:\d+(?:\.\d+)?\s*%\s*)?(?:GST|TAX|VAT|SST)?(?:\s*@\s*\d+(?:\.\d+)?\s*%)?")
_NOT_TOTAL = re.compile(
    r"SUB\s*-?\s*TOTAL|TOTAL\s*(?:QTY|QUANTITY|ITEMS?|PCS|UNITS?|NO\b|SAVING|DISC)|QTY\b|TAX|GST|\bVAT\b|SST|"
    r"EXCL|BEFORE|DISCOUNT|\bDISC\b|SAVING|CHANGE|CASH|TENDER|PAID|PAYMENT|CARD|VISA|MASTER|DEBIT|CREDIT|"
    r"POINT|DEPOSIT|ROUNDING|"
    r"부\s*가|과\s*세|면\s*세|공\s*급\s*가|세\s*액|받은|거스름|잔\s*돈|할\s*인|카드|현금|포인트|소\s*계")
# what even a 'grand total' / '결제금액' label cannot be when it also says this
_NEVER = re.compile(r"SUB\s*-?\s*TOTAL|EXCL|BEFORE|GST|TAX|\bVAT|CHANGE|SAVING|DISC|소\s*계|부\s*가|세\s*액|과\s*세|"
                    r"공\s*급\s*가|거스름|할\s*인")
_STRONG = re.compile(
    r"GRAND\s*TOTAL|TOTAL\s*(?:AMT\s*|AMOUNT\s*)?ROUNDED|ROUNDED\s*TOTAL|NETT?\s*TOTAL|NETT?\s*AMOUNT|"
    r"(?:TOTAL|AMOUNT|AMT|BALANCE)\s*(?:DUE|PAYABLE)|"
    r"총\s*합\s*계|합\s*계\s*금\s*액|결\s*제\s*(?:대\s*상\s*)?금\s*액|받\s*을\s*금\s*액|청\s*구\s*금\s*액|총\s*구\s*매\s*액|"
    r"총\s*금\s*액|총\s*액")
_TOTAL = re.compile(r"TOTAL|합\s*계|\bAMOUNT\s*:?$")
_TOTAL_WITH = re.compile(r"TOTAL\s*(?:AMOUNT|AMT|SALES|PRICE|PAYABLE)|INCL")
# currency words printed before an amount are not its label
_CURRENCY = re.compile(r"^(?:RM|MYR|\$|USD|SGD|KRW|₩|원|\(RM\)|\(MYR\)|:)$", re.I)
# a summary table row (tax code, amount, tax) holds several amounts: its 'total' is not the amount paid
TABLE_ROW_PENALTY = 0.8

STRONG, TOTAL_WITH, TOTAL = 1.0, 0.9, 0.8
SUM_OF_ABOVE = 0.6  # an unlabelled amount that adds up the amounts printed just above it
PAID_EXACTLY = 0.4  # the amount paid on a receipt that prints no total and gives no change
PAYMENT_CHECK = 0.2  # added to a candidate that equals the amount paid less the change given back
# an amount paid, labelled alone ('CASH', 'CASH RM', 'VISA'), and the change given back
_PAID = re.compile(r"^\W*(?:CASH|TUNAI|VISA|MASTER\s*CARD|CREDIT\s*CARD|DEBIT\s*CARD|CARD|PAID|현\s*금|카\s*드)\W*$")
_CHANGE = re.compile(r"CHANGE|BAKI|거스름|잔\s*돈")


@dataclass
class AmountCandidate:
    region: int  # index into the regions given
    token: int  # token index within the region
    text: str
    value: float
    grade: float  # how surely the label says "the amount paid" (0..1)
    label: str

    @property
    def start(self) -> int:  # the one-token range, as DateCandidate has
        return self.token

    @property
    def end(self) -> int:
        return self.token + 1


def is_amount(token: str) -> bool:
    return bool(_AMOUNT.match(unicodedata.normalize("NFKC", token).upper()))


def amount_value(token: str) -> float:
    t = unicodedata.normalize("NFKC", token).upper()
    return float(re.sub(r"[^\d.\-]", "", t.replace(",", "")) or 0)


def total_grade(label: str) -> float:
    """How surely a label says its amount is the amount paid: 1.0 (grand total, total rounded, nett
    total, amount due, 합계금액, 결제금액...), 0.9 (total amount, total incl. tax), 0.8 (a plain
    'total', 합계), 0 (anything else, or a sub total, tax, cash, change, rounding...)."""
    t = unicodedata.normalize("NFKC", label).upper().strip()
    if not t:
        return 0.0
    stripped = _INCL.sub(" ", t)
    strong = bool(_STRONG.search(t))
    if _NOT_TOTAL.search(stripped) and not (strong and not _NEVER.search(stripped)):
        return 0.0
    if strong:
        return STRONG
    if _TOTAL.search(t):
        return TOTAL_WITH if _TOTAL_WITH.search(t) else TOTAL
    return 0.0


def _bbox(r: Region) -> tuple[float, float, float, float]:
    xs = [p[0] for p in r.points]
    ys = [p[1] for p in r.points]
    return min(xs), min(ys), max(xs), max(ys)


def _level_boxes(regions: list[Region]) -> list[tuple[float, float, float, float]]:
    """Region boxes with the page's tilt taken out (the median slope of the regions' top edges), so
    that a label and its amount at either end of a tilted line still share a row."""
    slopes = sorted((r.points[1][1] - r.points[0][1]) / (r.points[1][0] - r.points[0][0]) for r in regions
                    if len(r.points) == 4 and r.points[1][0] - r.points[0][0] > 10)
    slope = slopes[len(slopes) // 2] if slopes else 0.0
    slope = slope if abs(slope) < 0.2 else 0.0
    out = []
    for r in regions:
        x0, y0, x1, y1 = _bbox(r)
        h = y1 - y0 - abs(slope) * (x1 - x0)  # the height of the line itself, not of its tilted box
        yc = (y0 + y1) / 2 - slope * (x0 + x1) / 2
        h = max(h, 0.3 * (y1 - y0))
        out.append((x0, yc - h / 2, x1, yc + h / 2))
    return out


def _same_row(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.5 * max(1e-6, min(a[3] - a[1], b[3] - b[1]))


def _sums_amounts_above(seq: list[tuple[int, int, float]], at: tuple[int, int]) -> bool:
    """Whether the amount at ``at`` (region, token) is the sum of two or more amounts printed just
    before it (the item lines of a receipt that prints no 'total' label)."""
    n = next(j for j, (i, k, _) in enumerate(seq) if (i, k) == at)
    v = seq[n][2]
    if v <= 0:
        return False
    acc = 0.0
    for j in range(n - 1, -1, -1):
        acc += seq[j][2]
        if n - j >= 2 and abs(acc - v) < 0.005:
            return True
        if acc > v + 0.005:
            return False
    return False


def _words(toks: list[str]) -> str:
    """The label words among tokens: amounts and currency signs left out."""
    return " ".join(t for t in toks if not is_amount(t) and not _CURRENCY.match(t))


def _label_above(regions: list[Region], boxes: list[tuple[float, float, float, float]], i: int) -> str:
    """The words of the line printed right above region ``i`` (within one line height, starting left of
    its middle), when that line holds no amount: a label printed over its amount ('CASH' / 'RM 170.00')."""
    x0, y0, x1, y1 = boxes[i]
    h = y1 - y0
    above = [j for j, (a0, b0, a1, b1) in enumerate(boxes)
             if j != i and y0 - 1.5 * h <= b1 <= y0 + 0.5 * h and b0 < y0 and a0 < (x0 + x1) / 2]
    if not above:
        return ""
    j = max(above, key=lambda j: boxes[j][3])
    toks = tokens(regions[j].text)
    return "" if any(is_amount(t) for t in toks) else _words(toks)


def total_candidates(regions: list[Region]) -> list[AmountCandidate]:
    """Every amount whose label (the words before it in its region, else the nearest region on its
    row to the left of it) says it is the total, with the label's :func:`total_grade`, lowered by
    :data:`TABLE_ROW_PENALTY` on a row that holds several amounts (a tax summary's 'total': a plain
    'total' there is no candidate at all). An amount with no label at all that adds up two or more
    amounts printed just before it is a candidate too (:data:`SUM_OF_ABOVE`): receipts that print no
    'total' still add their items up. A receipt with no such candidate at all and no change given back
    (none printed, or 0.00) was paid exactly: its amount paid (``CASH``, ``VISA``...) is the candidate
    (:data:`PAID_EXACTLY`). Where the amount paid less the change is printed above the payment, only
    candidates of that value are kept (:func:`_checked_by_payment`)."""
    boxes = _level_boxes(regions)
    out: list[AmountCandidate] = []
    paid: list[AmountCandidate] = []  # amounts labelled as paid in cash or by card
    change: list[float] = []  # amounts labelled as change given back
    seq = [(i, k, amount_value(t)) for i, r in enumerate(regions) for k, t in enumerate(tokens(r.text)) if is_amount(t)]
    for i, reg in enumerate(regions):
        toks = tokens(reg.text)
        row = [j for j in range(len(regions)) if j != i and _same_row(boxes[i], boxes[j])]
        for k, tok in enumerate(toks):
            glued = _GLUED_AMOUNT.match(tok)
            if glued and is_amount(glued.group(2)):
                tok = glued.group(2)
            elif not is_amount(tok):
                continue
            label = _words(toks[:k] + ([glued.group(1)] if glued and tok == glued.group(2) else []))
            label = label if re.search(r"[A-Za-z가-힣]{2,}", label) else ""
            left = boxes[i][0]
            if not label:
                words = [j for j in row if boxes[j][2] <= boxes[i][0] + 0.25 * (boxes[i][2] - boxes[i][0])
                         and re.search(r"[A-Za-z]{3,}|[가-힣]{2,}", _words(tokens(regions[j].text)))]
                if words:
                    j = max(words, key=lambda j: boxes[j][2])  # the nearest label to the left
                    label = _words(tokens(regions[j].text))
                    left = boxes[j][2]
            g = total_grade(label)
            if g <= 0:
                if not label and _sums_amounts_above(seq, (i, k)):
                    out.append(AmountCandidate(i, k, tok, amount_value(tok), SUM_OF_ABOVE, "= the amounts above"))
                elif _PAID.match(unicodedata.normalize("NFKC", label or _label_above(regions, boxes, i)).upper()):
                    paid.append(AmountCandidate(i, k, tok, amount_value(tok), PAID_EXACTLY,
                                                label or _label_above(regions, boxes, i)))
                elif _CHANGE.search(unicodedata.normalize("NFKC", label).upper()):
                    change.append(amount_value(tok))
                continue
            n_amounts = sum(is_amount(t) for t in toks) + sum(
                is_amount(t) for j in row if boxes[j][0] >= left for t in tokens(regions[j].text))
            if n_amounts > 1:
                g -= TABLE_ROW_PENALTY
            if g <= 0:
                continue
            out.append(AmountCandidate(i, k, tok, amount_value(tok), g, label))
    if not out and not any(v > 0 for v in change):  # no total printed: what was paid, nothing given back
        out = paid
    return _checked_by_payment(out, seq, regions, paid, change)


def _checked_by_payment(cands: list[AmountCandidate], seq: list[tuple[int, int, float]], regions: list[Region],
                        paid: list[AmountCandidate], change: list[float]) -> list[AmountCandidate]:
    """The total is what was paid less the change given back: where the receipt prints one amount paid
    and one change, and some amount printed before the payment equals the difference (or, with no change,
    the payment's own amount), only candidates
    of that value are kept, each graded at least :data:`TOTAL` + :data:`PAYMENT_CHECK` (an unlabelled one
    too); a candidate of another value fails the check (a digit misread, '112.46' for '112.45'; the
    total before rounding; an item's amount). Otherwise the candidates as given."""
    if len({c.value for c in paid}) != 1 or len(set(change)) != 1:
        return cands
    v = round(paid[0].value - change[0], 2)
    first_paid = min((c.region, c.token) for c in paid)
    same = [(i, k) for i, k, x in seq if abs(x - v) < 0.005 and v > 0 and (i, k) < first_paid]
    if not same and change[0] == 0:  # paid exactly: the payment's own amount ('CASH : 112.45', total misread)
        same = [(c.region, c.token) for c in paid]
    if not same:
        return cands
    out = [c for c in cands if abs(c.value - v) < 0.005 and (c.region, c.token) in same]
    for c in out:
        c.grade = max(c.grade, TOTAL + PAYMENT_CHECK)
    if not out:
        for i, k in same:
            tok = tokens(regions[i].text)[k]
            out.append(AmountCandidate(i, k, tok, v, TOTAL + PAYMENT_CHECK, "= paid - change"))
    return out


# legal-entity words: a line that carries one names a business (Malaysian, English, Korean usage)
_ENTITY_STRONG = re.compile(r"SDN\.?\s*BHD\b|\bBERHAD\b|\bBHD\b|\bS/B\b|\bPLT\b|\bLTD\b|\bLIMITED\b|\bINC\b|\bCORP|"
                            r"주\s*식\s*회\s*사|\(\s*주\s*\)|㈜|유\s*한\s*회\s*사")
_ENTITY = re.compile(r"\bENTERPRISES?\b|\bTRADING\b|\bCO\b\.?|\bCOMPANY\b|\bHOLDINGS?\b|\bGROUP\b|\bMART\b|"
                     r"\bRESTAURANTS?\b|\bRESTORAN\b|\bHARDWARE\b|\bSTORES?\b|\bSUPERMARKET\b|\bPHARMACY\b|\b(?:CAFE)\b|"
                     # Malay business words: 'business', 'shop', 'company'
                     r"\bPERNIAGAAN\b|\bKEDAI\b|\bSYARIKAT\b")
_NOT_ENTITY = re.compile(r"FORMERLY|KNOWN AS|LICENSEE|NO\s*[.:]|REG|GST|TEL|FAX|THANK|:|@|WWW|\.COM")
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
        j = next((j for j in range(k, len(toks)) if toks[j].endswith(")")), len(toks) - 1)
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
_GREETING = re.compile(r"WELCOME|THANK|SELAMAT|COME AGAIN|HAVE A NICE|감\s*사\s*합|환\s*영|어\s*서\s*오")
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
    if _CONTACT.search(t) or _ENTITY_STRONG.search(t) or _NOT_ADDRESS.search(t) or is_title(t):
        return False
    return bool(_ADDRESS.search(t) or _ADDRESS_GLUED.search(t) or _REGION_LINE.match(t))


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
        return bool(_CONTACT.search(t) or _ENTITY_STRONG.search(t) or _NOT_ADDRESS.search(t) or is_title(t))

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


def name_runs(regions: list[Region], lines: list[int]) -> list[list[int]]:
    """A name's lines cleaned: lines that cannot be part of a name (:func:`is_name_line`) taken out, the
    rest split into runs of consecutive lines, each run widened to the lines it visibly continues onto
    ('HOME MASTER HARDWARE &' + 'ELECTRICAL'; 'ENTERPRISE (SETIA' + 'ALAM) SDN BHD'; at most two each way)."""
    kept = sorted(i for i in set(lines) if is_name_line(regions[i].text))
    runs: list[list[int]] = []
    for i in kept:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        for _ in range(2):
            nxt = run[-1] + 1
            if nxt < len(regions) and _continues(regions[run[-1]].text) and is_name_line(regions[nxt].text):
                run.append(nxt)
            prv = run[0] - 1
            if prv >= 0 and (_continued(regions[run[0]].text) or _continues(regions[prv].text)) \
                    and is_name_line(regions[prv].text):
                run.insert(0, prv)
    out: list[list[int]] = []
    for run in runs:
        if run not in out:
            out.append(run)
    return out


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
                   r"(?<!\d)\d{1,2}\s*[-\s]?(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\s*[-\s]?" + YEAR,
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
    due or validity date 0."""
    boxes = _level_boxes(regions)
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
            a = max((k for k, s in enumerate(starts) if s <= m.start()), default=0)
            b = max((k for k, s in enumerate(starts) if s < m.end()), default=0) + 1
            label = text[:m.start()]
            if not re.search(r"[A-Za-z가-힣]{2,}", label):
                left = [j for j in range(len(regions)) if j != i and _same_row(boxes[i], boxes[j])
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
