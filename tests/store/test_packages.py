"""Offline seats (issue 22): split a project into packages, edit them and the base, merge back."""

from __future__ import annotations

import json

import pytest

from hanji.domain import KeyValue, Region
from hanji.errors import HanjiError
from hanji.jobs.packages import merge, resolve, split, version_of
from hanji.store import ProjectStore
from helpers import png_bytes


def box(x: float, y: float, w: float = 40, h: float = 12) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def make_base(path, docs: int = 9, regions: int = 3) -> ProjectStore:
    s = ProjectStore.create(path)
    s.user = "lead"
    for i in range(docs):
        d, _ = s.add_image_bytes(f"doc{i + 1}.png", png_bytes(200, 100, text=f"d{i}", color=f"#{i:02x}ffff"))
        made = s.add_regions(d.id, [Region(box(10, 10 + 20 * j), text=f"d{d.id}r{j}") for j in range(regions)])
        if regions >= 3:
            s.add_link(made[0].id, made[1].id, "q")
            s.set_keyvalues(d.id, [KeyValue("total", f"{100 + i}", [made[2].id])])
    return s


def state(store: ProjectStore) -> str:
    """Everything a merge may change, as text (to compare before / after)."""
    docs = {d.id: version_of(store, d.id) for d in store.documents()}
    return json.dumps({"docs": docs, "conflicts": store.conflicts(state=None), "packages": store.packages(),
                       "checkouts": store.checkouts(), "log": list(store.edit_log())}, sort_keys=True, default=str)


def rid(store, doc_id, j):
    return store.regions(doc_id)[j].id


