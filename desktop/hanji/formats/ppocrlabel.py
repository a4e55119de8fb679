"""PPOCRLabel: ``Label.txt``, ``Cache.cach`` and ``fileState.txt`` in the image folder.

Each line of ``Label.txt`` is ``folder/image.jpg<TAB>[{"transcription", "points", "difficult",
"key_cls"}, ...]``; it holds the images a person checked. ``Cache.cach`` has the same lines for every
image PPOCRLabel has annotations for, checked or not; ``fileState.txt`` lists checked images by
absolute path with ``1``. The KIE mode adds ``key_cls`` (the region's class) and, in PaddleOCR's KIE
training files, ``id`` and ``linking`` (``[[from_id, to_id], ...]``). The recognition export writes
``rec_gt.txt`` and ``crop_img/`` (quads rectified by a perspective warp).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hanji.domain.model import HUMAN_STATUSES, Link, Region
from hanji.errors import HanjiError
from hanji.formats.base import (
    IMAGE_SUFFIXES,
    SHAPE_ERRORS,
    NameAllocator,
    Sample,
    Skipped,
    as_error,
    make_region,
    num,
    one_line,
    pick_image,
    points_of,
    read_text,
    write_image,
)

NAME = "ppocrlabel"
DESCRIPTION = "PPOCRLabel folder: Label.txt, Cache.cach, fileState.txt (+ rec_gt.txt and crop_img/)"
WANTS_FINAL_PATH = True
NONE_CLASS = "None"
XANYLABELING_FOLDERS = ("ppocr-rec", "ppocr-kie")


# ----------------------------------------------------------------------------------- shared lines
def is_axis_rect(points: list[tuple[float, float]]) -> bool:
    if len(points) != 4:
        return False
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    return y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0 and x1 > x0 and y3 > y0


def entries_to_regions(value: Any, path: Path | str, where: str, status: str = "confirmed",
                       label_keys: tuple[str, ...] = ("key_cls", "label")) -> tuple[list[Region], list[Link]]:
    """Regions and links from a PaddleOCR-style annotation list (Label.txt, det_gt.txt, ppocr_kie)."""
    if not isinstance(value, list):
        raise HanjiError(f"expected a JSON list of boxes, got {type(value).__name__}", path, where)
    regions: list[Region] = []
    ids: dict[Any, int] = {}
    pairs: list[tuple[Any, Any]] = []
    for k, e in enumerate(value):
        w = f"{where}, box {k + 1}"
        if not isinstance(e, dict):
            raise HanjiError(f"a box is a JSON object, got {type(e).__name__}", path, w)
        pts = points_of(e.get("points"), path, w, min_points=3)
        text = e.get("transcription", "")
        if not isinstance(text, str):
            raise HanjiError(f"transcription must be text, got {text!r:.40}", path, w)
        difficult = bool(e.get("difficult", False))
        if isinstance(e.get("difficult"), str):
            difficult = e["difficult"].strip().lower() in ("true", "1", "yes")
        label = ""
        attrs: dict[str, Any] = {}
        for key in label_keys:
            v = e.get(key)
            if v is not None and str(v) not in ("", NONE_CLASS):
                label = str(v)
                break
        if "id" in e:
            ids[e["id"]] = k
        for pair in e.get("linking") or []:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise HanjiError(f"a link is a pair [from_id, to_id], got {pair!r:.40}", path, w)
            pairs.append((pair[0], pair[1]))
        kind = "rect" if is_axis_rect(pts) else ("quad" if len(pts) == 4 else "polygon")
        regions.append(make_region(path, w, points=pts, kind=kind, text=text,
                                   status="difficult" if difficult else status, label=label, attrs=attrs))
    links: list[Link] = []
    seen = set()
    for a, b in pairs:
        if a not in ids or b not in ids:
            raise HanjiError(f"a link names a box id that is not in the list ({a} -> {b})", path, where)
        key = (ids[a], ids[b])
        if key not in seen and ids[a] != ids[b]:
            seen.add(key)
            links.append(Link(ids[a], ids[b]))
    return regions, links


def regions_to_entries(regions: list[Region], links: list[Link], label_key: str | None = "key_cls",
                       with_links: bool | None = None) -> list[dict[str, Any]]:
    """The annotation list of a document, PaddleOCR style."""
    with_links = bool(links) if with_links is None else with_links
    out = []
    for k, r in enumerate(regions):
        e: dict[str, Any] = {"transcription": r.text, "points": [[num(x), num(y)] for x, y in r.points],
                             "difficult": r.status == "difficult"}
        if label_key:
            e[label_key] = r.label or NONE_CLASS
        if with_links:
            e["id"] = k
            e["linking"] = [[lk.src, lk.dst] for lk in links if k in (lk.src, lk.dst)]
        out.append(e)
    return out


def parse_line(line: str, path: Path, lineno: int) -> tuple[str, Any]:
    where = f"line {lineno}"
    ref, tab, rest = line.partition("\t")
    if not tab:
        raise HanjiError("expected an image path, a TAB, then a JSON list", path, where)
    try:
        value = json.loads(rest)
    except json.JSONDecodeError as e:
        raise HanjiError(f"broken JSON ({e.msg})", path, f"{where}, column {len(ref) + 1 + e.colno}") from e
    return ref.strip(), value


def label_lines(path: Path) -> Iterator[tuple[int, str]]:
    text = read_text(path)
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield i, line


def resolve(ref: str, folder: Path, path: Path | None = None, where: str | None = None) -> Path:
    """PPOCRLabel writes ``folder_name/image``: relative to the folder's parent, else in the folder."""
    ref_ = ref.replace("\\", "/")
    found = pick_image([folder.parent / ref_, folder / ref_, folder / ref_.rsplit("/", 1)[-1]], ref, path, where)
    return found if found is not None else folder / ref_.rsplit("/", 1)[-1]


