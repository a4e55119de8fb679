"""Round trips on the real public samples in ../shared/data: import, export, import again, same content."""

from __future__ import annotations

import json

import pytest
from fmt_helpers import content

from hanji.formats import registry
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore


def rounded(points):
    return [[round(float(c), 3) for c in p] for p in points]


def roundtrip(fast_tmp, src, fmt, third=True):
    a = ProjectStore.create(fast_tmp / "a.hanji")
    first = import_path(a, src, fmt)
    export_project(a, fmt, fast_tmp / "out")
    b = ProjectStore.create(fast_tmp / "b.hanji")
    second = import_path(b, fast_tmp / "out", fmt)
    c = b
    if third:  # once more through the export of the re-imported project: a fixed point
        export_project(b, fmt, fast_tmp / "out2")
        c = ProjectStore.create(fast_tmp / "c.hanji")
        import_path(c, fast_tmp / "out2", fmt)
    return a, b, c, first, second


def test_funsd_roundtrip(fast_tmp, shared_data):
    src = shared_data / "funsd"
    assert registry.detect(src) == "funsd"
    a, b, c, first, second = roundtrip(fast_tmp, src, "funsd", third=False)  # files compared below
    assert first.documents == 80 and not first.skipped
    assert first.regions == 4032  # every entity (README: 4,032)
    # every link of the files (both ends listed once each), self-links dropped
    pairs = set()
    for f in src.rglob("annotations/*.json"):
        for e in json.loads(f.read_text())["form"]:
            pairs |= {(f.name, x, y) for x, y in e["linking"] if x != y}
    assert first.links == len(pairs)
    assert content(a) == content(b) == content(c)
    # a FUNSD question entity becomes a rect region labelled question, with its words and BIO tags
    doc = next(d for d in a.documents() if d.name == "82092117.png")
    to = next(r for r in a.regions(doc.id) if r.text == "TO:")
    assert to.kind == "rect" and to.label == "question" and to.tags == ["B-question"]
    assert to.attrs["funsd_words"] == [{"box": [102, 345, 129, 359], "text": "TO:"}]
    assert to.points[0] == (102.0, 345.0) and to.points[2] == (129.0, 359.0)
    # the exported annotation files are the original ones, entity for entity, link order included
    for f in sorted(src.rglob("annotations/*.json")):
        assert json.loads((fast_tmp / "out" / "annotations" / f.name).read_text()) == json.loads(f.read_text()), f.name


def test_sroie_roundtrip(fast_tmp, shared_data):
    src = shared_data / "sroie"
    assert registry.detect(src) == "sroie"
    a, b, c, first, second = roundtrip(fast_tmp, src, "sroie", third=False)  # files compared below
    # 60 receipts, but two pairs share one image file byte for byte: the second of each is reported
    assert first.documents + first.duplicates == 60 and first.duplicates == 2
    assert sum("same image" in n for n in first.notes) == 2
    assert first.keyvalues == 4 * first.documents
    assert content(a) == content(b) == content(c)
    doc = next(d for d in a.documents() if d.name == "000.jpg")
    kv = {k.key: k.value for k in a.keyvalues(doc.id)}
    assert kv["address"] == "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR."
    texts = [r.text for r in a.regions(doc.id)]
    assert "NO.53 55,57 & 59, JALAN SAGU 18," in texts  # commas inside the transcript survive
    # the exported box and key files are the originals, line for line
    for f in sorted((fast_tmp / "out" / "box").glob("*.csv")):
        orig = [ln for ln in (src / "box" / f.name).read_text(encoding="utf-8").splitlines() if ln.strip()]
        assert f.read_text(encoding="utf-8").splitlines() == orig, f.name
        key = f.stem + ".json"
        assert json.loads((fast_tmp / "out" / "key" / key).read_text()) == json.loads((src / "key" / key).read_text())


def test_icdar_roundtrip(fast_tmp, shared_data):
    src = shared_data / "icdar2015_samples"
    assert registry.detect(src) == "icdar2015"
    a, b, c, first, second = roundtrip(fast_tmp, src, "icdar2015")
    assert first.documents == 1
    lines = [ln for ln in (src / "img_1.txt").read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    regs = a.regions(a.documents()[0].id)
    assert len(regs) == len(lines)
    dont_care = [r for r in regs if r.status == "difficult"]
    assert len(dont_care) == sum(ln.endswith(",###") for ln in lines) and all(r.text == "" for r in dont_care)
    assert content(a) == content(b) == content(c)
    gt = (fast_tmp / "out" / "gt" / "gt_img_1.txt").read_text(encoding="utf-8").splitlines()
    assert gt == lines  # byte-for-byte the same lines


@pytest.mark.parametrize("folder", ["bbox_detection", "instance_segmentation", "primitives"])
def test_labelme_roundtrip(fast_tmp, shared_data, folder):
    src = shared_data / "labelme_examples" / folder
    assert registry.detect(src) == "labelme"
    a, b, c, first, second = roundtrip(fast_tmp, src, "labelme")
    assert not first.skipped
    assert content(a) == content(b) == content(c)
    # shapes that are not text regions are kept and written back in place
    for f in sorted(src.rglob("*.json")):
        orig = json.loads(f.read_text())
        out = json.loads((fast_tmp / "out" / f.name).read_text())
        assert [s["shape_type"] for s in out["shapes"]] == [s["shape_type"] for s in orig["shapes"]]
        assert [s["label"] for s in out["shapes"]] == [s["label"] for s in orig["shapes"]]
        # the project keeps coordinates to 1/1000 pixel
        assert [rounded(s["points"]) for s in out["shapes"]] == [rounded(s["points"]) for s in orig["shapes"]]
        assert [s.get("group_id") for s in out["shapes"]] == [s.get("group_id") for s in orig["shapes"]]


def test_labelme_primitives_kept_as_notes(fast_tmp, shared_data):
    src = shared_data / "labelme_examples" / "primitives"
    a = ProjectStore.create(fast_tmp / "a.hanji")
    rep = import_path(a, src)
    assert rep.regions == 3  # two rectangles and a 4-point polygon
    kinds = sorted(r.kind for r in a.regions(a.documents()[0].id))
    assert kinds == ["quad", "rect", "rect"]  # its polygon has 4 points: a quad
    others = [n for n in rep.notes if "not a text region" in n]
    assert len(others) == 5 and all("primitives.json (shape" in n for n in others)


def test_sroie_to_ppocrlabel_with_rectified_crops(fast_tmp, shared_data):
    """A real receipt through PPOCRLabel's recognition export: one crop per line, upright."""
    from PIL import Image

    src = shared_data / "sroie"
    a = ProjectStore.create(fast_tmp / "a.hanji")
    import_path(a, src)
    doc = next(d for d in a.documents() if d.name == "000.jpg")
    export_project(a, "ppocrlabel", fast_tmp / "pp", options={"rec": "yes"}, doc_ids=[doc.id])
    rec = (fast_tmp / "pp" / "rec_gt.txt").read_text(encoding="utf-8").splitlines()
    regs = a.regions(doc.id)
    assert len(rec) == len(regs)
    name, text = rec[0].split("\t")
    assert text == regs[0].text
    x0, y0, x1, y1 = regs[0].bbox
    with Image.open(fast_tmp / "pp" / name) as crop:
        assert crop.size == (round(x1 - x0), round(y1 - y0))
