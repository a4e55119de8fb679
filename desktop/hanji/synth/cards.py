"""Fake 주민등록증-style ID cards and credit cards (ID-1 size, 85.6 x 54 mm, drawn at 10 px/mm)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from hanji.domain import validators as v
from hanji.synth import korean_data as kd
from hanji.synth.page import Page

ID_TEMPLATES = 3
CARD_TEMPLATES = 3
W, H = 856, 540


def _issuer_office(r: random.Random) -> str:
    sido = r.choice(list(kd.SIDO))
    sgg = r.choice(kd.SIDO[sido])
    if not sgg:
        return f"{sido}장"
    last = sgg.split()[-1]
    suffix = "청장" if last.endswith("구") else ("수" if last.endswith("군") else "장")
    return f"{sido} {sgg}{suffix}"


def _photo(page: Page, r: random.Random, x0: float, y0: float, x1: float, y1: float) -> None:
    g = r.randint(150, 210)
    page.draw.rectangle([x0, y0, x1, y1], fill=(g, g + 10 if g < 245 else g, g + 20 if g < 235 else g),
                        outline=(120, 120, 120))
    cx, w, h = (x0 + x1) / 2, x1 - x0, y1 - y0
    page.draw.ellipse([cx - w * 0.22, y0 + h * 0.15, cx + w * 0.22, y0 + h * 0.55], fill=(95, 85, 80))
    page.draw.pieslice([x0 + w * 0.1, y0 + h * 0.6, x1 - w * 0.1, y1 + h * 0.45], 180, 360, fill=(70, 70, 90))


def id_card(r: random.Random, font: Path, template: int) -> tuple[Page, dict]:
    born = kd.birth_date(r, 1945, 2006)
    rrn = kd.resident_number(r, born)
    nm = kd.name(r)
    issued = kd.date_between(r, max(dt.date(born.year + 17, 1, 1), dt.date(2000, 1, 1)), dt.date(2026, 6, 30))
    addr = kd.road_address(r)
    office = _issuer_office(r)
    bg = (r.randint(225, 250), r.randint(230, 252), r.randint(235, 255))
    page = Page(W, H, font, bg=bg, ink=(r.randint(10, 50),) * 3)
    for i in range(0, W, 24):  # a faint guilloche-like background
        page.draw.arc([i - 200, 300 - r.randint(0, 60), i + 200, 700], 200, 340, fill=(bg[0] - 12, bg[1] - 8, bg[2] - 4))
    issue_s = r.choice([f"{issued.year}. {issued.month}. {issued.day}.", issued.strftime("%Y.%m.%d."),
                        issued.strftime("%Y. %m. %d.")])
    s = r.randint(28, 34)
    # label mode, shared by all layouts: none (the real card), small labels above, or inline labels
    mode = r.choices(["none", "above", "inline"], [0.5, 0.25, 0.25])[0]

    def field(x: float, y: float, label: str, key: str, val: str, size: int, bold: bool = False) -> float:
        """Draw one field; returns the y below it."""
        if mode == "above":
            page.put(x, y, label, int(size * 0.6), ink=(90, 90, 90))
            y += size * 0.85
            page.put(x, y, [(val, key)], size, bold=bold)
        elif mode == "inline":
            page.put(x, y, [(label, None), (val, key)], size, bold=bold)
        else:
            page.put(x, y, [(val, key)], size, bold=bold)
        return y + size * 1.5

    def address(x: float, y: float, size: int, width: float) -> float:
        lines = page.wrap(addr, size, width - (page.width_of("주소 ", size) if mode == "inline" else 0))
        if mode == "above":
            page.put(x, y, "주소", int(size * 0.6), ink=(90, 90, 90))
            y += size * 0.85
        for i, ln in enumerate(lines):
            pieces = ([("주소", None)] if mode == "inline" and i == 0 else []) + [(ln, "address")]
            page.put(x, y, pieces, size, cont=i > 0)
            y += size * 1.3
        return y

    def issue(x: float, y: float, size: int, anchor: str) -> None:
        lab = r.random() < (0.8 if mode != "none" else 0.2)
        page.put(x, y, ([(r.choice(["발급일", "발급일자"]), None)] if lab else []) + [(issue_s, "issue_date")], size,
                 anchor=anchor)
        page.put(x, y + size * 1.5, [(office, "issuer")], int(size * 1.1), bold=True, anchor=anchor)

    if template == 0:  # classic: title top-left, text left, photo right, issue block centred below
        page.put(50, 40, r.choice(["주민등록증", "주 민 등 록 증"]), int(s * 1.5), bold=True)
        y = field(60, 140, "성명", "name", nm, int(s * 1.2), bold=True)
        y = field(60, y, "주민등록번호", "resident_number", rrn, s)
        address(60, y + 5, int(s * 0.8), 520)
        _photo(page, r, 620, 120, 800, 350)
        issue(W / 2, 425, int(s * 0.8), "c")
    elif template == 1:  # photo left, title centred, text right, issue block bottom-right
        _photo(page, r, 40, 110, 230, 360)
        page.put(W / 2, 30, "주민등록증", int(s * 1.4), bold=True, anchor="c")
        y = field(270, 110, "성명", "name", nm, int(s * 1.15), bold=True)
        y = field(270, y, "주민등록번호", "resident_number", rrn, s)
        address(270, y + 5, int(s * 0.75), 540)
        issue(W - 40, 410, int(s * 0.75), "r")
    else:  # mobile-ID style: coloured header bar, fields left, photo right, issue block under the photo
        page.draw.rectangle([0, 0, W, 80], fill=(40, 70, 140))
        page.put(30, 18, r.choice(["모바일 주민등록증", "주민등록증 확인서비스"]), int(s * 1.1), bold=True, ink=(255, 255, 255))
        _photo(page, r, 620, 110, 810, 340)
        y = field(40, 110, "성명", "name", nm, s, bold=True)
        y = field(40, y + 10, "주민등록번호", "resident_number", rrn, s)
        address(40, y + 10, int(s * 0.72), 540)
        issue(620, 375, int(s * 0.7), "l")
    return page, {}


def _luminance(c: tuple[int, int, int]) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def credit_card(r: random.Random, font: Path, template: int) -> tuple[Page, dict]:
    issuer = r.choice(list(kd.CARD_ISSUERS))
    number = kd.card_number(r, issuer)
    sep = r.choice([" ", " ", "-"])
    shown = number.replace("-", sep)
    exp = f"{r.randint(1, 12):02d}/{r.randint(25, 33)}"
    holder_k = kd.name(r)
    holder = kd.roman_name(holder_k)
    c0 = (r.randint(0, 255), r.randint(0, 255), r.randint(0, 255))
    c1 = tuple(max(0, min(255, c + r.randint(-60, 60))) for c in c0)
    ink = (250, 250, 250) if _luminance(c0) < 140 else (20, 20, 20)
    page = Page(W, H, font, bg=c0, ink=ink)
    for yy in range(H):  # vertical gradient
        t = yy / H
        page.draw.line([(0, yy), (W, yy)], fill=tuple(int(a * (1 - t) + b * t) for a, b in zip(c0, c1)))
    chip = (212, 175, 85)
    brand = "VISA" if v.digits(number)[0] == "4" else ("Mastercard" if v.digits(number)[0] == "5" else
                                                        ("AMEX" if v.digits(number)[:2] in ("34", "37") else "BC"))
    s = r.randint(40, 48)
    grouped = r.random() < 0.35  # the number as four regions, as OCR often finds an embossed number
    labelled = r.random() < 0.35
    holder_shown = holder_k if r.random() < 0.25 else holder

    def number(x: float, y: float, size: int) -> None:
        if labelled:
            page.put(x, y - 34, r.choice(["카드번호", "CARD NUMBER"]), 22)
        if not grouped:
            page.put(x, y, [(shown, "card_number")], size)
            return
        for i, g in enumerate(shown.replace("-", " ").split()):
            page.put(x, y, [(g, "card_number")], size, cont=i > 0)
            x += page.width_of(g, size) + size * 0.9

    def expiry(x: float, y: float) -> None:
        st = r.randrange(3)
        if st == 0:
            page.put(x, y, [(r.choice(["VALID THRU", "GOOD THRU", "EXPIRES END"]), None), (exp, "expiry")], 26)
        elif st == 1:
            page.put(x, y - 30, r.choice(["유효기간", "VALID THRU", "MONTH/YEAR"]), 20)
            page.put(x, y, [(exp, "expiry")], 30)
        else:
            page.put(x, y, [(exp, "expiry")], 30)

    def holder_at(x: float, y: float) -> None:
        if labelled:
            page.put(x, y - 30, r.choice(["성명", "NAME", "소유자"]), 20)
        page.put(x, y, [(holder_shown, "holder")], 30)

    if template == 0:  # issuer top-left, chip, number centre, expiry, holder bottom-left, brand bottom-right
        page.put(50, 40, [(issuer, "issuer")], 40, bold=True)
        page.draw.rounded_rectangle([70, 150, 170, 225], 12, fill=chip)
        number(60, 270, s)
        expiry(330, 360)
        holder_at(60, 445)
        page.put(W - 50, 440, brand, 44, bold=True, anchor="r")
    elif template == 1:  # English issuer top-right, chip left, number, expiry and holder stacked
        page.put(W - 50, 40, [(kd.CARD_ISSUERS_EN[issuer], "issuer")], 34, bold=True, anchor="r")
        page.draw.rounded_rectangle([60, 120, 160, 195], 12, fill=chip)
        number(60, 250, s)
        expiry(60, 375)
        holder_at(60, 455)
        page.put(W - 50, 445, brand, 40, bold=True, anchor="r")
    else:  # chip top-right, issuer top-left, number, then expiry and holder side by side
        page.draw.rounded_rectangle([W - 160, 60, W - 60, 135], 12, fill=chip)
        page.put(50, 50, [(issuer if r.random() < 0.6 else kd.CARD_ISSUERS_EN[issuer], "issuer")], 38, bold=True)
        number(50, 240, int(s * 0.9))
        expiry(50, 390)
        holder_at(380, 390)
        page.put(W - 50, 460, brand, 40, bold=True, anchor="r")
    return page, {}
