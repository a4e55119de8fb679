"""Label Studio, its OCR template: a JSON list of tasks, each ``{"data": {"ocr": URL},
"annotations": [{"result": [...]}], "predictions": [{"result": [...], "score", "model_version"}]}``.

A region is the result items sharing an ``id``: a ``rectangle`` (x, y, width, height, rotation in
percent of the image and degrees about the top-left corner) or ``polygon`` (points in percent), a
``labels`` item and a ``textarea`` item (its text). Annotations import as ``confirmed`` regions;
a task with only predictions imports them as ``machine`` regions with their score as confidence.
Export writes ``tasks.json`` and ``images/``: people's regions as the annotation, ``machine`` and
``review`` regions as predictions, with the template's names (``bbox``, ``poly``, ``label``,
``transcription`` on ``image``).
"""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.bio import entity_of
from hanji.domain.model import Link, Region
from hanji.errors import HanjiError
from hanji.formats.base import (
    IMAGE_SUFFIXES,
    SHAPE_ERRORS,
    NameAllocator,
    Note,
    Sample,
    Skipped,
    as_error,
    load_json,
    make_region,
    pick_image,
    points_of,
    sniff_json,
    write_image,
    write_text,
)

NAME = "labelstudio"
DESCRIPTION = "Label Studio OCR template JSON export (annotations + predictions), tasks.json + images/"
TASKS = "tasks.json"
SHAPES = {"rectangle", "rectanglelabels", "polygon", "polygonlabels"}
UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{8}-")
CONTROLS = "labelstudio_controls"  # a region's control names and types in the labeling config it came from
DATA_KEY = "labelstudio_data_key"  # the task's data field that names the image (ocr, image, ...)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / TASKS).is_file():
        return [path / TASKS]
    return sorted(path.glob("*.json"))


def detect(path: Path) -> bool:
    for f in _files(path)[:2]:
        data = sniff_json(f)
        tasks = data if isinstance(data, list) else [data]
        if tasks and isinstance(tasks[0], dict) and isinstance(tasks[0].get("data"), dict) and any(
                k in tasks[0] for k in ("annotations", "predictions", "drafts")):
            return True
    return False


def count(path: Path) -> int | None:
    return None


def _resolve(url: str, base: Path, f: Path | None = None, where: str | None = None) -> Path | None:
    u = urllib.parse.urlparse(url)
    if u.path.endswith("/data/local-files/") or "local-files" in u.path:
        d = urllib.parse.parse_qs(u.query).get("d", [""])[0]
        cands = [base / d, Path(d)]
    else:
        cands = []
    name = urllib.parse.unquote(Path(u.path).name)
    stripped = UPLOAD_PREFIX.sub("", name)
    for folder in (base, base / "images"):
        cands += [folder / name, folder / stripped]
    if not u.scheme and not url.startswith("/"):
        cands.insert(0, base / url)
    return pick_image(cands, url, f, where, suffixes=IMAGE_SUFFIXES)


def _rect_points(v: dict[str, Any], w: float, h: float) -> tuple[list[tuple[float, float]], str]:
    x, y = float(v["x"]) * w / 100, float(v["y"]) * h / 100
    rw, rh = float(v["width"]) * w / 100, float(v["height"]) * h / 100
    rot = float(v.get("rotation") or 0)
    if rot == 0:
        return [(x, y), (x + rw, y), (x + rw, y + rh), (x, y + rh)], "rect"
    c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    p1 = (x + rw * c, y + rw * s)
    p3 = (x - rh * s, y + rh * c)
    return [(x, y), p1, (p1[0] + p3[0] - x, p1[1] + p3[1] - y), p3], "quad"


