"""A receipt's item table read by its column headings (품명 / 단가 / 수량 / 금액, in any order and at any
place): each line under the heading row, up to the totals, gives an item's name, quantity, unit price
and amount by the column its numbers stand under. Pure functions over :class:`hanji.domain.kv_link.Row`.
"""

from __future__ import annotations

import re

from hanji.domain.kv_link import Ref, Row, Tok
from hanji.domain.labels import compact

HEADINGS = {
    "item_name": ("품명", "상품명", "메뉴", "품목", "메뉴명", "상품", "내역", "ITEM", "DESCRIPTION"),
    "item_quantity": ("수량", "QTY", "개수"),
    "item_unit_price": ("단가", "PRICE", "판매가"),
    "item_amount": ("금액", "AMOUNT", "AMT", "판매금액"),
}
# a column that marks each item taxable or not (과세 'O', 면세 '*'): its marks are no part of an item
MARK_HEADINGS = ("과세", "면세", "과면세", "과/면", "과세구분", "면/과", "구분", "TAX", "T/F")
_OF = {compact(s): f for f, ss in HEADINGS.items() for s in ss} | {compact(s): "mark" for s in MARK_HEADINGS}
_NUMBER = re.compile(r"^-?[₩]?\d{1,3}(?:,\d{3})*(?:\.\d+)?원?$|^-?\d+원?$")
# what a 과세/면세 column prints, as OCR reads it: 'O' (or '0', '○'), '*', 'V', '과', '면'
_MARK = re.compile(r"^(?:[O0o○◎●*VvＯ✓√]|과|면|과세|면세|T|F)$")
MAX_ITEMS = 40


def _heading(row: Row) -> dict[str, Tok] | None:
    cols: dict[str, Tok] = {}
    toks = list(row.toks)
    k = 0
    while k < len(toks):  # a letter-spaced heading ('상 품 명') is one word
        t = toks[k]
        j = k
        while j + 1 < len(toks) and len(toks[j + 1].text) == 1 and len(toks[j].text) == 1 and \
                toks[j + 1].box[0] - toks[j].box[2] < 3.0 * row.h:
            j += 1
        f = None
        if j > k:
            joined = "".join(x.text for x in toks[k:j + 1])
            f = _OF.get(compact(joined))
            if f:
                t = Tok(t.ref, joined, (t.box[0], min(x.box[1] for x in toks[k:j + 1]), toks[j].box[2],
                                        max(x.box[3] for x in toks[k:j + 1])))
        if not f:
            j = k
            f = _OF.get(compact(t.text))
        if f and f not in cols:
            cols[f] = t
        k = j + 1
    if "item_amount" not in cols and "item_name" in cols and len(cols) >= 3:
        last = max(row.toks, key=lambda t: t.box[2])
        if last not in cols.values() and not _OF.get(compact(last.text)) and re.fullmatch(r"[가-힣A-Za-z]{2,}", last.text) \
                and last.box[0] > max(c.box[2] for c in cols.values()):
            cols["item_amount"] = last  # a heading at the right end OCR misread ('금색'): the amounts stand there
    n = len([f for f in cols if f != "mark"])
    if "item_name" in cols and n >= 2 and "item_amount" in cols or n >= 3:
        return cols
    return None


def _under(t: Tok, col: Tok | None, h: float) -> bool:
    """Whether ``t`` stands under the heading ``col`` (its centre within a text height of the heading's)."""
    return col is not None and abs((t.box[0] + t.box[2]) / 2 - (col.box[0] + col.box[2]) / 2) < 1.5 * h


def _column(t: Tok, cols: dict[str, Tok], h: float) -> str | None:
    """The numeric column a number stands under (its centre or its right edge nearest the heading's)."""
    best, dist = None, 4.0 * h
    for f, c in cols.items():
        if f == "item_name":
            continue
        d = min(abs((t.box[0] + t.box[2]) / 2 - (c.box[0] + c.box[2]) / 2), abs(t.box[2] - c.box[2]))
        if d < dist:
            best, dist = f, d
    return best


