"""The checks over columns (issue 20) find exactly what the checks one Region at a time found: the
same findings, messages and order, on a project with every kind of problem planted and on random
documents, by ``run_checks`` over domain objects and by ``jobs.quality.run_checks`` over a project
(SQLite and PostgreSQL). The oracle is the old code, frozen in ``checks_oracle.py``."""

from __future__ import annotations

import io
import json
import math
import os
import random
import subprocess
import sys

import pytest
from PIL import Image

from hanji.domain.model import REGION_STATUSES, Document, KeyValue, Link, Region
from hanji.domain.validators import brn_check_digit
from hanji.jobs import quality as jq
from hanji.quality.checks import REGISTRY, CheckOptions, run_checks
from hanji.quality.columns import RegionPage, parse_points

from . import checks_oracle as oracle

CHARSET = frozenset("".join(chr(c) for c in range(32, 127)) + "합계부가세상호한지문구서울시강남구테헤란로영수증대출광고원")
OPTIONS = dict(charset=CHARSET, forbidden_words=["광고", "SPAM", "  "],
               entity_names=frozenset({"total", "date", "store_name", "address"}))


OLD = list(oracle.REGISTRY)  # the checks there were (a check added since has no oracle)


def both(items, names=None, **opts):
    """(new findings, old findings) of the same documents, by the checks the oracle has."""
    o, names = {**OPTIONS, **opts}, OLD if names is None else names
    return run_checks(items, CheckOptions(**o), names), oracle.run_checks(items, oracle.CheckOptions(**o), names)


