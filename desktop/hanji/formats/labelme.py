"""labelme JSON: one file per image with ``shapes`` (label, points, shape_type, group_id, flags,
description), ``imagePath`` and, when embedded, ``imageData`` (base64).

Rectangles and polygons become regions (a 4-point polygon a quad, X-AnyLabeling's ``rotation`` a
quad); the region's class is the shape's ``label`` and its text the ``description`` (X-AnyLabeling's
OCR convention; ``text_from=label`` reads the label as the text instead). Other shapes (circle,
line, point, linestrip, mask) are not regions: they are kept whole in the document's attrs and
written back in place. What labelme has no field for (status, tags, links, key-values, reading
order) rides along in ``hanji_*`` keys, which labelme keeps when it saves a file.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.bio import entity_of
from hanji.domain.model import KeyValue, Link, Region
from hanji.errors import HanjiError
from hanji.formats.base import (
    SHAPE_ERRORS,
    NameAllocator,
    Note,
    Sample,
    Skipped,
    as_error,
    load_json,
    make_region,
    num,
    pick_image,
    points_of,
    sniff_json,
    write_image,
    write_text,
)

NAME = "labelme"
DESCRIPTION = "labelme JSON per image (rectangle/polygon shapes, imagePath or embedded imageData)"
REGION_SHAPES = {"rectangle", "polygon", "rotation", "quadrilateral"}
PASS_KEYS = ("group_id", "flags", "attributes", "direction", "mask", "description")
LABELME_EMPTY = [("group_id", None), ("flags", {}), ("description", "")]  # written anyway
XANY_KEYS = ("difficult", "score", "kie_linking")
KNOWN_KEYS = {"label", "points", "shape_type", "group_id", "flags", "description", "mask", "difficult",
              "score", "kie_linking", "attributes", "direction"}
DEFAULT_STATUS = "confirmed"
VERSION = "5.5.0"


def detect(path: Path) -> bool:
    files = [path] if path.is_file() else sorted(path.glob("*.json"))[:3] or sorted(path.rglob("*.json"))[:3]
    for f in files:
        if f.suffix.lower() != ".json":
            return False
        data = sniff_json(f)
        if isinstance(data, dict) and isinstance(data.get("shapes"), list) and (
                "imagePath" in data or "imageData" in data):
            return True
    return False


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(f for f in path.rglob("*.json") if not any(p.startswith(".") for p in f.parts))


def count(path: Path) -> int:
    return len(_files(path))


def read(path: Path, text_from: str = "description", **options: Any) -> Iterator[Sample | Skipped | Note]:
    path = Path(path)
    files = _files(path)
    if not files:
        yield Skipped(HanjiError("no labelme .json files here", path))
        return
    for f in files:
        try:
            data = load_json(f)
            if path.is_dir() and (not isinstance(data, dict) or "shapes" not in data):
                yield Note("not a labelme file (no shapes); left out", str(f))
                continue
            sample, notes = parse(data, f, text_from)
        except (HanjiError, *SHAPE_ERRORS) as e:
            yield Skipped(as_error(e, f, None))
            continue
        yield from notes
        yield sample


def parse(data: Any, f: Path, text_from: str = "description") -> tuple[Sample, list[Note]]:
    if not isinstance(data, dict):
        raise HanjiError("a labelme file is a JSON object", f)
    shapes = data.get("shapes")
    if not isinstance(shapes, list):
        raise HanjiError("'shapes' must be a list", f)
    image_bytes = None
    image_path = None
    if data.get("imageData"):
        try:
            image_bytes = base64.b64decode(data["imageData"], validate=True)
        except (binascii.Error, ValueError, TypeError) as e:
            raise HanjiError("imageData is not valid base64", f, "imageData") from e
    ref = data.get("imagePath")
    if image_bytes is None:
        if not isinstance(ref, str) or not ref:
            raise HanjiError("no imagePath and no imageData", f)
        ref_ = ref.replace("\\", "/")
        image_path = pick_image([f.parent / ref_, f.parent / ref_.rsplit("/", 1)[-1]], ref, f, "imagePath")
        if image_path is None:
            raise HanjiError(f"the image {ref!r} named by imagePath is missing", f, "imagePath")
    name = (ref.replace("\\", "/").rsplit("/", 1)[-1] if isinstance(ref, str) and ref else f.stem + ".png")
    regions: list[Region] = []
    others: list[dict[str, Any]] = []
    group_ids: dict[Any, int] = {}
    kie_pairs: list[tuple[Any, Any]] = []
    notes: list[Note] = []
    assigned = {g for g in data.get("hanji_link_groups") or [] if isinstance(g, int)}
    for k, sh in enumerate(shapes):
        where = f"shape {k + 1}"
        if not isinstance(sh, dict):
            raise HanjiError("a shape is a JSON object", f, where)
        st = sh.get("shape_type") or "polygon"
        if st not in REGION_SHAPES:
            others.append({"index": k, "shape": sh})
            notes.append(Note(f"a {st} shape is not a text region; kept in the document's attrs", str(f), where))
            continue
        pts = points_of(sh.get("points"), f, where)
        region = _region(sh, st, pts, f, where, text_from)
        if sh.get("group_id") is not None:
            group_ids.setdefault(sh["group_id"], len(regions))
            if sh["group_id"] in assigned:  # a group id Hanji gave only to carry a link: not the region's own
                region.attrs.get("labelme", {}).pop("group_id", None)
                if region.attrs.get("labelme") == {}:
                    del region.attrs["labelme"]
        for pair in sh.get("kie_linking") or []:
            if isinstance(pair, (list, tuple)) and len(pair) == 2:
                kie_pairs.append((pair[0], pair[1]))
        regions.append(region)
    links = _links(data, regions, group_ids, kie_pairs, f)
    kvs = []
    for i, kv in enumerate(data.get("hanji_keyvalues") or []):
        try:
            kvs.append(KeyValue(kv["key"], kv["value"], list(kv.get("regions", [])), kv.get("source", "human"),
                                kv.get("confidence")))
        except (KeyError, TypeError) as e:
            raise HanjiError("a key-value needs key and value", f, f"hanji_keyvalues[{i}]") from e
    doc = data.get("hanji_document") or {}
    attrs: dict[str, Any] = dict(doc.get("attrs") or {})
    lm = {k: data[k] for k in ("flags",) if k in data and data[k] != {}}
    if isinstance(data.get("version"), str) and data["version"] != VERSION:
        lm["version"] = data["version"]  # X-AnyLabeling's own version numbers (2.x) go back as they came
    extra = {k: v for k, v in data.items() if k not in {"version", "flags", "shapes", "imagePath", "imageData",
                                                          "imageHeight", "imageWidth"} and not k.startswith("hanji_")}
    if extra:
        lm["extra"] = extra
    if others:
        lm["other_shapes"] = others
    if lm:
        attrs["labelme"] = lm
    return Sample(
        name=name, image_path=image_path, image_bytes=image_bytes, width=_int(data.get("imageWidth"), f),
        height=_int(data.get("imageHeight"), f), regions=regions, links=links, keyvalues=kvs,
        doc_type=doc.get("doc_type", ""), status=doc.get("status"), attrs=attrs, source=str(f),
    ), notes


def _int(v: Any, f: Path) -> int:
    if v is None:
        return 0
    try:
        return int(v)
    except (TypeError, ValueError) as e:
        raise HanjiError(f"image size must be a number, got {v!r:.20}", f) from e


def _region(sh: dict[str, Any], st: str, pts: list, f: Path, where: str, text_from: str) -> Region:
    kind = sh.get("hanji_kind")
    if kind is None:
        if st == "rectangle":
            kind = "rect"
        elif len(pts) == 4:
            kind = "quad"
        else:
            kind = "polygon"
    if st == "rectangle" and len(pts) not in (2, 4):
        raise HanjiError(f"a rectangle has 2 points, got {len(pts)}", f, where)
    if st != "rectangle" and len(pts) < 3:
        raise HanjiError(f"a {st} needs at least 3 points, got {len(pts)}", f, where)
    label = sh.get("label") or ""
    text = sh.get("description") or ""
    if "hanji_label" in sh:
        label = sh["hanji_label"]
    if text_from == "label":
        text, label = label, ""
    if not isinstance(text, str) or not isinstance(label, str):
        raise HanjiError("label and description must be text", f, where)
    status = sh.get("hanji_status") or ("difficult" if sh.get("difficult") is True else DEFAULT_STATUS)
    conf = sh.get("hanji_confidence", sh.get("score"))
    attrs: dict[str, Any] = dict(sh.get("hanji_attrs") or {})
    lm = {k: sh[k] for k in ("group_id", "flags", "attributes", "direction", "mask")
          if sh.get(k) not in (None, {}, [], "")}
    # what labelme writes empty is left out above; a null or {} another tool wrote is kept as it was
    empty = {k: sh[k] for k in PASS_KEYS
             if k in sh and sh[k] in (None, {}, [], "") and (k, sh[k]) not in LABELME_EMPTY}
    if empty:
        lm["empty"] = empty
    # X-AnyLabeling's keys are written back from the region; which ones it wrote empty is kept
    derived = [k for k in XANY_KEYS if k in sh and (sh[k] is None or sh[k] is False or sh[k] == [])]
    if derived:
        lm["xany"] = derived
    extra = {k: v for k, v in sh.items() if k not in KNOWN_KEYS and not k.startswith("hanji_")}
    if extra:
        lm["extra"] = extra
    if st not in ("rectangle", "polygon") or (st == "rectangle" and len(pts) == 4):
        lm["shape_type"] = st
        lm["points"] = len(pts)
    if lm:
        attrs["labelme"] = lm
    return make_region(f, where, points=pts, kind=kind, text=text, status=status, label=label,
                       source=sh.get("hanji_source", "human"),
                       confidence=float(conf) if isinstance(conf, (int, float)) else None,
                       order=sh.get("hanji_order"), tags=list(sh.get("hanji_tags") or []),
                       machine_text=sh.get("hanji_machine_text"), attrs=attrs)


def _links(data: dict[str, Any], regions: list[Region], group_ids: dict[Any, int], kie_pairs: list,
           f: Path) -> list[Link]:
    hanji: list[Link] = []
    for i, lk in enumerate(data.get("hanji_links") or []):
        try:
            hanji.append(Link(int(lk[0]), int(lk[1]), str(lk[2]) if len(lk) > 2 else ""))
        except (TypeError, ValueError, IndexError) as e:
            raise HanjiError("a link is [from, to, key]", f, f"hanji_links[{i}]") from e
    if not kie_pairs:
        return hanji
    # X-AnyLabeling's kie_linking (what a person drew there) decides; hanji_links only adds the keys
    keys = {(lk.src, lk.dst): lk.key for lk in hanji}
    links: list[Link] = []
    seen = set()
    for a, b in kie_pairs:
        if a in group_ids and b in group_ids and (a, b) not in seen and a != b:
            seen.add((a, b))
            src, dst = group_ids[a], group_ids[b]
            links.append(Link(src, dst, keys.get((src, dst), "")))
    return links


# ----------------------------------------------------------------------------------- write
def shape_of(r: Region, group_id: Any = None, kie: list | None = None) -> dict[str, Any]:
    """The labelme shape of a region; ``group_id`` and ``kie`` (its ``kie_linking`` pairs) when the
    document's links give them."""
    attrs = dict(r.attrs)
    lm = dict(attrs.pop("labelme", None) or {})
    empty = dict(lm.pop("empty", None) or {})
    xany = list(lm.pop("xany", None) or [])
    st = lm.pop("shape_type", None)
    npts = lm.pop("points", None)
    if r.kind == "rect" and st is None:
        x0, y0, x1, y1 = r.bbox
        pts = [[num(x0), num(y0)], [num(x1), num(y1)]]
        st = "rectangle"
    else:
        pts = [[num(x), num(y)] for x, y in r.points]
        if st is None:
            st = "polygon"
        elif st == "rectangle" and npts == 2:
            pts = [pts[0], pts[2]]
    gid = lm.pop("group_id", empty.pop("group_id", None))
    sh: dict[str, Any] = {"label": r.label or entity_of(r.tags) or "text", "points": pts,
                          "group_id": group_id if group_id is not None else gid,
                          "description": r.text or empty.pop("description", ""), "shape_type": st, "flags": lm.pop("flags", empty.pop("flags", {}))}
    if not r.label:
        sh["hanji_label"] = ""
    for k in ("attributes", "direction", "mask"):
        if k in lm:
            sh[k] = lm.pop(k)
        elif k in empty:
            sh[k] = empty[k]
    if "difficult" in xany or r.status == "difficult":
        sh["difficult"] = r.status == "difficult"
    if "score" in xany or r.confidence is not None:
        sh["score"] = r.confidence
    if "kie_linking" in xany or kie:
        sh["kie_linking"] = list(kie or [])
    sh.update(lm.pop("extra", {}))
    expected_kind = "rect" if st == "rectangle" else ("quad" if len(pts) == 4 else "polygon")
    if r.kind != expected_kind:
        sh["hanji_kind"] = r.kind
    if r.status != DEFAULT_STATUS:
        sh["hanji_status"] = r.status
    if r.source != "human":
        sh["hanji_source"] = r.source
    if r.order is not None:
        sh["hanji_order"] = r.order
    if r.tags:
        sh["hanji_tags"] = list(r.tags)
    if r.machine_text is not None:
        sh["hanji_machine_text"] = r.machine_text
    if attrs:
        sh["hanji_attrs"] = attrs
    return sh