# ----------------------------------------------------------------------------------- read
def _folder(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def dataset_root(path: Path) -> Path:
    """The folder images are read from: the chosen one, or the one above X-AnyLabeling's export
    folders (``ppocr-rec/Label.txt`` names ``images/NAME.jpg`` beside it, relative to the folder above)."""
    folder = _folder(Path(path))
    return folder.parent if folder.name in XANYLABELING_FOLDERS else folder


def detect(path: Path) -> bool:
    folder = _folder(path)
    if path.is_file() and path.name not in ("Label.txt", "Cache.cach", "fileState.txt"):
        return False
    return (folder / "Label.txt").is_file() or (folder / "Cache.cach").is_file()


def count(path: Path) -> int:
    folder = _folder(path)
    names = {f.name for f in folder.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES}
    for fn in ("Label.txt", "Cache.cach"):
        if (folder / fn).is_file():
            for _, line in label_lines(folder / fn):
                names.add(line.partition("\t")[0].replace("\\", "/").rsplit("/", 1)[-1])
    return len(names)


def read(path: Path, **options: Any) -> Iterator[Sample | Skipped]:
    folder = _folder(Path(path))
    if not (folder / "Label.txt").is_file() and not (folder / "Cache.cach").is_file():
        yield Skipped(HanjiError("no Label.txt or Cache.cach here; is this a PPOCRLabel folder?", folder))
        return
    checked: set[str] = set()
    state = folder / "fileState.txt"
    if state.is_file():
        try:
            for _, line in label_lines(state):
                p, _, flag = line.rpartition("\t")
                if flag.strip() == "1":
                    checked.add(p.replace("\\", "/").rsplit("/", 1)[-1])
        except HanjiError as e:
            yield Skipped(e)
    seen: set[str] = set()
    for fn, is_label in (("Label.txt", True), ("Cache.cach", False)):
        f = folder / fn
        if not f.is_file():
            continue
        try:
            lines = list(label_lines(f))
        except HanjiError as e:
            yield Skipped(e)
            continue
        for lineno, line in lines:
            try:
                ref, value = parse_line(line, f, lineno)
                base = ref.replace("\\", "/").rsplit("/", 1)[-1]
                if base in seen:
                    continue
                done = is_label or base in checked
                regions, links = entries_to_regions(value, f, f"line {lineno}",
                                                    status="confirmed" if done else "machine")
            except (HanjiError, *SHAPE_ERRORS) as e:
                seen.add(line.partition("\t")[0].replace("\\", "/").rsplit("/", 1)[-1])  # not again as bare
                yield Skipped(as_error(e, f, f"line {lineno}"))
                continue
            seen.add(base)
            try:
                img = resolve(ref, folder, f, f"line {lineno}")
            except HanjiError as e:
                yield Skipped(e)
                continue
            yield Sample(name=base, image_path=img, regions=regions, links=links,
                         status="done" if done else ("in_progress" if regions else "new"),
                         source=f"{f}, line {lineno}")
    for img in sorted(folder.iterdir()):
        if img.is_file() and img.suffix.lower() in IMAGE_SUFFIXES and img.name not in seen:
            yield Sample(name=img.name, image_path=img, source=str(img))


# ----------------------------------------------------------------------------------- write
def is_checked(s: Sample) -> bool:
    return s.status == "done" or (bool(s.regions) and all(r.status in HUMAN_STATUSES for r in s.regions))


def write(samples: Iterable[Sample], out: Path, *, rec: Any = False, final_path: Path | None = None,
          **_: Any) -> list[str]:
    """Write a PPOCRLabel folder; ``rec=yes`` adds PPOCRLabel's recognition export."""
    rec = str(rec).lower() in ("1", "true", "yes", "on")
    out = Path(out)
    out.mkdir(parents=True)
    final = Path(final_path) if final_path else out.resolve()
    names = NameAllocator()
    crop_dir = out / "crop_img"
    notes: list[str] = []
    dropped = 0
    with contextlib.ExitStack() as files:  # lines go out as they are made: memory by document, not dataset
        def lines(name: str):
            f = files.enter_context(open(out / name, "w", encoding="utf-8", newline="\n"))
            return lambda line: f.write(line + "\n")

        label, cache, state = lines("Label.txt"), lines("Cache.cach"), lines("fileState.txt")
        rec_gt = lines("rec_gt.txt") if rec else None
        for s in samples:
            img_name, data = write_image(out, names, s)
            entries = regions_to_entries(s.regions, s.links)
            line = f"{final.name}/{img_name}\t{json.dumps(entries, ensure_ascii=False)}"
            cache(line)
            if is_checked(s):
                label(line)
                state(f"{final / img_name}\t1")
                if rec_gt is not None:
                    for crop_line in _crops(s, data, img_name, crop_dir):
                        rec_gt(crop_line)
            dropped += sum(1 for r in s.regions if any(t != "O" for t in r.tags) or r.order is not None)
    if dropped:
        notes.append(f"{dropped} regions had tags or a reading order, which PPOCRLabel does not hold")
    return notes


def _crops(s: Sample, data: bytes, img_name: str, crop_dir: Path) -> list[str]:
    todo = [(k, r) for k, r in enumerate(s.regions) if r.status != "difficult" and r.text]
    if not todo:
        return []
    from hanji.formats import crops  # Pillow warps only when crops are asked for

    image = crops.decode(data)
    crop_dir.mkdir(exist_ok=True)
    stem = img_name.rsplit(".", 1)[0]
    lines = []
    for k, r in todo:
        name = f"{stem}_crop_{k}.jpg"
        (crop_dir / name).write_bytes(crops.encode(crops.crop(image, r)))
        lines.append(f"crop_img/{name}\t{one_line(r.text)}")
    return lines
