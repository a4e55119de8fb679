"""Broken files: a clear error naming the file and the line or entry, and an unchanged project;
with skip_bad the good entries come in and the report lists what was skipped."""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from fmt_helpers import dump, small_project
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hanji.errors import HanjiError
from hanji.jobs.transfer import export_project, import_path
from helpers import png_bytes

GOOD = json.dumps([{"transcription": "한지", "points": [[2, 2], [40, 2], [40, 20], [2, 20]], "difficult": False}],
                  ensure_ascii=False)


@pytest.fixture
def base(tmp_path):
    """A project with content already in it (the import must leave that alone)."""
    store = small_project(tmp_path / "base.hanji", n_docs=1)
    yield store
    store.close()


def ppocr_folder(root: Path, lines: list[str], n_images: int = 3) -> Path:
    folder = root / "imgs"
    folder.mkdir(parents=True)
    for i in range(n_images):
        (folder / f"{i}.png").write_bytes(png_bytes(80, 40, color=(10 * i, 200, 200)))
    (folder / "Label.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def expect_error(store, path, fmt, *patterns):
    before = dump(store.path)
    with pytest.raises(HanjiError) as ei:
        import_path(store, path, fmt)
    msg = str(ei.value)
    for p in patterns:
        assert p in msg, msg
    assert dump(store.path) == before, "a failed import changed the project"
    return ei.value


def test_broken_json_line_names_file_and_line(tmp_path, base):
    folder = ppocr_folder(tmp_path, [f"imgs/0.png\t{GOOD}", "imgs/1.png\t[{\"transcription\": \"x\", ", f"imgs/2.png\t{GOOD}"])
    e = expect_error(base, folder, "ppocrlabel", "Label.txt", "line 2", "broken JSON")
    assert e.path.endswith("Label.txt") and e.where.startswith("line 2")
    rep = import_path(base, folder, "ppocrlabel", skip_bad=True)
    assert rep.documents == 2 and len(rep.skipped) == 1
    assert rep.skipped[0].path.endswith("Label.txt") and rep.skipped[0].where.startswith("line 2")
    # the image of the bad line is not imported bare either: fix the line and import again
    names = {d.name for d in base.documents()}
    assert {"0.png", "2.png"} <= names and "1.png" not in names


def test_odd_length_point_list(tmp_path, base):
    bad = json.dumps([{"transcription": "가", "points": [2, 2, 40, 2, 40], "difficult": False}])
    folder = ppocr_folder(tmp_path, [f"imgs/0.png\t{GOOD}", f"imgs/1.png\t{bad}"], n_images=2)
    expect_error(base, folder, "ppocrlabel", "line 2, box 1", "odd length")


def test_icdar_odd_coordinates_and_cp949(tmp_path, base):
    d = tmp_path / "icdar"
    d.mkdir()
    (d / "img_1.png").write_bytes(png_bytes(100, 50, color="white"))
    (d / "gt_img_1.txt").write_text("1,1,50,1,50,20,1,20,좋아\n1,1,50,1,50,20,1,텍스트\n", encoding="utf-8")
    expect_error(base, d, "icdar2015", "gt_img_1.txt", "line 2", "odd length")
    (d / "gt_img_1.txt").write_bytes("1,1,50,1,50,20,1,20,가\n1,1,50,1,50,20,1,20,한글\n".encode("cp949"))
    e = expect_error(base, d, "icdar2015", "gt_img_1.txt", "line 1", "not valid UTF-8", "CP949")
    assert e.where.startswith("line 1, column 21")


def test_missing_image_and_non_image(tmp_path, base):
    d = tmp_path / "lm"
    d.mkdir()
    shape = {"label": "text", "points": [[1, 1], [30, 20]], "shape_type": "rectangle", "description": "글"}
    (d / "a.json").write_text(json.dumps({"shapes": [shape], "imagePath": "a.png", "imageData": None}))
    e = expect_error(base, d, "labelme", "a.json", "imagePath", "missing")
    assert e.where == "imagePath"
    (d / "a.png").write_text("this is not a picture")
    expect_error(base, d, "labelme", "a.png", "not a readable image")
    (d / "a.png").write_bytes(png_bytes(100, 50)[:60])  # truncated PNG
    expect_error(base, d, "labelme", "a.png", "not a readable image")


def test_coordinates_outside_the_image(tmp_path, base):
    d = tmp_path / "sroie"
    for sub in ("box", "key", "img"):
        (d / sub).mkdir(parents=True)
    for i in range(2):
        (d / "img" / f"{i}.jpg").write_bytes(png_bytes(100, 50, color=(i, 0, 0)))
        (d / "key" / f"{i}.json").write_text('{"company": "한지", "total": "1"}', encoding="utf-8")
    (d / "box" / "0.csv").write_text("1,1,50,1,50,20,1,20,OK, fine\n", encoding="utf-8")
    (d / "box" / "1.csv").write_text("1,1,50,1,50,20,1,20,OK\n60,30,140,30,140,45,60,45,TOO FAR\n", encoding="utf-8")
    expect_error(base, d, "sroie", "1.csv", "region 2", "outside the 100x50 image")
    rep = import_path(base, d, "sroie", skip_bad=True)
    assert rep.documents == 1 and [s.path for s in rep.skipped] == [str(d / "box" / "1.csv")]
    doc = base.documents()[-1]
    assert [r.text for r in base.regions(doc.id)] == ["OK, fine"]


def test_label_size_disagreeing_with_image(tmp_path, base):
    d = tmp_path / "lm"
    d.mkdir()
    (d / "a.png").write_bytes(png_bytes(100, 50))
    (d / "a.json").write_text(json.dumps({"shapes": [], "imagePath": "a.png", "imageWidth": 200, "imageHeight": 50}))
    expect_error(base, d, "labelme", "a.json", "200x50", "100x50")


def test_broken_files_in_each_json_format(tmp_path, base):
    d = tmp_path / "f"
    (d / "annotations").mkdir(parents=True)
    (d / "images").mkdir()
    (d / "images" / "x.png").write_bytes(png_bytes(50, 50))
    (d / "annotations" / "x.json").write_text('{"form": [\n  {"id": 0, "box": [1, 2, 3]}\n]}')
    expect_error(base, d, "funsd", "x.json", "entity 0", "[x0, y0, x1, y1]")
    (d / "annotations" / "x.json").write_text('{"form": [\n  {"id": 0, "box": [1, 2, 3, 4],}\n]}')
    expect_error(base, d, "funsd", "x.json", "line 2", "broken JSON")
    ls = tmp_path / "ls.json"
    ls.write_text(json.dumps([{"id": 7, "nodata": 1}]))
    expect_error(base, ls, "labelstudio", "ls.json", "task 7")
    jl = tmp_path / "p.jsonl"
    jl.write_text('{"hanji": 1}\n{"name": "a", "image_base64": "@@@"}\n')
    expect_error(base, jl, "hanji", "p.jsonl", "line 2", "base64")
    cn = tmp_path / "t.conll"
    cn.write_text("-DOCSTART-\t영수증_0.png\n\n상호\tO\n한지문구\tX-store\n")
    expect_error(base, cn, "conll", "t.conll", "line 4", "not a BIO tag")


def test_conll_tokens_must_match(tmp_path, base):
    cn = tmp_path / "t.conll"
    cn.write_text("-DOCSTART-\t영수증_0.png\n\n상호\tO\n다른말\tB-store_name\n", encoding="utf-8")
    expect_error(base, cn, "conll", "token 2", "'한지문구' in the project", "'다른말' in the file")
    cn.write_text("-DOCSTART-\t없는문서.png\n\n상호\tO\n", encoding="utf-8")
    expect_error(base, cn, "conll", "no document named '없는문서.png'")


def test_strict_import_takes_back_earlier_batches(tmp_path, base):
    """Entries before the bad one were committed in their batches; the stop takes them back."""
    lines = [f"imgs/{i}.png\t{GOOD}" for i in range(6)] + ["imgs/6.png\tnot json"]
    folder = ppocr_folder(tmp_path, lines, n_images=7)
    before = dump(base.path)
    with pytest.raises(HanjiError, match="line 7"):
        import_path(base, folder, "ppocrlabel", batch=2)
    assert dump(base.path) == before


# ------------------------------------------------------------------------------------ fuzzing
_EXPORTS: dict[str, Path] = {}
FUZZ_FORMATS = ["ppocrlabel", "labelme", "icdar2015", "sroie", "funsd", "labelstudio", "hanji", "cord",
                "xanylabeling-kie", "paddleocr", "xfund"]


def exported(fmt: str) -> Path:
    """One export per format of a small project, made once and copied for each example."""
    if fmt not in _EXPORTS:
        root = Path(tempfile.mkdtemp(prefix="hanji-fuzz-"))
        with small_project(root / "src.hanji", n_docs=2) as store:
            export_project(store, fmt, root / "out")
        _EXPORTS[fmt] = root / "out"
    return _EXPORTS[fmt]


def annotation_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".txt", ".json", ".jsonl", ".csv",
                                                                                 ".cach", ".png"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(FUZZ_FORMATS), pick=st.integers(0, 10_000), op=st.sampled_from(["cut", "junk", "cp949"]),
       at=st.floats(0, 1), junk=st.binary(min_size=1, max_size=8), skip_bad=st.booleans())
