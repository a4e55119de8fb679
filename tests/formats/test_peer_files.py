"""Files written by the peer tools themselves (../shared/data/peer_files, see its README): each imports
without --format and goes back out in its own format with nothing dropped (issue 18, items 1-8)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hanji.domain.model import Region
from hanji.formats import registry
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore
from helpers import SHARED_DATA, png_bytes

PEER = SHARED_DATA / "peer_files"
KIE = PEER / "xanylabeling" / "examples" / "key_information_extraction"


def peer(rel: str) -> Path:
    p = PEER / rel
    if not p.exists():
        pytest.skip(f"{p} is not here")
    return p


def _project(tmp_path: Path, name: str = "p.hanji") -> ProjectStore:
    return ProjectStore.create(tmp_path / name)


# ------------------------------------------------------------------------------------ item 1
def test_xanylabeling_kie_example_finds_its_sources_folder(tmp_path):
    kie = peer("xanylabeling/examples/key_information_extraction/ppocr-kie")
    assert registry.detect(kie) == "xanylabeling-kie"
    with _project(tmp_path) as store:
        report = import_path(store, kie)
        assert report.documents == 1 and report.regions == 127 and report.links == 91
        assert store.documents()[0].name == "zh_train_0.jpg"


@pytest.mark.parametrize("rel, regions", [("xanylabeling/assets_ppocr/ppocr-rec", 71),
                                           ("xanylabeling/examples/text_recognition/ppocr-rec", 2),
                                           ("ppocrlabel/data", 1)])
def test_ppocr_label_files_of_both_tools_import(rel, regions, tmp_path):
    src = peer(rel)
    with _project(tmp_path) as store:
        report = import_path(store, src)
        assert report.format == "ppocrlabel" and report.regions >= regions and not report.skipped
        export_project(store, "ppocrlabel", tmp_path / "out")
    label = [ln.split("\t", 1) for ln in (src / "Label.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]
    back = [ln.split("\t", 1) for ln in (tmp_path / "out" / "Label.txt").read_text(encoding="utf-8").splitlines()]
    want = {ref.rsplit("/", 1)[-1]: json.loads(v) for ref, v in label}
    got = {ref.rsplit("/", 1)[-1]: json.loads(v) for ref, v in back}
    assert got.keys() == want.keys()
    for name, boxes in want.items():  # every box with every field it had
        assert [{k: b[k] for k in a} for a, b in zip(boxes, got[name])] == boxes


# ------------------------------------------------------------------------------------ items 2, 3
@pytest.mark.parametrize("rel", [
    "xanylabeling/examples/key_information_extraction/sources/zh_train_0.json",
    "xanylabeling/assets_ppocr/images/zh_val_0.json",
    "xanylabeling/assets_ppocr/images",
    "labelme/primitives/primitives.json",
    "labelme/tutorial/apc2016_obj3.json",
    "labelme/bbox_detection/data_annotated",
])
def test_labelme_files_are_recognised_by_parsing(rel):
    assert registry.detect(peer(rel)) == "labelme"


def test_hanji_labelme_export_is_recognised(tmp_path):
    with _project(tmp_path) as store:
        doc, _ = store.add_image_bytes("a.png", png_bytes(200, 100))
        store.add_regions(doc.id, [Region([(i, 2), (i + 5, 2), (i + 5, 9), (i, 9)], kind="quad", text="x" * 30)
                                   for i in range(0, 190, 6)])
        export_project(store, "labelme", tmp_path / "out")
    f = tmp_path / "out" / "a.json"
    assert f.read_text().index('"imagePath"') > 4096  # the case a 4 KB prefix missed
    assert registry.detect(f) == "labelme"
    assert registry.detect(tmp_path / "out") == "labelme"


@pytest.mark.parametrize("rel", ["labelstudio/converter_test_export_yolo/data.json",
                                 "labelstudio/converter_test_export_yolo/data_obb.json",
                                 "labelstudio/converter_test_export_yolo/data_polygons.json",
                                 "labelstudio/mlbackend_tesseract/task311_draft.json"])
def test_labelstudio_exports_are_recognised_by_parsing(rel):
    assert registry.detect(peer(rel)) == "labelstudio"


# ------------------------------------------------------------------------------------ item 4
def _roundtrip_labelme(src: Path, tmp_path: Path) -> tuple[dict, dict]:
    with _project(tmp_path) as store:
        import_path(store, src)
        export_project(store, "labelme", tmp_path / "out")
    return json.loads(src.read_text()), json.loads((tmp_path / "out" / (src.stem + ".json")).read_text())


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) < 1e-3
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("rel", [
    "xanylabeling/examples/key_information_extraction/sources/zh_train_0.json",
    "xanylabeling/assets_ppocr/images/zh_val_0.json",
    "xanylabeling/examples/text_recognition/sources/japan_1.json",
    "labelme/primitives/primitives.json",
])
def test_labelme_export_carries_every_field_of_the_peer_file(rel, tmp_path):
    orig, back = _roundtrip_labelme(peer(rel), tmp_path)
    for k, v in orig.items():
        if k not in ("shapes", "imageData"):
            assert back.get(k, "missing") == v, k
    assert len(back["shapes"]) == len(orig["shapes"])
    for i, (a, b) in enumerate(zip(orig["shapes"], back["shapes"])):
        for k, v in a.items():
            assert k in b, (i, k)
            if k == "kie_linking":  # X-AnyLabeling reads the pairs, in any order
                assert sorted(map(tuple, b[k])) == sorted(map(tuple, v)), (i, k)
            else:
                assert _same(b[k], v), (i, k, v, b[k])


def test_links_go_back_as_kie_linking_that_xanylabeling_reads(tmp_path):
    src = peer("xanylabeling/assets_ppocr/images/zh_val_0.json")
    orig, back = _roundtrip_labelme(src, tmp_path)

    def links(d):  # X-AnyLabeling's reading: pairs of group ids, from every shape's kie_linking
        return {tuple(p) for sh in d["shapes"] for p in sh.get("kie_linking") or []}

    assert links(back) == links(orig) and len(links(orig)) == 45
    assert "hanji_links" not in back  # no keys to carry


def test_links_made_in_hanji_get_group_ids_and_kie_linking(tmp_path):
    with _project(tmp_path) as store:
        doc, _ = store.add_image_bytes("a.png", png_bytes(100, 60))
        q, a, o = store.add_regions(doc.id, [
            Region([(1, 1), (20, 1), (20, 9), (1, 9)], kind="rect", text="이름", label="question"),
            Region([(30, 1), (60, 1), (60, 9), (30, 9)], kind="rect", text="홍길동", label="answer"),
            Region([(1, 20), (60, 20), (60, 29), (1, 29)], kind="rect", text="기타")])
        store.add_link(q.id, a.id)
        export_project(store, "labelme", tmp_path / "out")
    d = json.loads((tmp_path / "out" / "a.json").read_text())
    s = d["shapes"]
    assert s[0]["group_id"] is not None and s[0]["group_id"] != s[1]["group_id"]
    assert s[0]["kie_linking"] == s[1]["kie_linking"] == [[s[0]["group_id"], s[1]["group_id"]]]
    assert "kie_linking" not in s[2]


# ------------------------------------------------------------------------------------ item 5
def test_class_list_keeps_its_order_and_spelling(tmp_path):
    kie = peer("xanylabeling/examples/key_information_extraction/ppocr-kie")
    with _project(tmp_path) as store:
        import_path(store, kie)
        export_project(store, "xanylabeling-kie", tmp_path / "out")
    want = (kie / "class_list.txt").read_text().split()
    assert (tmp_path / "out" / "class_list.txt").read_text().split() == want == ["OTHER", "HEADER", "ANSWER",
                                                                                 "QUESTION"]


# ------------------------------------------------------------------------------------ items 6, 7
def _ls_dataset(src: Path, tmp_path: Path) -> Path:
    """The converter's fixtures name images ``/image1`` without a file: as the peer README says, the
    test points them at an upload path and adds blank images of the tasks' sizes."""
    tasks = json.loads(src.read_text())
    one = isinstance(tasks, dict)
    tasks = [tasks] if one else tasks
    folder = tmp_path / "ls"
    folder.mkdir()
    for k, t in enumerate(tasks):
        res = [r for a in (t.get("annotations") or []) + (t.get("drafts") or []) for r in a.get("result") or []]
        w, h = res[0]["original_width"], res[0]["original_height"]
        key = "image" if "image" in t["data"] else next(iter(t["data"]))
        name = f"image{k + 1}.png"
        t["data"][key] = f"/data/upload/1/{name}"
        (folder / name).write_bytes(png_bytes(w, h, color=(255, 255, 255 - k)))
    f = folder / src.name
    f.write_text(json.dumps(tasks[0] if one else tasks))
    return f


