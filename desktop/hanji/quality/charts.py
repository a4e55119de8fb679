"""A small chart renderer on Pillow, for the dataset statistics: vertical and horizontal bar charts,
histograms and a bars-plus-running-total line, with a frame, nice ticks, tick labels, titles and an
optional legend, text in the shipped Nanum Gothic (so Hangul draws). The PNG export and the
dashboard both draw with it (the dashboard at its own size); no Qt, no matplotlib.

Sizes of text, lines and gaps are in points; ``scale`` is pixels per point (``dpi / 72``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

INK = "#222222"
GRID = "#e6e6e6"
MUTED = "#888888"
BLUE = "#4c9be8"

TITLE_PT = 10.0
TICK_PT = 8.0
VALUE_PT = 7.0


@dataclass
class Chart:
    """One chart. ``kind``: ``bars`` (vertical, one per label), ``hbars`` (horizontal, first label
    on top), ``hist`` (``values`` are counts of the bins between consecutive ``edges``) or
    ``progress`` (vertical bars per label, with ``line`` drawn over them on the same axis). A chart
    with no values shows ``message`` in its empty frame."""

    title: str
    kind: str = "bars"
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    colors: list[str] | None = None  # one per bar; default BLUE
    edges: list[float] = field(default_factory=list)
    line: list[float] = field(default_factory=list)
    line_color: str = "#2a9d8f"
    xlabel: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)  # (text, color)
    message: str = "nothing yet"
    message_color: str = MUTED
    show_values: bool = False  # write each bar's value at its end (hbars)


@lru_cache(maxsize=64)
def font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Nanum Gothic at ``px`` pixels (Pillow's own font where the file is missing)."""
    from hanji.resources import resource_path

    path = resource_path("fonts", "NanumGothicBold.ttf" if bold else "NanumGothic.ttf")
    px = max(6, int(px))
    try:
        return ImageFont.truetype(str(path), px)
    except OSError:
        return ImageFont.load_default(px)


def nice_ticks(lo: float, hi: float, n: int = 5, integer: bool = False) -> list[float]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering ``[lo, hi]``,
    about ``n`` of them; whole numbers only when ``integer``."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return []
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(1, n)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, round(step)) if step >= 1 else 1.0
    first = math.ceil(lo / step - 1e-9)
    out = []
    k = first
    while k * step <= hi + 1e-9 * step:
        out.append(k * step)
        k += 1
    return out


def tick_text(v: float, step: float) -> str:
    if abs(v) >= 100000 and step >= 1000:
        return f"{v / 1000:.0f}k"
    for d in range(4):
        if abs(step * 10**d - round(step * 10**d)) < 1e-6:
            return f"{v:.{d}f}"
    return f"{v:.3g}"


def _w(f, s: str) -> float:
    return f.getlength(s) if s else 0.0


def _h(f) -> int:
    a, d = f.getmetrics()
    return a + d


def _fit(f, s: str, width: float) -> str:
    """``s``, cut with an ellipsis to ``width`` pixels."""
    if _w(f, s) <= width:
        return s
    while s and _w(f, s + "…") > width:
        s = s[:-1]
    return s + "…" if s else ""


