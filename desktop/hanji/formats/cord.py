"""CORD (receipts): ``json/NAME.json`` beside ``image/NAME.png``. ``valid_line`` is a list of lines,
each with ``words`` (``quad`` x1..y4, ``text``, ``is_key``, ``row_id``), a ``category`` such as
``menu.nm`` and a ``group_id``; ``meta.image_size`` gives the size.

Each word becomes a quad region labelled with its line's category and BIO-tagged (the first word
of a line ``B-``, the rest ``I-``); the line, group, sub-group, is_key and row_id are kept in
``attrs["cord"]``, so the lines are rebuilt on export. ``roi``, ``dontcare`` and
``repeating_symbol`` are kept in the document's attrs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import Region
from hanji.domain.text import tokens
from hanji.errors import HanjiError
from hanji.formats.base import (
    NameAllocator,
    Sample,
    Skipped,
    heads_match,
    load_json,
    make_region,
    num,
    numbers_of,
    read_pairs,
    root_above,
    with_images,
    write_image,
    write_text,
)
from hanji.formats.icdar import quad_points
from hanji.formats.ppocrlabel import is_axis_rect

NAME = "cord"
DESCRIPTION = "CORD receipts: json/*.json (valid_line words with quads, category, group_id) + image/"
KEEP = ("roi", "dontcare", "repeating_symbol")


def dataset_root(path: Path) -> Path:
    """``json/X.json`` keeps its image in ``../image/``: the folder above is the dataset's."""
    return root_above(path, "json")


def _pairs(path: Path) -> list[tuple[Path, Path | None]]:
    if path.is_file():
        files = [path]
    else:
        files = sorted(f for f in path.rglob("*.json") if f.parent.name == "json") or sorted(path.glob("*.json"))
    return with_images(files, ("image", "images"))


def detect(path: Path) -> bool:
    return heads_match([f for f, _ in _pairs(path)[:3]], 3000, lambda head: '"valid_line"' in head)


def count(path: Path) -> int:
    return len(_pairs(path))


def _quad(q: Any, f: Path, where: str) -> list[tuple[float, float]]:
    if not isinstance(q, dict):
        raise HanjiError("a word's quad is {x1, y1, ..., x4, y4}", f, where)
    try:
        vals = [q[f"{a}{i}"] for i in range(1, 5) for a in "xy"]
    except KeyError as e:
        raise HanjiError(f"the quad lacks {e.args[0]}", f, where) from e
    v = numbers_of([str(x) for x in vals], f, where)
    return [(v[i], v[i + 1]) for i in range(0, 8, 2)]


def parse(data: Any, f: Path) -> tuple[list[Region], dict[str, Any], tuple[int, int]]:
    if not isinstance(data, dict) or not isinstance(data.get("valid_line"), list):
        raise HanjiError("a CORD file is a JSON object with a 'valid_line' list", f)
    regions: list[Region] = []
    for li, line in enumerate(data["valid_line"]):
        lw = f"valid_line {li + 1}"
        if not isinstance(line, dict) or not isinstance(line.get("words"), list):
            raise HanjiError("a line needs a 'words' list", f, lw)
        cat = str(line.get("category", ""))
        first = True
        for wi, word in enumerate(line["words"]):
            w = f"{lw}, word {wi + 1}"
            if not isinstance(word, dict):
                raise HanjiError("a word is a JSON object", f, w)
            text = word.get("text", "")
            if not isinstance(text, str):
                raise HanjiError("a word's text must be text", f, w)
            n = len(tokens(text))
            tags = [("B-" if first and i == 0 else "I-") + cat for i in range(n)] if cat else ["O"] * n
            first = first and n == 0
            attrs = {"cord": {"line": li, "group_id": line.get("group_id"), "sub_group_id": line.get("sub_group_id"),
                              "is_key": word.get("is_key", 0), "row_id": word.get("row_id")}}
            pts = _quad(word.get("quad"), f, w)
            regions.append(make_region(f, w, points=pts, kind="rect" if is_axis_rect(pts) else "quad", text=text,
                                       status="confirmed", label=cat, tags=tags, attrs=attrs))
    meta = data.get("meta") or {}
    size = meta.get("image_size") or {}
    attrs = {"cord": {k: data[k] for k in KEEP if data.get(k)}}
    m = {k: v for k, v in meta.items() if k != "image_size"}
    if m:
        attrs["cord"]["meta"] = m
    if not attrs["cord"]:
        attrs = {}
    return regions, attrs, (int(size.get("width") or 0), int(size.get("height") or 0))


def _sample(f: Path, img: Path | None) -> Sample:
    if img is None:
        raise HanjiError(f"no image {f.stem}.* in image/ beside json/", f)
    regions, attrs, (w, h) = parse(load_json(f), f)
    return Sample(name=img.name, image_path=img, width=w, height=h, regions=regions, doc_type="receipt",
                  attrs=attrs, source=str(f))


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    yield from read_pairs(_pairs(Path(path)), path, "no CORD json/*.json files here", _sample)


def to_json(s: Sample) -> dict[str, Any]:
    lines: dict[Any, dict[str, Any]] = {}
    order: list[Any] = []
    for k, r in enumerate(s.regions):
        c = r.attrs.get("cord") or {}
        key = ("line", c["line"]) if "line" in c else ("region", k)
        if key not in lines:
            lines[key] = {"words": [], "category": r.label, "group_id": c.get("group_id", len(order)),
                          "sub_group_id": c.get("sub_group_id", 0)}
            order.append(key)
        q = quad_points(r, s.width, s.height)
        quad = {f"{a}{i + 1}": num(p[j]) for i, p in enumerate(q) for j, a in enumerate("xy")}
        lines[key]["words"].append({"quad": quad, "is_key": c.get("is_key", 0), "row_id": c.get("row_id"),
                                    "text": r.text})
    keep = dict(s.attrs.get("cord") or {})
    meta = dict(keep.pop("meta", {}))
    meta["image_size"] = {"width": s.width, "height": s.height}
    d: dict[str, Any] = {"dontcare": [], "valid_line": [lines[k] for k in order], "meta": meta, "roi": {},
                         "repeating_symbol": []}
    d.update(keep)
    return d


def write(samples: Iterable[Sample], out: Path, **_: Any) -> list[str]:
    out = Path(out)
    (out / "json").mkdir(parents=True)
    names = NameAllocator()
    for s in samples:
        img_name, _ = write_image(out / "image", names, s)
        write_text(out / "json" / f"{img_name.rsplit('.', 1)[0]}.json",
                   json.dumps(to_json(s), ensure_ascii=False, indent=2) + "\n")
    return []
