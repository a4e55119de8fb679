"""Hanji's own JSON Lines: everything a project holds, one document per line.

The first line is a header ``{"hanji": 1, "version", "entity_types": [...]}``; each further line is
a document with its image (``"image": "images/x.png"`` by reference, relative to the file, or
``"image_base64"`` embedded), size, SHA-256, status, type, attrs, regions (every field), links and
key-values (regions by index). Exported to a name ending in ``.jsonl`` it is one file with the
images embedded; to any other name, a folder with ``documents.jsonl`` and ``images/``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import EntityType, KeyValue, Link, Region
from hanji.errors import HanjiError
from hanji.formats.base import (
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    as_error,
    json_line,
    make_region,
    pick_image,
    plain_region,
    points_of,
)

NAME = "hanji"
DESCRIPTION = "Hanji JSON Lines: every field of a project; images embedded (.jsonl) or in images/"
WANTS_ENTITY_TYPES = True
FORMAT_VERSION = 1
DOC_FILE = "documents.jsonl"


def _file(path: Path) -> Path:
    return path / DOC_FILE if path.is_dir() else path


def detect(path: Path) -> bool:
    f = _file(path)
    if not f.is_file() or f.suffix.lower() not in (".jsonl", ".ndjson"):
        return False
    try:
        with open(f, "rb") as fh:
            head = fh.readline(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return '"hanji"' in head


def count(path: Path) -> int:
    with open(_file(path), "rb") as fh:
        return max(0, sum(1 for line in fh if line.strip()) - 1)


def read_entity_types(path: Path) -> list[EntityType]:
    f = _file(Path(path))
    with open(f, "rb") as fh:
        head = fh.readline().decode("utf-8-sig", errors="replace")
    try:
        h = json.loads(head)
    except json.JSONDecodeError:
        return []
    out = []
    for e in h.get("entity_types", []) if isinstance(h, dict) else []:
        if isinstance(e, dict) and e.get("name"):
            out.append(EntityType(**{k: e[k] for k in ("name", "color", "key", "title", "personal", "doc_type")
                                     if k in e}))
    return out


def _lines(f: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of a file read line by line (memory: one line, not the file); a line
    that is not UTF-8 ends the reading with an error naming the line and column."""
    try:
        fh = open(f, "rb")
    except FileNotFoundError as e:
        raise HanjiError("no such file", f) from e
    except OSError as e:
        raise HanjiError(f"cannot read the file: {e.strerror}", f) from e
    with fh:
        for i, raw in enumerate(fh, 1):
            try:
                yield i, raw.decode("utf-8-sig" if i == 1 else "utf-8")
            except UnicodeDecodeError as e:
                raise HanjiError("the file is not valid UTF-8", f, f"line {i}, column {e.start + 1}") from e


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    f = _file(Path(path))
    lines = _lines(f)
    first = True
    while True:
        try:
            i, line = next(lines)
        except StopIteration:
            return
        except HanjiError as e:
            yield Skipped(e)
            return
        if not line.strip():
            continue
        where = f"line {i}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Skipped(HanjiError(f"broken JSON ({e.msg})", f, f"{where}, column {e.colno}"))
            first = False
            continue
        except RecursionError:
            yield Skipped(HanjiError("the JSON is nested too deep to read", f, where))
            first = False
            continue
        if first:
            first = False
            if isinstance(obj, dict) and "hanji" in obj:
                version = obj.get("hanji")
                if not isinstance(version, int):
                    yield Skipped(HanjiError(f"the header's version is not a number: {version!r:.20}", f, where))
                    return
                if version > FORMAT_VERSION:
                    yield Skipped(HanjiError("written by a newer Hanji; update to read it", f, where))
                    return
                continue
        try:
            yield parse_document(obj, f, where)
        except (HanjiError, *SHAPE_ERRORS) as e:
            yield Skipped(as_error(e, f, where))


