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


def _receipt_a(page: Page, r: random.Random, info: dict, s: int) -> float:
    """POS receipt: centred store, numbered header lines, 4-column item table, totals with labels."""
    m, W, lh = s, page.width, s * 1.45
    y = s * 1.2
    page.put(W / 2, y, [(info["store"], "store_name")], int(s * 1.35), bold=True, anchor="c")
    y += lh * 1.5
    page.put(m, y, [(r.choice(["사업자번호:", "사업자등록번호:", "사업자:", "[사업자]"]), None),
                    (info["brn"], "business_number")], s)
    y += lh
    if r.random() < 0.7:
        page.put(m, y, [(r.choice(["대표자:", "대표:"]) + " " + info["rep"], None)], s)
        y += lh
    y = _addr_lines(page, r, m, y, r.choice(["주소:", "[주소]", "주소 :"]), info["addr"], s, W - 2 * m, lh)
    page.put(m, y, [(r.choice(["TEL:", "전화:", "Tel.", "TEL"]), None), (info["tel"], "phone")], s)
    y += lh
    page.hline(m, W - m, y + s * 0.3, dashed=r.random() < 0.5)
    y += lh * 0.7
    d, t = _date_time(r, info["when"])
    page.put(m, y, [(r.choice(["[판매]", "거래일시:", "판매일:", "일시:"]), None), (d, "date"), (t, "time")], s)
    y += lh
    if r.random() < 0.6:
        page.put(m, y, f"POS:{r.randint(1, 9):02d} 영수증번호:{r.randint(1, 9999):04d}", s)
        y += lh
    page.hline(m, W - m, y + s * 0.3)
    y += lh * 0.7
    cq, cp = W * 0.56, W * 0.76
    page.put(m, y, r.choice(["상품명", "품명", "상 품 명"]), s)
    page.put(cq, y, "수량", s, anchor="r")
    page.put(cp, y, "단가", s, anchor="r")
    page.put(W - m, y, "금액", s, anchor="r")
    y += lh
    page.hline(m, W - m, y + s * 0.2, dashed=True)
    y += lh * 0.6
    amounts = []
    for nm, q, p in info["items"]:
        page.put(m, y, [(nm, "item_name")], s)
        page.put(cq, y, [(str(q), "item_quantity")], s, anchor="r")
        page.put(cp, y, [(_money(r, p), "item_unit_price")], s, anchor="r")
        amounts.append(page.put(W - m, y, [(_money(r, q * p), "item_amount")], s, anchor="r"))
        y += lh
    page.hline(m, W - m, y + s * 0.3)
    y += lh * 0.7
    if info["discount"]:
        page.put(m, y, "할인금액", s)
        page.put(W - m, y, "-" + _money(r, info["discount"]), s, anchor="r")
        y += lh
    page.pair(m, W - m, y, r.choice(["과세물품가액", "공급가액", "과세금액"]), _money(r, info["sub"]), "subtotal", s,
              value_anchor="r")
    y += lh
    page.pair(m, W - m, y, r.choice(["부가세", "부 가 세", "부가가치세"]), _money(r, info["tax"]), "tax", s,
              value_anchor="r")
    y += lh
    page.pair(m, W - m, y, r.choice(["합계", "합 계", "결제금액", "받을금액", "총 합계"]), _money(r, info["total"]), "total",
              int(s * 1.15), bold=True, value_anchor="r")
    y += lh * 1.3
    page.hline(m, W - m, y + s * 0.1, dashed=True)
    y += lh * 0.6
    page.put(m, y, [("카드사:", None), (info["issuer"], None)], s)
    y += lh
    page.put(m, y, [(r.choice(["카드번호:", "카드번호", "CARD NO:"]), None), (info["card"], "card_number")], s)
    y += lh
    page.put(m, y, [("할부:", None), (r.choice(["일시불", "00", "3개월"]), None)], s)
    y += lh
    page.put(m, y, [(r.choice(["승인번호:", "승인번호", "승인No:"]), None), (info["approval"], "approval_number")], s)
    y += lh * 1.4
    page.put(W / 2, y, r.choice(["감사합니다", "이용해 주셔서 감사합니다", "교환/환불은 영수증 지참 7일 이내"]), s, anchor="c")
    return y + lh


