"""Importers read no file outside the dataset folder the user chose, unless allowed (issue 18, item 9)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hanji.cli import main
from hanji.errors import HanjiError
from hanji.jobs.transfer import import_path
from hanji.store import ProjectStore
from helpers import png_bytes


@pytest.fixture
def world(tmp_path):
    """``data/`` is the dataset; ``outside/`` holds an image and a non-image file the dataset names."""
    data, outside = tmp_path / "data", tmp_path / "outside"
    data.mkdir()
    outside.mkdir()
    (outside / "x.png").write_bytes(png_bytes(40, 20))
    (outside / "secret.txt").write_text("not for you")
    return tmp_path, data, outside


def _labelme(data: Path, ref: str) -> Path:
    f = data / "a.json"
    f.write_text(json.dumps({"version": "5.5.0", "flags": {}, "shapes": [], "imagePath": ref,
                             "imageData": None, "imageHeight": 20, "imageWidth": 40}))
    return data


def _ls(data: Path, url: str) -> Path:
    (data / "tasks.json").write_text(json.dumps([{"id": 1, "data": {"ocr": url}, "annotations": [
        {"result": []}]}]))
    return data / "tasks.json"


def _ppocr(data: Path, ref: str) -> Path:
    (data / "Label.txt").write_text(f"{ref}\t[]\n")
    return data


def _paddle(data: Path, ref: str) -> Path:
    (data / "det_gt.txt").write_text(f"{ref}\t[]\n")
    return data / "det_gt.txt"


def _donut(data: Path, ref: str) -> Path:
    (data / "metadata.jsonl").write_text(json.dumps({"file_name": ref, "ground_truth": "{\"gt_parse\": {}}"}) + "\n")
    return data / "metadata.jsonl"


def _jsonl(data: Path, ref: str) -> Path:
    (data / "d.jsonl").write_text(json.dumps({"hanji": 1}) + "\n" + json.dumps({"name": "x.png", "image": ref}) + "\n")
    return data / "d.jsonl"


CASES = {
    "labelme ../": (_labelme, "../outside/{name}", "labelme"),
    "labelme absolute": (_labelme, "{abs}", "labelme"),
    "labelstudio ../": (_ls, "../outside/{name}", "labelstudio"),
    "labelstudio local-files absolute": (_ls, "/data/local-files/?d={abs}", "labelstudio"),
    "labelstudio local-files ../": (_ls, "/data/local-files/?d=../outside/{name}", "labelstudio"),
    "ppocrlabel absolute": (_ppocr, "{abs}", "ppocrlabel"),
    "ppocrlabel ../": (_ppocr, "../outside/{name}", "ppocrlabel"),
    "paddleocr absolute": (_paddle, "{abs}", "paddleocr"),
    "paddleocr ../": (_paddle, "../outside/{name}", "paddleocr"),
    "donut ../": (_donut, "../outside/{name}", "donut"),
    "donut absolute": (_donut, "{abs}", "donut"),
    "hanji jsonl absolute": (_jsonl, "{abs}", "hanji"),
    "hanji jsonl ../": (_jsonl, "../outside/{name}", "hanji"),
}


def _import(tmp: Path, src: Path, fmt: str, **kw):
    p = tmp / "p.hanji"
    if p.exists():
        p.unlink()
    with ProjectStore.create(p) as store:
        return import_path(store, src, fmt, **kw), [d.name for d in store.documents()]


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_image_outside_the_dataset_is_refused_unless_allowed(world, case):
    tmp, data, outside = world
    make, ref, fmt = CASES[case]
    src = make(data, ref.format(name="x.png", abs=outside / "x.png"))
    with pytest.raises(HanjiError, match="outside the dataset folder") as e:
        _import(tmp, src, fmt)
    assert "--allow-outside" in str(e.value)
    report, docs = _import(tmp, src, fmt, allow_outside=[outside])
    assert report.documents == 1 and docs


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_refusal_does_not_tell_whether_an_outside_file_exists(world, case):
    tmp, data, outside = world
    make, ref, fmt = CASES[case]
    said = []
    for name in ("secret.txt", "nothing.txt"):
        src = make(data, ref.format(name=name, abs=outside / name))
        with pytest.raises(HanjiError) as e:
            _import(tmp, src, fmt)
        said.append(str(e.value).replace(name, "NAME"))
    assert said[0] == said[1] and "outside the dataset folder" in said[0]


def test_a_symlink_out_of_the_dataset_is_refused(world):
    tmp, data, outside = world
    os.symlink(outside / "x.png", data / "x.png")
    with pytest.raises(HanjiError, match="outside the dataset folder"):
        _import(tmp, _labelme(data, "x.png"), "labelme")
    os.symlink(outside, data / "imgs")
    with pytest.raises(HanjiError, match="outside the dataset folder"):
        _import(tmp, _labelme(data, "imgs/x.png"), "labelme")
    report, _ = _import(tmp, _labelme(data, "imgs/x.png"), "labelme", allow_outside=[outside])
    assert report.documents == 1


def test_images_inside_the_dataset_still_import(world):
    tmp, data, outside = world
    (data / "sub").mkdir()
    (data / "sub" / "x.png").write_bytes(png_bytes(40, 20))
    report, _ = _import(tmp, _labelme(data, "sub/../sub/x.png"), "labelme")
    assert report.documents == 1


def test_cli_allow_outside(world, capsys):
    tmp, data, outside = world
    src = _labelme(data, "../outside/x.png")
    assert main(["import", "--create", str(tmp / "c.hanji"), str(src)]) == 1
    assert "outside the dataset folder" in capsys.readouterr().err
    assert main(["import", str(tmp / "c.hanji"), str(src), "--allow-outside", str(outside)]) == 0