def test_labelstudio_draft_only_task_imports_regions_to_review(tmp_path):
    f = _ls_dataset(peer("labelstudio/mlbackend_tesseract/task311_draft.json"), tmp_path)
    with _project(tmp_path) as store:
        report = import_path(store, f)
        regions = store.regions(store.documents()[0].id)
    assert report.regions == len(regions) > 0
    assert {r.status for r in regions} == {"review"}
    assert regions[0].text == "KENAPA" and regions[0].label == "Label1"
    assert any("draft" in n for n in report.notes)


@pytest.mark.parametrize("name", ["data.json", "data_obb.json", "data_polygons.json", "task311_draft.json"])
def test_labelstudio_export_keeps_the_labeling_configs_controls(name, tmp_path):
    rel = ("labelstudio/mlbackend_tesseract/" if name.startswith("task") else
           "labelstudio/converter_test_export_yolo/") + name
    src = peer(rel)
    f = _ls_dataset(src, tmp_path)
    with _project(tmp_path) as store:
        report = import_path(store, f)
        export_project(store, "labelstudio", tmp_path / "out")
    orig = json.loads(src.read_text())
    if name == "data.json":  # task 1 has two people's annotations: the second is reported, not dropped silently
        assert any("2 annotations" in n for n in report.notes)
    orig = [orig] if isinstance(orig, dict) else orig
    back = json.loads((tmp_path / "out" / "tasks.json").read_text())

    def controls(tasks, drafts=False):
        out = set()
        for t in tasks:
            for a in ((t.get("drafts") if drafts else t.get("annotations")) or [])[:1]:
                out |= {(r["from_name"], r["type"], r["to_name"]) for r in a["result"] if r.get("type") != "relation"}
        return out

    def values(tasks, drafts=False):
        out = []
        for t in tasks:
            for a in ((t.get("drafts") if drafts else t.get("annotations")) or [])[:1]:  # Hanji keeps the first
                out += sorted((r["id"], r["type"], round(r["value"].get("x", 0), 2), round(r["value"].get("y", 0), 2),
                               round(r["value"].get("rotation", 0) % 360, 2),
                               json.dumps(r["value"].get(r["type"]) if r["type"] not in ("rectangle", "polygon")
                                          else None))
                              for r in a["result"])
        return out

    drafts = name.startswith("task")
    got = controls(back, False) | controls(back, True) | {(r["from_name"], r["type"], r["to_name"])
                                                            for t in back for p in t["predictions"] for r in p["result"]}
    assert got == controls(orig, drafts)
    if not drafts:
        assert values(back) == values(orig)
    assert all(t["data"].keys() == {"image"} for t in back)


