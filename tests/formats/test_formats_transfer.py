"""Import/export jobs: resume after a cancel, export under a temporary name, detection, the CLI,
and files written by hand the way other tools write them."""

from __future__ import annotations

import json
import math

import pytest
from fmt_helpers import content, dump, small_project

from hanji.cli import main as cli_main
from hanji.errors import HanjiError
from hanji.formats import registry
from hanji.formats.donut import flatten, gt_parse, nest
from hanji.jobs.base import Cancelled, CancelToken
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore
from helpers import png_bytes

WRITABLE = [n for n in registry.names() if n != "conll"]


def test_every_format_is_detected_from_its_own_export(tmp_path):
    with small_project(tmp_path / "p.hanji") as store:
        for name in registry.names():
            out = tmp_path / (f"{name}.conll" if name == "conll" else f"{name}-out")
            export_project(store, name, out)
            assert registry.detect(out) == name, name
        export_project(store, "hanji", tmp_path / "all.jsonl")
        assert registry.detect(tmp_path / "all.jsonl") == "hanji"
    with pytest.raises(HanjiError, match="cannot tell the format"):
        registry.detect(tmp_path / "p.hanji")
    with pytest.raises(HanjiError, match="unknown format 'tiff'"):
        registry.get("tiff")


def test_cancelled_import_resumes_and_adds_nothing_twice(tmp_path):
    with small_project(tmp_path / "src.hanji", n_docs=6) as src:
        export_project(src, "labelme", tmp_path / "lm")
        expected = content(src, docs=False)
    token = CancelToken()
    seen = []

    def progress(done, total=None, message=""):
        seen.append(done)
        if done == 4:
            token.cancel()

    with ProjectStore.create(tmp_path / "dst.hanji") as dst:
        with pytest.raises(Cancelled):
            import_path(dst, tmp_path / "lm", "labelme", progress=progress, cancel=token, batch=2)
        assert 0 < len(dst.documents()) < 6  # what was read before the cancel is kept
        rep = import_path(dst, tmp_path / "lm")  # detected, resumed
        assert rep.documents + rep.duplicates == 6 and rep.duplicates == len(dst.documents()) - rep.documents
        again = import_path(dst, tmp_path / "lm")
        assert again.documents == 0 and again.duplicates == 6
        assert content(dst, docs=False) == expected
        assert dst.counts()["history_steps"] == 0  # imports are not undo steps


def test_annotations_go_onto_images_added_before(tmp_path):
    """Images added with `hanji add` first, then their labels imported: the same documents get them."""
    with small_project(tmp_path / "src.hanji") as src:
        export_project(src, "ppocrlabel", tmp_path / "pp")
    with ProjectStore.create(tmp_path / "dst.hanji") as dst:
        for f in sorted((tmp_path / "pp").glob("*.png")):
            dst.add_image(f)
        rep = import_path(dst, tmp_path / "pp")
        assert rep.documents == 0 and rep.annotated == 2 and rep.regions == 6
        assert len(dst.documents()) == 2


def test_failed_export_leaves_nothing(tmp_path, monkeypatch):
    from hanji.formats import labelme

    with small_project(tmp_path / "p.hanji") as store:
        def broken(samples, out, **kw):
            out.mkdir()
            for _ in samples:
                (out / "half.json").write_text("{")
                raise OSError("disk full")

        monkeypatch.setattr(labelme, "write", broken)
        with pytest.raises(HanjiError, match="cannot write the export: disk full"):  # one clear error
            export_project(store, "labelme", tmp_path / "out")
        assert not any(p.name.startswith((".out", "out")) for p in tmp_path.iterdir())


def test_cancelled_export_leaves_nothing_and_refuses_to_overwrite(tmp_path):
    with small_project(tmp_path / "p.hanji", n_docs=3) as store:
        token = CancelToken()
        token.cancel()
        with pytest.raises(Cancelled):
            export_project(store, "funsd", tmp_path / "out", cancel=token)
        assert not any(p.name.startswith((".out", "out")) for p in tmp_path.iterdir())
        export_project(store, "funsd", tmp_path / "out")
        with pytest.raises(HanjiError, match="already exists"):
            export_project(store, "funsd", tmp_path / "out")
        (tmp_path / "out" / "stale.txt").write_text("old")
        export_project(store, "funsd", tmp_path / "out", overwrite=True)
        assert not (tmp_path / "out" / "stale.txt").exists()
        assert len(list((tmp_path / "out" / "annotations").glob("*.json"))) == 3