def parse_document(obj: Any, f: Path, where: str) -> Sample:
    if not isinstance(obj, dict) or "name" not in obj:
        raise HanjiError("a document line is a JSON object with a name", f, where)
    image_path = image_bytes = None
    if obj.get("image_base64"):
        try:
            image_bytes = base64.b64decode(obj["image_base64"], validate=True)
        except (binascii.Error, ValueError, TypeError) as e:
            raise HanjiError("image_base64 is not valid base64", f, where) from e
        if obj.get("sha256") and hashlib.sha256(image_bytes).hexdigest() != obj["sha256"]:
            raise HanjiError("the embedded image does not match its sha256", f, where)
    elif obj.get("image"):
        image_path = pick_image([f.parent / Path(obj["image"])], str(obj["image"]), f, where)
        if image_path is None:
            raise HanjiError(f"the image {obj['image']!r} is missing", f, where)
    else:
        raise HanjiError("a document needs 'image' or 'image_base64'", f, where)
    regions: list[Region] = []
    for k, r in enumerate(obj.get("regions") or []):
        plain = plain_region(r)  # what Hanji writes, built at once; anything else is checked field by field
        if plain is not None:
            regions.append(plain)
            continue
        w = f"{where}, region {k + 1}"
        if not isinstance(r, dict):
            raise HanjiError("a region is a JSON object", f, w)
        regions.append(make_region(
            f, w, points=points_of(r.get("points"), f, w), kind=r.get("kind", "quad"), text=r.get("text", ""),
            status=r.get("status", "edited"), source=r.get("source", "human"), confidence=r.get("confidence"),
            order=r.get("order"), label=r.get("label", ""), tags=list(r.get("tags") or []),
            machine_text=r.get("machine_text"), attrs=dict(r.get("attrs") or {})))
    try:
        links = [Link(int(lk["src"]), int(lk["dst"]), lk.get("key", "")) for lk in obj.get("links") or []]
        kvs = [KeyValue(kv["key"], kv["value"], [int(x) for x in kv.get("regions", [])], kv.get("source", "human"),
                        kv.get("confidence")) for kv in obj.get("keyvalues") or []]
    except (KeyError, TypeError, ValueError) as e:
        raise HanjiError(f"a link or key-value is malformed ({e.__class__.__name__}: {e})", f, where) from e
    return Sample(name=obj["name"], image_path=image_path, image_bytes=image_bytes, width=int(obj.get("width", 0)),
                  height=int(obj.get("height", 0)), regions=regions, links=links, keyvalues=kvs,
                  doc_type=obj.get("doc_type", ""), status=obj.get("status"), attrs=dict(obj.get("attrs") or {}),
                  source=f"{f}, {where}")


def region_json(r: Region) -> dict[str, Any]:
    return {"kind": r.kind, "points": [[x, y] for x, y in r.points], "text": r.text, "status": r.status,
            "source": r.source, "confidence": r.confidence, "order": r.order, "label": r.label,
            "tags": list(r.tags), "machine_text": r.machine_text, "attrs": r.attrs}


def write(samples: Iterable[Sample], out: Path, embed: Any = None,
          entity_types: list[EntityType] | None = None, **_: Any) -> list[str]:
    from hanji import __version__

    out = Path(out)
    single = out.suffix.lower() in (".jsonl", ".ndjson")
    embed = single if embed is None else str(embed).lower() in ("1", "true", "yes", "on")
    if single and not embed:
        raise HanjiError("a single .jsonl file embeds its images; export to a folder name to keep them apart",
                         out)
    f = out if single else out / DOC_FILE
    f.parent.mkdir(parents=True, exist_ok=True)
    names = NameAllocator()
    header = {"hanji": FORMAT_VERSION, "version": __version__,
              "entity_types": [{"name": e.name, "color": e.color, "key": e.key, "title": e.title,
                                "personal": e.personal, "doc_type": e.doc_type} for e in entity_types or []]}
    with open(f, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json_line(header) + "\n")
        for s in samples:
            data = s.read_image()
            d: dict[str, Any] = {"name": s.name, "width": s.width, "height": s.height,
                                 "sha256": hashlib.sha256(data).hexdigest(), "status": s.status or "new",
                                 "doc_type": s.doc_type, "attrs": s.attrs}
            if embed:
                d["image_base64"] = base64.b64encode(data).decode("ascii")
            else:
                from hanji.formats.base import image_suffix

                name = names(s.name.rsplit("/", 1)[-1], image_suffix(data))
                (out / "images").mkdir(exist_ok=True)
                (out / "images" / name).write_bytes(data)
                d["image"] = f"images/{name}"
            d["regions"] = [region_json(r) for r in s.regions]
            d["links"] = [{"src": lk.src, "dst": lk.dst, "key": lk.key} for lk in s.links]
            d["keyvalues"] = [{"key": kv.key, "value": kv.value, "regions": list(kv.region_ids),
                               "source": kv.source, "confidence": kv.confidence} for kv in s.keyvalues]
            fh.write(json_line(d) + "\n")
    return []
