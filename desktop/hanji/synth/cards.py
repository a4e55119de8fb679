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
    if template == 0:  # classic: title top-left, text left, photo right
        page.put(50, 40, "주민등록증", int(s * 1.5), bold=True)
        page.put(60, 150, [(nm, "name")], int(s * 1.25), bold=True)
        page.put(60, 215, [(rrn, "resident_number")], s)
        y = 285
        for i, ln in enumerate(page.wrap(addr, int(s * 0.8), 520)):
            page.put(60, y, [(ln, "address")], int(s * 0.8), cont=i > 0)
            y += s * 1.15
        _photo(page, r, 620, 120, 800, 350)
        page.put(W / 2, 440, [(issue_s, "issue_date")], int(s * 0.8), anchor="c")
        page.put(W / 2, 480, [(office, "issuer")], int(s * 0.9), bold=True, anchor="c")
    elif template == 1:  # photo left, text right, issue block bottom-right
        _photo(page, r, 40, 110, 230, 360)
        page.put(W / 2, 30, "주민등록증", int(s * 1.4), bold=True, anchor="c")
        page.put(270, 120, [(nm, "name")], int(s * 1.2), bold=True)
        page.put(270, 180, [(rrn, "resident_number")], s)
        y = 250
        for i, ln in enumerate(page.wrap(addr, int(s * 0.75), 540)):
            page.put(270, y, [(ln, "address")], int(s * 0.75), cont=i > 0)
            y += s * 1.05
        page.put(W - 40, 420, [(issue_s, "issue_date")], int(s * 0.8), anchor="r")
        page.put(W - 40, 465, [(office, "issuer")], int(s * 0.85), bold=True, anchor="r")
    else:  # mobile-ID style: labelled fields
        page.draw.rectangle([0, 0, W, 80], fill=(40, 70, 140))
        page.put(30, 18, "모바일 주민등록증", int(s * 1.1), bold=True, ink=(255, 255, 255))
        _photo(page, r, 620, 110, 810, 340)
        ls = int(s * 0.7)
        y = 110
        for lab, key, val in (("성명", "name", nm), ("주민등록번호", "resident_number", rrn)):
            page.put(40, y, lab, ls, ink=(90, 90, 90))
            page.put(40, y + ls * 1.3, [(val, key)], s, bold=key == "name")
            y += s * 2.6
        page.put(40, y, "주소", ls, ink=(90, 90, 90))
        y += ls * 1.3
        for i, ln in enumerate(page.wrap(addr, int(s * 0.72), 540)):
            page.put(40, y, [(ln, "address")], int(s * 0.72), cont=i > 0)
            y += s * 0.95
        page.put(620, 380, [("발급일", None), (issue_s, "issue_date")], ls)
        page.put(620, 430, [(office, "issuer")], ls, bold=True)
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
    if template == 0:  # issuer top-left, chip, number centre, expiry, holder bottom-left, brand bottom-right
        page.put(50, 40, [(issuer, "issuer")], 40, bold=True)
        page.draw.rounded_rectangle([70, 150, 170, 225], 12, fill=chip)
        page.put(60, 270, [(shown, "card_number")], s)
        page.put(330, 355, [("VALID THRU", None), (exp, "expiry")], 26)
        page.put(60, 440, [(holder, "holder")], 32)
        page.put(W - 50, 440, brand, 44, bold=True, anchor="r")
    elif template == 1:  # English issuer top-right, number as four groups, labelled expiry
        page.put(W - 50, 40, [(kd.CARD_ISSUERS_EN[issuer], "issuer")], 34, bold=True, anchor="r")
        page.draw.rounded_rectangle([60, 120, 160, 195], 12, fill=chip)
        groups = v.format_card_number(number, " ").split()
        x = 60
        for i, g in enumerate(groups):
            page.put(x, 250, [(g, "card_number")], s, cont=i > 0)
            x += page.width_of(g, s) + s * 0.9
        page.put(60, 350, "유효기간", 22)
        page.put(60, 380, [(exp, "expiry")], 30)
        page.put(60, 455, [(holder, "holder")], 30)
        page.put(W - 50, 445, brand, 40, bold=True, anchor="r")
    else:  # vertical-ish info block on the right half, Korean labels
        page.draw.rounded_rectangle([W - 160, 60, W - 60, 135], 12, fill=chip)
        page.put(50, 50, [(issuer, "issuer")], 38, bold=True)
        page.put(50, 200, "카드번호", 22)
        page.put(50, 235, [(shown, "card_number")], int(s * 0.9))
        page.put(50, 330, "유효기간", 22)
        page.put(50, 362, [(exp, "expiry")], 30)
        page.put(380, 330, "성명", 22)
        hk = holder_k if r.random() < 0.5 else holder
        page.put(380, 362, [(hk, "holder")], 30)
        page.put(W - 50, 450, brand, 40, bold=True, anchor="r")
    return page, {}