def box(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def brn(prefix9: str, ok: bool = True) -> str:
    d = brn_check_digit(prefix9) if ok else (brn_check_digit(prefix9) + 1) % 10
    return f"{prefix9[:3]}-{prefix9[3:5]}-{prefix9[5:]}{d}"


# ------------------------------------------------------------------------------ the planted project
def planted_specs() -> list[dict]:
    """Documents as plain data: regions ``(points, text, status, tags, label, order)``, links
    ``(src index, dst index or None for a missing region, key)``, key-values ``(key, value, [index or None])``."""
    r = lambda pts, text="합계", status="confirmed", tags=(), label="", order=None, kind="quad": (  # noqa: E731
        pts, text, status, list(tags), label, order, kind)
    bowtie = [(0, 0), (50, 20), (50, 0), (0, 20)]
    star = [(50, 0), (61, 35), (98, 35), (68, 57), (79, 91), (50, 70), (21, 91), (32, 57), (2, 35), (39, 35)]
    pentagram = [(50, 0), (79, 91), (2, 35), (98, 35), (21, 91)]  # self-intersecting, winds twice round its middle
    return [
        dict(name="텍스트.png", w=200, h=100, status="in_progress", regions=[
            r(box(0, 0, 50, 20), ""), r(box(0, 30, 50, 50), " \t"), r(box(60, 0, 90, 20), "", "machine"),
            r(box(60, 30, 90, 50), "", "difficult"), r(box(100, 0, 150, 20), "합계 ₩ ☃"),
            r(box(100, 30, 150, 50), "é ü ñ ß ø å æ œ ç ğ"),  # more than eight characters outside the charset
            r(box(100, 60, 150, 80), "☃", "difficult"), r(box(150, 60, 199, 80), "대출 광고 문의"),
            r(box(0, 60, 40, 80), "아주 긴 텍스트가 있는 영역입니다 서른 글자를 넘어가는 글자들이 여기 있어요"),
        ]),
        dict(name="도형.png", w=120, h=80, status="done", regions=[
            r(bowtie, "나비"), r(box(60, 0, 110, 0.01), "납작"), r([(0, 40), (10, 40), (10, 40), (0, 40)], ""),
            r([(0, 50), (10, 50), (10, 60), (5, 55), (0, 60)], "오목", kind="polygon"),
            r(star, "별", kind="polygon"), r(pentagram, "오각별", "machine", kind="polygon"),
            r(box(20, 60, 30, 70), "검토", "review"),
        ]),
        dict(name="바깥.png", w=100, h=50, status="new", regions=[
            r(box(-0.5, -0.5, 100.5, 50.5), "딱 맞음"), r(box(-0.6, 0, 10, 10), ""), r(box(90, 40, 101, 51)),
            r(box(-0.0, 10, 0.0, 20), ""), r(box(0.0, 20, 12, 30), ""), r([(0.0, 30), (-0.0, 30), (5, 40), (0.0, 40)], ""),
            r([(5.0, 30), (0.0, 35), (-0.0, 40), (3, 45)], ""), r([(30, 5.0), (35, 0.0), (40, -0.0), (45, 3)], ""),
        ]),
        dict(name="겹침.png", w=300, h=200, status="in_progress", regions=[
            r(box(10, 10, 100, 30), "가"), r(box(11, 10, 101, 31), "나"), r(box(10, 40, 100, 60), "다"),
            r(box(60, 40, 150, 60), "라"), r(box(10, 10, 100, 30), "가"),  # the same box twice
            r(box(10, 70, 100, 90), "마"), r(box(10, 70, 100, 90.01), "바"),  # the same left edge: reading order
            r(box(200, 100, 200, 150), "폭 없음"), r(box(200, 100, 200, 150), "폭 없음"),
            r(box(0, 100, 100, 110), "IoU 0.8"), r(box(0, 100, 100, 108), "아래"),  # exactly 0.8
            r([(150, 150), (190, 150), (190, 190), (150, 190), (150, 170)], "다각형", kind="polygon"),
            r([(151, 150), (190, 151), (190, 190), (151, 190), (150, 171), (150.5, 160)], "다각형2", kind="polygon"),
            r([(230, 100), (280, 110), (275, 135), (225, 125)], "기운"), r([(231, 101), (280, 111), (275, 135), (226, 125)]),
            r(bowtie, "나비 1"), r(bowtie, "나비 2"),
        ]),
        dict(name="태그.png", w=200, h=200, status="in_progress", regions=[
            r(box(0, 0, 90, 20), "서울시 강남구", tags=["B-address", "I-address"]),
            r(box(0, 30, 90, 50), "테헤란로 1", tags=["I-address", "I-address"]),  # continues the line above
            r(box(0, 60, 90, 80), "합계 1,000원", tags=["O", "I-total"]),  # I- without B-
            r(box(0, 90, 90, 110), "날짜", tags=["X-date"]),  # malformed
            r(box(0, 120, 90, 140), "두 토큰", tags=["O"]),  # one tag for two tokens
            r(box(0, 150, 90, 170), "가격", tags=["B-price"]),  # not in the label schema
            r(box(100, 0, 190, 20), "", tags=["B-total"]),  # no text
            r(box(100, 30, 190, 50), "없음 태그 셋", tags=["I-total", "O", "I-total"]),
        ]),
        dict(name="receipt.png", w=100, h=100, status="done", doc_type="receipt", regions=[
            r(box(0, 0, 50, 10), "사업자"), r(box(0, 20, 50, 30), "합계"), r(box(0, 40, 50, 50), "날짜", "machine"),
        ], kvs=[("business_number", brn("123456789", ok=False), [0]), ("date", "2024.13.45", []),
                ("total", "4,000", [1]), ("item_amount", "1,000", []), ("item_amount", "2,000", []),
                ("store_name", "Spam Mart", [0]), ("tax", "", [])]),
        *[dict(name=f"라벨{i}.png", w=100, h=100, status="done", regions=[
            r(box(0, 0, 50, 20), "합계", "confirmed", label="total" if i < 3 else "subtotal"),
            r(box(0, 30, 50, 50), "한지 문구", "edited" if i % 2 else "confirmed",
              tags=[f"B-{['store_name', 'address'][i % 2]}", f"I-{['store_name', 'address'][i % 2]}"]),
            r(box(0, 60, 50, 80), "6,500", label="item_amount" if i % 2 else "item_unit_price"),
            r(box(60, 60, 90, 80), "합계", "difficult", label="tax"),
            r(box(60, 0, 90, 20), "부가세", "machine", label="tax" if i else "vat"),
        ]) for i in range(4)],
        dict(name="링크.png", w=100, h=100, status="in_progress", regions=[
            r(box(0, 0, 50, 20), "상호"), r(box(0, 30, 50, 50), "한지문구"),
        ], links=[(0, 1, "상호"), (0, None, ""), (None, 1, "값")], kvs=[("store_name", "한지문구", [1, None])]),
        dict(name="순서.png", w=100, h=100, status="done", regions=[
            r(box(0, 0, 50, 20), "셋째", "machine", order=2), r(box(0, 30, 50, 50), "순서 없음", "review"),
            r(box(0, 60, 50, 80), "첫째", "confirmed", order=0), r(box(60, 0, 90, 20), "", "edited", order=1),
        ]),
        dict(name="빈 문서.png", w=10, h=10, status="done", regions=[]),
    ]


def items_of(specs: list[dict]) -> list[tuple]:
    """The documents as ``run_checks`` takes them (region ids from 1, a missing region's id 999999)."""
    out, rid = [], 0
    for d, spec in enumerate(specs, start=1):
        doc = Document(spec["name"], spec["w"], spec["h"], f"{d:064x}", status=spec["status"],
                       doc_type=spec.get("doc_type", ""), id=d)
        regions = []
        for pts, text, status, tags, label, order, kind in spec["regions"]:
            rid += 1
            regions.append(Region(pts, kind=kind, text=text, status=status, tags=tags, label=label, order=order,
                                  id=rid, doc_id=d))
        # reading order as the store gives it: by order, the unordered last
        regions.sort(key=lambda r: (r.order is None, r.order if r.order is not None else 0))
        ids = [r.id for r in sorted(regions, key=lambda r: r.id)]
        at = lambda i, ids=ids: 999999 if i is None else ids[i]  # noqa: E731
        links = [Link(at(a), at(b), key, doc_id=d) for a, b, key in spec.get("links", ())]
        kvs = [KeyValue(k, v, [at(i) for i in refs], doc_id=d) for k, v, refs in spec.get("kvs", ())]
        out.append((doc, regions, links, kvs))
    return out


def test_every_check_finds_its_planted_problems_as_before():
    items = items_of(planted_specs())
    new, old = both(items)
    assert new == old
    assert {f.check for f in old} == set(OLD) and set(OLD) <= set(REGISTRY)  # each check has something to find
    for name in OLD:  # and each alone
        assert both(items, [name])[0] == both(items, [name])[1]
    # the per-document protocol (a page of one) agrees too
    checks = [REGISTRY[name](CheckOptions(**OPTIONS)) for name in OLD]
    for doc, regions, links, kvs in items:
        for c in checks:
            c.update(doc, regions, links, kvs)
    assert [f for c in checks for f in c.summary()] == old


@pytest.mark.parametrize("name", OLD)
def test_leaving_a_check_out_is_noticed(name):
    """The comparison above fails when a check finds nothing any more."""
    items = items_of(planted_specs())
    new = run_checks(items, CheckOptions(**OPTIONS), [n for n in OLD if n != name])
    assert new != oracle.run_checks(items, oracle.CheckOptions(**OPTIONS))


# ------------------------------------------------------------------------------ random documents
WORDS = ["합계", "부가세", "상호", "한지", "문구", "서울시", "강남구", "1,000", "6,500원", "TOTAL", "spam", "SPAM",
         "광고", "☃", "é", "x", "  ", "", "테헤란로 1", "아주 긴 글자가 계속 이어지는 영역 텍스트입니다 정말 길어요"]
TAGS = ["O", "B-total", "I-total", "B-date", "I-date", "B-price", "I-price", "X-bad", "B-", "I-address", "B-address"]


def random_points(rng: random.Random, w: float, h: float, near: list) -> tuple[list, str]:
    u = rng.random()
    if near and u < 0.35:  # a copy of another, moved a little: IoUs about the threshold
        pts = rng.choice(near)
        dx, dy = rng.choice([0, 0.5, 1, 2, 3, rng.uniform(-4, 4)]), rng.choice([0, 0.25, 1, rng.uniform(-2, 2)])
        return [(round(x + dx, 3), round(y + dy, 3)) for x, y in pts], "polygon" if len(pts) != 4 else "quad"
    x0, y0 = rng.uniform(-5, w), rng.uniform(-5, h)
    bw, bh = rng.choice([0, 0.005, rng.uniform(1, 40), rng.uniform(20, 80)]), rng.uniform(0, 20)
    if u < 0.6:
        return [(round(x, 3), round(y, 3)) for x, y in box(x0, y0, x0 + bw, y0 + bh)], "quad"
    if u < 0.75:  # turned
        a = rng.uniform(-0.5, 0.5)
        c, s = math.cos(a), math.sin(a)
        pts = [(x0 + x * c - y * s, y0 + x * s + y * c) for x, y in [(0, 0), (bw, 0), (bw, bh), (0, bh)]]
        return [(round(x, 3), round(y, 3)) for x, y in pts], "quad"
    if u < 0.82:  # a bow-tie or a repeated corner
        p = box(x0, y0, x0 + bw, y0 + bh)
        p = [p[0], p[2], p[1], p[3]] if rng.random() < 0.5 else [p[0], p[0], p[2], p[3]]
        return [(round(x, 3), round(y, 3)) for x, y in p], "quad"
    n = rng.randint(3, 12)  # a polygon about a centre, sometimes out of order
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
    if rng.random() < 0.3:
        rng.shuffle(angles)
    r = rng.uniform(1, 30)
    pts = [(round(x0 + r * rng.uniform(0.5, 1) * math.cos(t), 3), round(y0 + r * rng.uniform(0.5, 1) * math.sin(t), 3))
           for t in angles]
    return pts, "polygon"


def random_specs(seed: int, docs: int) -> list[dict]:
    rng = random.Random(seed)
    specs = []
    for d in range(docs):
        w, h = rng.choice([(100, 60), (200, 120), (64, 64)])
        regions, near = [], []
        for k in range(rng.choice([0, 1, 3, 8, 20])):
            pts, kind = random_points(rng, w, h, near)
            near.append(pts)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.choice([1, 1, 2, 3])))
            ntok = len(text.split())
            tags = [] if rng.random() < 0.6 else [rng.choice(TAGS) for _ in range(ntok + rng.choice([0, 0, 0, 1, -1]))]
            if rng.random() < 0.2 and ntok:
                ent = rng.choice(["total", "address", "store_name"])
                tags = [f"B-{ent}"] + [f"I-{ent}"] * (ntok - 1)
            label = rng.choice(["", "", "", "total", "subtotal", "item_amount"])
            order = None if rng.random() < 0.15 else k
            regions.append((pts, text, rng.choice(REGION_STATUSES), tags, label, order, kind))
        n = len(regions)
        ref = lambda n=n: None if (not n or rng.random() < 0.2) else rng.randrange(n)  # noqa: E731
        links = [(ref(), ref(), rng.choice(["", "q"])) for _ in range(rng.choice([0, 0, 1, 2]))]
        links = [(a, b, key) for a, b, key in links if not (a is None and b is None)]
        kvs = [(rng.choice(["total", "item_amount", "date", "business_number", "tax", "subtotal", "store_name"]),
                rng.choice(["1,000", "2,000", "3,000", "2024.13.45", "2024.03.01", brn("123456789"),
                            brn("123456789", ok=False), "Spam Mart", "", "광고 문의"]), [ref()])
               for _ in range(rng.choice([0, 0, 2, 4]))]
        specs.append(dict(name=f"문서_{d:04d}.png", w=w, h=h, status=rng.choice(["new", "in_progress", "done"]),
                          doc_type=rng.choice(["", "receipt"]), regions=regions, links=links,
                          kvs=[(k, v, [i for i in refs]) for k, v, refs in kvs]))
    return specs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_documents_give_the_same_findings(seed):
    items = items_of(random_specs(seed, 300))
    new, old = both(items)
    assert len(old) > 100
    assert new == old
    new, old = both(items, overlap_iou=0.5, min_area=25.0)
    assert new == old