class _Canvas:
    def __init__(self, img: Image.Image, scale: float, hits: list | None):
        self.img = img
        self.d = ImageDraw.Draw(img)
        self.s = scale
        self.hits = hits

    def pt(self, v: float) -> int:
        return max(1, round(v * self.s))

    def font(self, points: float):
        return font(round(points * self.s))

    def rotated(self, xy: tuple[float, float], s: str, f, angle: float, color: str) -> None:
        """Text rotated by ``angle`` degrees, its end (top right) at ``xy``."""
        w, h = math.ceil(_w(f, s)) + 2, _h(f) + 2
        mask = Image.new("L", (w, h), 0)
        ImageDraw.Draw(mask).text((1, 1), s, font=f, fill=255)
        mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
        x, y = round(xy[0]) - mask.width, round(xy[1])
        self.img.paste(Image.new("RGB", mask.size, color), (x, y), mask)

    def polyline(self, pts: list[tuple[float, float]], color: str, width: float, radius: float) -> None:
        """An antialiased line with round markers (drawn 4x, scaled down)."""
        if not pts:
            return
        k = 4
        x0 = math.floor(min(p[0] for p in pts) - radius - width) - 1
        y0 = math.floor(min(p[1] for p in pts) - radius - width) - 1
        x1 = math.ceil(max(p[0] for p in pts) + radius + width) + 1
        y1 = math.ceil(max(p[1] for p in pts) + radius + width) + 1
        mask = Image.new("L", ((x1 - x0) * k, (y1 - y0) * k), 0)
        d = ImageDraw.Draw(mask)
        big = [((x - x0) * k, (y - y0) * k) for x, y in pts]
        if len(big) > 1:
            d.line(big, fill=255, width=max(1, round(width * k)), joint="curve")
        r = radius * k
        for x, y in big:
            d.ellipse((x - r, y - r, x + r, y + r), fill=255)
        mask = mask.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
        self.img.paste(Image.new("RGB", mask.size, color), (x0, y0), mask)

    def hit(self, box, text: str) -> None:
        if self.hits is not None:
            self.hits.append((*box, text))


def render(charts: Sequence[Chart], width: int, height: int, cols: int | None = None, scale: float = 1.5,
           background: str = "white", hits: list | None = None) -> Image.Image:
    """The charts in a grid (``cols`` per row; 4, or 1 for a single chart) on a ``width`` x
    ``height`` RGB image. ``hits``, if given, gets ``(x0, y0, x1, y1, text)`` for every bar (for
    tooltips)."""
    width, height = max(1, int(width)), max(1, int(height))
    img = Image.new("RGB", (width, height), background)
    if not charts:
        return img
    cols = cols or (1 if len(charts) == 1 else min(4, len(charts)))
    rows = (len(charts) + cols - 1) // cols
    c = _Canvas(img, scale, hits)
    pad, gap = c.pt(6), c.pt(14) if rows > 1 else 0  # around the grid; between rows
    cw, ch = (width - pad) / cols, (height - pad + gap) / rows
    for i, chart in enumerate(charts):
        r, k = divmod(i, cols)
        box = (pad + k * cw, pad + r * ch, pad + (k + 1) * cw - pad, pad + (r + 1) * ch - pad - gap)
        if box[2] - box[0] > 20 and box[3] - box[1] > 20:
            _draw(c, chart, box)
    return img


