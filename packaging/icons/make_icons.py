"""Draw Hanji's icon in code: a sheet of cream hanji paper with 한 in ink, framed by a blue
annotation quad with corner handles (what the app draws around a text region).

    python packaging/icons/make_icons.py OUT_DIR

writes OUT_DIR/hanji.svg (the glyph as a path, so no font is needed to show it), hanji-N.png for
the hicolor sizes, hanji.png (256 px), hanji.ico (Windows) and hanji.icns (macOS). Needs Pillow and
fontTools (Pillow comes with Hanji; the build scripts install fontTools into their build venv, the dev
extra brings it through matplotlib) and the shipped
Nanum Gothic Bold.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parents[1] / "resources" / "fonts" / "NanumGothicBold.ttf"
GLYPH = "한"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
PAPER, EDGE, INK, QUAD = "#f4ecd8", "#c9b48a", "#2b2118", "#2f6fdf"

# geometry on a 256-unit canvas
RADIUS, MARGIN = 40, 12
QUAD_BOX = (58, 50, 198, 206)
GLYPH_BOX = (72, 66, 184, 190)  # where the glyph's ink is fitted


def glyph_svg_path() -> tuple[str, tuple[float, float, float, float]]:
    """The glyph outline as an SVG path, mapped into GLYPH_BOX (y pointing down)."""
    font = TTFont(str(FONT))
    gs = font.getGlyphSet()
    name = font.getBestCmap()[ord(GLYPH)]
    from fontTools.pens.boundsPen import BoundsPen

    bp = BoundsPen(gs)
    gs[name].draw(bp)
    x0, y0, x1, y1 = bp.bounds
    bx0, by0, bx1, by1 = GLYPH_BOX
    s = min((bx1 - bx0) / (x1 - x0), (by1 - by0) / (y1 - y0))
    ox = bx0 + ((bx1 - bx0) - s * (x1 - x0)) / 2 - s * x0
    oy = by0 + ((by1 - by0) - s * (y1 - y0)) / 2 + s * y1
    pen = SVGPathPen(gs, ntos=lambda v: f"{v:.1f}")
    gs[name].draw(TransformPen(pen, (s, 0, 0, -s, ox, oy)))
    return pen.getCommands(), (s, ox, oy, 0)


def svg_text() -> str:
    path, _ = glyph_svg_path()
    qx0, qy0, qx1, qy1 = QUAD_BOX
    handles = "".join(
        f'<rect x="{x - 7}" y="{y - 7}" width="14" height="14" fill="#ffffff" stroke="{QUAD}" stroke-width="4"/>'
        for x, y in ((qx0, qy0), (qx1, qy0), (qx1, qy1), (qx0, qy1))
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">\n'
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{256 - 2 * MARGIN}" height="{256 - 2 * MARGIN}" rx="{RADIUS}" '
        f'fill="{PAPER}" stroke="{EDGE}" stroke-width="4"/>\n'
        f'<path d="{path}" fill="{INK}"/>\n'
        f'<rect x="{qx0}" y="{qy0}" width="{qx1 - qx0}" height="{qy1 - qy0}" fill="none" stroke="{QUAD}" '
        f'stroke-width="6"/>\n{handles}\n</svg>\n'
    )


def master() -> Image.Image:
    """The icon drawn once at 1024 px (4x the 256-unit canvas); smaller sizes are scaled from it."""
    k = 4 * 256
    f = k / 256
    im = Image.new("RGBA", (k, k), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([MARGIN * f, MARGIN * f, (256 - MARGIN) * f, (256 - MARGIN) * f], radius=RADIUS * f,
                        fill=PAPER, outline=EDGE, width=int(4 * f))
    bx0, by0, bx1, by1 = (v * f for v in GLYPH_BOX)
    font = ImageFont.truetype(str(FONT), int((by1 - by0) * 1.2))
    left, top, right, bottom = d.textbbox((0, 0), GLYPH, font=font)
    scale = min((bx1 - bx0) / (right - left), (by1 - by0) / (bottom - top))
    font = ImageFont.truetype(str(FONT), max(1, int((by1 - by0) * 1.2 * scale)))
    left, top, right, bottom = d.textbbox((0, 0), GLYPH, font=font)
    d.text((bx0 + ((bx1 - bx0) - (right - left)) / 2 - left, by0 + ((by1 - by0) - (bottom - top)) / 2 - top), GLYPH, font=font, fill=INK)
    qx0, qy0, qx1, qy1 = (v * f for v in QUAD_BOX)
    d.rectangle([qx0, qy0, qx1, qy1], outline=QUAD, width=int(6 * f))
    for x, y in ((qx0, qy0), (qx1, qy0), (qx1, qy1), (qx0, qy1)):
        h = 7 * f
        d.rectangle([x - h, y - h, x + h, y + h], fill="#ffffff", outline=QUAD, width=int(4 * f))
    return im


def make(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    (out / "hanji.svg").write_text(svg_text(), encoding="utf-8")
    written.append(out / "hanji.svg")
    big = master()
    images = {s: big.resize((s, s), Image.LANCZOS) for s in SIZES}
    for s, im in images.items():
        p = out / f"hanji-{s}.png"
        im.save(p)
        written.append(p)
    images[256].save(out / "hanji.png")
    images[256].save(out / "hanji.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    images[512].save(out / "hanji.icns")
    written += [out / "hanji.png", out / "hanji.ico", out / "hanji.icns"]
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_icons.py OUT_DIR")
    for p in make(Path(sys.argv[1])):
        print(p)
