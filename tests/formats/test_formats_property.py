"""Property tests: random projects survive export -> import, for every format, in what it can hold.

Each format has a projection: the part of a region it carries, with its documented conversions
(a polygon written as a quad, statuses it has no word for, classes it names differently). The
projection of the project read back must equal the projection of the project written.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanji.domain import geometry
from hanji.domain.bio import entity_of
from hanji.domain.model import DOC_STATUSES, REGION_STATUSES, KeyValue, Region
from hanji.domain.text import tokens
from hanji.formats.base import Sample
from hanji.formats.donut import flatten, gt_parse, nest
from hanji.formats.funsd import tags_for
from hanji.formats.icdar import quad_points
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore
from helpers import png_bytes

W, H = 160, 100
ALPHABET = "가나다라마바사한지문구영수증합계원 abcXYZ0123,.-:()"
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_IMAGES: dict[int, bytes] = {}
# many small projects are made and thrown away: in memory when the system has a tmpfs
FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def image(i: int) -> bytes:
    if i not in _IMAGES:
        _IMAGES[i] = png_bytes(W, H, color=(200 + i, 180, 255 - i))
    return _IMAGES[i]


coord = st.integers(0, 10 * W).map(lambda v: v / 10)


@st.composite
def shapes(draw):
    kind = draw(st.sampled_from(["rect", "quad", "polygon"]))
    x0 = draw(st.integers(0, W - 40))
    y0 = draw(st.integers(0, H - 30))
    w = draw(st.integers(12, W - x0))
    h = draw(st.integers(10, H - y0))
    if kind == "rect":
        return kind, geometry.rect_points(x0, y0, x0 + w, y0 + h)
    if kind == "quad":
        j = [draw(st.integers(0, 3)) for _ in range(8)]
        return kind, [(x0 + j[0], y0 + j[1]), (x0 + w - j[2], y0 + j[3]), (x0 + w - j[4], y0 + h - j[5]),
                      (x0 + j[6], y0 + h - j[7])]
    n = draw(st.integers(5, 7))
    cx, cy, rx, ry = x0 + w / 2, y0 + h / 2, w / 2, h / 2
    return kind, [(round(cx + rx * math.cos(2 * math.pi * k / n), 1), round(cy + ry * math.sin(2 * math.pi * k / n), 1))
                  for k in range(n)]


@st.composite
def regions(draw):
    kind, pts = draw(shapes())
    text = draw(st.text(ALPHABET, max_size=14))
    label = draw(st.sampled_from(["", "question", "answer", "total"]))
    tags = [draw(st.sampled_from(["O", "B-date", "B-total"])) for _ in tokens(text)]
    status = draw(st.sampled_from(REGION_STATUSES))
    return Region(pts, kind=kind, text=text, status=status, label=label, tags=tags,
                  source=draw(st.sampled_from(["human", "det-v1"])),
                  confidence=draw(st.none() | st.integers(0, 1000).map(lambda v: v / 1000)),
                  order=draw(st.none() | st.integers(0, 20)),
                  machine_text=draw(st.none() | st.text(ALPHABET, max_size=6)),
                  attrs=draw(st.sampled_from([{}, {"note": "메모"}])))


@st.composite
def projects(draw):
    docs = []
    for i in range(draw(st.integers(1, 3))):
        regs = draw(st.lists(regions(), max_size=5))
        n = len(regs)
        pairs = draw(st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))),
                              max_size=3)) if n > 1 else []
        links = sorted({(a, b) for a, b in pairs if a != b})
        link_keys = [draw(st.sampled_from(["", "kv"])) for _ in links]
        kvs = [(draw(st.sampled_from(["total", "date", "상호"])), draw(st.text(ALPHABET, max_size=8)),
                draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True)) if n else [])
               for _ in range(draw(st.integers(0, 2)))]
        docs.append({"name": f"문서_{i}.png", "image": image(i), "regions": regs, "links": list(zip(links, link_keys)),
                     "kvs": kvs, "status": draw(st.sampled_from(DOC_STATUSES)),
                     "doc_type": draw(st.sampled_from(["", "receipt"])),
                     "attrs": draw(st.sampled_from([{}, {"split": "val"}, {"memo": "한지"}]))})
    return docs


def build(path: Path, docs) -> ProjectStore:
    store = ProjectStore.create(path)
    with store.atomic():  # one commit: the test is about formats, not about durability
        _fill(store, docs)
    return store


def _fill(store: ProjectStore, docs) -> None:
    for d in docs:
        doc, _ = store.add_image_bytes(d["name"], d["image"])
        regs = store.add_regions(doc.id, [Region(**{**r.__dict__, "id": None, "doc_id": None,
                                                     "tags": list(r.tags), "attrs": dict(r.attrs)})
                                          for r in d["regions"]])
        for (a, b), key in d["links"]:
            store.add_link(regs[a].id, regs[b].id, key)
        store.set_keyvalues(doc.id, [KeyValue(k, v, [regs[i].id for i in ids]) for k, v, ids in d["kvs"]])
        store.update_document(doc.id, status=d["status"], doc_type=d["doc_type"], attrs=d["attrs"])


# ------------------------------------------------------------------------------ projections
def pts(points, nd=2):
    return tuple((round(x, nd), round(y, nd)) for x, y in points)


def four_or_poly(r: Region):
    """Formats with a point list but no rect/quad kind: 4 points are one shape, whatever the kind."""
    return ("4" if len(r.points) == 4 else "poly", pts(r.points))


def human(r):
    return r.status in ("edited", "confirmed", "difficult")


def ppocr_checked(doc, regs):
    return doc.status == "done" or (bool(regs) and all(human(r) for r in regs))


PROJECTIONS = {
    # name: (region projection given (region, doc context), compare links?, link keys?, doc fields?)
    "hanji": lambda r, c: (r.kind, pts(r.points), r.text, r.status, r.source, r.confidence, r.order, r.label,
                           tuple(r.tags), r.machine_text, repr(sorted(r.attrs.items()))),
    "ppocrlabel": lambda r, c: (four_or_poly(r), r.text, "difficult" if r.status == "difficult"
                                else ("confirmed" if c["checked"] else "machine"), r.label),
    "xanylabeling-kie": lambda r, c: (four_or_poly(r), r.text, "difficult" if r.status == "difficult" else "confirmed",
                                      r.label or entity_of(r.tags) or "other"),  # a tagged region's entity
    "paddleocr": lambda r, c: (four_or_poly(r), "" if r.status == "difficult" else r.text,
                               "difficult" if r.status == "difficult" else "confirmed"),
    "icdar2015": lambda r, c: (pts(quad_points(r, W, H), 3), "" if r.status == "difficult" else r.text,
                               "difficult" if r.status == "difficult" else "confirmed"),
    "sroie": lambda r, c: (pts(quad_points(r, W, H), 3), r.text),
    "cord": lambda r, c: (pts(quad_points(r, W, H), 3), r.text, r.label,
                          tuple(("B-" if i == 0 else "I-") + r.label for i in range(len(tokens(r.text))))
                          if r.label else ("O",) * len(tokens(r.text))),
    "funsd": lambda r, c: (pts(geometry.rect_points(*r.bbox)), r.text, r.label or "other",
                           tuple(tags_for(r.label or "other", r.text))),
    "labelstudio": lambda r, c: (r.kind if r.kind == "rect" else ("4" if len(r.points) == 4 else "poly"),
                                 pts(r.points), r.text, r.label or entity_of(r.tags),
                                 "confirmed" if human(r) else "machine",
                                 None if human(r) else r.confidence),
}
PROJECTIONS["xfund"] = PROJECTIONS["funsd"]
PROJECTIONS["labelme"] = PROJECTIONS["hanji"]
FULL = {"hanji", "labelme"}  # every field of documents, links and key-values
LINKS = {"ppocrlabel": False, "xanylabeling-kie": False, "funsd": False, "xfund": False, "labelstudio": True}


def projected(store: ProjectStore, fmt: str) -> list:
    proj = PROJECTIONS[fmt]
    out = []
    for d in store.documents():
        regs = store.regions(d.id)
        ctx = {"checked": ppocr_checked(d, regs)}
        keyed = sorted(((proj(r, ctx), r) for r in regs), key=lambda kr: repr(kr[0]))
        pos = {r.id: i for i, (_, r) in enumerate(keyed)}
        item = [d.sha256, d.width, d.height, [k for k, _ in keyed]]
        if fmt in FULL:
            item += [d.name, d.status, d.doc_type, repr(sorted(d.attrs.items())),
                     sorted((pos[lk.src], pos[lk.dst], lk.key) for lk in store.links(d.id)),
                     sorted((kv.key, kv.value, tuple(sorted(pos[i] for i in kv.region_ids)), kv.source, kv.confidence)
                            for kv in store.keyvalues(d.id))]
        elif fmt in LINKS:
            keep_key = LINKS[fmt]
            links = store.links(d.id)
            if fmt == "labelstudio":  # relations are written between people's regions
                by_id = {r.id: r for r in regs}
                links = [lk for lk in links if human(by_id[lk.src]) and human(by_id[lk.dst])]
            item.append(sorted({(pos[lk.src], pos[lk.dst], lk.key if keep_key else "") for lk in links}))
        if fmt == "sroie":
            first: dict[str, str] = {}
            for kv in store.keyvalues(d.id):
                first.setdefault(kv.key, kv.value)
            item.append(sorted(first.items()))
        out.append(item)
    return sorted(out, key=lambda x: x[0])


@contextlib.contextmanager
def roundtrip(fmt: str, docs, out_name: str = "out") -> Iterator[tuple[ProjectStore, ProjectStore]]:
    """A project built from ``docs`` and the project imported from its ``fmt`` export; both closed and
    their folder removed at the end."""
    tmp = Path(tempfile.mkdtemp(prefix="hanji-prop-", dir=FAST_TMP))
    a = build(tmp / "a.hanji", docs)
    export_project(a, fmt, tmp / out_name)
    b = ProjectStore.create(tmp / "b.hanji")
    rep = import_path(b, tmp / out_name, fmt)
    assert not rep.skipped, rep.skipped
    try:
        yield a, b
    finally:
        a.close()
        b.close()
        shutil.rmtree(tmp, ignore_errors=True)


def check(fmt: str, docs, out_name: str = "out") -> None:
    with roundtrip(fmt, docs, out_name) as (a, b):
        assert projected(b, fmt) == projected(a, fmt)


@SETTINGS
@given(projects())
def test_hanji_jsonl_folder(docs):
    check("hanji", docs)


@SETTINGS
@given(projects())
def test_hanji_jsonl_embedded(docs):
    check("hanji", docs, "project.jsonl")


@SETTINGS
@given(projects())
def test_labelme(docs):
    check("labelme", docs)


@SETTINGS
@given(projects())
def test_ppocrlabel(docs):
    check("ppocrlabel", docs)


@SETTINGS
@given(projects())
def test_xanylabeling_kie(docs):
    check("xanylabeling-kie", docs)


@SETTINGS
@given(projects())
def test_paddleocr(docs):
    check("paddleocr", docs)


@SETTINGS
@given(projects())
def test_icdar2015(docs):
    check("icdar2015", docs)


@SETTINGS
@given(projects())
def test_sroie(docs):
    check("sroie", docs)


@SETTINGS
@given(projects())
def test_funsd(docs):
    check("funsd", docs)


@SETTINGS
@given(projects())
def test_xfund(docs):
    check("xfund", docs)


@SETTINGS
@given(projects())
def test_cord(docs):
    check("cord", docs)


@SETTINGS
@given(projects())
def test_labelstudio(docs):
    check("labelstudio", docs)


@SETTINGS
@given(projects())
def test_donut_keyvalues(docs):
    def kvs(store):
        out = []
        for d in store.documents():
            got = [(kv.key, kv.value) for kv in store.keyvalues(d.id)]
            if got:
                out.append((d.sha256, sorted(flatten(nest(got)))))
            else:  # no key-values: gt_parse is made from the labelled regions
                out.append((d.sha256, sorted(flatten(gt_parse(Sample("x", regions=store.regions(d.id)))))))
        return sorted(out)

    with roundtrip("donut", docs) as (a, b):
        assert kvs(b) == kvs(a)


@SETTINGS
@given(projects())
def test_conll_tags_onto_the_same_documents(docs):
    """Export the tags, wipe them, import the CoNLL file: the tags are back, nothing else changed."""
    tmp = Path(tempfile.mkdtemp(prefix="hanji-prop-", dir=FAST_TMP))
    try:
        with build(tmp / "a.hanji", docs) as a:
            before = {(d.sha256, r.id): r.token_tags() for d in a.documents() for r in a.regions(d.id)}
            export_project(a, "conll", tmp / "tags.conll")
            for d in a.documents():
                ids = [r.id for r in a.regions(d.id)]
                if ids:
                    a.update_regions({i: {"tags": []} for i in ids})
            rep = import_path(a, tmp / "tags.conll")
            assert not rep.skipped
            after = {(d.sha256, r.id): r.token_tags() for d in a.documents() for r in a.regions(d.id)}
            assert after == before
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
