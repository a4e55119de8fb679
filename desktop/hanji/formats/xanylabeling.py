"""The PP-OCR KIE files X-AnyLabeling writes: ``ppocr_kie.json`` (one line per image,
``folder/image<TAB>[{"transcription", "label", "points", "difficult", "id", "linking"}]``) and
``class_list.txt`` (the classes, one per line). The same lines PaddleOCR's KIE (SER/RE) training reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.bio import entity_of
from hanji.errors import HanjiError
from hanji.formats.base import (
    SHAPE_ERRORS,
    NameAllocator,
    Note,
    Sample,
    Skipped,
    as_error,
    find_image,
    read_text,
    write_image,
    write_lines,
)
from hanji.formats.ppocrlabel import entries_to_regions, label_lines, parse_line, regions_to_entries

NAME = "xanylabeling-kie"
DESCRIPTION = "X-AnyLabeling / PaddleOCR KIE: ppocr_kie.json (label, id, linking per box) + class_list.txt"
KIE_FILE = "ppocr_kie.json"
CLASSES = "class_list.txt"
ATTR = "ppocr_kie"
XANY_FOLDER = "ppocr-kie"  # the folder X-AnyLabeling's KIE export writes


def _file(path: Path) -> Path:
    return path / KIE_FILE if path.is_dir() else path


def dataset_root(path: Path) -> Path:
    """X-AnyLabeling writes its ``ppocr-kie/`` folder inside the folder of the images it names
    (``sources/NAME.jpg`` relative to the folder above): that folder is the dataset's. A KIE file
    elsewhere keeps to its own folder."""
    folder = _file(Path(path)).parent
    return folder.parent if folder.name == XANY_FOLDER else folder


def detect(path: Path) -> bool:
    return _file(path).name == KIE_FILE and _file(path).is_file()


def count(path: Path) -> int:
    return sum(1 for _ in label_lines(_file(path)))


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped | Note]:
    f = _file(Path(path))
    try:
        lines = list(label_lines(f))
    except HanjiError as e:
        yield Skipped(e)
        return
    classes = f.parent / CLASSES
    names: list[str] = []
    if classes.is_file():
        names = [c.strip() for c in read_text(classes).splitlines() if c.strip()]
        yield Note(f"classes: {', '.join(names)}", str(classes))
    for lineno, line in lines:
        try:
            ref, value = parse_line(line, f, lineno)
            regions, links = entries_to_regions(value, f, f"line {lineno}", label_keys=("label", "key_cls"))
            img = find_image(f.parent, ref, f.parent.parent, f.parent / "images", f.parent.parent / "images",
                             path=f, where=f"line {lineno}")
            if img is None:
                raise HanjiError(f"the image {ref!r} is missing", f, f"line {lineno}")
        except (HanjiError, *SHAPE_ERRORS) as e:
            yield Skipped(as_error(e, f, f"line {lineno}"))
            continue
        # PaddleOCR's SER numbers the classes in the order of class_list.txt: the list goes back as it came
        yield Sample(name=img.name, image_path=img, regions=regions, links=links, source=f"{f}, line {lineno}",
                     attrs={ATTR: {"classes": names}} if names else {})


def write(samples: Iterable[Sample], out: Path, **_: Any) -> list[str]:
    out = Path(out)
    out.mkdir(parents=True)
    names = NameAllocator()
    lines, listed, labels = [], [], set()
    for s in samples:
        img_name, _ = write_image(out / "images", names, s)
        entries = regions_to_entries(s.regions, s.links, label_key="label", with_links=True)
        for r, e in zip(s.regions, entries):
            if e["label"] == "None":  # a region tagged in the Tags pane: its entity is its class
                e["label"] = entity_of(r.tags) or "other"
        labels.update(e["label"] for e in entries)
        given = (s.attrs.get(ATTR) or {}).get("classes") if isinstance(s.attrs.get(ATTR), dict) else None
        for c in given or []:
            if isinstance(c, str) and c not in listed:
                listed.append(c)
        lines.append(f"images/{img_name}\t{json.dumps(entries, ensure_ascii=False)}")
    write_lines(out / KIE_FILE, lines)
    # the imported class list in its order and spelling; labels it lacks (any case) after it
    have = {c.lower() for c in listed}
    write_lines(out / CLASSES, listed + sorted(c for c in labels if c.lower() not in have))
    return []