def results_to_regions(result: Any, f: Path, where: str, status: str, score: float | None,
                       size: tuple[int, int] | None, relations: list | None = None) -> list[Region]:
    if not isinstance(result, list):
        raise HanjiError("'result' must be a list", f, where)
    groups: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for k, item in enumerate(result):
        w = f"{where}, result {k + 1}"
        if isinstance(item, dict) and item.get("type") == "relation":
            if relations is not None:
                relations.append((str(item.get("from_id")), str(item.get("to_id")),
                                  ",".join(item.get("labels") or []), w))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
            raise HanjiError("a result item needs a 'value' object", f, w)
        rid = str(item.get("id", f"_{k}"))
        if rid not in groups:
            groups[rid] = {"where": w}
            order.append(rid)
        g = groups[rid]
        v, t = item["value"], item.get("type", "")
        ctl = g.setdefault("controls", {})
        name = item.get("from_name")
        if isinstance(name, str) and isinstance(t, str):
            if t in SHAPES:
                ctl["shape"] = [name, t]
            if t.endswith("labels") and t != "labels":
                ctl["label"] = [name, t]
            elif t == "labels":
                ctl["label"] = [name, t]
            elif t == "textarea":
                ctl["text"] = [name, t]
            if isinstance(item.get("to_name"), str):
                ctl["to"] = item["to_name"]
        if "original_width" in item and "original_height" in item:
            g["size"] = (float(item["original_width"]), float(item["original_height"]))
        if "points" in v and "shape" not in g:
            g["shape"] = ("polygon", v)
            if "closed" in v:  # newer Label Studio writes it; older exports (and their readers) do not
                ctl["closed"] = v["closed"]
        elif all(key in v for key in ("x", "y", "width", "height")) and "shape" not in g:
            g["shape"] = ("rectangle", v)
        for key in ("labels", "rectanglelabels", "polygonlabels"):
            if v.get(key):
                g["label"] = str(v[key][0])
        if t == "textarea" or "text" in v:
            txt = v.get("text", [])
            g["text"] = "\n".join(txt) if isinstance(txt, list) else str(txt)
        if item.get("score") is not None:
            g["score"] = item["score"]
    if any("score" in g for g in groups.values()):
        score = None  # scores per region: the prediction's overall score is not theirs
    regions = []
    for rid in order:
        g = groups[rid]
        if "shape" not in g:
            raise HanjiError("a region has no rectangle or polygon", f, g["where"])
        wh = g.get("size") or size
        if not wh:
            raise HanjiError("no original_width/original_height and the image size is unknown", f, g["where"])
        kind_, v = g["shape"]
        try:
            if kind_ == "polygon":
                pts = [(x * wh[0] / 100, y * wh[1] / 100) for x, y in points_of(v["points"], f, g["where"], 3)]
                kind = "quad" if len(pts) == 4 else "polygon"
            else:
                pts, kind = _rect_points(v, *wh)
        except (TypeError, ValueError, KeyError) as e:
            raise HanjiError(f"bad geometry ({e})", f, g["where"]) from e
        conf = g.get("score", score)
        regions.append(make_region(f, g["where"], points=pts, kind=kind, text=g.get("text", ""), status=status,
                                   label=g.get("label", ""), confidence=float(conf) if conf is not None else None,
                                   source="human" if status == "confirmed" else "labelstudio",
                                   attrs={"labelstudio_id": rid, CONTROLS: g.get("controls", {})}))
    return regions


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped | Note]:
    files = _files(Path(path))
    if not files:
        yield Skipped(HanjiError("no Label Studio .json export here", path))
        return
    for f in files:
        try:
            tasks = load_json(f)
            if isinstance(tasks, dict):
                tasks = [tasks]
            if not isinstance(tasks, list):
                raise HanjiError("a Label Studio export is a JSON list of tasks", f)
        except HanjiError as e:
            yield Skipped(e)
            continue
        for k, task in enumerate(tasks):
            where = f"task {task.get('id', k + 1) if isinstance(task, dict) else k + 1}"
            try:
                notes, sample = _task(task, f, where)
                yield from notes
                yield sample
            except (HanjiError, *SHAPE_ERRORS) as e:
                yield Skipped(as_error(e, f, where))


