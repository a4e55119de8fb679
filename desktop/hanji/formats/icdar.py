"""ICDAR 2015 (incidental scene text): one ``gt_img_N.txt`` per image, one word per line,
``x1,y1,x2,y2,x3,y3,x4,y4,transcription`` with ``###`` for a don't-care region.

The transcription may hold commas (split on the first 8 only); official files often start with a
BOM, which is dropped. Export writes ``images/`` and ``gt/gt_<stem>.txt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain import geometry
from hanji.domain.model import Region
from hanji.errors import HanjiError
from hanji.formats.base import (
    IMAGE_SUFFIXES,
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    as_error,
    file_head,
    make_region,
    num,
    numbers_of,
    one_line,
    read_text,
    write_image,
    write_lines,
)
from hanji.formats.ppocrlabel import is_axis_rect

NAME = "icdar2015"
DESCRIPTION = "ICDAR 2015: gt_img_N.txt with x1,y1,...,x4,y4,transcription; ### = don't care"
DONT_CARE = "###"


def parse_quad_line(line: str, path: Path, lineno: int) -> tuple[list[tuple[float, float]], str]:
    """``x1,...,y4,text``: the first 8 comma fields are coordinates, the rest is the text."""
    where = f"line {lineno}"
    fields = line.split(",", 8)
    if len(fields) < 8:
        raise HanjiError(f"expected 8 coordinates and a transcription, got {len(fields)} fields", path, where)
    if len(fields) == 8:
        # no transcription: x1..y4 only, or an odd number of coordinates with text in the last field
        try:
            float(fields[7])
        except ValueError as e:
            raise HanjiError("a point list of odd length (7 coordinates before the transcription)", path,
                             where) from e
        fields.append("")
    v = numbers_of(fields[:8], path, where)
    return [(v[i], v[i + 1]) for i in range(0, 8, 2)], fields[8]


def quad_region(points: list[tuple[float, float]], text: str, path: Path, where: str,
                dont_care: bool = True) -> Region:
    difficult = dont_care and text.strip() == DONT_CARE
    kind = "rect" if is_axis_rect(points) else "quad"
    return make_region(path, where, points=points, kind=kind, text="" if difficult else text,
                       status="difficult" if difficult else "confirmed")


def read_quads(path: Path, dont_care: bool = True) -> list[Region]:
    regions = []
    for i, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        pts, text = parse_quad_line(line.rstrip("\r"), path, i)
        regions.append(quad_region(pts, text, path, f"line {i}", dont_care))
    return regions


def quad_points(r: Region, width: float = 0, height: float = 0) -> list[tuple[float, float]]:
    """The region as 4 points; a polygon becomes its smallest rotated rectangle, kept in the image."""
    if len(r.points) == 4:
        return list(r.points)
    q = geometry.min_area_quad(r.points)
    return geometry.clamp(q, width, height) if width and height else q


def quad_line(r: Region, dont_care: bool = True, width: float = 0, height: float = 0) -> str:
    text = DONT_CARE if dont_care and r.status == "difficult" else one_line(r.text)
    return ",".join(str(num(c)) for p in quad_points(r, width, height) for c in p) + "," + text


# ----------------------------------------------------------------------------------- read
def _gt_stem(p: Path) -> str:
    return p.stem[3:] if p.stem.startswith("gt_") else p.stem


def _pairs(path: Path) -> tuple[list[tuple[Path, Path | None]], list[Path]]:
    """(gt file, image) pairs, and images without a gt file."""
    if path.is_file():
        stem = _gt_stem(path)
        imgs = [f for f in sorted(path.parent.parent.rglob(stem + ".*")) if f.suffix.lower() in IMAGE_SUFFIXES]
        return [(path, imgs[0] if imgs else None)], []
    files = sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith("."))
    images: dict[str, Path] = {}
    for f in files:
        if f.suffix.lower() in IMAGE_SUFFIXES:
            images.setdefault(f.stem, f)
    gts = [f for f in files if f.suffix.lower() == ".txt" and _gt_stem(f) in images]
    used = {_gt_stem(f) for f in gts}
    return [(g, images.get(_gt_stem(g))) for g in gts], [p for s, p in images.items() if s not in used]


def _looks_like(f: Path) -> bool:
    head = file_head(f, 400, "utf-8-sig")
    if head is None:
        return False
    for line in head.splitlines()[:1]:
        fields = line.split(",", 8)
        if len(fields) == 9:
            try:
                [float(x) for x in fields[:8]]
                return True
            except ValueError:
                return False
    return False


def detect(path: Path) -> bool:
    if path.is_file():
        return path.suffix.lower() == ".txt" and _looks_like(path)
    pairs, _ = _pairs(path)
    return bool(pairs) and any(_looks_like(g) for g, _ in pairs[:5])


def count(path: Path) -> int:
    pairs, bare = _pairs(path)
    return len(pairs) + len(bare)


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    path = Path(path)
    pairs, bare = _pairs(path)
    if not pairs:
        yield Skipped(HanjiError("no ICDAR gt files with a matching image here", path))
        return
    for gt, img in pairs:
        if img is None:
            yield Skipped(HanjiError(f"no image named {_gt_stem(gt)}.* for this gt file", gt))
            continue
        try:
            regions = read_quads(gt)
        except (HanjiError, *SHAPE_ERRORS) as e:
            yield Skipped(as_error(e, gt, None))
            continue
        yield Sample(name=img.name, image_path=img, regions=regions, source=str(gt))
    for img in bare:
        yield Sample(name=img.name, image_path=img, source=str(img))


# ----------------------------------------------------------------------------------- write
def write(samples: Iterable[Sample], out: Path, **_: Any) -> list[str]:
    out = Path(out)
    (out / "gt").mkdir(parents=True)
    names = NameAllocator()
    polys = 0
    for s in samples:
        img_name, _ = write_image(out / "images", names, s)
        write_lines(out / "gt" / f"gt_{img_name.rsplit('.', 1)[0]}.txt", [quad_line(r, True, s.width, s.height) for r in s.regions])
        polys += sum(1 for r in s.regions if len(r.points) != 4)
    return [f"{polys} polygons were written as their smallest rotated rectangle"] if polys else []
