"""PaddleOCR training lists: detection ``det_gt_{train,val}.txt`` (``image<TAB>[{"transcription",
"points"}]``, ``###`` for don't-care) with the images in ``images/``, and recognition
``rec_gt_{train,val}.txt`` (``crop<TAB>text``) with the crops in ``crops/``, rectified from each
region's quad. The split is the document's ``attrs["split"]`` when set, else a stable hash of its
name (``val=0.1`` of the documents by default).

Reading takes the detection lists (each line a document); with only recognition lists, each crop is
a document holding one region that covers it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import Region
from hanji.errors import HanjiError
from hanji.formats.base import (
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    as_error,
    find_image,
    num,
    one_line,
    write_image,
    write_lines,
)
from hanji.formats.ppocrlabel import entries_to_regions, label_lines, parse_line

NAME = "paddleocr"
DESCRIPTION = "PaddleOCR det_gt_train/val.txt + images/, rec_gt_train/val.txt + rectified crops/"
DONT_CARE = "###"


def _lists(path: Path, kind: str) -> list[Path]:
    if path.is_file():
        return [path] if path.name.startswith(kind) else []
    return sorted(p for p in path.glob(f"{kind}*.txt") if p.is_file())


def detect(path: Path) -> bool:
    return bool(_lists(path, "det_gt") or _lists(path, "rec_gt"))


def count(path: Path) -> int:
    lists = _lists(path, "det_gt") or _lists(path, "rec_gt")
    return sum(1 for f in lists for _ in label_lines(f))


def _split_of(f: Path) -> str:
    stem = f.stem.lower()
    return "val" if ("val" in stem or "test" in stem) else "train"


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    path = Path(path)
    det = _lists(path, "det_gt")
    rec = _lists(path, "rec_gt")
    if not det and not rec:
        yield Skipped(HanjiError("no det_gt*.txt or rec_gt*.txt here", path))
        return
    for f in det or rec:
        try:
            lines = list(label_lines(f))
        except HanjiError as e:
            yield Skipped(e)
            continue
        split = _split_of(f)
        for lineno, line in lines:
            where = f"line {lineno}"
            try:
                if det:
                    ref, value = parse_line(line, f, lineno)
                    regions, _ = entries_to_regions(value, f, where)
                    for r in regions:
                        if r.text == DONT_CARE:
                            r.text, r.status = "", "difficult"
                else:
                    ref, tab, text = line.partition("\t")
                    if not tab:
                        raise HanjiError("expected an image path, a TAB, then the text", f, where)
                    regions = []
                img = find_image(f.parent, ref.strip(), f.parent / "images", f.parent / "crops", path=f, where=where)
                if img is None:
                    raise HanjiError(f"the image {ref.strip()!r} is missing", f, where)
                if not det:
                    w, h = _size(img, f, where)
                    regions = [Region([(0, 0), (w, 0), (w, h), (0, h)], kind="rect", text=text,
                                      status="confirmed")]
            except (HanjiError, *SHAPE_ERRORS) as e:
                yield Skipped(as_error(e, f, where))
                continue
            yield Sample(name=img.name, image_path=img, regions=regions, attrs={"split": split},
                         source=f"{f}, {where}")


def _size(img: Path, f: Path, where: str) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(img) as im:
            return im.size
    except OSError as e:
        raise HanjiError("not a readable image", img, f"named in {f.name}, {where}") from e


def split_of(s: Sample, val: float) -> str:
    sp = s.attrs.get("split")
    if sp in ("train", "val"):
        return sp
    h = int(hashlib.sha256(s.name.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "val" if h < val else "train"


def write(samples: Iterable[Sample], out: Path, val: Any = 0.1, rec: Any = True, **_: Any) -> list[str]:
    val = float(val)
    rec = str(rec).lower() in ("1", "true", "yes", "on")
    out = Path(out)
    out.mkdir(parents=True)
    names = NameAllocator()
    det: dict[str, list[str]] = {"train": [], "val": []}
    recs: dict[str, list[str]] = {"train": [], "val": []}
    for s in samples:
        split = split_of(s, val)
        img_name, data = write_image(out / "images", names, s)
        entries = [{"transcription": DONT_CARE if r.status == "difficult" else r.text,
                    "points": [[num(x), num(y)] for x, y in r.points]} for r in s.regions]
        det[split].append(f"images/{img_name}\t{json.dumps(entries, ensure_ascii=False)}")
        todo = [(k, r) for k, r in enumerate(s.regions) if rec and r.status != "difficult" and r.text]
        if todo:
            from hanji.formats import crops  # Pillow warps only when crops are written

            image = crops.decode(data)
            (out / "crops").mkdir(exist_ok=True)
            stem = img_name.rsplit(".", 1)[0]
            for k, r in todo:
                name = f"{stem}_crop_{k}.jpg"
                (out / "crops" / name).write_bytes(crops.encode(crops.crop(image, r)))
                recs[split].append(f"crops/{name}\t{one_line(r.text)}")
    for split in ("train", "val"):
        write_lines(out / f"det_gt_{split}.txt", det[split])
        if rec:
            write_lines(out / f"rec_gt_{split}.txt", recs[split])
    return []