def _task(task: Any, f: Path, where: str) -> tuple[list[Note], Sample]:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise HanjiError("a task is a JSON object with 'data'", f, where)
    data = task["data"]
    key = next((k for k in ("ocr", "image") if data.get(k)), None) or next(
        (k for k, v in data.items() if isinstance(v, str) and v), "")
    url = data.get(key) if key else None
    notes: list[Note] = []
    if not url:
        raise HanjiError("the task names no image (data.ocr or data.image)", f, where)
    img = _resolve(str(url), f.parent, f, where)
    if img is None:
        raise HanjiError(f"the image {url!r} is not beside the export (or in images/)", f, where)
    size = None
    anns = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    drafts = [d for d in task.get("drafts") or [] if isinstance(d, dict)]

    def image_size() -> tuple[int, int]:
        from PIL import Image

        try:
            with Image.open(img) as im:
                return im.size
        except OSError as e:
            raise HanjiError("not a readable image", img) from e

    needs_size = any("original_width" not in r for a in anns + preds + drafts for r in a.get("result") or []
                     if isinstance(r, dict))
    if needs_size:
        size = image_size()
    regions: list[Region] = []
    relations: list[tuple[str, str, str, str]] = []
    if anns:
        regions = results_to_regions(anns[0].get("result") or [], f, f"{where}, annotation", "confirmed", None,
                                     size, relations)
    elif drafts:
        # a draft is a person's work not yet submitted: its regions come in to be reviewed
        d = drafts[-1]
        regions = results_to_regions(d.get("result") or [], f, f"{where}, draft", "review", None, size, relations)
        for r in regions:
            r.source = "labelstudio-draft"
        notes.append(Note(f"a draft (not submitted) of {len(regions)} regions imported for review", str(f), where))
    if len(anns) > 1:
        notes.append(Note(f"{len(anns)} annotations (several people's); the first was imported, the others "
                          "left out", str(f), where))
    if anns and drafts:
        notes.append(Note("a draft newer than the submitted annotation was left out", str(f), where))
    if preds:
        # a prediction a person accepted is in the annotation under the same id: only the rest come in
        taken = {r.attrs.get("labelstudio_id") for r in regions}
        p = preds[0]
        regions += [r for r in results_to_regions(p.get("result") or [], f, f"{where}, prediction", "machine",
                                                  p.get("score"), size)
                    if r.attrs.get("labelstudio_id") not in taken]
    index = {r.attrs.get("labelstudio_id"): k for k, r in enumerate(regions)}
    links = []
    for a, b, key, w in relations:
        if a not in index or b not in index:
            raise HanjiError(f"a relation names a region that is not there ({a} -> {b})", f, w)
        links.append(Link(index[a], index[b], key))
    attrs: dict[str, Any] = {}
    if isinstance(task.get("meta"), dict) and task["meta"]:
        attrs["labelstudio_meta"] = task["meta"]
    if key != "ocr":
        attrs[DATA_KEY] = key
    return notes, Sample(name=UPLOAD_PREFIX.sub("", img.name), image_path=img, regions=regions, links=links,
                  status="done" if anns else None, attrs=attrs, source=f"{f}, {where}")


# ----------------------------------------------------------------------------------- write
def _rid(r: Region, k: int) -> str:
    return str(r.attrs.get("labelstudio_id") or f"r{k}")


def _unique_ids(regions: list[Region]) -> list[Region]:
    """Regions whose Label Studio ids clash (copied regions) get fresh ones."""
    seen: set[str] = set()
    out = []
    for k, r in enumerate(regions):
        rid = _rid(r, k)
        if rid in seen:
            r = Region(**{**r.__dict__, "attrs": {**r.attrs, "labelstudio_id": f"r{k}_{len(seen)}"}})
        seen.add(_rid(r, k))
        out.append(r)
    return out


def _rotated_rect(points: list[tuple[float, float]]) -> tuple[float, float, float, float, float] | None:
    """(x, y, width, height, rotation) of a quad that is a rectangle turned about its first corner
    (Label Studio's rotated rectangle), else None."""
    if len(points) != 4:
        return None
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    ux, uy, vx, vy = x1 - x0, y1 - y0, x3 - x0, y3 - y0
    rw, rh = math.hypot(ux, uy), math.hypot(vx, vy)
    if rw == 0 or rh == 0:
        return None
    tol = 1e-3 * max(rw, rh) + 1e-6
    if abs(ux * vx + uy * vy) > tol * max(rw, rh) or abs(x0 + ux + vx - x2) > tol or abs(y0 + uy + vy - y2) > tol:
        return None
    if ux * vy - uy * vx < 0:  # mirrored: not a turn
        return None
    return x0, y0, rw, rh, math.degrees(math.atan2(uy, ux)) % 360