# ------------------------------------------------------------------------------------ item 8
def test_a_tagged_regions_entity_is_its_label_in_exports(tmp_path):
    with _project(tmp_path) as store:
        doc, _ = store.add_image_bytes("a.png", png_bytes(100, 60))
        store.add_regions(doc.id, [Region([(1, 1), (60, 1), (60, 9), (1, 9)], kind="rect", text="합계 12,000",
                                          tags=["O", "B-total"]),
                                   Region([(1, 20), (60, 20), (60, 29), (1, 29)], kind="rect", text="감사합니다")])
        export_project(store, "labelme", tmp_path / "lm")
        export_project(store, "xanylabeling-kie", tmp_path / "kie")
        export_project(store, "labelstudio", tmp_path / "ls")
    shapes = json.loads((tmp_path / "lm" / "a.json").read_text())["shapes"]
    assert [s["label"] for s in shapes] == ["total", "text"]
    line = (tmp_path / "kie" / "ppocr_kie.json").read_text().split("\t", 1)[1]
    assert [e["label"] for e in json.loads(line)] == ["total", "other"]
    items = json.loads((tmp_path / "ls" / "tasks.json").read_text())[0]["annotations"][0]["result"]
    assert [it["value"]["labels"] for it in items if it["type"] == "labels"] == [["total"]]
    # and the project's own round trip keeps the label empty (the tags still say it)
    with _project(tmp_path, "q.hanji") as store:
        import_path(store, tmp_path / "lm")
        assert [r.label for r in store.regions(store.documents()[0].id)] == ["", ""]