def _receipt_b(page: Page, r: random.Random, info: dict, s: int) -> float:
    """Restaurant card slip: '영 수 증' title, store block below, 3-column items, 'key : value' lines."""
    m, W, lh = s, page.width, s * 1.5
    y = s
    page.put(W / 2, y, r.choice(["영 수 증", "영수증", "[ 영수증 ]", "신용카드 매출전표"]), int(s * 1.4), bold=True, anchor="c")
    y += lh * 1.6
    d, t = _date_time(r, info["when"])
    page.put(m, y, [(d, "date"), (t, "time")], s)
    y += lh
    page.hline(m, W - m, y + s * 0.2)
    y += lh * 0.6
    page.put(m, y, [(r.choice(["상호:", "가맹점명:", "매장명:"]), None), (info["store"], "store_name")], s)
    y += lh
    page.put(m, y, [(r.choice(["사업자번호:", "사업자등록번호:"]), None), (info["brn"], "business_number")], s)
    y += lh
    y = _addr_lines(page, r, m, y, r.choice(["주소:", "가맹점주소:"]), info["addr"], s, W - 2 * m, lh)
    page.put(m, y, [(r.choice(["전화번호:", "TEL:"]), None), (info["tel"], "phone")], s)
    y += lh
    page.hline(m, W - m, y + s * 0.2)
    y += lh * 0.6
    cq = W * 0.62
    page.put(m, y, r.choice(["메뉴", "품목", "메 뉴"]), s)
    page.put(cq, y, "수량", s, anchor="r")
    page.put(W - m, y, "금액", s, anchor="r")
    y += lh
    won = r.random() < 0.4
    for nm, q, p in info["items"]:
        page.put(m, y, [(nm, "item_name")], s)
        page.put(cq, y, [(str(q), "item_quantity")], s, anchor="r")
        page.put(W - m, y, [(_money(r, q * p, won), "item_amount")], s, anchor="r")
        y += lh
    page.hline(m, W - m, y + s * 0.2, dashed=True)
    y += lh * 0.6
    sep = r.choice([":", " :"])
    for lab, key, val in ((r.choice(["공급가액", "과세물품"]), "subtotal", info["sub"]),
                          (r.choice(["부가세", "VAT"]), "tax", info["tax"]),
                          (r.choice(["합계금액", "합계", "총액", "청구금액"]), "total", info["total"])):
        big = key == "total"
        page.put(m, y, [(lab + sep, None), (_money(r, val, won), key)], int(s * (1.15 if big else 1)), bold=big)
        y += lh * (1.2 if big else 1)
    page.hline(m, W - m, y + s * 0.2)
    y += lh * 0.6
    page.put(m, y, [("카드종류:", None), (info["issuer"], None)], s)
    y += lh
    page.put(m, y, [(r.choice(["카드번호:", "카드 번호:"]), None), (info["card"], "card_number")], s)
    y += lh
    page.put(m, y, [("승인번호:", None), (info["approval"], "approval_number")], s)
    y += lh
    page.put(m, y, [("승인일시:", None), (info["when"].strftime("%Y/%m/%d %H:%M"), None)], s)
    y += lh * 1.3
    page.put(W / 2, y, r.choice(["맛있게 드셨습니까?", "또 방문해 주세요", "감사합니다"]), s, anchor="c")
    return y + lh


def _receipt_c(page: Page, r: random.Random, info: dict, s: int) -> float:
    """Convenience store: header block, item name line then 'qty x price  amount' line, boxed total."""
    m, W, lh = s, page.width, s * 1.4
    y = s
    page.put(m, y, [(info["store"], "store_name")], int(s * 1.2), bold=True)
    y += lh * 1.3
    page.put(m, y, [(info["brn"], "business_number"), (info["rep"], None)], s)
    y += lh
    y = _addr_lines(page, r, m, y, None, info["addr"], s, W - 2 * m, lh)
    page.put(m, y, [(info["tel"], "phone")], s)
    y += lh
    d, t = _date_time(r, info["when"])
    page.put(m, y, [(r.choice(["[구매]", "[매출]", "구매일시"]), None), (d, "date"), (t, "time")], s)
    y += lh
    page.hline(m, W - m, y + s * 0.2, width=2)
    y += lh * 0.6
    for nm, q, p in info["items"]:
        page.put(m, y, [(nm, "item_name")], s)
        y += lh
        page.put(m + 2 * s, y, [(str(q), "item_quantity"), ("x", None), (_money(r, p), "item_unit_price")], s)
        page.put(W - m, y, [(_money(r, q * p), "item_amount")], s, anchor="r")
        y += lh
    page.hline(m, W - m, y + s * 0.2, width=2)
    y += lh * 0.6
    if info["discount"]:
        page.put(m, y, "행사할인", s)
        page.put(W - m, y, "-" + _money(r, info["discount"]), s, anchor="r")
        y += lh
    page.pair(m, W - m, y, r.choice(["과세매출", "면세외 과세"]), _money(r, info["sub"]), "subtotal", s, value_anchor="r")
    y += lh
    page.pair(m, W - m, y, "부가세", _money(r, info["tax"]), "tax", s, value_anchor="r")
    y += lh
    page.draw.rectangle([m - 2, y - 4, W - m + 2, y + s * 1.5], outline=page.ink, width=1)
    page.pair(m + 4, W - m - 4, y, r.choice(["결제대상금액", "합계금액", "총구매액"]), _money(r, info["total"]), "total",
              int(s * 1.15), bold=True, value_anchor="r")
    y += lh * 1.5
    page.put(m, y, [("신용카드", None), (r.choice(["(일시불)", ""]) or "일시불", None)], s)
    page.put(W - m, y, _money(r, info["total"]), s, anchor="r")
    y += lh
    page.put(m, y, [(info["card"], "card_number")], s)
    y += lh
    page.put(m, y, [("승인", None), (info["approval"], "approval_number")], s)
    y += lh * 1.3
    page.put(m, y, f"거래번호 {r.randint(1, 9999):04d}-{r.randint(1, 99999):05d}", s)
    return y + lh
