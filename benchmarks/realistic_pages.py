"""A realistic Korean page set for benchmarks/ocr.py: receipts, certificates and forms rendered
with the font families kept out of the recognizer's training, through print and photo effects.

Nothing here is shared with the training generator (``hanji.synth``): the page templates, the
degradations and the text source are this file's own. The text is konlpy's kolaw (the Korean
constitution) and kobill (bills) corpora, which the training corpus never uses; without konlpy the
set is not built (:func:`pages` returns ``[]`` with the reason in :data:`SKIPPED`).

Each page is ``Page(image, lines, kind)``: ``lines`` are ``(quad, text)`` in reading order (row by
row; a label before its value; stacked labels as separate lines; a letter-spaced label is one line
whose text keeps its spaces). Effects, chosen per page from a seed: thermal fading and streaks,
dot-matrix glyphs, double-width headers, a white-on-black header band, letter-spaced labels,
two-column label/value rows, skew and perspective, uneven light, blur, low resolution, JPEG.
"""

from __future__ import annotations

import importlib.util
import io
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SKIPPED = ""
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허유남심노하곽성차주우구민진나"
CITIES = ("서울특별시 종로구", "부산광역시 해운대구", "대구광역시 수성구", "인천광역시 연수구", "광주광역시 북구",
          "대전광역시 유성구", "울산광역시 남구", "경기도 수원시 팔달구", "강원도 춘천시", "충청북도 청주시 상당구",
          "전라북도 전주시 완산구", "경상남도 창원시 의창구", "제주특별자치도 제주시")


@dataclass
class Page:
    image: np.ndarray  # HxWx3 uint8 RGB
    lines: list[tuple[list[tuple[float, float]], str]]  # (quad clockwise from top-left, text), reading order
    kind: str


# ------------------------------------------------------------------------------------------ text
@lru_cache(maxsize=1)
def corpus() -> tuple[list[str], list[str]]:
    """(sentences, words) from konlpy's kolaw and kobill; empty when konlpy is not installed."""
    global SKIPPED
    spec = importlib.util.find_spec("konlpy")
    if spec is None or not spec.origin:
        SKIPPED = "konlpy is not installed (pip install konlpy): its kolaw/kobill text is the held-out source"
        return [], []
    root = Path(spec.origin).parent / "data" / "corpus"
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.glob("*/*.txt")))
    sentences, words = [], set()
    for raw in text.splitlines():
        s = " ".join(raw.replace("\u2024", ".").split())
        s = re.sub(r"[^\uac00-\ud7a3A-Za-z0-9 .,()·:%-]", "", s).strip()
        if 12 <= len(s) <= 40 and sum("\uac00" <= c <= "\ud7a3" for c in s) >= 8:
            sentences.append(s)
        words.update(w for w in re.findall(r"[\uac00-\ud7a3]{2,6}", s))
    if not sentences:
        SKIPPED = f"no sentences in {root}"
    return sentences, sorted(words)


# ------------------------------------------------------------------------------------------ fonts
def family(name: str) -> str:
    """A font file's family: its name without extension, weight or variant (NanumMyeongjoBold.ttf,
    NanumMyeongjo.ttf -> nanummyeongjo; NotoSerifCJK-SemiBold.ttc -> notoserifcjk)."""
    stem = re.sub(r"\.(ttf|otf|ttc)$", "", name, flags=re.I)
    stem = re.sub(r"[-_]?(YetHangul|ExtraBold|ExtraLight|SemiBold|Regular|Medium|Black|Light|Bold|EcoR|EB|R|B|L)$",
                  "", stem)
    return stem.replace("-", "").lower()


def faces() -> list[list[tuple[str, int]]]:
    """The held-out font families (those the recognizer never trains on), each a list of its
    faces as (path, face index)."""
    from hanji.synth.lines import font_faces

    fams: dict[str, list[tuple[str, int]]] = {}
    for f in font_faces(held_out=True):
        fams.setdefault(family(f.name), []).append((str(f.path), f.index))
    return [fams[k] for k in sorted(fams)]


@lru_cache(maxsize=256)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