def test_split_three_edit_merge(project_name, tmp_path):
    """On both backends (the base a file or a PostgreSQL database; the packages are files)."""
    base = make_base(project_name)
    outs = split(base, tmp_path, 3)
    assert [o.documents for o in outs] == [3, 3, 3]
    assert [o.regions for o in outs] == [9, 9, 9]
    assert len(base.checkouts()) == 9 and len(base.packages()) == 3
    # nothing is handed out twice
    with pytest.raises(HanjiError, match="no documents to hand out"):
        split(base, tmp_path / "x", 1) if (tmp_path / "x").mkdir() is None else None
    a, b, c = (ProjectStore.open(o.path) for o in outs)
    assert a.package_origin()["base_id"] == base.project_id()
    assert [d.id for d in a.documents()] == [1, 2, 3]
    assert a.image_bytes(1) == base.image_bytes(1)
    # the package's search indexes hold its rows (written at the end of the package's transaction)
    assert [r.text for r in a.search("d1r0")] == ["d1r0"]
    assert sorted(r.text for r in a.search("r2")) == ["d1r2", "d2r2", "d3r2"]
    assert [kv.value for kv in a.search_keyvalues("100")] == ["100"]

    # ---- package A (ann)
    a.user = "ann"
    a.update_region(rid(a, 1, 0), text="ann fixed d1r0")            # only in the package: taken
    new_a = a.add_region(1, Region(box(120, 60), text="ann new"))   # added, no overlap: taken
    a.update_region(rid(a, 2, 0), text="ann says d2r0")             # also edited in the base: conflict
    a.set_keyvalues(2, [KeyValue("total", "999", [rid(a, 2, 2)])])  # key-value only in the package: taken
    a.delete_regions([rid(a, 3, 1)])                               # deleted here, edited in the base: conflict
    # ---- package B (bob)
    b.user = "bob"
    b.add_region(5, Region(box(120, 70), text="bob's box"))         # the base boxed the same line: overlap
    b.update_document(6, status="done")                            # taken
    b.update_region(rid(b, 4, 1), points=box(11, 31))               # taken beside the base's edit of r0
    # ---- package C (carol)
    c.user = "carol"
    c.remove_documents([7])                                        # removed, base untouched: taken
    c.update_region(rid(c, 8, 0), tags=["B-total"])                # taken
    c.add_link(rid(c, 9, 2), rid(c, 9, 0), "a")                    # the base removed doc 9: it comes back
    # ---- the base after the split
    base.update_region(rid(base, 2, 0), text="lead says d2r0")
    base.update_region(rid(base, 3, 1), text="lead edited d3r1")
    base.update_region(rid(base, 4, 0), text="lead fixed d4r0")     # only in the base: kept
    base.add_region(5, Region(box(121, 70), text="lead's box"))
    base.remove_documents([9])
    for p in (a, b, c):
        p.close()

    reports = merge(base, [o.path for o in outs])
    ra, rb, rc = reports
    by_kind = {(x["doc_id"], x["kind"]) for r in reports for x in r.conflicts}
    assert (2, "region") in by_kind and (3, "region_deleted_in_package") in by_kind
    assert (5, "overlap") in by_kind
    back = [x for x in rc.conflicts if x["kind"] == "document_deleted_in_base"]
    assert len(back) == 1
    assert len(by_kind) == 4 and sum(len(r.conflicts) for r in reports) == 4

    texts = {d.id: [r.text for r in base.regions(d.id)] for d in base.documents()}
    assert "ann fixed d1r0" in texts[1] and "ann new" in texts[1]
    assert texts[2][0] == "lead says d2r0"                          # ours stands, theirs in the conflict
    conf2 = next(x for x in ra.conflicts if x["doc_id"] == 2)
    assert conf2["theirs"]["text"] == "ann says d2r0" and conf2["ours"]["text"] == "lead says d2r0"
    assert conf2["base"]["text"] == "d2r0"
    assert [kv.value for kv in base.keyvalues(2)] == ["999"]
    assert "lead edited d3r1" in texts[3]                           # not deleted silently
    assert texts[4][0] == "lead fixed d4r0"
    assert base.regions(4)[1].points[1] == (51.0, 31.0)
    assert sorted(texts[5]) == sorted(["d5r0", "d5r1", "d5r2", "lead's box"])  # not two stacked boxes
    ov = next(x for x in rb.conflicts if x["kind"] == "overlap")
    assert ov["theirs"]["text"] == "bob's box"
    assert base.document(6).status == "done"
    assert 7 not in texts
    assert base.regions(8)[0].tags == ["B-total"]
    doc9 = back[0]["doc_id"]
    assert [r.text for r in base.regions(doc9)] == ["d9r0", "d9r1", "d9r2"]
    assert len(base.links(doc9)) == 2
    assert new_a.text == "ann new"
    # the open conflicts, the review queue, check-ins
    assert {x["doc_id"] for x in base.conflicts()} == {2, 3, 5, doc9}
    assert base.review_state(2) == "in_review"
    assert base.checkouts() == {} and all(p["merged"] for p in base.packages())
    # labeler identity travelled: per-person figures count the seats' edits
    authors = {e[0] for e in base.edit_log()}
    assert {"ann", "bob", "carol"} <= authors
    assert sum(1 for e in base.edit_log() if e[0] == "ann") == 5

    # merging again changes nothing
    before = state(base)
    again = merge(base, [o.path for o in outs])
    assert all(r.already_merged for r in again)
    assert state(base) == before

    # resolving: theirs for the region, ours for the overlap
    resolve(base, conf2["id"], "theirs")
    assert base.regions(2)[0].text == "ann says d2r0"
    resolve(base, ov["id"], "ours")
    assert sorted(r.text for r in base.regions(5)) == sorted(["d5r0", "d5r1", "d5r2", "lead's box"])
    with pytest.raises(HanjiError, match="already resolved"):
        resolve(base, ov["id"], "theirs")
    assert len(base.conflicts()) == 2
    # the document the base had removed: ours removes it again
    resolve(base, back[0]["id"], "ours")
    assert doc9 not in {d.id for d in base.documents()}
    assert len(base.conflicts()) == 1
    base.close()


def test_other_project_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = make_base(tmp_path / "a" / "one.hanji", docs=2)
    two = make_base(tmp_path / "b" / "two.hanji", docs=2)
    outs = split(one, tmp_path / "a", 1)
    before = state(two)
    with pytest.raises(HanjiError, match="split from another project"):
        merge(two, [outs[0].path])
    assert state(two) == before
    with pytest.raises(HanjiError, match="not a work package"):
        merge(one, [tmp_path / "b" / "two.hanji"]) if two.close() is None else None
    one.close()


def test_merge_is_one_undo_step_and_undo_takes_it_back(tmp_path):
    base = make_base(tmp_path / "base.hanji", docs=2)
    outs = split(base, tmp_path, 1)
    with ProjectStore.open(outs[0].path) as p:
        p.user = "ann"
        p.update_region(rid(p, 1, 0), text="x")
        p.add_region(2, Region(box(150, 80), text="y"))
    before = [version_of(base, d.id) for d in base.documents()]
    merge(base, [outs[0].path])
    assert base.regions(1)[0].text == "x"
    base.undo()
    assert [version_of(base, d.id) for d in base.documents()] == before
    base.close()


