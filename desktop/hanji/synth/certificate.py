"""Fake 사업자등록증 (business registration certificates) in three layouts, A4 portrait at ~96 dpi."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hanji.synth import korean_data as kd
from hanji.synth.page import Page

TEMPLATES = 3
W, H = 794, 1123


def _kdate(r: random.Random, d: dt.date, style: int) -> str:
    return [f"{d.year} 년 {d.month:02d} 월 {d.day:02d} 일", f"{d.year}년 {d.month}월 {d.day}일",
            d.strftime("%Y.%m.%d"), d.strftime("%Y-%m-%d")][style]


def _spaced(label: str) -> str:
    return " ".join(label)


class _Labels:
    """One label style per document, shared by all layouts: plain, spaced, bracketed or numbered."""

    def __init__(self, r: random.Random, colon: bool | None = None):
        self.style = r.randrange(4)
        self.colon = r.random() < 0.6 if colon is None else colon
        self.n = 0

    def __call__(self, lab: str) -> str:
        self.n += 1
        if self.style == 1 and len(lab) <= 5:
            lab = _spaced(lab)
        elif self.style == 2:
            lab = f"[{lab}]"
        elif self.style == 3:
            lab = f"{self.n}. {lab}"
        return lab + (" :" if self.colon else "")


def business_registration(r: random.Random, font: Path, template: int) -> tuple[Page, dict]:
    corporate = r.random() < 0.5
    trade = kd.company(r, corporate)
    rep = kd.name(r)
    brn = kd.business_number(r, corporate)
    corp = kd.corporate_number(r) if corporate else ""
    born = kd.birth_date(r, 1955, 2000)
    opening = kd.date_between(r, dt.date(1995, 1, 1), dt.date(2025, 12, 31))
    issued = kd.date_between(r, opening, dt.date(2026, 6, 30))
    addr = kd.road_address(r)
    head_addr = addr if r.random() < 0.6 else kd.road_address(r)
    btype, bitem = r.choice(kd.BUSINESS)
    office = r.choice(kd.TAX_OFFICES) + "세무서장"
    ds = r.randint(0, 3)
    page = Page(W, H, font, bg=(r.randint(246, 255), r.randint(244, 255), r.randint(236, 250)),
                ink=(r.randint(0, 40),) * 3)
    s = r.randint(19, 23)
    kind = "(법인사업자)" if corporate else r.choice(["(일반과세자)", "(간이과세자)"])
    rows: list[tuple[str, str, str | None]] = [
        ("상호" if corporate else "상호", trade, "trade_name"),
        ("대표자" if corporate else "성명", rep, "representative"),
    ]
    if corporate:
        rows.append(("법인등록번호", corp, "corporate_number"))
    else:
        rows.append(("생년월일", _kdate(r, born, ds), None))
    rows += [("개업연월일", _kdate(r, opening, ds), "opening_date"), ("사업장소재지", addr, "business_address")]
    if corporate:
        rows.append(("본점소재지", head_addr, None))
    if template == 0:
        y = _national_tax(page, r, s, kind, brn, rows, btype, bitem)
    elif template == 1:
        y = _table(page, r, s, kind, brn, rows, btype, bitem)
    else:
        y = _compact(page, r, s, kind, brn, rows, btype, bitem)
    y += s * 2
    page.put(W / 2, y, [(_kdate(r, issued, ds), "issue_date")], s, anchor="c")
    y += s * 2.5
    page.put(W / 2, y, office, int(s * 1.3), bold=True, anchor="c")
    page.draw.rectangle([W / 2 + page.width_of(office, int(s * 1.3), True) / 2 + 10, y - 10,
                         W / 2 + page.width_of(office, int(s * 1.3), True) / 2 + 70, y + 50], outline=(200, 40, 40),
                        width=3)
    return page, {}


def _value_lines(page: Page, x: float, y: float, key: str | None, value: str, s: int, max_w: float,
                 lh: float) -> float:
    for i, ln in enumerate(page.wrap(value, s, max_w)):
        page.put(x, y, [(ln, key)], s, cont=i > 0)
        y += lh
    return y


def _national_tax(page, r, s, kind, brn, rows, btype, bitem) -> float:
    """The 국세청 layout: spaced title, '등록번호 : ...', then 'label : value' lines."""
    lh = s * 1.9
    page.draw.rectangle([30, 30, W - 30, H - 30], outline=page.ink, width=2)
    page.put(W / 2, 90, "사 업 자 등 록 증", int(s * 2), bold=True, anchor="c")
    page.put(W / 2, 165, kind, s, anchor="c")
    page.put(W / 2, 215, [("등록번호 :", None), (brn, "registration_number")], int(s * 1.1), bold=True, anchor="c")
    y = 290
    xl, xv = 80, 80 + s * 8.5
    lab_of = _Labels(r)
    below = r.random() < 0.3  # values under their labels
    for lab, val, key in rows:
        a = page.put(xl, y, lab_of(lab), s)
        if below:
            y += lh * 0.75
        start = len(page.regions)
        y = _value_lines(page, xl + 20 if below else xv, y, key, val, s, W - 60 - xv, lh * 0.75)
        if key:
            page.link(a, start, key)
        y += lh - lh * 0.75
    page.put(xl, y, "사업의 종류 :", s)
    if r.random() < 0.5:
        page.put(xv, y, [("업태", None), (btype, "business_type")], s)
        y += lh * 0.8
        page.put(xv, y, [("종목", None), (bitem, "business_item")], s)
    else:
        y += lh * 0.8
        page.put(xl + 20, y, lab_of("업태"), s)
        page.put(xv, y, [(btype, "business_type")], s)
        y += lh * 0.8
        page.put(xl + 20, y, lab_of("종목"), s)
        page.put(xv, y, [(bitem, "business_item")], s)
    y += lh
    page.put(xl, y, [("발 급 사 유 :", None), (r.choice(["신규", "정정", "재발급"]), None)], s)
    y += lh
    page.put(xl, y, [("공동사업자 :", None)], s)
    y += lh
    page.put(xl, y, [("사업자 단위 과세 적용사업자 여부 :", None), ("여( ) 부(V)", None)], s)
    return y + lh


def _table(page, r, s, kind, brn, rows, btype, bitem) -> float:
    """A grid: label cells on the left, values on the right, business type and item side by side."""
    lh = s * 2.2
    page.put(W / 2, 60, "사업자등록증", int(s * 1.9), bold=True, anchor="c")
    page.put(W / 2, 125, kind, s, anchor="c")
    x0, x1, x2 = 50, 50 + s * 7.5, W - 50
    y = 180
    all_rows = [("등록번호", brn, "registration_number")] + rows
    lab_of = _Labels(r, colon=False)
    for lab, val, key in all_rows:
        lines = page.wrap(val, s, x2 - x1 - 30)
        h = lh + (len(lines) - 1) * s * 1.3
        page.draw.rectangle([x0, y, x2, y + h], outline=page.ink, width=1)
        page.draw.line([(x1, y), (x1, y + h)], fill=page.ink)
        a = page.put(x0 + 12, y + (lh - s) / 2, lab_of(lab), s, bold=True)
        start = len(page.regions)
        _value_lines(page, x1 + 15, y + (lh - s) / 2, key, val, s, x2 - x1 - 30, s * 1.3)
        if key:
            page.link(a, start, key)
        y += h
    xm = (x1 + x2) / 2
    page.draw.rectangle([x0, y, x2, y + lh], outline=page.ink, width=1)
    page.draw.line([(x1, y), (x1, y + lh)], fill=page.ink)
    page.draw.line([(xm, y), (xm, y + lh)], fill=page.ink)
    page.put(x0 + 12, y + (lh - s) / 2, "업태", s, bold=True)
    page.put(x1 + 15, y + (lh - s) / 2, [(btype, "business_type")], s)
    page.put(xm + 15, y + (lh - s) / 2, [("종목", None), (bitem, "business_item")], s)
    y += lh * 1.6
    page.put(x0, y, "위와 같이 사업자등록을 하였음을 증명합니다.", s)
    return y + lh


def _compact(page, r, s, kind, brn, rows, btype, bitem) -> float:
    """Bracketed labels on their own lines with the value under them (a re-typed copy)."""
    lh = s * 1.5
    page.put(60, 60, "사업자등록증명", int(s * 1.7), bold=True)
    page.put(W - 60, 70, kind, s, anchor="r")
    page.hline(60, W - 60, 120, width=3)
    y = 150
    all_rows = [("등록번호", brn, "registration_number")] + rows + [("업태", btype, "business_type"),
                                                                     ("종목", bitem, "business_item")]
    lab_of = _Labels(r)
    for lab, val, key in all_rows:
        a = page.put(60, y, lab_of(lab), int(s * 0.85), ink=(90, 90, 90))
        y += lh
        start = len(page.regions)
        y = _value_lines(page, 80, y, key, val, s, W - 160, lh)
        if key:
            page.link(a, start, key)
        y += s * 0.6
    return y
