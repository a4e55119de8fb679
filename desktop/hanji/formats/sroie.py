"""ICDAR 2019 SROIE (scanned receipts): ``box/NNN.csv`` (``x1,y1,...,x4,y4,text`` per line, split on
the first 8 commas), ``key/NNN.json`` (company, date, address, total), ``img/NNN.jpg``.

The original release's flat layout (image and box ``.txt`` side by side, no keys) reads as
``icdar2015``. Key fields become the document's key-values (not tied to regions: SROIE does not
say which box holds them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import KeyValue
from hanji.errors import HanjiError
from hanji.formats.base import (
    IMAGE_SUFFIXES,
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    as_error,
    load_json,
    write_image,
    write_lines,
    write_text,
)
from hanji.formats.icdar import parse_quad_line as _parse
from hanji.formats.icdar import quad_line, quad_region

NAME = "sroie"
DESCRIPTION = "SROIE receipts: box/*.csv quads + text, key/*.json company/date/address/total, img/"
KEYS = ("company", "date", "address", "total")


def _layout(path: Path) -> tuple[Path, Path, Path] | None:
    """(box folder, key folder, image folder)."""
    if (path / "box").is_dir() and ((path / "img").is_dir() or (path / "image").is_dir()):
        img = path / "img" if (path / "img").is_dir() else path / "image"
        return path / "box", path / "key", img
    return None


def detect(path: Path) -> bool:
    return path.is_dir() and _layout(path) is not None


def _boxes(box_dir: Path) -> list[Path]:
    return sorted(f for f in box_dir.iterdir() if f.suffix.lower() in (".csv", ".txt") and f.is_file())


def count(path: Path) -> int:
    lay = _layout(path)
    return len(_boxes(lay[0])) if lay else 0


def read_boxes(path: Path) -> list:
    from hanji.formats.base import read_text

    regions = []
    for i, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        pts, text = _parse(line.rstrip("\r"), path, i)
        regions.append(quad_region(pts, text, path, f"line {i}", dont_care=False))
    return regions


def read_keys(path: Path) -> list[KeyValue]:
    data = load_json(path)
    if not isinstance(data, dict):
        raise HanjiError("a SROIE key file is a JSON object of fields", path)
    out = []
    for k, v in data.items():
        if not isinstance(v, str):
            raise HanjiError(f"field {k!r} must be text, got {type(v).__name__}", path, f"field {k!r}")
        out.append(KeyValue(k, v))
    return out


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    path = Path(path)
    lay = _layout(path)
    if lay is None:
        yield Skipped(HanjiError("not a SROIE folder (expected box/ and img/ inside)", path))
        return
    box_dir, key_dir, img_dir = lay
    images = {f.stem: f for f in sorted(img_dir.iterdir()) if f.suffix.lower() in IMAGE_SUFFIXES}
    for box in _boxes(box_dir):
        img = images.get(box.stem)
        if img is None:
            yield Skipped(HanjiError(f"no image {box.stem}.* in {img_dir.name}/ for this box file", box))
            continue
        try:
            regions = read_boxes(box)
            key = key_dir / f"{box.stem}.json"
            kvs = read_keys(key) if key.is_file() else []
        except (HanjiError, *SHAPE_ERRORS) as e:
            yield Skipped(as_error(e, box, None))
            continue
        yield Sample(name=img.name, image_path=img, regions=regions, keyvalues=kvs, doc_type="receipt",
                     source=str(box))


def write(samples: Iterable[Sample], out: Path, **_: Any) -> list[str]:
    out = Path(out)
    for d in ("box", "key", "img"):
        (out / d).mkdir(parents=True)
    names = NameAllocator()
    dup_keys = 0
    for s in samples:
        img_name, _ = write_image(out / "img", names, s)
        stem = img_name.rsplit(".", 1)[0]
        write_lines(out / "box" / f"{stem}.csv", [quad_line(r, False, s.width, s.height) for r in s.regions])
        keys: dict[str, str] = {}
        for kv in s.keyvalues:
            if kv.key in keys:
                dup_keys += 1
                continue
            keys[kv.key] = kv.value
        write_text(out / "key" / f"{stem}.json", json.dumps(keys, ensure_ascii=False, indent=4) + "\n")
    return [f"{dup_keys} repeated key-values dropped (SROIE holds one value per key)"] if dup_keys else []
