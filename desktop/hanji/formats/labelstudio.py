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

from hanji.domain.model import Link, Region
from hanji.errors import HanjiError
from hanji.formats.base import (
    IMAGE_SUFFIXES,
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    as_error,
    load_json,
    make_region,
    points_of,
    write_image,
    write_text,
)

NAME = "labelstudio"
DESCRIPTION = "Label Studio OCR template JSON export (annotations + predictions), tasks.json + images/"
TASKS = "tasks.json"
SHAPES = {"rectangle", "rectanglelabels", "polygon", "polygonlabels"}
UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{8}-")


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / TASKS).is_file():
        return [path / TASKS]
    return sorted(path.glob("*.json"))


def detect(path: Path) -> bool:
    for f in _files(path)[:2]:
        try:
            head = f.read_bytes()[:4000].decode("utf-8", errors="replace").lstrip()
        except OSError:
            return False
        if head.startswith("[") and '"data"' in head and ('"annotations"' in head or '"predictions"' in head):
            return True
    return False


def count(path: Path) -> int | None:
    return None


def _resolve(url: str, base: Path) -> Path | None:
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
    return next((c for c in cands if c.is_file() and c.suffix.lower() in IMAGE_SUFFIXES), None)


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
        if "original_width" in item and "original_height" in item:
            g["size"] = (float(item["original_width"]), float(item["original_height"]))
        if "points" in v and "shape" not in g:
            g["shape"] = ("polygon", v)
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
                                   attrs={"labelstudio_id": rid}))
    return regions


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
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
                yield _task(task, f, where)
            except (HanjiError, *SHAPE_ERRORS) as e:
                yield Skipped(as_error(e, f, where))


def _task(task: Any, f: Path, where: str) -> Sample:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise HanjiError("a task is a JSON object with 'data'", f, where)
    data = task["data"]
    url = data.get("ocr") or data.get("image") or next((v for v in data.values() if isinstance(v, str)), None)
    if not url:
        raise HanjiError("the task names no image (data.ocr or data.image)", f, where)
    img = _resolve(str(url), f.parent)
    if img is None:
        raise HanjiError(f"the image {url!r} is not beside the export (or in images/)", f, where)
    size = None
    anns = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]

    def image_size() -> tuple[int, int]:
        from PIL import Image

        try:
            with Image.open(img) as im:
                return im.size
        except OSError as e:
            raise HanjiError("not a readable image", img) from e

    needs_size = any("original_width" not in r for a in anns + preds for r in a.get("result") or []
                     if isinstance(r, dict))
    if needs_size:
        size = image_size()
    regions: list[Region] = []
    relations: list[tuple[str, str, str, str]] = []
    if anns:
        regions = results_to_regions(anns[0].get("result") or [], f, f"{where}, annotation", "confirmed", None,
                                     size, relations)
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
    attrs = {}
    if isinstance(task.get("meta"), dict) and task["meta"]:
        attrs["labelstudio_meta"] = task["meta"]
    return Sample(name=UPLOAD_PREFIX.sub("", img.name), image_path=img, regions=regions, links=links,
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


def _items(r: Region, k: int, w: int, h: int, with_score: bool) -> list[dict[str, Any]]:
    rid = _rid(r, k)
    base = {"id": rid, "to_name": "image", "original_width": w, "original_height": h, "image_rotation": 0}
    if r.kind == "rect":
        x0, y0, x1, y1 = r.bbox
        geo: dict[str, Any] = {"x": x0 * 100 / w, "y": y0 * 100 / h, "width": (x1 - x0) * 100 / w,
                               "height": (y1 - y0) * 100 / h, "rotation": 0}
        shape_name, shape_type = "bbox", "rectangle"
    else:
        geo = {"points": [[x * 100 / w, y * 100 / h] for x, y in r.points], "closed": True}
        shape_name, shape_type = "poly", "polygon"
    out = [dict(base, from_name=shape_name, type=shape_type, value=dict(geo))]
    if r.label:
        out.append(dict(base, from_name="label", type="labels", value=dict(geo, labels=[r.label])))
    out.append(dict(base, from_name="transcription", type="textarea", value=dict(geo, text=[r.text])))
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
        task: dict[str, Any] = {"id": k + 1, "data": {"ocr": f"{image_url}images/{img_name}"}, "annotations": [],
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
