"""Import and export throughput (regions/s) for 10,000 documents in PPOCRLabel and labelme formats.

    .venv/bin/python benchmarks/formats.py [--docs 10000] [--regions 8] [--dir /dev/shm]

Makes a PPOCRLabel folder of small unique PNGs with ``--regions`` Korean text quads each, then
times: PPOCRLabel import into a new project, PPOCRLabel export, labelme export, labelme import
into another new project. The peer of each figure is the floor any importer or exporter pays:
reading (or writing) the same annotation files with ``json`` and hashing (or copying) the same
images, with no project at all; the ratio is Hanji's throughput over that floor's.
Prints ``name value unit (peer value, ratio)`` lines.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

from PIL import Image

from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore

SYLLABLES = "가나다라마바사아자차카타파하한지문구영수증합계부가세원"


def make_ppocrlabel(folder: Path, n_docs: int, n_regions: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    lines = []
    for i in range(n_docs):
        im = Image.new("L", (96, 64), 255)
        px = im.load()
        for b in range(16):  # the document number in pixels: every image differs
            px[b, 0] = 0 if (i >> b) & 1 else 255
        buf = io.BytesIO()
        im.save(buf, "PNG")
        name = f"{i:05d}.png"
        (folder / name).write_bytes(buf.getvalue())
        boxes = []
        for k in range(n_regions):
            y = 2 + k * (60 // n_regions)
            x = rng.randint(0, 20)
            text = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 8)))
            boxes.append({"transcription": text, "points": [[x, y], [x + 60, y], [x + 60, y + 5], [x, y + 5]],
                          "difficult": False, "key_cls": "None"})
        lines.append(f"{folder.name}/{name}\t{json.dumps(boxes, ensure_ascii=False)}")
    (folder / "Label.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n_docs * n_regions


def floor_read_ppocr(folder: Path) -> float:
    t = time.perf_counter()
    for line in (folder / "Label.txt").read_text(encoding="utf-8").splitlines():
        ref, _, js = line.partition("\t")
        json.loads(js)
        hashlib.sha256((folder.parent / ref).read_bytes()).hexdigest()
    return time.perf_counter() - t


def floor_read_labelme(folder: Path) -> float:
    t = time.perf_counter()
    for f in sorted(folder.glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        hashlib.sha256((folder / d["imagePath"]).read_bytes()).hexdigest()
    return time.perf_counter() - t


def floor_write(src: Path, out: Path, per_image_json: bool) -> float:
    """Write the same annotations with json and copy the images: what any exporter must do."""
    t = time.perf_counter()
    out.mkdir()
    lines = (src / "Label.txt").read_text(encoding="utf-8").splitlines()
    parsed = [(ref.rsplit("/", 1)[-1], json.loads(js)) for ref, _, js in (ln.partition("\t") for ln in lines)]
    t = time.perf_counter()  # the floor is the writing, not the reading above
    label = []
    for name, boxes in parsed:
        shutil.copyfile(src / name, out / name)
        if per_image_json:
            shapes = [{"label": "text", "points": b["points"], "description": b["transcription"],
                       "shape_type": "polygon"} for b in boxes]
            (out / f"{name[:-4]}.json").write_text(json.dumps({"shapes": shapes, "imagePath": name}, ensure_ascii=False,
                                                              indent=2), encoding="utf-8")
        else:
            label.append(f"{out.name}/{name}\t{json.dumps(boxes, ensure_ascii=False)}")
    if not per_image_json:
        (out / "Label.txt").write_text("\n".join(label) + "\n", encoding="utf-8")
    return time.perf_counter() - t


def line(name: str, regions: int, seconds: float, peer: str, peer_seconds: float) -> None:
    ours, theirs = regions / seconds, regions / peer_seconds
    print(f"{name} {ours:,.0f} regions/s ({peer} {theirs:,.0f} regions/s, ratio {ours / theirs:.2f})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--regions", type=int, default=8, help="regions per document")
    ap.add_argument("--dir", default=None, help="scratch folder (default: system temp)")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="hanji-bench-formats-", dir=args.dir))
    try:
        src = root / "imgs"
        n = make_ppocrlabel(src, args.docs, args.regions)
        print(f"# {args.docs} documents, {n} regions, in {root}", flush=True)

        a = ProjectStore.create(root / "a.hanji")
        t = time.perf_counter()
        rep = import_path(a, src, "ppocrlabel")
        t_imp = time.perf_counter() - t
        assert rep.regions == n and rep.documents == args.docs, rep.summary()
        line("ppocrlabel_import", n, t_imp, "json+sha256 read floor", floor_read_ppocr(src))

        t = time.perf_counter()
        export_project(a, "ppocrlabel", root / "pp_out")
        t_exp = time.perf_counter() - t
        line("ppocrlabel_export", n, t_exp, "json+copy write floor", floor_write(src, root / "pp_floor", False))

        t = time.perf_counter()
        export_project(a, "labelme", root / "lm")
        t_lexp = time.perf_counter() - t
        line("labelme_export", n, t_lexp, "json+copy write floor", floor_write(src, root / "lm_floor", True))
        a.close()

        b = ProjectStore.create(root / "b.hanji")
        t = time.perf_counter()
        rep = import_path(b, root / "lm", "labelme")
        t_limp = time.perf_counter() - t
        assert rep.regions == n and rep.documents == args.docs, rep.summary()
        line("labelme_import", n, t_limp, "json+sha256 read floor", floor_read_labelme(root / "lm"))
        b.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