# ------------------------------------------------------------------------------------------ drawing
class Sheet:
    """A grayscale sheet (255 paper, 0 ink) that records each text line's box and text in order."""

    def __init__(self, w: int, h: int, face: tuple[str, int], rng: random.Random):
        self.img = Image.new("L", (w, h), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.face, self.rng = face, rng
        self.lines: list[tuple[list[tuple[float, float]], str]] = []
        self.dot_matrix = False

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return _font(self.face[0], self.face[1], size)

    def width(self, text: str, size: int, spacing: float = 0.0, wide: float = 1.0) -> float:
        f = self.font(size)
        if spacing:
            return wide * (sum(f.getlength(c) for c in text) + spacing * size * (len(text) - 1))
        return wide * f.getlength(text)

    def text(self, x: float, y: float, text: str, size: int, spacing: float = 0.0, wide: float = 1.0,
             ink: int = 0, align: str = "left", record: bool = True) -> tuple[float, float, float, float]:
        """Draw a line with its top-left (or right edge when ``align='right'``) at x, y; ``spacing`` in
        text heights between characters (a letter-spaced label), ``wide`` a horizontal stretch
        (double-width print). Returns the ink box."""
        f = self.font(size)
        w = self.width(text, size, spacing, wide)
        if align == "right":
            x -= w
        elif align == "center":
            x -= w / 2
        asc, desc = f.getmetrics()
        tile = Image.new("L", (int(w / wide) + 4, asc + desc + 4), 0)
        d = ImageDraw.Draw(tile)
        if self.dot_matrix:
            tile = _dots(text, f, size, spacing)
        elif spacing:
            cx = 2.0
            for c in text:
                d.text((cx, 2), c, font=f, fill=255)
                cx += f.getlength(c) + spacing * size
        else:
            d.text((2, 2), text, font=f, fill=255)
        if wide != 1.0:
            tile = tile.resize((max(1, int(tile.width * wide)), tile.height), Image.Resampling.BILINEAR)
        box = tile.getbbox()
        if box is None:
            return (x, y, x, y)
        paint = Image.new("L", tile.size, ink)
        self.img.paste(paint, (int(x) - 2, int(y) - 2), tile)
        x0, y0, x1, y1 = x - 2 + box[0], y - 2 + box[1], x - 2 + box[2], y - 2 + box[3]
        if record:
            pad = 0.08 * size
            quad = [(x0 - pad, y0 - pad), (x1 + pad, y0 - pad), (x1 + pad, y1 + pad), (x0 - pad, y1 + pad)]
            self.lines.append((quad, " ".join(text) if spacing >= 0.3 else text))
        return (x0, y0, x1, y1)

    def rule(self, x0, y0, x1, y1, width: int = 1, dashed: bool = False) -> None:
        if dashed:
            n = int((x1 - x0) // 8)
            for k in range(n):
                self.draw.line([(x0 + 8 * k, y0), (x0 + 8 * k + 4, y1)], fill=0, width=width)
        else:
            self.draw.line([(x0, y0), (x1, y1)], fill=0, width=width)

    def band(self, x0, y0, x1, y1, shade: int = 20) -> None:
        self.draw.rectangle([x0, y0, x1, y1], fill=shade)


def _dots(text: str, font: ImageFont.FreeTypeFont, size: int, spacing: float) -> Image.Image:
    """Dot-matrix glyphs: the line drawn at about 11-13 px on a pixel grid, each pixel a round dot."""
    small_size = max(11, min(13, size // 2))
    small = ImageFont.truetype(font.path, small_size, index=getattr(font, "index", 0) or 0)
    w = int(sum(small.getlength(c) for c in text) + spacing * small_size * max(0, len(text) - 1)) + 4
    asc, desc = small.getmetrics()
    m = Image.new("L", (w, asc + desc + 4), 0)
    d = ImageDraw.Draw(m)
    cx = 2.0
    for c in text:
        d.text((cx, 2), c, font=small, fill=255)
        cx += small.getlength(c) + spacing * small_size
    bits = np.asarray(m) > 110
    s = max(2, round(size / small_size))
    yy, xx = np.mgrid[0:s, 0:s]
    disk = ((yy - (s - 1) / 2) ** 2 + (xx - (s - 1) / 2) ** 2) <= (0.5 * s) ** 2
    big = np.kron(bits, disk).astype(np.uint8) * 255
    return Image.fromarray(big)


# ------------------------------------------------------------------------------------------ text bits
def _name(rng: random.Random, words: list[str]) -> str:
    syl = rng.choice(words)
    return rng.choice(SURNAMES) + (syl[:2] if len(syl) >= 2 else syl + "수")


def _money(rng: random.Random, lo: int = 500, hi: int = 90_000) -> str:
    return f"{rng.randrange(lo, hi, 100):,}"


def _date(rng: random.Random, sep: str = "-") -> str:
    return f"20{rng.randint(15, 25):02d}{sep}{rng.randint(1, 12):02d}{sep}{rng.randint(1, 28):02d}"


def _phrase(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


# ------------------------------------------------------------------------------------------ templates
def receipt(rng: random.Random, face, words: list[str]) -> Sheet:
    """A card receipt off an 80 mm thermal (or dot-matrix) printer: 576 px wide."""
    W = 576
    items = rng.randint(3, 7)
    sh = Sheet(W, 330 + items * 34 + 420, face, rng)
    sh.dot_matrix = rng.random() < 0.35
    s = rng.choice([17, 19, 21, 24])
    y = 24.0
    store = _phrase(rng, words, 1) + rng.choice(["마트", "상회", "식당", "약국", "문구", "편의점"])
    if rng.random() < 0.5:  # white-on-black header band
        sh.band(0, y - 8, W, y + 2 * s + 8)
        sh.text(W / 2, y, store, s, wide=2.0 if sh.width(store, s, wide=2) < W - 40 else 1.0, ink=255,
                align="center")
    else:
        sh.text(W / 2, y, store, s, wide=2.0 if sh.width(store, s, wide=2) < W - 40 else 1.0, align="center")
    y += 2 * s + 20
    for label, value in (("사업자번호", f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10000, 99999)}"),
                         ("대표자", _name(rng, words)),
                         ("주소", rng.choice(CITIES)),
                         ("전화", f"0{rng.randint(2, 64)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"),
                         ("일시", f"{_date(rng)} {rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}")):
        sh.text(16, y, label, s)
        sh.text(max(140, 16 + sh.width("사업자번호", s) + 1.5 * s), y, value, s)  # a column gap after the label
        y += s + 12
    sh.rule(10, y, W - 10, y, dashed=True)
    y += 10
    for label, x in (("상품명", 16), ("수량", 330), ("금액", W - 16)):
        sh.text(x, y, label, s, spacing=0.4, align="right" if x > W / 2 + 100 else "left")
    y += s + 12
    sh.rule(10, y, W - 10, y, dashed=True)
    y += 10
    total = 0
    for _ in range(items):
        name = _phrase(rng, words, 1)[:8]
        qty = rng.randint(1, 5)
        price = rng.randrange(500, 30_000, 100)
        total += qty * price
        sh.text(16, y, name, s)
        sh.text(350, y, str(qty), s, align="right")
        sh.text(W - 16, y, f"{qty * price:,}", s, align="right")
        y += s + 12
    sh.rule(10, y, W - 10, y, dashed=True)
    y += 12
    vat = total // 11
    rows = [("과세물품가액", f"{total - vat:,}", 0.0), ("부가세", f"{vat:,}", 0.5), ("합계", f"{total:,}", 0.0),
            ("결제금액", f"{total:,}", 0.0),
            ("카드번호", f"{rng.randint(1000, 9999)}-{rng.randint(10, 99)}**-****-{rng.randint(1000, 9999)}", 0.6),
            ("승인번호", f"{rng.randint(10_000_000, 99_999_999)}", 0.0),
            ("할부", rng.choice(["일시불", "3개월", "6개월"]), 0.0)]
    for label, value, spacing in rows:
        sh.text(16, y, label, s, spacing=spacing)
        sh.text(W - 16, y, value, s, align="right")  # a label and its value far apart on one row
        y += s + 12
    y += 10
    sh.text(W / 2, y, _phrase(rng, words, 2) + " 감사합니다", s - 2, align="center")
    sh.img = sh.img.crop((0, 0, W, int(y + 2 * s + 20)))
    return sh


def certificate(rng: random.Random, face, words: list[str], sentences: list[str]) -> Sheet:
    """A certificate scanned at a counter: spaced title, a label/value table with a stacked label,
    a body sentence, the date and the issuer."""
    W, H = 1000, 1300
    sh = Sheet(W, H, face, rng)
    title = rng.choice(["재직증명서", "경력증명서", "졸업증명서", "납세증명서", "수료증명서"])
    sh.text(W / 2, 80, title, 44, spacing=0.8, align="center")
    s = rng.choice([22, 24, 26])
    y, x0, xm, x1 = 200.0, 80, 300, 920
    rows = [("성명", _name(rng, words)), ("생년월일", _date(rng, ".")), ("주소", rng.choice(CITIES)),
            ("소속", _phrase(rng, words, 2)), ("직위", rng.choice(["대리", "과장", "차장", "부장", "주임"])),
            ("기간", f"{_date(rng, '.')} ~ {_date(rng, '.')}"), ("용도", _phrase(rng, words, 1) + " 제출용")]
    row_h = s + 34
    sh.rule(x0, y, x1, y, 2)
    for k, (label, value) in enumerate(rows):
        if k == 3:  # a stacked label: two short lines one above the other in one cell
            sh.text(x0 + 20, y + 10, "근무", s)
            sh.text(x0 + 20, y + row_h + 4, "부서", s)
            sh.text(xm + 24, y + (2 * row_h - s) / 2, value, s)
            y += 2 * row_h
        else:
            sh.text(x0 + 20, y + 17, label, s, spacing=0.5 if rng.random() < 0.5 else 0.0)
            sh.text(xm + 24, y + 17, value, s)
            y += row_h
        sh.rule(x0, y, x1, y, 1)
    sh.rule(x0, 200, x0, y, 2)
    sh.rule(xm, 200, xm, y, 1)
    sh.rule(x1, 200, x1, y, 2)
    y += 50
    for sent in rng.sample(sentences, 2):
        sh.text(x0 + 20, y, sent[:34], s)
        y += s + 20
    y += 30
    sh.text(W / 2, y, _date(rng, ". ") + ".", s, align="center")
    y += s + 60
    for label, value in (("발급기관명", _phrase(rng, words, 1) + " 주식회사"), ("대표이사", _name(rng, words))):
        sh.text(420, y, label, s, spacing=0.5)
        sh.text(640, y, value, s)
        y += s + 24
    sh.draw.ellipse([840, y - 90, 920, y - 10], outline=90, width=4)  # the seal
    return sh


def form(rng: random.Random, face, words: list[str], sentences: list[str]) -> Sheet:
    """An application form: title, a white-on-black section header, four-column label/value rows,
    a paragraph and a signature row."""
    W, H = 1000, 1250
    sh = Sheet(W, H, face, rng)
    s = rng.choice([20, 22, 24])
    sh.text(W / 2, 60, _phrase(rng, words, 1) + " 신청서", 38, align="center")
    y = 150.0
    for section in range(2):
        sh.band(60, y, 940, y + s + 16, shade=rng.randint(10, 60))
        sh.text(80, y + 8, f"{section + 1}. " + _phrase(rng, words, 1), s, ink=255)
        y += s + 36
        for _ in range(rng.randint(3, 5)):
            a, b = _phrase(rng, words, 1)[:5], _phrase(rng, words, 1)[:5]
            sh.text(80, y, a, s, spacing=0.5 if rng.random() < 0.3 else 0.0)
            sh.text(250, y, _phrase(rng, words, 1), s)
            sh.text(520, y, b, s)
            sh.text(690, y, rng.choice([_date(rng, "."), _money(rng), _name(rng, words)]), s)
            y += s + 22
            sh.rule(60, y - 10, 940, y - 10, 1)
        y += 30
    for sent in rng.sample(sentences, 3):
        sh.text(80, y, sent[:36], s)
        y += s + 16
    y += 40
    sh.text(520, y, "신청인", s, spacing=0.8)
    sh.text(690, y, _name(rng, words) + " (서명)", s)
    return sh


# ------------------------------------------------------------------------------------------ effects
def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.asarray(a, float))
    h = vt[-1].reshape(3, 3)
    return h / h[2, 2]


def _apply(h: np.ndarray, pts) -> list[tuple[float, float]]:
    p = np.c_[np.asarray(pts, float), np.ones(len(pts))] @ h.T
    return [(float(x), float(y)) for x, y in p[:, :2] / p[:, 2:3]]


def finish(sh: Sheet, rng: random.Random, kind: str) -> Page:
    """Print (thermal fading and streaks), then scan or photo effects; boxes follow the geometry."""
    g = np.asarray(sh.img, np.float32)
    h, w = g.shape
    ink = 255 - g
    if kind == "receipt" and rng.random() < 0.7:  # thermal: faded, streaky, low contrast
        streaks = np.random.default_rng(rng.getrandbits(32)).random(w) < 0.06
        fade = rng.uniform(0.35, 0.75) * (1 - 0.35 * streaks)
        fade = fade * (1 - 0.35 * np.linspace(0, 1, h)[:, None] * rng.random())
        ink = ink * fade
    paper = rng.uniform(225, 250)
    rgb = np.stack([paper - ink * paper / 255 * t for t in (1.0, rng.uniform(0.95, 1.0), rng.uniform(0.9, 1.0))], -1)
    photo = rng.random() < 0.6
    angle = np.deg2rad(rng.uniform(-8, 8) if photo else rng.uniform(-2, 2))
    m = 0.07 * min(w, h) if photo else 0.0
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
    c, s = np.cos(angle), np.sin(angle)
    dst = (src - [w / 2, h / 2]) @ np.array([[c, s], [-s, c]]) + [w / 2, h / 2]
    dst = dst + np.array([[rng.uniform(-m, m), rng.uniform(-m, m)] for _ in range(4)])
    pad = 40 if photo else 20
    dst = dst - dst.min(axis=0) + pad
    ow, oh = (dst.max(axis=0) + pad).astype(int)
    H = _homography(src, dst)
    coeffs = np.linalg.inv(H)
    coeffs = (coeffs / coeffs[2, 2]).ravel()[:8]
    bg = tuple(rng.randint(60, 140) for _ in range(3)) if photo else (245, 245, 245)
    img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).transform(
        (int(ow), int(oh)), Image.Transform.PERSPECTIVE, tuple(coeffs), Image.Resampling.BILINEAR, fillcolor=bg)
    a = np.asarray(img, np.float32)
    if photo:  # uneven light and a soft shadow
        yy, xx = np.mgrid[0:oh, 0:ow]
        light = 1 + 0.18 * np.sin(xx / ow * np.pi * rng.uniform(0.5, 1.5) + rng.uniform(0, 3))
        shadow = 1 - 0.3 * (xx > rng.uniform(0.6, 0.95) * ow) * rng.random()
        a = a * (light * shadow)[:, :, None]
    a = a + np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(2, 7), a.shape[:2])[:, :, None]
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if rng.random() < 0.6:  # defocus
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2)))
    elif photo:  # motion blur: a few shifted copies averaged
        k = rng.randint(2, 4)
        arr = np.asarray(img, np.float32)
        img = Image.fromarray(np.mean([np.roll(arr, d, axis=1) for d in range(k)], axis=0).astype(np.uint8))
    scale = rng.uniform(0.6, 0.95) if photo else 1.0
    if scale < 1.0:  # a phone photo at a lower resolution
        img = img.resize((int(img.width * scale), int(img.height * scale)), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(45, 85))
    out = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    lines = [([(x * scale, y * scale) for x, y in _apply(H, q)], t) for q, t in sh.lines]
    return Page(np.ascontiguousarray(out), lines, kind)


def pages(n: int, seed: int = 7) -> list[Page]:
    """``n`` pages (receipts, certificates, forms in turn); ``[]`` when konlpy or the fonts are absent."""
    global SKIPPED
    sentences, words = corpus()
    fs = faces()
    if not fs:
        SKIPPED = SKIPPED or "no held-out Korean fonts on this machine"
    if not sentences or not fs:
        return []
    from hanji.synth.fonts import cmap_chars

    common = set.intersection(*(set(cmap_chars(path, index)) for fam in fs for path, index in fam)) | {" "}
    sentences = [t for t in sentences if set(t) <= common]
    words = [t for t in words if set(t) <= common]
    out = []
    for k in range(n):
        rng = random.Random(seed * 1000 + k)
        face = rng.choice(fs[k % len(fs)])  # families in turn, a weight of the family at random
        kind = ("receipt", "certificate", "form")[(k + k // len(fs)) % 3]  # every family gets every kind
        if kind == "receipt":
            sh = receipt(rng, face, words)
        elif kind == "certificate":
            sh = certificate(rng, face, words, sentences)
        else:
            sh = form(rng, face, words, sentences)
        out.append(finish(sh, rng, kind))
    return out