def test_a_crowded_page_measured_in_small_pieces_gives_the_same_findings(monkeypatch):
    from hanji.quality import columns
    from hanji.quality.checks import shapes

    items = items_of(random_specs(4, 200))
    whole = both(items)[1]
    monkeypatch.setattr(shapes, "PAIRS_AT_ONCE", 3)  # region pairs measured a few at a time
    monkeypatch.setattr(columns, "SHAPE_CELLS", 40)  # shapes a few at a time
    assert both(items)[0] == whole


# ------------------------------------------------------------------------------ over a project
def _png(w: int, h: int, i: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (w, h), i % 256).save(buf, "PNG")
    return buf.getvalue()


def write_project(store, specs: list[dict]) -> None:
    """The documents through the store's own calls. A link to a missing region cannot be stored (the
    schema's foreign key), a key-value's can: the project has those, the domain objects have both."""
    from hanji.jobs.quality import set_forbidden_words

    for i, spec in enumerate(specs):
        doc, _ = store.add_image_bytes(spec["name"], _png(spec["w"], spec["h"], i))
        store.update_document(doc.id, status=spec["status"], doc_type=spec.get("doc_type", ""))
        regions = [Region(pts, kind=kind, text=text, status=status, tags=tags, label=label, order=order)
                   for pts, text, status, tags, label, order, kind in spec["regions"]]
        made = store.add_regions(doc.id, regions)
        for r, (*_, order, _kind) in zip(made, spec["regions"]):
            if order is None:
                store.update_region(r.id, order=None)
        ids = [r.id for r in made]
        for a, b, key in spec.get("links", ()):
            if a is not None and b is not None:
                store.add_link(ids[a], ids[b], key)
        store.set_keyvalues(doc.id, [KeyValue(k, v, [999999 if j is None else ids[j] for j in refs])
                                     for k, v, refs in spec.get("kvs", ())])
    set_forbidden_words(store, OPTIONS["forbidden_words"])
    store.set_meta(jq.CHARSET_KEY, "".join(sorted(CHARSET)))