_TIMES = re.compile(r"^[xX×*]$")


def _amount(text: str) -> float | None:
    t = text.replace(",", "").rstrip("원")
    return float(t) if re.fullmatch(r"-?\d+(?:\.\d+)?", t) else None


def read_two_line_items(rows: list[Row]) -> list[dict[str, tuple[str, list[Ref]]]] | None:
    """Items printed without headings on two lines each: the name on a line of its own, then
    ``quantity x unit price ... amount`` (``1x`` glued or not), kept only where quantity times unit
    price is the amount (``참치김밥`` / ``2 x 3,000   6,000``). None when no such item is printed."""
    items: list[dict[str, tuple[str, list[Ref]]]] = []
    for a, b in zip(rows, rows[1:]):
        if a.hits or b.hits or b.box[1] - a.box[3] > 1.0 * max(a.h, b.h):
            continue
        words = a.toks
        if not re.search(r"[가-힣A-Za-z]", " ".join(t.text for t in words)) or \
                any(_NUMBER.match(t.text) for t in words):
            continue  # a name may hold a number ('색연필 12색'), never an amount of its own
        toks = b.toks
        k = 1 if len(toks) == 4 and _TIMES.match(toks[1].text) else 0
        glued = re.fullmatch(r"(\d{1,3})\s*[xX×*]", toks[0].text) if toks else None  # '1x' as OCR glues it
        if len(toks) != 3 + k or not (re.fullmatch(r"\d{1,3}", toks[0].text) or glued and not k):
            continue
        q = _amount(glued.group(1) if glued else toks[0].text)
        p, amt = _amount(toks[1 + k].text), _amount(toks[-1].text)
        if q is None or p is None or amt is None or q < 1 or abs(q * p - amt) > 0.5:
            continue
        items.append({"item_name": (" ".join(t.text for t in words), [t.ref for t in words]),
                      "item_quantity": (toks[0].text, [toks[0].ref]),
                      "item_unit_price": (toks[1 + k].text, [toks[1 + k].ref]),
                      "item_amount": (toks[-1].text, [toks[-1].ref])})
    return items or None


def read_items(rows: list[Row]) -> list[dict[str, tuple[str, list[Ref]]]] | None:
    """The items of the first item table (``[{field: (value, refs)}]``), or None when no heading row
    is found or a line under it does not read as an item (the tagger then decides). Without a heading
    row, items printed on two lines each (:func:`read_two_line_items`)."""
    if not any(_heading(row) is not None for row in rows):
        return read_two_line_items(rows)
    for ri, row in enumerate(rows):
        cols = _heading(row)
        if cols is None:
            continue
        name_right = min(c.box[0] for f, c in cols.items() if f != "item_name")
        mark = cols.get("mark")
        items: list[dict[str, tuple[str, list[Ref]]]] = []
        pending: list[Tok] = []
        for below in rows[ri + 1: ri + 1 + MAX_ITEMS]:
            if below.hits or all(set(t.text) <= set("-=_*.·") for t in below.toks):
                if below.hits:
                    break
                continue
            toks = [t for t in below.toks if not (_MARK.match(t.text) and _under(t, mark, row.h))]
            if not toks:
                continue
            nums = [t for t in toks if _NUMBER.match(t.text) and t.box[0] >= name_right - 1.5 * row.h]
            words = [t for t in toks if t not in nums and t.box[2] <= name_right + 1.0 * row.h]
            if not nums:
                if pending or not words:
                    return items or None
                pending = words  # a name on a line of its own, its numbers on the next
                continue
            item: dict[str, tuple[str, list[Ref]]] = {}
            name = pending + words
            if name:
                item["item_name"] = (" ".join(t.text for t in name), [t.ref for t in name])
            pending = []
            for t in nums:
                f = _column(t, cols, row.h)
                if f and f != "mark" and f not in item:
                    item[f] = (t.text, [t.ref])
            if "item_amount" not in item or "item_name" not in item:
                return items or None
            items.append(item)
        return items or None
    return None
