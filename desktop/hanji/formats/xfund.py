"""XFUND (FUNSD in seven languages): ``LANG.SPLIT.json`` = ``{"lang", "version", "split",
"documents": [{"id", "uid", "document": [entity, ...], "img": {"fname", "width", "height"}}]}``
with the images in the folder ``LANG.SPLIT/`` beside it. Entities are FUNSD's (see funsd.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.errors import HanjiError
from hanji.formats.base import (
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    as_error,
    heads_match,
    load_json,
    pick_image,
    write_image,
    write_text,
)
from hanji.formats.funsd import entities_to_regions, regions_to_entities

NAME = "xfund"
DESCRIPTION = "XFUND: LANG.SPLIT.json (documents with FUNSD entities) + LANG.SPLIT/ images"


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.glob("*.json"))


def detect(path: Path) -> bool:
    return heads_match(_files(path), 300, lambda head: '"documents"' in head and ('"lang"' in head or '"split"' in head))


def count(path: Path) -> int | None:
    return None


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    files = _files(Path(path))
    if not files:
        yield Skipped(HanjiError("no XFUND .json file here", path))
        return
    for f in files:
        try:
            data = load_json(f)
            if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
                raise HanjiError("an XFUND file is a JSON object with a 'documents' list", f)
        except HanjiError as e:
            yield Skipped(e)
            continue
        lang = data.get("lang", "")
        for k, doc in enumerate(data["documents"]):
            where = f"document {k + 1}"
            try:
                if not isinstance(doc, dict) or not isinstance(doc.get("img"), dict):
                    raise HanjiError("a document needs 'img' and 'document'", f, where)
                img = doc["img"]
                fname = str(img.get("fname", ""))
                where = f"document {doc.get('id', k + 1)}"
                cands = [f.parent / fname, f.parent / f.stem / fname, f.parent / f.stem / Path(fname).name]
                image = pick_image(cands, fname, f, where) if fname else None
                if image is None:
                    raise HanjiError(f"the image {fname!r} is missing (looked beside the file and in {f.stem}/)",
                                     f, where)
                regions, links = entities_to_regions(doc.get("document"), f, where)
                attrs = {"xfund": {k2: doc[k2] for k2 in ("id", "uid") if k2 in doc}}
                if lang:
                    attrs["xfund"]["lang"] = str(lang)
                sample = Sample(name=Path(fname).name, image_path=image, width=int(img.get("width") or 0),
                                height=int(img.get("height") or 0), regions=regions, links=links, doc_type="funsd",
                                attrs=attrs, source=f"{f}, {where}")
            except (HanjiError, *SHAPE_ERRORS) as e:
                yield Skipped(as_error(e, f, where))
                continue
            yield sample


def write(samples: Iterable[Sample], out: Path, lang: str = "", split: str = "train", **_: Any) -> list[str]:
    """``out`` is a folder: ``LANG.SPLIT.json`` and the images in ``LANG.SPLIT/``."""
    out = Path(out)
    out.mkdir(parents=True)
    tmp_dir = out / ".images"
    docs = []
    names = NameAllocator()
    langs = set()
    for k, s in enumerate(samples):
        img_name, _ = write_image(tmp_dir, names, s)
        x = s.attrs.get("xfund", {})
        langs.add(x.get("lang", ""))
        docs.append({"id": x.get("id", f"{k}"), "uid": x.get("uid", s.name),
                     "document": regions_to_entities(s.regions, s.links),
                     "img": {"fname": img_name, "width": s.width, "height": s.height}})
    lang = lang or (next(iter(langs)) if len(langs) == 1 else "") or "xx"
    stem = f"{lang}.{split}"
    tmp_dir.mkdir(exist_ok=True)
    tmp_dir.rename(out / stem)
    write_text(out / f"{stem}.json", json.dumps({"lang": lang, "version": "0.1", "split": split, "documents": docs},
                                                ensure_ascii=False) + "\n")
    return []
