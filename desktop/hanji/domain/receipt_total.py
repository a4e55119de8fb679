"""The amount paid on a receipt, found from the labels printed beside its amounts.

Receipts print their amounts next to a label; the label says which amount is which. The amount
paid is the one labelled *grand total / total rounded / nett total / amount due* (합계, 결제금액,
받을금액, 청구금액, 총액), not the *sub total*, the tax, the cash tendered, the change or the
rounding adjustment. :func:`total_candidates` finds every amount whose label says it is the total and
grades the label; :mod:`hanji.jobs.extract` adds that grade to the tagger's own probability. Where a
payment and its change are printed, the total is checked against them.

Nothing here is fitted to particular receipts: the label words are those printed on receipts in
general (English and Korean), the geometry is "the label is on the amount's row, left of it".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hanji.domain.geometry import level_boxes, same_row
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
    r"GRAND\s*TOTAL|TOTAL\s*(?:AMT\s*|AMOUNT\s*)?ROUNDED|ROUNDED\s*TOTAL|NETT?\s*TOTAL|NETT?\s*(?:AMOUNT|AMT)\b|"
    r"(?:TOTAL|AMOUNT|AMT|BALANCE)\s*(?:DUE|PAYABLE)|"
    r"총\s*합\s*계|합\s*계\s*금\s*액|결\s*제\s*(?:대\s*상\s*)?금\s*액|받\s*을\s*금\s*액|청\s*구\s*금\s*액|총\s*구\s*매\s*액|"
    r"총\s*금\s*액|총\s*액")
_TOTAL = re.compile(r"TOTAL|합\s*계|\bAMOUNT\s*:?$")
# 'TOTAL' and 'AMT' as OCR misreads them by a letter ('TOTEL', 'TATAL', 'T0TAL'; 'ANT')
_TOTAL_MISREAD = re.compile(r"\bT[O0A]T[AE]L\b")
_AMT_MISREAD = re.compile(r"\bANT\b")
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
    t = _TOTAL_MISREAD.sub("TOTAL", _AMT_MISREAD.sub("AMT", t))
    stripped = _INCL.sub(" ", t)
    strong = bool(_STRONG.search(t))
    if _NOT_TOTAL.search(stripped) and not (strong and not _NEVER.search(stripped)):
        return 0.0
    if strong:
        return STRONG
    if _TOTAL.search(t):
        return TOTAL_WITH if _TOTAL_WITH.search(t) else TOTAL
    return 0.0


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
    'total' still add their items up. Where a rounding adjustment follows a total, the rounded amount printed
    after it is the total (:func:`_after_rounding`). A receipt with no such candidate at all and no change given back
    (none printed, or 0.00) was paid exactly: its amount paid (``CASH``, ``VISA``...) is the candidate
    (:data:`PAID_EXACTLY`). Where the amount paid less the change is printed above the payment, only
    candidates of that value are kept (:func:`_checked_by_payment`)."""
    boxes = level_boxes([r.points for r in regions])
    out: list[AmountCandidate] = []
    paid: list[AmountCandidate] = []  # amounts labelled as paid in cash or by card
    change: list[float] = []  # amounts labelled as change given back
    seq = [(i, k, amount_value(t)) for i, r in enumerate(regions) for k, t in enumerate(tokens(r.text)) if is_amount(t)]
    for i, reg in enumerate(regions):
        toks = tokens(reg.text)
        row = [j for j in range(len(regions)) if j != i and same_row(boxes[i], boxes[j])]
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
    out = _after_rounding(out, seq, regions, boxes)
    return _checked_by_payment(out, seq, regions, paid, change)


# a rounding adjustment ('Rounding Adj -0.02', 'ROUNDING ADJUSTMENT RM .01'): a few cents, OCR may lose its
# leading zero and its sign
_ROUNDING = re.compile(r"ROUND")
_CENTS = re.compile(r"^(?:RM)?[-+]?\d?\.\d{2}$")
ROUNDING_REACH = 8  # lines after the adjustment where the rounded total is looked for
MAX_ROUNDING = 0.05


_TENDERED = re.compile(r"CASH|TUNAI|CARD|VISA|MASTER|PAID|TENDER|CHANGE|BAKI|CREDIT|DEBIT|현\s*금|카\s*드|거스름")


def _tendered(regions: list[Region], j: int, k: int) -> bool:
    """Whether the amount at token ``k`` of region ``j`` is labelled as paid or given back ('CASH' before it
    on its line, or on the line above when that holds no amount)."""
    label = _words(tokens(regions[j].text)[:k])
    if not re.search(r"[A-Za-z가-힣]{2,}", label) and j > 0 and not any(is_amount(t) for t in tokens(regions[j - 1].text)):
        label = _words(tokens(regions[j - 1].text))
    return bool(_TENDERED.search(unicodedata.normalize("NFKC", label).upper()))


def _after_rounding(cands: list[AmountCandidate], seq: list[tuple[int, int, float]], regions: list[Region],
                    boxes: list[tuple[float, float, float, float]]) -> list[AmountCandidate]:
    """A total printed before a rounding adjustment is the amount before rounding; the amount paid is the
    rounded one printed after it (the total plus or minus the adjustment, within :data:`ROUNDING_REACH`
    lines), whatever its label says ('Total R', 'Rounding', none) unless it is labelled as paid or given back
    ('CASH', 'CHANGE'): that amount becomes a candidate of grade
    :data:`STRONG` and the total before rounding drops to 0. Candidates as given where no such pair is printed."""
    for i, reg in enumerate(regions):
        toks = tokens(reg.text)
        label = _words(toks)
        if not _ROUNDING.search(unicodedata.normalize("NFKC", label).upper()):
            continue
        adj = None  # the adjustment: on the label's line, else the first amount right of it or below it
        for k, t in enumerate(toks):
            if _CENTS.match(unicodedata.normalize("NFKC", t).upper()):
                adj = (i, k, abs(amount_value(t)))
        if adj is None:
            nxt = [j for j in range(i + 1, min(len(regions), i + 3))
                   if (same_row(boxes[i], boxes[j]) or j == i + 1) and tokens(regions[j].text)
                   and _CENTS.match(unicodedata.normalize("NFKC", tokens(regions[j].text)[-1]).upper())]
            if nxt:
                j = nxt[0]
                adj = (j, len(tokens(regions[j].text)) - 1, abs(amount_value(tokens(regions[j].text)[-1])))
        if adj is None or not 0 < adj[2] <= MAX_ROUNDING:
            continue
        before = [c for c in cands if (c.region, c.token) < adj[:2] and c.grade > 0]
        for c in before:
            targets = {round(c.value + adj[2], 2), round(c.value - adj[2], 2)}
            after = [(j, k, v) for j, k, v in seq if adj[:2] < (j, k) and j <= adj[0] + ROUNDING_REACH
                     and any(abs(v - x) < 0.005 for x in targets) and not _tendered(regions, j, k)]
            if not after:
                continue
            j, k, v = after[0]
            same = [x for x in cands if (x.region, x.token) == (j, k)]
            if same:
                same[0].grade = max(same[0].grade, STRONG)
            else:
                cands.append(AmountCandidate(j, k, tokens(regions[j].text)[k], v, STRONG, "= total + rounding"))
            c.grade = 0.0
    return cands


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