def test_fuzzed_files_give_clear_errors_and_leave_the_project_alone(fmt, pick, op, at, junk, skip_bad):
    src = exported(fmt)
    tmp = Path(tempfile.mkdtemp(prefix="hanji-fuzz-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None))
    try:
        out = tmp / "out"
        shutil.copytree(src, out)
        files = annotation_files(out)
        f = files[pick % len(files)]
        data = f.read_bytes()
        pos = int(at * len(data))
        if op == "cut":
            data = data[:pos]
        elif op == "junk":
            data = data[:pos] + junk + data[pos + len(junk):]
        else:
            data = data[:pos] + "한글".encode("cp949") + data[pos:]
        f.write_bytes(data)
        with small_project(tmp / "p.hanji", n_docs=1) as store:
            before = dump(store.path)
            try:
                rep = import_path(store, out, fmt, skip_bad=skip_bad)
            except HanjiError as e:
                event("stopped with an error")
                assert e.path, f"the error names no file: {e}"
                assert dump(store.path) == before
            else:
                event("skipped entries" if rep.skipped else "imported whole")
                for s in rep.skipped:
                    assert s.path, f"a skipped entry names no file: {s}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _nodes(obj, path=()):
    yield path
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _nodes(v, path + (i,))


def _replace(obj, path, value):
    if not path:
        return value
    node = obj
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return obj


JSON_VALUES = st.sampled_from([None, 0, -5, 1e308, "x", "", [], {}, [1, 2, 3], [[1, 2]], {"a": 1}, True])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(["labelme", "funsd", "labelstudio", "cord", "xfund", "hanji", "ppocrlabel"]),
       pick=st.integers(0, 10_000), node=st.integers(0, 100_000), value=JSON_VALUES)
def test_json_of_the_wrong_shape_gives_clear_errors(fmt, pick, node, value):
    """Valid JSON with a value of the wrong type or shape anywhere: a HanjiError, never a crash."""
    src = exported(fmt)
    tmp = Path(tempfile.mkdtemp(prefix="hanji-fuzz-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None))
    try:
        out = tmp / "out"
        shutil.copytree(src, out)
        files = [p for p in annotation_files(out) if p.suffix in (".json", ".jsonl", ".txt")]
        f = files[pick % len(files)]
        lines = f.read_text(encoding="utf-8").splitlines()
        if f.suffix == ".json":
            lines = ["\n".join(lines)]
        k = pick % len(lines)
        prefix, tab, body = lines[k].rpartition("\t") if "\t" in lines[k] else ("", "", lines[k])
        obj = json.loads(body)
        paths = list(_nodes(obj))
        obj = _replace(obj, paths[node % len(paths)], value)
        lines[k] = prefix + tab + json.dumps(obj, ensure_ascii=False)
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with small_project(tmp / "p.hanji", n_docs=1) as store:
            before = dump(store.path)
            try:
                import_path(store, out, fmt)
            except HanjiError as e:
                assert e.path, f"the error names no file: {e}"
                assert dump(store.path) == before
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_IMG = '"image_base64": "' + base64.b64encode(png_bytes(20, 10)).decode() + '"'


@pytest.mark.parametrize("line, says", [
    ('{"name": "a.png", ' + _IMG + ', "width": -1e999, "height": 10, "regions": []}', "unexpected shape"),
    ('{"name": "a.png", ' + _IMG + ', "width": 20, "height": 1e999, "regions": []}', "unexpected shape"),
    ("[" * 100_000 + "]" * 100_000, "nested too deep"),
])
def test_jsonl_numbers_json_reads_as_infinity_and_deep_nesting(tmp_path, base, line, says):
    """Found by the fuzz test: the line-by-line JSONL reader let OverflowError and RecursionError out."""
    jl = tmp_path / "p.jsonl"
    jl.write_text(line + "\n", encoding="utf-8")
    e = expect_error(base, jl, "hanji", "p.jsonl", "line 1", says)
    assert e.where.startswith("line 1")
