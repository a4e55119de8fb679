"""CORD and FUNSD read their folders the same way (formats.base.with_images / read_pairs): each
annotation file with the image of its name beside its folder, one sample or one Skipped a file, in
file order, reading on past a bad one; an empty folder is one Skipped naming the folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hanji.formats import cord, funsd
from hanji.formats.base import Sample, Skipped, with_images
from helpers import png_bytes

CORD_OK = {"valid_line": [{"category": "menu.nm", "words": [
    {"quad": {"x1": 1, "y1": 1, "x2": 30, "y2": 1, "x3": 30, "y3": 12, "x4": 1, "y4": 12}, "text": "김치찌개"}]}],
    "meta": {"image_size": {"width": 40, "height": 20}}}
FUNSD_OK = {"form": [{"id": 0, "text": "성명", "box": [1, 1, 20, 12], "label": "question", "linking": []}]}

CASES = {  # format: (module, annotations folder, images folder, a good file, the message of an empty folder)
    "cord": (cord, "json", "image", CORD_OK, "no CORD json/*.json files here"),
    "funsd": (funsd, "annotations", "images", FUNSD_OK, "no FUNSD annotations/*.json here"),
}


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_each_file_a_sample_or_a_skip_in_order(tmp_path: Path, fmt: str):
    mod, ann, imgs, good, _ = CASES[fmt]
    (tmp_path / ann).mkdir()
    (tmp_path / imgs).mkdir()
    (tmp_path / ann / "a.json").write_text("{broken", encoding="utf-8")
    (tmp_path / ann / "b.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    (tmp_path / ann / "c.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")  # no image
    for name in ("a", "b"):
        (tmp_path / imgs / f"{name}.png").write_bytes(png_bytes(40, 20))
    got = list(mod.read(tmp_path))
    assert [type(x) for x in got] == [Skipped, Sample, Skipped]
    assert "a.json" in str(got[0].error) and "JSON" in str(got[0].error)
    assert got[1].name == "b.png" and got[1].image_path == tmp_path / imgs / "b.png"
    assert [r.text for r in got[1].regions] == [good["valid_line"][0]["words"][0]["text"] if fmt == "cord"
                                                else good["form"][0]["text"]]
    assert "c.json" in str(got[2].error) and "no image c.*" in str(got[2].error)
    assert mod.count(tmp_path) == 3


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_an_empty_folder_is_one_skip_naming_it(tmp_path: Path, fmt: str):
    mod, *_, message = CASES[fmt]
    got = list(mod.read(tmp_path))
    assert len(got) == 1 and isinstance(got[0], Skipped)
    assert message in str(got[0].error) and str(tmp_path) in str(got[0].error)


def test_with_images_takes_the_first_folder_that_has_the_image(tmp_path: Path):
    (tmp_path / "json").mkdir()
    for folder in ("image", "images"):
        (tmp_path / folder).mkdir()
    files = [tmp_path / "json" / f"{n}.json" for n in ("a", "b", "c", "d")]
    (tmp_path / "image" / "a.jpg").write_bytes(b"x")
    (tmp_path / "images" / "a.png").write_bytes(b"x")
    (tmp_path / "images" / "b.png").write_bytes(b"x")
    (tmp_path / "json" / "c.png").write_bytes(b"x")
    assert with_images(files, ("image", "images")) == [
        (files[0], tmp_path / "image" / "a.jpg"), (files[1], tmp_path / "images" / "b.png"),
        (files[2], tmp_path / "json" / "c.png"), (files[3], None)]
