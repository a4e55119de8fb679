"""Finding fonts that can render Korean: the shipped Nanum Gothic, then the system's."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hanji.resources import resource_path

SYSTEM_FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                    Path("C:/Windows/Fonts"), Path("/Library/Fonts"), Path("/System/Library/Fonts")]
# name fragments of fonts known to cover the KS X 1001 Hangul syllables
KOREAN_HINTS = ("nanum", "noto sans cjk", "notosanscjk", "notoserifcjk", "noto serif cjk", "un", "malgun",
                "gulim", "batang", "dotum", "applegothic", "applesd", "d2coding", "baekmuk", "hline")


def shipped_fonts() -> list[Path]:
    d = resource_path("fonts")
    return sorted(p for p in d.glob("*.tt[fc]")) + sorted(d.glob("*.otf")) if d.exists() else []


@lru_cache(maxsize=1)
def system_korean_fonts() -> list[Path]:
    """Font files on this machine that render Hangul (checked by glyph coverage, not by name only)."""
    from PIL import ImageFont

    found = []
    for d in SYSTEM_FONT_DIRS:
        if not d.exists():
            continue
        for p in sorted(d.rglob("*")):
            if p.suffix.lower() not in (".ttf", ".otf", ".ttc"):
                continue
            if not any(h in p.name.lower() or h in p.parent.name.lower() for h in KOREAN_HINTS):
                continue
            try:
                f = ImageFont.truetype(str(p), 24)
                if f.getmask("한글").getbbox() and f.getbbox("가")[2] > 8:
                    found.append(p)
            except OSError:
                continue
    return found


def korean_fonts() -> list[Path]:
    """Every usable Korean font: shipped ones first, then the system's (deduplicated by name)."""
    seen, out = set(), []
    for p in shipped_fonts() + system_korean_fonts():
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


# cmap subtables by preference (platform, encoding), as fontTools' getBestCmap: full Unicode first
_CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def cmap_chars(path: str | Path, index: int = 0) -> frozenset[str]:
    """The characters a TrueType/OpenType font (face ``index`` of a ``.ttc`` collection) maps to a
    glyph, read from its best Unicode ``cmap`` subtable (formats 0, 4, 6, 12 and 13)."""
    import struct

    data = Path(path).read_bytes()

    def u16(o: int) -> int:
        return struct.unpack_from(">H", data, o)[0]

    def u32(o: int) -> int:
        return struct.unpack_from(">I", data, o)[0]

    base = 0
    if data[:4] == b"ttcf":
        if index >= u32(8):
            raise ValueError(f"{path}: no face {index}")
        base = u32(12 + 4 * index)
    cmap = next((u32(base + 12 + 16 * i + 8) for i in range(u16(base + 4))
                 if data[base + 12 + 16 * i:base + 16 + 16 * i] == b"cmap"), None)
    if cmap is None:
        return frozenset()
    subtables = {(u16(cmap + 4 + 8 * i), u16(cmap + 6 + 8 * i)): cmap + u32(cmap + 8 + 8 * i)
                 for i in range(u16(cmap + 2))}
    usable = [subtables[k] for k in _CMAP_PREFERENCE if k in subtables and u16(subtables[k]) in (0, 4, 6, 12, 13)]
    if not usable:
        return frozenset()
    o = usable[0]
    fmt = u16(o)
    codes: set[int] = set()
    if fmt == 0:
        codes = {c for c in range(256) if data[o + 6 + c]}
    elif fmt == 6:
        first, count = u16(o + 6), u16(o + 8)
        codes = {first + i for i in range(count) if u16(o + 10 + 2 * i)}
    elif fmt == 4:
        n = u16(o + 6) // 2
        ends, starts = o + 14, o + 16 + 2 * n
        deltas, ranges = starts + 2 * n, starts + 4 * n
        for s in range(n):
            end, start = u16(ends + 2 * s), u16(starts + 2 * s)
            delta, ro = u16(deltas + 2 * s), u16(ranges + 2 * s)
            for c in range(start, min(end, 0xFFFE) + 1):
                if ro == 0:
                    gid = (c + delta) & 0xFFFF
                else:
                    g = u16(ranges + 2 * s + ro + 2 * (c - start))
                    gid = (g + delta) & 0xFFFF if g else 0
                if gid:
                    codes.add(c)
    else:  # 12, 13: groups of (first, last, glyph)
        for g in range(u32(o + 12)):
            first, last, gid = struct.unpack_from(">III", data, o + 16 + 12 * g)
            if fmt == 13 and gid == 0:
                continue
            start = first if fmt == 13 or gid else first + 1  # format 12: glyph 0 only for the first
            codes.update(range(start, min(last, 0x10FFFF) + 1))
    return frozenset(chr(c) for c in codes if not 0xD800 <= c <= 0xDFFF)
