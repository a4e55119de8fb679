"""Format names, the module behind each, and detection of the format of a file or folder."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from hanji.errors import HanjiError

# name -> module in hanji.formats; detection tries them in this order (most specific first)
FORMATS: dict[str, str] = {
    "hanji": "hanji_jsonl",
    "labelstudio": "labelstudio",
    "xanylabeling-kie": "xanylabeling",
    "ppocrlabel": "ppocrlabel",
    "paddleocr": "paddleocr",
    "donut": "donut",
    "xfund": "xfund",
    "funsd": "funsd",
    "cord": "cord",
    "labelme": "labelme",
    "sroie": "sroie",
    "icdar2015": "icdar",
    "conll": "conll",
}
ALIASES = {"icdar": "icdar2015", "hanji-jsonl": "hanji", "jsonl": "hanji", "label-studio": "labelstudio",
           "ppocr": "ppocrlabel", "x-anylabeling": "xanylabeling-kie", "ppocr-kie": "xanylabeling-kie",
           "bio": "conll"}


def names() -> list[str]:
    return list(FORMATS)


def canonical(name: str) -> str:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise HanjiError(f"unknown format {name!r}; known formats: {', '.join(FORMATS)}")
    return key


def get(name: str) -> ModuleType:
    """The module of a format, by name or alias."""
    return importlib.import_module(f"hanji.formats.{FORMATS[canonical(name)]}")


def detect(path: str | Path) -> str:
    """The name of the format of ``path`` (a file or folder), or a HanjiError saying none fits."""
    path = Path(path)
    if not path.exists():
        raise HanjiError("no such file or folder", path)
    for name in FORMATS:
        mod = get(name)
        if getattr(mod, "CAN_READ", True):
            try:
                if mod.detect(path):
                    return name
            except (HanjiError, OSError, ValueError):
                continue
    raise HanjiError("cannot tell the format of this file or folder; name it with --format "
                     f"({', '.join(FORMATS)})", path)


def check_options(mod: ModuleType, fn: str, options: dict[str, Any] | None, path: Path) -> None:
    """An option the format's reader or writer does not take is a mistake worth saying."""
    import inspect

    skip = 1 if fn == "read" else 2  # read(path, ...), write(samples, out, ...)
    known = [p.name for p in list(inspect.signature(getattr(mod, fn)).parameters.values())[skip:]
             if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in ("entity_types", "final_path")]
    bad = sorted(set(options or {}) - set(known))
    if bad:
        what = "importing" if fn == "read" else "exporting"
        raise HanjiError(f"{mod.NAME} takes no option {', '.join(bad)} when {what}"
                         + (f" (it takes: {', '.join(known)})" if known else " (it takes none)"), path)