def test_sroie_pair_round_trip(tmp_path):
    box, key = peer("sroie/box/435.csv"), peer("sroie/key/435.json")
    data = tmp_path / "sroie"
    for sub, f in (("box", box), ("key", key)):
        (data / sub).mkdir(parents=True)
        shutil.copy(f, data / sub / f.name)
    (data / "img").mkdir()
    from PIL import Image

    Image.new("RGB", (3300, 4000), "white").save(data / "img" / "435.jpg", quality=50)  # as the README says
    with _project(tmp_path) as store:
        report = import_path(store, data)
        assert report.format == "sroie" and not report.skipped
        export_project(store, "sroie", tmp_path / "out")

    def lines(p):
        return [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]

    assert lines(tmp_path / "out" / "box" / "435.csv") == lines(box)
    assert json.loads((tmp_path / "out" / "key" / "435.json").read_text()) == json.loads(key.read_text())


# ------------------------------------------------------------------------------------ the peer's own reader
LS_CONFIGS = {  # the labeling configs the converter's own tests use for these fixtures
    "data.json": ("RectangleLabels", ["parasites", "white"]),
    "data_obb.json": ("RectangleLabels", ["Butterfly", "butterfly"]),
    "data_polygons.json": ("PolygonLabels", ["Airplane"]),
}
JSON_MIN_NOISE = {"image", "id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}


@pytest.mark.parametrize("name", sorted(LS_CONFIGS))
def test_label_studio_converter_reads_the_export_as_it_read_the_original(name, tmp_path):
    """label-studio-converter (Label Studio's own export code) turns Hanji's export into the same
    JSON-MIN as the task file it came from: the same regions, labels, rotations, sizes."""
    conv = pytest.importorskip("label_studio_converter")
    src = peer(f"labelstudio/converter_test_export_yolo/{name}")
    f = _ls_dataset(src, tmp_path)
    with _project(tmp_path) as store:
        import_path(store, f)
        export_project(store, "labelstudio", tmp_path / "out")
    tag, labels = LS_CONFIGS[name]
    config = (f'<View><Image name="image" value="$image"/><{tag} name="label" toName="image">'
              + "".join(f'<Label value="{v}"/>' for v in labels) + f"</{tag}></View>")

    def json_min(tasks: Path, out: Path) -> list:
        conv.Converter(config, project_dir=None, download_resources=False).convert_to_json_min(
            str(tasks), str(out), is_dir=False)
        items = json.loads(next(out.iterdir()).read_text())
        return [{k: v for k, v in it.items() if k not in JSON_MIN_NOISE} for it in items]

    first_only = json.loads(f.read_text())
    for t in first_only:  # Hanji keeps a task's first annotation (and says so of the others)
        t["annotations"] = t["annotations"][:1]
    (tmp_path / "first.json").write_text(json.dumps(first_only))
    want = json_min(tmp_path / "first.json", tmp_path / "want")
    got = json_min(tmp_path / "out" / "tasks.json", tmp_path / "got")
    assert len(got) == len(want) and want
    for a, b in zip(got, want):
        assert a.keys() == b.keys()
        for key in b:
            ra = sorted(a[key], key=lambda r: (r.get("x", 0), r.get("y", 0))) if isinstance(a[key], list) else a[key]
            rb = sorted(b[key], key=lambda r: (r.get("x", 0), r.get("y", 0))) if isinstance(b[key], list) else b[key]
            assert _same_region_lists(ra, rb), (key, ra, rb)


def _same_region_lists(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_region_lists(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_region_lists(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-3 or abs((a - b) % 360) < 1e-3 or abs((a - b) % 360 - 360) < 1e-3
    return a == b
