"""Donut-style dataset: ``metadata.jsonl`` lines ``{"file_name", "ground_truth": "{\\"gt_parse\\": {...}}"}``
beside the images, for end-to-end models that read a document straight into JSON.

``gt_parse`` is built from the document's key-values: a key ``menu.0.nm`` is nested as
``{"menu": [{"nm": ...}]}``. A document with no key-values but with labelled regions (CORD
categories such as ``menu.nm`` with a line group) gets its ``gt_parse`` from them. Reading turns
``gt_parse`` back into key-values (no regions: Donut data has no boxes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import KeyValue
from hanji.errors import HanjiError
from hanji.formats.base import (
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    file_head,
    json_line,
    pick_image,
    read_text,
    write_image,
    write_lines,
)

NAME = "donut"
DESCRIPTION = "Donut: metadata.jsonl (file_name + ground_truth gt_parse JSON) + images"
META = "metadata.jsonl"


def _file(path: Path) -> Path:
    return path / META if path.is_dir() else path


def detect(path: Path) -> bool:
    f = _file(path)
    if not f.is_file() or f.suffix != ".jsonl":
        return False
    head = file_head(f, 2000)
    return head is not None and '"ground_truth"' in head and '"file_name"' in head


def count(path: Path) -> int:
    return sum(1 for line in read_text(_file(path)).splitlines() if line.strip())


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(obj, dict):
        return [kv for k, v in obj.items() for kv in flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(obj, list):
        return [kv for i, v in enumerate(obj) for kv in flatten(v, f"{prefix}.{i}")]
    return [(prefix, "" if obj is None else str(obj))]


def nest(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.split(".")
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                idx = int(part)
                while len(node) <= idx:
                    node.append(None)
                if last:
                    node[idx] = value
                else:
                    if node[idx] is None:
                        node[idx] = [] if nxt_is_index else {}
                    node = node[idx]
            else:
                if last:
                    if part in node:  # a repeated key: keep every value
                        prev = node[part]
                        node[part] = (prev if isinstance(prev, list) else [prev]) + [value]
                    else:
                        node[part] = value
                else:
                    if part not in node or not isinstance(node[part], (dict, list)):
                        node[part] = [] if nxt_is_index else {}
                    node = node[part]
    return root


def gt_parse(s: Sample) -> dict[str, Any]:
    if s.keyvalues:
        return nest((kv.key, kv.value) for kv in s.keyvalues)
    # from labelled regions (CORD style: category "menu.nm", line group_id)
    groups: dict[tuple[str, Any], dict[str, list[str]]] = {}
    order: list[tuple[str, Any]] = []
    for r in s.regions:
        if not r.label or not r.text:
            continue
        head, _, field = r.label.partition(".")
        c = r.attrs.get("cord") or {}
        g = (head, c.get("group_id") if field else None)
        if g not in groups:
            groups[g] = {}
            order.append(g)
        groups[g].setdefault(field or head, []).append(r.text)
    out: dict[str, Any] = {}
    for head, gid in order:
        fields = {k: " ".join(v) for k, v in groups[(head, gid)].items()}
        if gid is None and list(fields) == [head]:
            out[head] = fields[head]
            continue
        out.setdefault(head, []).append(fields)
    for k, v in out.items():
        if isinstance(v, list) and len(v) == 1:
            out[k] = v[0]
    return out


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    f = _file(Path(path))
    try:
        text = read_text(f)
    except HanjiError as e:
        yield Skipped(e)
        return
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {i}"
        try:
            obj = json.loads(line)
            gt = obj["ground_truth"]
            gt = json.loads(gt) if isinstance(gt, str) else gt
            parse = gt.get("gt_parse", gt)
            img = pick_image([f.parent / obj["file_name"]], str(obj["file_name"]), f, where)
            if img is None:
                raise HanjiError(f"the image {obj['file_name']!r} is missing", f, where)
        except json.JSONDecodeError as e:
            yield Skipped(HanjiError(f"broken JSON ({e.msg})", f, where))
            continue
        except SHAPE_ERRORS as e:
            yield Skipped(HanjiError(f"a line needs file_name and ground_truth ({e})", f, where))
            continue
        except HanjiError as e:
            yield Skipped(e)
            continue
        kvs = [KeyValue(k, v) for k, v in flatten(parse)]
        yield Sample(name=img.name, image_path=img, keyvalues=kvs, source=f"{f}, {where}")


def write(samples: Iterable[Sample], out: Path, **_: Any) -> list[str]:
    out = Path(out)
    out.mkdir(parents=True)
    names = NameAllocator()
    lines = []
    empty = 0
    for s in samples:
        img_name, _ = write_image(out, names, s)
        parse = gt_parse(s)
        empty += not parse
        lines.append(json_line({"file_name": img_name, "ground_truth": json_line({"gt_parse": parse})}))
    write_lines(out / META, lines)
    return [f"{empty} documents had no key-values or labelled regions (empty gt_parse)"] if empty else []