def test_split_options(tmp_path):
    base = make_base(tmp_path / "base.hanji", docs=6, regions=1)
    base.update_document(2, status="done")
    base.update_document(4, status="done")
    outs = split(base, tmp_path, by="status=done", users=["ann", "bob"])
    assert [o.seat for o in outs] == ["ann", "bob"] and [o.documents for o in outs] == [1, 1]
    assert (tmp_path / "base-ann.hanji").exists()
    with ProjectStore.open(outs[0].path, readonly=True) as p:
        assert p.package_origin()["user"] == "ann"
    dealt = split(base, tmp_path / "d" if (tmp_path / "d").mkdir() is None else None, 2, by="status")
    assert sum(o.documents for o in dealt) == 4
    with pytest.raises(HanjiError, match="already there"):
        split(base, tmp_path, users=["ann"])
    base.close()


def test_version_from_rows_is_the_version_from_objects(tmp_path):
    from hanji.jobs.packages import make_version

    s = make_base(tmp_path / "v.hanji", docs=1)
    r = s.regions(1)[0]
    s.update_region(r.id, tags=["B-total"], attrs={"x": [1, 2]}, confidence=0.731, points=box(1.23456, 7.891))
    s.update_document(1, attrs={"split": "val"}, doc_type="receipt")
    got = version_of(s, 1)
    want = make_version(s.document(1), s.regions(1), s.links(1), s.keyvalues(1))
    assert got == want and got["regions"][str(r.id)]["points"][0] == [1.235, 7.891]
    s.close()


def test_reading_order_merges_apart_from_the_regions(tmp_path):
    base = make_base(tmp_path / "base.hanji", docs=2, regions=3)
    out = split(base, tmp_path, 1)[0]
    ids1 = [r.id for r in base.regions(1)]
    ids2 = [r.id for r in base.regions(2)]
    with ProjectStore.open(out.path) as p:
        p.update_region(ids1[0], text="seat text")   # the seat fixes a text ...
        p.set_order(2, [ids2[1], ids2[0], ids2[2]])  # ... and re-orders document 2 one way
    base.set_order(1, ids1[::-1])                    # the base re-orders document 1: no conflict with the text
    base.set_order(2, [ids2[2], ids2[1], ids2[0]])   # and document 2 another way: a conflict
    rep = merge(base, [out.path])[0]
    assert [c["kind"] for c in rep.conflicts] == ["order"]
    r1 = {r.id: r for r in base.regions(1)}
    assert r1[ids1[0]].text == "seat text" and [r.id for r in base.regions(1)] == ids1[::-1]
    assert [r.id for r in base.regions(2)] == [ids2[2], ids2[1], ids2[0]]  # ours stands
    resolve(base, rep.conflicts[0]["id"], "theirs")
    assert [r.id for r in base.regions(2)] == [ids2[1], ids2[0], ids2[2]]
    base.close()


def test_take_theirs_for_each_kind(tmp_path):
    base = make_base(tmp_path / "base.hanji", docs=3)
    out = split(base, tmp_path, 1)[0]
    r1, r2 = (base.regions(d)[0].id for d in (1, 2))
    with ProjectStore.open(out.path) as p:
        p.add_region(1, Region(box(120, 60), text="seat box"))
        p.delete_regions([r2])
        p.set_keyvalues(3, [KeyValue("total", "seat")])
        p.update_document(3, status="done")
    base.add_region(1, Region(box(121, 61), text="base box"))
    base.update_region(r2, text="base fixed it")
    base.set_keyvalues(3, [KeyValue("total", "base")])
    base.update_document(3, status="in_progress")
    rep = merge(base, [out.path])[0]
    kinds = {c["kind"]: c for c in rep.conflicts}
    assert set(kinds) == {"overlap", "region_deleted_in_package", "keyvalue", "document"}
    for c in rep.conflicts:
        resolve(base, c["id"], "theirs")
    assert sorted(r.text for r in base.regions(1)) == ["d1r0", "d1r1", "d1r2", "seat box"]
    assert r2 not in {r.id for r in base.regions(2)}
    assert [kv.value for kv in base.keyvalues(3)] == ["seat"]
    assert base.document(3).status == "done"
    assert base.conflicts() == []
    base.close()
