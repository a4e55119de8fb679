"""Finding fonts that can render Korean: the shipped Nanum Gothic, then the system's."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hanji.resources import resource_path

SYSTEM_FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                    Path("C:/Windows/Fonts"), Path("/Library/Fonts"), Path("/System/Library/Fonts")]
# name fragments of fonts known to cover the KS X 1001 Hangul syllables
KOREAN_HINTS = ("nanum", "noto sans cjk", "notosanscjk", "notoserifcjk", "noto serif cjk", "un", "malgun",
                "gulim", "batang", "dotum", "applegothic", "applesd")


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
            if not any(h in p.name.lower() for h in KOREAN_HINTS):
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