def _items(r: Region, k: int, w: int, h: int, with_score: bool) -> list[dict[str, Any]]:
    """The result items of a region, under the control names and types it was imported with
    (the OCR template's ``bbox``/``poly``, ``label``, ``transcription`` for a region made in Hanji)."""
    rid = _rid(r, k)
    ctl = r.attrs.get(CONTROLS) if isinstance(r.attrs.get(CONTROLS), dict) else {}
    shape_ctl = ctl.get("shape") or [None, None]
    base = {"id": rid, "to_name": ctl.get("to", "image"), "original_width": w, "original_height": h,
            "image_rotation": 0}
    turned = _rotated_rect(r.points) if r.kind != "rect" and str(shape_ctl[1]).startswith("rectangle") else None
    if r.kind == "rect":
        x0, y0, x1, y1 = r.bbox
        geo: dict[str, Any] = {"x": x0 * 100 / w, "y": y0 * 100 / h, "width": (x1 - x0) * 100 / w,
                               "height": (y1 - y0) * 100 / h, "rotation": 0}
        shape_name, shape_type = "bbox", "rectangle"
    elif turned is not None:
        x, y, rw, rh, rot = turned
        geo = {"x": x * 100 / w, "y": y * 100 / h, "width": rw * 100 / w, "height": rh * 100 / h, "rotation": rot}
        shape_name, shape_type = "bbox", "rectangle"
    else:
        geo = {"points": [[x * 100 / w, y * 100 / h] for x, y in r.points]}
        if "closed" in ctl or not ctl:
            geo["closed"] = ctl.get("closed", True)
        shape_name, shape_type = "poly", "polygon"
    if shape_ctl[0] and str(shape_ctl[1]).startswith(shape_type):
        shape_name, shape_type = shape_ctl
    label_ctl = ctl.get("label")
    out = []
    if shape_type.endswith("labels"):  # rectanglelabels / polygonlabels: shape and label in one item
        out.append(dict(base, from_name=shape_name, type=shape_type,
                        value=dict(geo, **{shape_type: [r.label or entity_of(r.tags)] if (r.label or r.tags) else []})))
    else:
        out.append(dict(base, from_name=shape_name, type=shape_type, value=dict(geo)))
        label = r.label or entity_of(r.tags)
        if label:
            name, typ = label_ctl if label_ctl and label_ctl[1] == "labels" else ("label", "labels")
            out.append(dict(base, from_name=name, type=typ, value=dict(geo, labels=[label])))
    text_ctl = ctl.get("text")
    if r.text or text_ctl or not ctl:
        name, typ = text_ctl or ("transcription", "textarea")
        out.append(dict(base, from_name=name, type=typ, value=dict(geo, text=[r.text])))
    if with_score and r.confidence is not None:
        for it in out:
            it["score"] = r.confidence
    return out


def write(samples: Iterable[Sample], out: Path, image_url: str = "", **_: Any) -> list[str]:
    """``image_url`` goes before ``images/NAME`` in ``data.ocr``: ``/data/local-files/?d=export/``
    when Label Studio's local storage serves the export's parent folder."""
    out = Path(out)
    out.mkdir(parents=True)
    names = NameAllocator()
    tasks = []
    for k, s in enumerate(samples):
        img_name, _ = write_image(out / "images", names, s)
        s.regions = _unique_ids(s.regions)
        human = [r for r in s.regions if r.status not in ("machine", "review")]
        machine = [r for r in s.regions if r.status in ("machine", "review")]
        key = s.attrs.get(DATA_KEY) if isinstance(s.attrs.get(DATA_KEY), str) else "ocr"
        task: dict[str, Any] = {"id": k + 1, "data": {key: f"{image_url}images/{img_name}"}, "annotations": [],
                                "predictions": []}
        if human or s.status == "done":
            ids = {j: _rid(r, j) for j, r in enumerate(s.regions)}
            hidx = {id(r) for r in human}
            result = [it for j, r in enumerate(s.regions) if id(r) in hidx
                      for it in _items(r, j, s.width, s.height, False)]
            result += [{"from_id": ids[lk.src], "to_id": ids[lk.dst], "type": "relation", "direction": "right",
                        "labels": [lk.key] if lk.key else []} for lk in s.links
                       if id(s.regions[lk.src]) in hidx and id(s.regions[lk.dst]) in hidx]
            task["annotations"].append({"id": k + 1, "result": result})
        if machine:
            confs = [r.confidence for r in machine if r.confidence is not None]
            task["predictions"].append({"model_version": machine[0].source or "hanji",
                                        "score": sum(confs) / len(confs) if confs else None,
                                        "result": [it for j, r in enumerate(s.regions) if r.status in ("machine", "review")
                                                   for it in _items(r, j, s.width, s.height, True)]})
        tasks.append(task)
    write_text(out / TASKS, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    return []