def _draw(c: _Canvas, chart: Chart, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = box
    tf = c.font(TITLE_PT)
    if _w(tf, chart.title) > x1 - x0:
        tf = c.font(TITLE_PT * max(0.8, (x1 - x0) / _w(tf, chart.title)))
    c.d.text(((x0 + x1) / 2, y0), _fit(tf, chart.title, x1 - x0), font=tf, fill=INK, anchor="ma")
    top = y0 + _h(tf) + c.pt(4)
    if not chart.values or not any(chart.values):
        c.d.rectangle((x0 + c.pt(8), top, x1 - c.pt(8), y1), outline=INK, width=c.pt(0.6))
        mf = c.font(TICK_PT * 1.15)
        c.d.multiline_text(((x0 + x1) / 2, (top + y1) / 2), chart.message, font=mf, fill=chart.message_color,
                           anchor="mm", align="center", spacing=c.pt(2))
        return
    if chart.kind == "hbars":
        _hbars(c, chart, (x0, top, x1, y1))
    else:
        _vertical(c, chart, (x0, top, x1, y1))


def _colors(chart: Chart) -> list[str]:
    return list(chart.colors) if chart.colors else [BLUE] * len(chart.values)


def _yaxis(c: _Canvas, vmax: float, plot_h: float, integer: bool, f) -> tuple[list[float], float, float]:
    """Ticks, the axis top and the widest tick label's width."""
    n = max(2, min(8, int(plot_h / (_h(f) * 2.6))))
    top = vmax * 1.05 if vmax > 0 else 1.0
    ticks = nice_ticks(0.0, top, n, integer=integer)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    labels = [tick_text(t, step) for t in ticks]
    return ticks, top, max((_w(f, s) for s in labels), default=0.0)


@dataclass
class _Plot:
    """Where a vertical chart draws: the plot area in pixels, its value scale and tick sizes."""

    px0: float
    py0: float
    px1: float
    py1: float
    ytop: float
    tick: int
    font: ImageFont.FreeTypeFont
    th: float

    def Y(self, v: float) -> float:
        return self.py1 - (self.py1 - self.py0) * v / self.ytop


def _vertical(c: _Canvas, chart: Chart, box) -> None:
    x0, top, x1, y1 = box
    f = c.font(TICK_PT)
    th = _h(f)
    tick = c.pt(3)
    integer = all(float(v).is_integer() for v in list(chart.values) + list(chart.line))
    vmax = max(list(chart.values) + list(chart.line) + [0])
    xl_h = (th + c.pt(2)) if chart.xlabel else 0
    # first guess of the bottom margin: one row of tick labels; category labels may need more
    ticks, ytop, yw = _yaxis(c, vmax, (y1 - top) - th * 2 - xl_h, integer, f)
    px0 = x0 + yw + tick + c.pt(3)
    px1 = x1 - c.pt(4)
    labels, rotate, every, label_h = _category_labels(c, chart, f, px1 - px0, y1 - top)
    py0, py1 = top, y1 - tick - label_h - xl_h
    if py1 - py0 < th * 2:
        return
    ticks, ytop, _ = _yaxis(c, vmax, py1 - py0, integer, f)
    plot = _Plot(px0, py0, px1, py1, ytop, tick, f, th)
    _y_ticks(c, plot, ticks)
    if chart.kind == "hist":
        _histogram(c, chart, plot)
    else:
        _bars(c, chart, plot, labels, rotate, every)
    c.d.rectangle((round(px0), round(py0), round(px1), round(py1)), outline=INK, width=c.pt(0.6))
    if chart.xlabel:
        c.d.text(((px0 + px1) / 2, y1), chart.xlabel, font=f, fill=INK, anchor="md")
    if chart.legend:
        _legend(c, chart.legend, (px0, py0), chart.line_color if chart.line else None)


def _category_labels(c: _Canvas, chart: Chart, f, width: float, height: float) -> tuple[list[str], bool, int, float]:
    """The category labels under the bars: ``(labels, rotated, every how many, height they take)``;
    labels wider than their slot are turned 30 degrees and every n-th kept when they crowd."""
    th = _h(f)
    labels, rotate, every = [], False, 1
    if chart.kind != "hist":
        labels = [str(s) for s in chart.labels]
        slot = width / max(1, len(chart.values))
        widest = max((_w(f, s) for s in labels), default=0.0)
        if widest > slot * 0.95:
            rotate = True
            every = max(1, math.ceil(th * 1.4 / max(1.0, slot)))
    label_w = min(max((_w(f, s) for s in labels), default=0.0), height * 0.45 / 0.5)
    if rotate:
        labels = [_fit(f, s, label_w) for s in labels]
        return labels, rotate, every, label_w * 0.5 + th * 0.87 + c.pt(2)  # sin 30, cos 30
    return labels, rotate, every, th + c.pt(1)


def _y_ticks(c: _Canvas, p: _Plot, ticks: list[float]) -> None:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for t in ticks:
        y = round(p.Y(t))
        if t > 0:
            c.d.line((p.px0, y, p.px1, y), fill=GRID, width=1)
        c.d.line((p.px0 - p.tick, y, p.px0, y), fill=INK, width=c.pt(0.6))
        c.d.text((p.px0 - p.tick - c.pt(2), y), tick_text(t, step), font=p.font, fill=INK, anchor="rm")


def _histogram(c: _Canvas, chart: Chart, p: _Plot) -> None:
    cols = _colors(chart)
    lo, hi = chart.edges[0], chart.edges[-1]
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    xlo, xhi = lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05

    def X(v: float) -> float:
        return p.px0 + (p.px1 - p.px0) * (v - xlo) / (xhi - xlo)

    for i, v in enumerate(chart.values):
        a, b = X(chart.edges[i]), X(chart.edges[i + 1])
        if v > 0:
            c.d.rectangle((round(a), round(p.Y(v)), max(round(a), round(b) - 1), round(p.py1)), fill=cols[i])
        c.hit((a, p.py0, b, p.py1), f"{chart.edges[i]:.4g}–{chart.edges[i + 1]:.4g}: {v:g}")
    xt = nice_ticks(lo, hi, max(2, min(8, int((p.px1 - p.px0) / (p.th * 4)))))
    xstep = xt[1] - xt[0] if len(xt) > 1 else 1.0
    for t in xt:
        x = round(X(t))
        c.d.line((x, p.py1, x, p.py1 + p.tick), fill=INK, width=c.pt(0.6))
        c.d.text((x, p.py1 + p.tick + c.pt(1)), tick_text(t, xstep), font=p.font, fill=INK, anchor="ma")


def _bars(c: _Canvas, chart: Chart, p: _Plot, labels: list[str], rotate: bool, every: int) -> None:
    cols = _colors(chart)
    n = len(chart.values)
    slot = (p.px1 - p.px0) / max(1, n)
    bw = slot * (0.8 if n > 1 else 0.6)
    for i, v in enumerate(chart.values):
        cx = p.px0 + slot * (i + 0.5)
        a, b = cx - bw / 2, cx + bw / 2
        if v > 0:
            c.d.rectangle((round(a), round(p.Y(v)), max(round(a), round(b) - 1), round(p.py1)), fill=cols[i])
        c.hit((a, p.py0, b, p.py1), f"{chart.labels[i]}: {v:g}" if i < len(chart.labels) else f"{v:g}")
        if i % every == 0 and i < len(labels):
            x = round(cx)
            c.d.line((x, p.py1, x, p.py1 + p.tick), fill=INK, width=c.pt(0.6))
            if rotate:
                c.rotated((x + p.th * 0.3, p.py1 + p.tick + c.pt(1)), labels[i], p.font, 30, INK)
            else:
                c.d.text((x, p.py1 + p.tick + c.pt(1)), labels[i], font=p.font, fill=INK, anchor="ma")
    if chart.line:
        pts = [(p.px0 + slot * (i + 0.5), p.Y(v)) for i, v in enumerate(chart.line)]
        marker = min(3.0 * c.s, slot * 0.2)  # smaller markers when the days crowd
        c.polyline(pts, chart.line_color, min(1.5 * c.s, max(1.0, slot * 0.15)), marker if marker >= 1.5 else 0)
        r = max(4 * c.s, slot / 2)
        for i, ((x, y), v) in enumerate(zip(pts, chart.line)):
            c.hit((x - r, y - r, x + r, y + r), f"{chart.labels[i]}: {v:g} in all")


def _legend(c: _Canvas, items: list[tuple[str, str]], at: tuple[float, float], line_color: str | None) -> None:
    f = c.font(VALUE_PT)
    th = _h(f)
    pad = c.pt(3)
    sw = c.pt(12)
    w = sw + pad * 3 + max(_w(f, s) for s, _ in items)
    h = pad * 2 + th * len(items)
    x, y = at[0] + c.pt(4), at[1] + c.pt(4)
    c.d.rectangle((x, y, x + w, y + h), fill="white", outline="#cccccc", width=1)
    for i, (s, color) in enumerate(items):
        cy = y + pad + th * (i + 0.5)
        if color == line_color:  # the line, with its marker
            c.polyline([(x + pad, cy), (x + pad + sw, cy)], color, 1.5 * c.s, 0)
            c.polyline([(x + pad + sw / 2, cy)], color, 0, 3.0 * c.s)
        else:
            c.d.rectangle((x + pad, cy - th * 0.3, x + pad + sw, cy + th * 0.3), fill=color)
        c.d.text((x + pad * 2 + sw, cy), s, font=f, fill=INK, anchor="lm")


def _hbars(c: _Canvas, chart: Chart, box) -> None:
    x0, top, x1, y1 = box
    f = c.font(TICK_PT)
    vf = c.font(VALUE_PT)
    th = _h(f)
    tick = c.pt(3)
    n = len(chart.values)
    label_w = min(max(_w(f, str(s)) for s in chart.labels), (x1 - x0) * 0.45)
    labels = [_fit(f, str(s), label_w) for s in chart.labels]
    px0, px1 = x0 + label_w + tick + c.pt(3), x1 - c.pt(4)
    py0, py1 = top, y1 - tick - th - c.pt(1) - ((th + c.pt(2)) if chart.xlabel else 0)
    if py1 - py0 < th or px1 - px0 < th * 2:
        return
    vmax = max(chart.values)
    integer = all(float(v).is_integer() for v in chart.values)
    room = max((_w(vf, f"{v:g}") for v in chart.values), default=0.0) + c.pt(5) if chart.show_values else 0.0
    # the axis reaches past the longest bar by 5%, or as far as its value label needs
    xtop = vmax * 1.05 if vmax > 0 else 1.0
    if room:
        xtop = max(xtop, vmax * (px1 - px0) / max(1.0, px1 - px0 - room))
    xt = nice_ticks(0.0, xtop, max(2, min(8, int((px1 - px0) / (th * 3.5)))), integer=integer)

    def X(v: float) -> float:
        return px0 + (px1 - px0) * v / xtop

    xstep = xt[1] - xt[0] if len(xt) > 1 else 1.0
    for t in xt:
        x = round(X(t))
        if t > 0:
            c.d.line((x, py0, x, py1), fill=GRID, width=1)
        c.d.line((x, py1, x, py1 + tick), fill=INK, width=c.pt(0.6))
        c.d.text((x, py1 + tick + c.pt(1)), tick_text(t, xstep), font=f, fill=INK, anchor="ma")
    slot = (py1 - py0) / max(1, n)
    bh = slot * 0.8
    cols = _colors(chart)
    every = max(1, math.ceil(th * 1.05 / max(1.0, slot)))
    for i, v in enumerate(chart.values):
        cy = py0 + slot * (i + 0.5)
        a, b = cy - bh / 2, cy + bh / 2
        if v > 0:
            c.d.rectangle((round(px0), round(a), round(X(v)), max(round(a), round(b) - 1)), fill=cols[i])
        c.hit((px0, a, px1, b), f"{chart.labels[i]}: {v:g}")
        if i % every == 0:
            y = round(cy)
            c.d.line((px0 - tick, y, px0, y), fill=INK, width=c.pt(0.6))
            c.d.text((px0 - tick - c.pt(2), y), labels[i], font=f, fill=INK, anchor="rm")
            if chart.show_values and bh >= _h(vf) * 0.7:
                c.d.text((X(v) + c.pt(2), y), f"{v:g}", font=vf, fill=MUTED, anchor="lm")
    c.d.rectangle((round(px0), round(py0), round(px1), round(py1)), outline=INK, width=c.pt(0.6))
    if chart.xlabel:
        c.d.text(((px0 + px1) / 2, y1), chart.xlabel, font=f, fill=INK, anchor="md")
