"""FUNSD (forms): ``annotations/NAME.json`` = ``{"form": [entity, ...]}`` beside ``images/NAME.png``.

An entity has ``id``, ``text``, ``box`` [x0, y0, x1, y1], ``label`` (question / answer / header /
other), ``words`` [{text, box}] and ``linking`` [[from_id, to_id]] (a link is listed on both ends).
Each entity becomes a rect region labelled with its class; its BIO tags are derived from the label
(``other`` is ``O``), its words kept in ``attrs["funsd_words"]``. Links become region links.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import Link, Region
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
    read_pairs,
    root_above,
    with_images,
    write_image,
    write_text,
)

NAME = "funsd"
DESCRIPTION = "FUNSD forms: annotations/*.json (form entities, words, linking) + images/"
LABELS = ("question", "answer", "header", "other")


def tags_for(label: str, text: str) -> list[str]:
    n = len(tokens(text))
    if not label or label == "other":
        return ["O"] * n
    return [("B-" if i == 0 else "I-") + label for i in range(n)]


def box_of(value: Any, f: Path | str, where: str) -> list[float]:
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise HanjiError(f"a box is [x0, y0, x1, y1], got {value!r:.60}", f, where)
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError) as e:
        raise HanjiError(f"a box coordinate is not a number: {value!r:.60}", f, where) from e


def entities_to_regions(entities: Any, f: Path | str, where: str = "") -> tuple[list[Region], list[Link]]:
    if not isinstance(entities, list):
        raise HanjiError("expected a list of entities", f, where or None)
    regions: list[Region] = []
    ids: dict[Any, int] = {}
    pairs: list[tuple[Any, Any, str]] = []
    for k, e in enumerate(entities):
        w = f"{where + ', ' if where else ''}entity {e.get('id', k) if isinstance(e, dict) else k}"
        if not isinstance(e, dict):
            raise HanjiError("an entity is a JSON object", f, w)
        x0, y0, x1, y1 = box_of(e.get("box"), f, w)
        text = e.get("text", "")
        label = e.get("label", "other") or "other"
        if not isinstance(text, str) or not isinstance(label, str):
            raise HanjiError("text and label must be text", f, w)
        words = e.get("words") or []
        if not isinstance(words, list):
            raise HanjiError("words must be a list", f, w)
        for j, wd in enumerate(words):
            if not isinstance(wd, dict):
                raise HanjiError("a word is {text, box}", f, f"{w}, word {j + 1}")
            box_of(wd.get("box"), f, f"{w}, word {j + 1}")
        attrs: dict[str, Any] = {"funsd_words": words} if words else {}
        if words and not _spells(words, text):
            attrs["funsd_text"] = text  # words as given, though they do not spell the text exactly
        for key in e:
            if key not in ("id", "text", "box", "label", "words", "linking"):
                attrs.setdefault("funsd_extra", {})[key] = e[key]
        if "id" in e:
            if e["id"] in ids:
                raise HanjiError(f"entity id {e['id']} appears twice", f, w)
            ids[e["id"]] = k
        for pair in e.get("linking") or []:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise HanjiError(f"a link is [from_id, to_id], got {pair!r:.40}", f, w)
            pairs.append((pair[0], pair[1], w))
        regions.append(make_region(f, w, points=[(x0, y0), (x1, y1)], kind="rect", text=text,
                                   status="confirmed", label=label, tags=tags_for(label, text), attrs=attrs))
    links: list[Link] = []
    seen = set()
    for a, b, w in pairs:
        if a not in ids or b not in ids:
            raise HanjiError(f"a link names an entity that is not there ({a} -> {b})", f, w)
        if (a, b) not in seen and a != b:
            seen.add((a, b))
            links.append(Link(ids[a], ids[b]))
    # each entity's linking as written, when it is not the order Hanji would write it in
    given: dict[int, list] = {}
    for k, e in enumerate(entities):
        given[k] = [list(p) for p in e.get("linking") or []]
    for k, r in enumerate(regions):
        mine = [[lk.src, lk.dst] for lk in links if k in (lk.src, lk.dst)]
        if given[k] != mine and all(v in ids for p in given[k] for v in p):
            r.attrs["funsd_linking"] = [[ids[a], ids[b]] for a, b in given[k]]
    return regions, links


def _spells(words: list[dict[str, Any]], text: str) -> bool:
    return "".join(str(w.get("text", "")) for w in words).replace(" ", "") == text.replace(" ", "")


def _words(r: Region) -> list[dict[str, Any]]:
    words = r.attrs.get("funsd_words")
    toks = tokens(r.text)
    if words and (_spells(words, r.text) or r.attrs.get("funsd_text") == r.text):
        return words  # the text was not edited since: the words as they came
    # no word boxes (or the text changed): split the box by character counts
    x0, y0, x1, y1 = r.bbox
    total = sum(len(t) for t in toks) + max(0, len(toks) - 1)
    out, pos = [], 0
    for t in toks:
        a = x0 + (x1 - x0) * pos / total
        pos += len(t)
        b = x0 + (x1 - x0) * pos / total
        pos += 1
        out.append({"box": [num(a), num(y0), num(b), num(y1)], "text": t})
    return out


def _linking(r: Region, k: int, links: list[Link]) -> list[list[int]]:
    mine = [[lk.src, lk.dst] for lk in links if k in (lk.src, lk.dst)]
    given = r.attrs.get("funsd_linking")
    if given and {tuple(p) for p in given if p[0] != p[1]} == {tuple(p) for p in mine}:
        return [list(p) for p in given]  # the same links: in the order (and repeats) they came in
    return mine


def regions_to_entities(regions: list[Region], links: list[Link]) -> list[dict[str, Any]]:
    form = []
    for k, r in enumerate(regions):
        x0, y0, x1, y1 = r.bbox
        e = {"box": [num(x0), num(y0), num(x1), num(y1)], "text": r.text, "label": r.label or "other",
             "words": _words(r), "linking": _linking(r, k, links), "id": k}
        e.update(r.attrs.get("funsd_extra", {}))
        form.append(e)
    return form


def dataset_root(path: Path) -> Path:
    """``annotations/X.json`` keeps its image in ``../images/``: the folder above is the dataset's."""
    return root_above(path, "annotations")