@pytest.fixture(params=["sqlite", "postgresql"])
def planted_project(request, tmp_path):
    from hanji.domain.schemas import schema_entity_types
    from hanji.store import create_project

    name = tmp_path / "p.hanji" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store = create_project(name, schema_entity_types("default"))
    write_project(store, planted_specs())
    yield store
    store.close()


def old_findings(store):
    o = jq.check_options(store)
    return oracle.run_checks(store.iter_annotated(), oracle.CheckOptions(charset=o.charset, forbidden_words=o.forbidden_words,
                                                                         entity_names=o.entity_names))


def test_a_project_gives_the_findings_it_gave(planted_project):
    old = old_findings(planted_project)
    assert {f.check for f in old} == set(OLD)
    assert jq.run_checks(planted_project, OLD) == old
    unordered = [r for d in planted_project.documents() for r in planted_project.regions(d.id) if r.order is None]
    assert unordered  # the unordered regions come last in their document on both backends


def test_a_random_project_gives_the_findings_it_gave(tmp_path):
    from hanji.store import create_project

    store = create_project(tmp_path / "r.hanji")
    write_project(store, random_specs(7, 150))
    old = old_findings(store)
    assert len(old) > 50
    assert jq.run_checks(store, OLD) == old
    # pages of a few documents: the pages' edges change nothing
    pages = (RegionPage.from_columns(*page) for page in store.iter_region_columns_by_document(page=7))
    from hanji.quality.checks import run_pages

    assert run_pages(pages, jq.check_options(store), OLD) == old
    store.close()


