"""Fake Korean receipts (영수증): three templates of thermal-paper card-slip receipts."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hanji.synth import korean_data as kd
from hanji.synth.page import Page

TEMPLATES = 3


def _money(r: random.Random, n: float, won: bool = False) -> str:
    s = f"{int(round(n)):,}"
    return s + "원" if won else s


def receipt(r: random.Random, font: Path, template: int) -> tuple[Page, dict]:
    kind, store = kd.store(r)
    n_items = r.randint(1, 6 if kind != "food" else 5)
    its = kd.items(r, kind, n_items)
    total = sum(q * p for _, q, p in its)
    if r.random() < 0.15 and total > 3000:  # a discount line sometimes
        discount = r.randint(1, max(1, total // 10000 + 1)) * 500
    else:
        discount = 0
    paid = total - discount
    sub = round(paid / 1.1)
    tax = paid - sub
    when = dt.datetime.combine(kd.date_between(r, dt.date(2019, 1, 1), dt.date(2026, 6, 30)),
                               dt.time(r.randint(7, 23), r.randint(0, 59), r.randint(0, 59)))
    issuer = r.choice(list(kd.CARD_ISSUERS))
    info = dict(store=store, brn=kd.business_number(r), rep=kd.name(r), addr=kd.road_address(r, short_sido=r.random() < 0.5),
                tel=kd.phone(r, "store"), when=when, items=its, total=paid, gross=total, discount=discount,
                sub=sub, tax=tax, issuer=issuer, card=kd.masked_card(r, kd.card_number(r, issuer)),
                approval=f"{r.randint(0, 99999999):08d}", kind=kind)
    size = r.randint(17, 21)
    width = r.randint(26, 31) * size  # about 40 columns of a thermal printer
    page = Page(width, 60 * size, font, bg=(r.randint(240, 255),) * 3, ink=(r.randint(0, 60),) * 3)
    y = [_receipt_a, _receipt_b, _receipt_c][template](page, r, info, size)
    return page, {"crop_height": int(y + size * 2)}


def _date_time(r: random.Random, when: dt.datetime) -> tuple[str, str]:
    ds = r.choice(["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%y/%m/%d", "%y-%m-%d"])
    ts = r.choice(["%H:%M:%S", "%H:%M"])
    return when.strftime(ds), when.strftime(ts)


def _addr_lines(page: Page, r: random.Random, x: float, y: float, label: str | None, addr: str, size: int,
                max_w: float, lh: float, anchor: str = "l") -> float:
    first_w = max_w - (page.width_of(label + " ", size) if label else 0)
    lines = page.wrap(addr, size, first_w)
    if len(lines) > 1:
        rest = page.wrap(" ".join(lines[1:]), size, max_w)
        lines = lines[:1] + rest
    for i, ln in enumerate(lines):
        pieces = ([(label, None)] if label and i == 0 else []) + [(ln, "address")]
        page.put(x, y, pieces, size, anchor=anchor, cont=i > 0)
        y += lh
    return y


SUB_LABELS = ["과세물품가액", "공급가액", "과세금액", "과세매출", "면세외 과세", "과세물품"]
TAX_LABELS = ["부가세", "부 가 세", "부가가치세", "VAT", "세액"]
TOTAL_LABELS = ["합계", "합 계", "결제금액", "받을금액", "총 합계", "합계금액", "총액", "청구금액", "결제대상금액", "총구매액"]


def _items(page: Page, r: random.Random, info: dict, s: int, y: float, lh: float, style: int | None = None) -> float:
    """The item block, in one of three styles: 4 columns (name qty price amount), 3 columns (name qty
    amount), or two lines per item (name; 'qty x price   amount')."""
    m, W = s, page.width
    style = r.randrange(3) if style is None else style
    won = r.random() < 0.15
    if style == 0:
        cq, cp = W * r.uniform(0.52, 0.6), W * r.uniform(0.74, 0.78)
        page.put(m, y, r.choice(["상품명", "품명", "상 품 명", "메뉴", "품목"]), s)
        page.put(cq, y, "수량", s, anchor="r")
        page.put(cp, y, "단가", s, anchor="r")
        page.put(W - m, y, "금액", s, anchor="r")
    elif style == 1:
        cq = W * r.uniform(0.58, 0.66)
        page.put(m, y, r.choice(["메뉴", "품목", "메 뉴", "상품명"]), s)
        page.put(cq, y, "수량", s, anchor="r")
        page.put(W - m, y, "금액", s, anchor="r")
    if style in (0, 1):
        y += lh
        page.hline(m, W - m, y + s * 0.2, dashed=True)
        y += lh * 0.6
    for nm, q, p in info["items"]:
        if style == 0:
            page.put(m, y, [(nm, "item_name")], s)
            page.put(cq, y, [(str(q), "item_quantity")], s, anchor="r")
            page.put(cp, y, [(_money(r, p), "item_unit_price")], s, anchor="r")
            page.put(W - m, y, [(_money(r, q * p, won), "item_amount")], s, anchor="r")
        elif style == 1:
            page.put(m, y, [(nm, "item_name")], s)
            page.put(cq, y, [(str(q), "item_quantity")], s, anchor="r")
            page.put(W - m, y, [(_money(r, q * p, won), "item_amount")], s, anchor="r")
        else:
            page.put(m, y, [(nm, "item_name")], s)
            y += lh
            page.put(m + 2 * s, y, [(str(q), "item_quantity"), (r.choice(["x", "X", "*"]), None),
                                    (_money(r, p), "item_unit_price")], s)
            page.put(W - m, y, [(_money(r, q * p, won), "item_amount")], s, anchor="r")
        y += lh
    return y


def _totals(page: Page, r: random.Random, info: dict, s: int, y: float, lh: float, style: int | None = None) -> float:
    """Subtotal, tax, total: label and value as two regions (linked), or one 'label : value' region."""
    m, W = s, page.width
    style = r.randrange(2) if style is None else style
    if info["discount"]:
        page.put(m, y, r.choice(["할인금액", "행사할인", "할인"]), s)
        page.put(W - m, y, "-" + _money(r, info["discount"]), s, anchor="r")
        y += lh
    sep = r.choice([":", " :", ""])
    won = r.random() < 0.2
    for labels, key, val in ((SUB_LABELS, "subtotal", info["sub"]), (TAX_LABELS, "tax", info["tax"]),
                             (TOTAL_LABELS, "total", info["total"])):
        big = key == "total" and r.random() < 0.7
        size = int(s * 1.15) if big else s
        if style == 0:
            page.pair(m, W - m, y, r.choice(labels), _money(r, val, won), key, size, bold=big, value_anchor="r")
        else:
            page.put(m, y, [(r.choice(labels) + sep, None), (_money(r, val, won), key)], size, bold=big)
        y += lh * (1.25 if big else 1)
    return y


def _card_block(page: Page, r: random.Random, info: dict, s: int, y: float, lh: float) -> float:
    m = s
    lines = [[(r.choice(["카드사:", "카드종류:", "카드사명"]), None), (info["issuer"], None)],
             [(r.choice(["카드번호:", "카드번호", "CARD NO:", "카드 번호:"]), None), (info["card"], "card_number")],
             [(r.choice(["할부:", "할부개월:"]), None), (r.choice(["일시불", "00", "3개월"]), None)],
             [(r.choice(["승인번호:", "승인번호", "승인No:", "승인"]), None), (info["approval"], "approval_number")]]
    if r.random() < 0.3:
        lines[1] = [(info["card"], "card_number")]
    if r.random() < 0.4:
        lines.append([("승인일시:", None), (info["when"].strftime("%Y/%m/%d %H:%M"), None)])
    if r.random() < 0.3:
        lines.insert(0, [(r.choice(["신용카드", "신용승인", "[신용승인]"]), None)])
    order = list(range(len(lines)))
    if r.random() < 0.4:
        r.shuffle(order)
    for k in order:
        page.put(m, y, lines[k], s)
        y += lh
    return y


def _header(page: Page, r: random.Random, info: dict, s: int, y: float, lh: float, labelled: bool) -> float:
    """Business number, representative, address, phone, in a shuffled order, with or without labels."""
    m, W = s, page.width
    parts = ["brn", "rep", "addr", "tel"]
    if r.random() < 0.5:
        r.shuffle(parts)
    for part in parts:
        if part == "brn":
            lab = r.choice(["사업자번호:", "사업자등록번호:", "사업자:", "[사업자]", "사업자No."]) if labelled else None
            pieces = ([(lab, None)] if lab else []) + [(info["brn"], "business_number")]
            if not labelled and r.random() < 0.5:
                pieces.append((info["rep"], None))
            page.put(m, y, pieces, s)
        elif part == "rep":
            if r.random() < 0.5:
                continue
            page.put(m, y, (r.choice(["대표자:", "대표:", "대표자"]) + " " if labelled else "") + info["rep"], s)
        elif part == "addr":
            lab = r.choice(["주소:", "[주소]", "주소 :", "가맹점주소:"]) if labelled else None
            y = _addr_lines(page, r, m, y, lab, info["addr"], s, W - 2 * m, lh)
            continue
        else:
            lab = r.choice(["TEL:", "전화:", "Tel.", "TEL", "전화번호:"]) if labelled else None
            page.put(m, y, ([(lab, None)] if lab else []) + [(info["tel"], "phone")], s)
        y += lh
    return y


def _when(page: Page, r: random.Random, info: dict, s: int, y: float) -> None:
    d, t = _date_time(r, info["when"])
    lab = r.choice(["[판매]", "거래일시:", "판매일:", "일시:", "[구매]", "[매출]", "구매일시", None, None])
    page.put(s, y, ([(lab, None)] if lab else []) + [(d, "date"), (t, "time")], s)


def _receipt_a(page: Page, r: random.Random, info: dict, s: int) -> float:
    """POS receipt: centred store name, header, date, item table, totals, card block, greeting."""
    m, W, lh = s, page.width, s * r.uniform(1.4, 1.55)
    y = s * 1.2
    page.put(W / 2, y, [(info["store"], "store_name")], int(s * 1.35), bold=True, anchor="c")
    y += lh * 1.5
    y = _header(page, r, info, s, y, lh, labelled=r.random() < 0.8)
    page.hline(m, W - m, y + s * 0.3, dashed=r.random() < 0.5)
    y += lh * 0.7
    _when(page, r, info, s, y)
    y += lh
    if r.random() < 0.6:
        page.put(m, y, f"POS:{r.randint(1, 9):02d} 영수증번호:{r.randint(1, 9999):04d}", s)
        y += lh
    page.hline(m, W - m, y + s * 0.3)
    y += lh * 0.7
    y = _items(page, r, info, s, y, lh)
    page.hline(m, W - m, y + s * 0.3)
    y += lh * 0.7
    y = _totals(page, r, info, s, y, lh)
    page.hline(m, W - m, y + s * 0.1, dashed=True)
    y += lh * 0.6
    y = _card_block(page, r, info, s, y, lh)
    y += lh * 0.4
    page.put(W / 2, y, r.choice(["감사합니다", "이용해 주셔서 감사합니다", "교환/환불은 영수증 지참 7일 이내"]), s, anchor="c")
    return y + lh


def _receipt_b(page: Page, r: random.Random, info: dict, s: int) -> float:
    """Card slip: a title, the date first, then the store block, items, totals and card block."""
    m, W, lh = s, page.width, s * r.uniform(1.4, 1.55)
    y = s
    page.put(W / 2, y, r.choice(["영 수 증", "영수증", "[ 영수증 ]", "신용카드 매출전표", "고객용"]), int(s * 1.4), bold=True,
             anchor="c")
    y += lh * 1.6
    _when(page, r, info, s, y)
    y += lh
    page.hline(m, W - m, y + s * 0.2)
    y += lh * 0.6
    page.put(m, y, [(r.choice(["상호:", "가맹점명:", "매장명:", "상호명:"]), None), (info["store"], "store_name")], s)
    y += lh
    y = _header(page, r, info, s, y, lh, labelled=True)
    page.hline(m, W - m, y + s * 0.2)
    y += lh * 0.6
    y = _items(page, r, info, s, y, lh)
    page.hline(m, W - m, y + s * 0.2, dashed=True)
    y += lh * 0.6
    y = _totals(page, r, info, s, y, lh)
    page.hline(m, W - m, y + s * 0.2)
    y += lh * 0.6
    y = _card_block(page, r, info, s, y, lh)
    y += lh * 0.3
    page.put(W / 2, y, r.choice(["맛있게 드셨습니까?", "또 방문해 주세요", "감사합니다"]), s, anchor="c")
    return y + lh


def _receipt_c(page: Page, r: random.Random, info: dict, s: int) -> float:
    """Convenience store: left-aligned bold store name, header, date, items, boxed total, card, slip number."""
    m, W, lh = s, page.width, s * r.uniform(1.35, 1.5)
    y = s
    page.put(m, y, [(info["store"], "store_name")], int(s * 1.2), bold=True)
    y += lh * 1.3
    y = _header(page, r, info, s, y, lh, labelled=r.random() < 0.3)
    _when(page, r, info, s, y)
    y += lh
    page.hline(m, W - m, y + s * 0.2, width=2)
    y += lh * 0.6
    y = _items(page, r, info, s, y, lh)
    page.hline(m, W - m, y + s * 0.2, width=2)
    y += lh * 0.6
    y0 = y
    y = _totals(page, r, info, s, y, lh)
    page.draw.rectangle([m - 2, y0 - 4, W - m + 2, y - lh * 0.2], outline=page.ink, width=1)
    page.put(m, y, [("신용카드", None), (r.choice(["(일시불)", "일시불"]), None)], s)
    page.put(W - m, y, _money(r, info["total"]), s, anchor="r")
    y += lh
    y = _card_block(page, r, info, s, y, lh)
    y += lh * 0.3
    page.put(m, y, f"거래번호 {r.randint(1, 9999):04d}-{r.randint(1, 99999):05d}", s)
    return y + lh