def test_cli_import_export(tmp_path, capsys, shared_data):
    proj = tmp_path / "p.hanji"
    assert cli_main(["import", str(proj), str(shared_data / "icdar2015_samples"), "--create", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["format"] == "icdar2015" and rep["documents"] == 1
    out = tmp_path / "pp"
    assert cli_main(["export", str(proj), "--format", "ppocrlabel", str(out), "--opt", "rec=yes"]) == 0
    assert "exported 1 documents" in capsys.readouterr().out
    assert (out / "rec_gt.txt").is_file() and (out / "crop_img").is_dir()
    assert cli_main(["export", str(proj), "--format", "ppocrlabel", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_cli_skip_bad_report(tmp_path, capsys):
    d = tmp_path / "imgs"
    d.mkdir()
    for i in range(2):
        (d / f"{i}.png").write_bytes(png_bytes(60, 30, color=(i, 9, 9)))
    good = json.dumps([{"transcription": "한", "points": [[1, 1], [20, 1], [20, 10], [1, 10]], "difficult": False}])
    (d / "Label.txt").write_text(f"imgs/0.png\t{good}\nimgs/1.png\t{{broken\n", encoding="utf-8")
    proj = tmp_path / "p.hanji"
    ProjectStore.create(proj).close()
    assert cli_main(["import", str(proj), str(d)]) == 1
    err = capsys.readouterr().err
    assert "Label.txt (line 2, column" in err and "broken JSON" in err
    assert cli_main(["import", str(proj), str(d), "--skip-bad"]) == 0
    cap = capsys.readouterr()
    assert "imported 1 new documents" in cap.out and "skipped 1 bad entries" in cap.out
    assert "Label.txt (line 2" in cap.err


# ---------------------------------------------------------------------- files as other tools write them
def test_ppocrlabel_cache_and_file_state(tmp_path):
    d = tmp_path / "pics"
    d.mkdir()
    for i in range(4):
        (d / f"{i}.png").write_bytes(png_bytes(100, 40, color=(i, 50, 50)))
    box = {"transcription": "부가세 1,000", "points": [[5, 5], [80, 8], [79, 30], [4, 27]], "difficult": False,
           "key_cls": "tax"}
    dif = {"transcription": "###", "points": [[1, 1], [9, 1], [9, 9], [1, 9]], "difficult": True, "key_cls": "None"}
    line = json.dumps([box, dif], ensure_ascii=False)
    (d / "Label.txt").write_text(f"pics/0.png\t{line}\n", encoding="utf-8")
    (d / "Cache.cach").write_text(f"pics/0.png\t{line}\npics/1.png\t{line}\npics/2.png\t{line}\n", encoding="utf-8")
    (d / "fileState.txt").write_text(f"{d / '0.png'}\t1\n{d / '2.png'}\t1\n", encoding="utf-8")
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        rep = import_path(store, d / "Label.txt")
        assert rep.documents == 4
        docs = {x.name: x for x in store.documents()}
        assert {n: x.status for n, x in docs.items()} == {"0.png": "done", "1.png": "in_progress", "2.png": "done",
                                                          "3.png": "new"}
        r0 = store.regions(docs["0.png"].id)
        assert [(r.kind, r.text, r.status, r.label) for r in r0] == [
            ("quad", "부가세 1,000", "confirmed", "tax"), ("rect", "###", "difficult", "")]
        assert [r.status for r in store.regions(docs["1.png"].id)] == ["machine", "difficult"]
        export_project(store, "ppocrlabel", tmp_path / "again")
    label = (tmp_path / "again" / "Label.txt").read_text(encoding="utf-8").splitlines()
    assert [ln.split("\t")[0] for ln in label] == ["again/0.png", "again/2.png"]
    assert json.loads(label[0].split("\t")[1]) == [box, dif]
    state = (tmp_path / "again" / "fileState.txt").read_text(encoding="utf-8").splitlines()
    assert state[0] == f"{(tmp_path / 'again' / '0.png').resolve()}\t1"
    assert len((tmp_path / "again" / "Cache.cach").read_text(encoding="utf-8").splitlines()) == 4


def test_rectified_crop_of_a_rotated_quad(tmp_path):
    """rec export: a tilted text line is warped upright, its size the quad's side lengths."""
    from PIL import Image

    from hanji.domain.model import Region

    a = math.radians(20)
    cx, cy, w, h = 100, 60, 120, 30
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    quad = [(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)) for x, y in corners]
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        doc, _ = store.add_image_bytes("tilt.png", png_bytes(200, 120, text="한지"))
        store.add_regions(doc.id, [Region(quad, kind="quad", text="기울어진 줄", status="confirmed")])
        export_project(store, "ppocrlabel", tmp_path / "pp", options={"rec": "yes"})
    name, text = (tmp_path / "pp" / "rec_gt.txt").read_text(encoding="utf-8").strip().split("\t")
    assert text == "기울어진 줄"
    with Image.open(tmp_path / "pp" / name) as crop:
        assert crop.size == (w, h)


def test_labelstudio_export_from_the_ocr_template(tmp_path):
    d = tmp_path / "ls"
    d.mkdir()
    (d / "3f2a9c1b-scan.png").write_bytes(png_bytes(200, 100, color="white"))
    item = {"original_width": 200, "original_height": 100, "image_rotation": 0, "to_name": "image"}
    rect = {"x": 10, "y": 20, "width": 30, "height": 10, "rotation": 0}
    rot = {"x": 50, "y": 30, "width": 20, "height": 10, "rotation": 90}
    tasks = [{
        "id": 11, "data": {"ocr": "/data/upload/1/3f2a9c1b-scan.png"},
        "annotations": [{"result": [
            dict(item, id="a", type="rectangle", from_name="bbox", value=rect),
            dict(item, id="a", type="labels", from_name="label", value=dict(rect, labels=["Text"])),
            dict(item, id="a", type="textarea", from_name="transcription", value=dict(rect, text=["사업자등록번호"])),
            dict(item, id="b", type="rectangle", from_name="bbox", value=rot),
            dict(item, id="b", type="textarea", from_name="transcription", value=dict(rot, text=["세로"])),
            {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["value"]},
        ]}],
        "predictions": [{"model_version": "ocr-1", "score": 0.5, "result": [
            dict(item, id="a", type="rectangle", from_name="bbox", value=rect),
            dict(item, id="p", type="polygon", from_name="poly",
                 value={"points": [[80, 10], [95, 10], [95, 40], [88, 50], [80, 40]]}),
            dict(item, id="p", type="textarea", from_name="transcription",
                 value={"points": [[80, 10], [95, 10], [95, 40], [88, 50], [80, 40]], "text": ["예측"]}),
        ]}],
    }]
    (d / "export.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        rep = import_path(store, d / "export.json")
        assert rep.format == "labelstudio" and rep.documents == 1
        doc = store.documents()[0]
        assert doc.name == "scan.png" and doc.status == "done"
        a, b, p = store.regions(doc.id)
        assert (a.kind, a.text, a.label, a.status) == ("rect", "사업자등록번호", "Text", "confirmed")
        assert a.points == [(20, 20), (80, 20), (80, 30), (20, 30)]
        assert b.kind == "quad" and b.text == "세로"
        # rotated 90 degrees clockwise about its top-left corner (100, 30): 40 wide, 10 high
        assert [(round(x, 6), round(y, 6)) for x, y in b.points] == [(100, 30), (100, 70), (90, 70), (90, 30)]
        assert (p.kind, p.text, p.status, p.confidence, p.source) == ("polygon", "예측", "machine", 0.5, "labelstudio")
        (lk,) = store.links(doc.id)
        assert (lk.src, lk.dst, lk.key) == (a.id, b.id, "value")


def test_donut_from_cord_style_regions_and_nesting():
    from hanji.domain.model import Region
    from hanji.formats.base import Sample

    def reg(label, text, group):
        return Region([(0, 0), (1, 0), (1, 1), (0, 1)], text=text, label=label, attrs={"cord": {"group_id": group}})

    s = Sample("r.png", regions=[reg("menu.nm", "아메리카노", 1), reg("menu.price", "4,500", 1),
                                 reg("menu.nm", "라떼", 2), reg("menu.price", "5,000", 2),
                                 reg("total.total_price", "9,500", 3)])
    parse = gt_parse(s)
    assert parse == {"menu": [{"nm": "아메리카노", "price": "4,500"}, {"nm": "라떼", "price": "5,000"}],
                     "total": {"total_price": "9,500"}}
    assert nest(flatten(parse)) == parse


def test_cord_and_xfund_files(tmp_path):
    cord = tmp_path / "cord"
    (cord / "json").mkdir(parents=True)
    (cord / "image").mkdir()
    (cord / "image" / "receipt_00000.png").write_bytes(png_bytes(120, 80))
    q = {"x1": 10, "y1": 10, "x2": 50, "y2": 10, "x3": 50, "y3": 20, "x4": 10, "y4": 20}
    q2 = {k: v + (45 if k.startswith("x") else 0) for k, v in q.items()}
    doc = {"dontcare": [], "valid_line": [{"words": [
        {"quad": q, "is_key": 0, "row_id": 1, "text": "아이스"}, {"quad": q2, "is_key": 0, "row_id": 1, "text": "라떼"}],
        "category": "menu.nm", "group_id": 3, "sub_group_id": 0}],
        "meta": {"version": "v2", "split": "train", "image_id": 0, "image_size": {"width": 120, "height": 80}},
        "roi": {}, "repeating_symbol": []}
    (cord / "json" / "receipt_00000.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        assert import_path(store, cord).format == "cord"
        regs = store.regions(store.documents()[0].id)
        assert [(r.text, r.label, r.tags) for r in regs] == [("아이스", "menu.nm", ["B-menu.nm"]),
                                                            ("라떼", "menu.nm", ["I-menu.nm"])]
        export_project(store, "cord", tmp_path / "cord2")
        export_project(store, "donut", tmp_path / "donut")
    again = json.loads((tmp_path / "cord2" / "json" / "receipt_00000.json").read_text(encoding="utf-8"))
    assert again["valid_line"] == doc["valid_line"] and again["meta"] == doc["meta"]
    meta = json.loads((tmp_path / "donut" / "metadata.jsonl").read_text(encoding="utf-8"))
    assert json.loads(meta["ground_truth"]) == {"gt_parse": {"menu": {"nm": "아이스 라떼"}}}

    xf = tmp_path / "xfund"
    (xf / "ko.val").mkdir(parents=True)
    (xf / "ko.val" / "ko_val_0.png").write_bytes(png_bytes(100, 60))
    ents = [{"id": 0, "text": "성명", "box": [1, 1, 30, 12], "label": "question", "words": [], "linking": [[0, 1]]},
            {"id": 1, "text": "홍길동", "box": [35, 1, 80, 12], "label": "answer", "words": [], "linking": [[0, 1]]}]
    xdoc = {"lang": "ko", "version": "0.1", "split": "val", "documents": [
        {"id": "ko_val_0", "uid": "u0", "document": ents, "img": {"fname": "ko_val_0.png", "width": 100, "height": 60}}]}
    (xf / "ko.val.json").write_text(json.dumps(xdoc, ensure_ascii=False), encoding="utf-8")
    with ProjectStore.create(tmp_path / "x.hanji") as store:
        rep = import_path(store, xf)
        assert rep.format == "xfund" and rep.links == 1
        regs = store.regions(store.documents()[0].id)
        assert [(r.text, r.label, r.tags) for r in regs] == [("성명", "question", ["B-question"]),
                                                            ("홍길동", "answer", ["B-answer"])]
        export_project(store, "xfund", tmp_path / "xfund2", options={"split": "val"})
    out = json.loads((tmp_path / "xfund2" / "ko.val.json").read_text(encoding="utf-8"))
    assert out["lang"] == "ko" and out["documents"][0]["id"] == "ko_val_0"
    assert [e["linking"] for e in out["documents"][0]["document"]] == [[[0, 1]], [[0, 1]]]
    assert (tmp_path / "xfund2" / "ko.val" / "ko_val_0.png").is_file()


def test_hanji_jsonl_carries_the_label_schema(tmp_path):
    from hanji.domain.model import EntityType

    with small_project(tmp_path / "a.hanji") as a:
        a.set_entity_type(EntityType("store_name", "#ff0000", "1", "상호"))
        export_project(a, "hanji", tmp_path / "all.jsonl")
        with ProjectStore.create(tmp_path / "b.hanji") as b:
            import_path(b, tmp_path / "all.jsonl")
            assert [(e.name, e.title, e.color) for e in b.entity_types()] == [("store_name", "상호", "#ff0000")]
            assert content(b) == content(a)
            assert dump(b.path) != []


def test_unknown_options_are_named(tmp_path):
    with small_project(tmp_path / "p.hanji") as store:
        with pytest.raises(HanjiError, match=r"ppocrlabel takes no option crops when exporting \(it takes: rec\)"):
            export_project(store, "ppocrlabel", tmp_path / "out", options={"crops": "yes"})
        export_project(store, "labelme", tmp_path / "lm", options={"embed": "yes"})
        with pytest.raises(HanjiError, match="labelme takes no option embed when importing"):
            import_path(store, tmp_path / "lm", options={"embed": "yes"})
        assert import_path(store, tmp_path / "lm", options={"text_from": "description"}).duplicates == 2
        assert "imageData" in (tmp_path / "lm" / "영수증_0.json").read_text(encoding="utf-8")


def test_labelme_with_embedded_images_only(tmp_path):
    with small_project(tmp_path / "p.hanji") as store:
        export_project(store, "labelme", tmp_path / "lm", options={"embed": "yes"})
        for f in (tmp_path / "lm").glob("*.png"):
            f.unlink()  # only the JSON files travel
        with ProjectStore.create(tmp_path / "b.hanji") as b:
            rep = import_path(b, tmp_path / "lm")
            assert rep.documents == 2 and content(b) == content(store)


KILL_SCRIPT = """
import sys, time
from hanji.jobs.transfer import import_path
from hanji.store import ProjectStore

def slow(done, total=None, message=""):
    time.sleep(0.02)  # slow enough to be killed half way

with ProjectStore.open(sys.argv[1]) as store:
    import_path(store, sys.argv[2], "labelme", progress=slow, batch=4)
"""


def test_killed_import_runs_again_and_adds_nothing_twice(tmp_path):
    """kill -9 in the middle: the project opens, holds only whole documents, and a second run completes it."""
    import sqlite3
    import subprocess
    import sys
    import time

    with small_project(tmp_path / "src.hanji", n_docs=40) as src:
        export_project(src, "labelme", tmp_path / "lm")
        expected = content(src, docs=False)
    proj = tmp_path / "dst.hanji"
    ProjectStore.create(proj).close()
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(proj), str(tmp_path / "lm")])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait for a few committed batches
            time.sleep(0.05)
            conn = sqlite3.connect(f"file:{proj}?mode=ro", uri=True, timeout=5)
            try:
                n = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            finally:
                conn.close()
            if n >= 8 or proc.poll() is not None:
                break
    finally:
        proc.kill()
        proc.wait()
    with ProjectStore.open(proj) as dst:
        docs = dst.documents()
        assert 0 < len(docs) < 40, "the kill came too late to test anything"
        assert all(len(dst.regions(d.id)) == 3 and len(dst.links(d.id)) == 1 for d in docs)  # whole documents
        rep = import_path(dst, tmp_path / "lm")
        assert rep.documents == 40 - len(docs) and rep.duplicates == len(docs)
        assert content(dst, docs=False) == expected