def _pairs(path: Path) -> list[tuple[Path, Path | None]]:
    files = [path] if path.is_file() else sorted(
        f for f in path.rglob("*.json") if f.parent.name == "annotations" or path.name == "annotations")
    return with_images(files, ("images",))


def detect(path: Path) -> bool:
    return heads_match([f for f, _ in _pairs(path)[:3]], 200,
                       lambda head: head.lstrip().startswith("{") and '"form"' in head)


def count(path: Path) -> int:
    return len(_pairs(path))


def _sample(f: Path, img: Path | None) -> Sample:
    data = load_json(f)
    if not isinstance(data, dict) or "form" not in data:
        raise HanjiError("a FUNSD file is a JSON object with a 'form' list", f)
    if img is None:
        raise HanjiError(f"no image {f.stem}.* in images/ beside annotations/", f)
    regions, links = entities_to_regions(data["form"], f)
    return Sample(name=img.name, image_path=img, regions=regions, links=links, doc_type="funsd", source=str(f))


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    yield from read_pairs(_pairs(Path(path)), path, "no FUNSD annotations/*.json here", _sample)


def write(samples: Iterable[Sample], out: Path, **_: Any) -> list[str]:
    out = Path(out)
    (out / "annotations").mkdir(parents=True)
    names = NameAllocator()
    shaped = 0
    for s in samples:
        img_name, _ = write_image(out / "images", names, s)
        form = regions_to_entities(s.regions, s.links)
        shaped += sum(1 for r in s.regions if r.kind != "rect")
        write_text(out / "annotations" / f"{img_name.rsplit('.', 1)[0]}.json",
                   json.dumps({"form": form}, ensure_ascii=False, indent=4) + "\n")
    return [f"{shaped} quads/polygons were written as their bounding boxes"] if shaped else []