def _kie_linking(s: Sample) -> tuple[dict[int, Any], dict[int, list]]:
    """X-AnyLabeling's links: each linked shape has a group_id of its own and lists the pairs
    ``[from_group_id, to_group_id]`` it is part of in ``kie_linking``. Regions that had a group_id keep it."""
    if not s.links:
        return {}, {}
    have = {}
    for k, r in enumerate(s.regions):
        g = (r.attrs.get("labelme") or {}).get("group_id")
        if g is not None:
            have.setdefault(g, []).append(k)
    linked = sorted({k for lk in s.links for k in (lk.src, lk.dst)})
    used = {g for g in have if isinstance(g, int)}
    nxt = max(used, default=0) + 1
    gids: dict[int, Any] = {}
    for k in linked:
        g = (s.regions[k].attrs.get("labelme") or {}).get("group_id")
        if g is None or len(have.get(g, [])) > 1:  # a labelme group of several shapes names no one shape
            while nxt in used:
                nxt += 1
            g = nxt
            used.add(g)
        gids[k] = g
    kie: dict[int, list] = {}
    for lk in s.links:
        pair = [gids[lk.src], gids[lk.dst]]
        for k in (lk.src, lk.dst):
            kie.setdefault(k, []).append(pair)
    return gids, kie


def to_json(s: Sample, image_name: str, image_data: bytes | None) -> dict[str, Any]:
    attrs = dict(s.attrs)
    lm = dict(attrs.pop("labelme", None) or {})
    gids, kie = _kie_linking(s)
    shapes = [shape_of(r, gids.get(k), kie.get(k)) for k, r in enumerate(s.regions)]
    for o in sorted(lm.get("other_shapes", []), key=lambda o: o["index"]):
        shapes.insert(min(o["index"], len(shapes)), o["shape"])
    d: dict[str, Any] = {"version": lm.get("version", VERSION), "flags": lm.get("flags", {}), "shapes": shapes,
                         "imagePath": image_name,
                         "imageData": base64.b64encode(image_data).decode("ascii") if image_data else None,
                         "imageHeight": s.height, "imageWidth": s.width}
    d.update(lm.get("extra", {}))
    made = sorted(g for k, g in gids.items() if (s.regions[k].attrs.get("labelme") or {}).get("group_id") != g)
    if made:
        d["hanji_link_groups"] = made
    if any(lk.key for lk in s.links):  # kie_linking carries the links; their keys only Hanji reads
        d["hanji_links"] = [[lk.src, lk.dst, lk.key] for lk in s.links]
    if s.keyvalues:
        d["hanji_keyvalues"] = [{"key": kv.key, "value": kv.value, "regions": list(kv.region_ids),
                                 "source": kv.source, "confidence": kv.confidence} for kv in s.keyvalues]
    doc = {k: v for k, v in (("status", s.status if s.status != "new" else None), ("doc_type", s.doc_type), ("attrs", attrs)) if v}
    if doc:
        d["hanji_document"] = doc
    return d


def write(samples: Iterable[Sample], out: Path, embed: Any = False, **_: Any) -> list[str]:
    embed = str(embed).lower() in ("1", "true", "yes", "on")
    out = Path(out)
    out.mkdir(parents=True)
    names = NameAllocator()
    for s in samples:
        img_name, data = write_image(out, names, s)
        d = to_json(s, img_name, data if embed else None)
        write_text(out / f"{img_name.rsplit('.', 1)[0]}.json", json.dumps(d, ensure_ascii=False, indent=2) + "\n")
    return []