def test_hanji_check_on_postgresql_prints_what_sqlite_prints(tmp_path, pg_url):
    from hanji.domain.schemas import schema_entity_types
    from hanji.store import create_project
    from hanji.store.copying import copy_project

    src = tmp_path / "p.hanji"
    store = create_project(src, schema_entity_types("default"))
    write_project(store, planted_specs())
    store.close()
    copy_project(src, pg_url)

    def check(name):
        p = subprocess.run([sys.executable, "-m", "hanji", "check", str(name), "--json"], capture_output=True, text=True,
                           env={**os.environ, "HANJI_LANG": "en"})
        assert p.returncode == 1, p.stderr  # findings
        return [json.loads(line) for line in p.stdout.splitlines()]

    on_file, on_server = check(src), check(pg_url)
    assert on_server == on_file and len(on_file) > 20
    assert set(on_file[0]) == {"check", "document", "doc_id", "region_id", "message"}  # the JSON contract


# ------------------------------------------------------------------------------ reading the points column
def test_points_are_read_as_json_reads_them():
    rng = random.Random(5)
    texts = []
    for _ in range(500):
        n = rng.randint(3, 9)
        nums = [rng.choice([repr(round(rng.uniform(-1e4, 1e4), rng.randint(0, 6))), repr(rng.uniform(-1e3, 1e3)),
                            str(rng.randint(-99999, 99999)), "-0.0", "0", "1e-07", "123456789012.125"])
                for _ in range(2 * n)]
        sep = rng.choice([",", ", "])
        texts.append("[" + sep.join(f"[{nums[2 * i]}{sep}{nums[2 * i + 1]}]" for i in range(n)) + "]")
    coords, counts = parse_points(texts)
    want = [float(v) for t in texts for p in json.loads(t) for v in p]
    assert counts.tolist() == [len(json.loads(t)) for t in texts]
    assert [math.copysign(1, v) for v in coords.tolist()] == [math.copysign(1, v) for v in want]
    assert coords.tolist() == want
    # text that is not a list of pairs: read one by one, and a bad one named
    assert parse_points(["[[1,2],[3,4],[5,6]]", "[[1, 2], [3, 4], [5, 6], [7, 8]]"])[1].tolist() == [3, 4]
    with pytest.raises(ValueError, match="region 1"):
        parse_points(["[[1,2],[3,4],[5,6]]", "[[1,2,3],[4]]"])


def test_the_checks_make_no_region_object_a_region(tmp_path, monkeypatch):
    """What made ``hanji check`` take 110 s of CPU at 2 million regions: a Region (its points parsed
    from JSON, one at a time) for every region, then each check's Python loop over them."""
    from hanji.store import create_project, rows

    store = create_project(tmp_path / "p.hanji")
    write_project(store, random_specs(8, 30))
    old = old_findings(store)

    def no(*args, **kwargs):
        raise AssertionError("a Region object made for a check")

    monkeypatch.setattr(rows, "region_from_row", no)
    monkeypatch.setattr(Region, "__post_init__", no)
    assert jq.run_checks(store, OLD) == old
    store.close()
