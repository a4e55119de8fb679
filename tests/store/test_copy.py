"""``hanji copy``: a project from a file to PostgreSQL and back is the same project, row for row
(images, regions, links, key-values, label schema, history with its authors and undone steps,
models, reviews, assignments and versions, job state, meta), and undo goes on where it was."""

from __future__ import annotations

import json

import pytest

from hanji.cli import main
from hanji.domain import EntityType, KeyValue, Region
from hanji.errors import HanjiError
from hanji.store import create_project, open_project
from hanji.store.copying import DERIVED, META_OWN, copy_project, tables
from helpers import png_bytes


def quad(x, y=0):
    return [(x, y), (x + 5.5, y), (x + 5.5, y + 5.25), (x, y + 5.25)]


def rich_project(path, tmp_path):
    s = create_project(path, [EntityType("total", "#ff0000", "1", "합계"), EntityType("date", "#00ff00", "2")])
    s.user = "민지"
    a, _ = s.add_image_bytes("a.png", png_bytes(60, 30, text="가"))
    b, _ = s.add_image_bytes("b.png", png_bytes(60, 30, text="나"))
    linked = tmp_path / "linked.png"
    linked.write_bytes(png_bytes(30, 30, text="링"))
    s.add_image(linked, link=True)
    for i in range(10):  # more images than a page of the copy reads at once
        s.add_image_bytes(f"extra{i}.png", png_bytes(20, 20, text=str(i)))
    rs = s.add_regions(a.id, [Region(quad(i * 7), text=f"합계 {i}", confidence=0.25 * i, tags=["B-total"])
                              for i in range(4)])
    s.add_link(rs[0].id, rs[1].id, "total")
    s.set_keyvalues(a.id, [KeyValue("total", "12,000원", [rs[1].id], confidence=0.875)])
    s.update_region(rs[2].id, text="고침", status="confirmed", attrs={"note": "확인"})
    with s.group("drag"):
        s.update_region(rs[3].id, points=quad(40, 2))
        s.update_region(rs[3].id, points=quad(41, 3))
    s.add_region(b.id, Region(quad(1), text="지움"))
    s.undo()  # an undone step stays redoable in the copy
    s.user = "검수자"
    s.update_document(a.id, status="done")
    s.submit(a.id)
    s.reject(a.id, "합계가 틀림", region_id=rs[1].id)
    s.assign([b.id], ["민지", "준호"])
    s.models.add("tagger", "tagger-1", bytes(range(256)) * 40, {"f1": 0.9}, active=True)
    s.save_job_state("preannotate", "ocr", {"done": [1, 2], "총": "계"})
    s.set_meta("forbidden_words", json.dumps(["금지"], ensure_ascii=False))
    return s


def dump(store) -> dict:
    out = {}
    for t, (cols, _pk) in sorted(tables(store).items()):
        if t in DERIVED:
            continue
        got = store.conn.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall()
        rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in got]
        if t == "meta":
            rows = [r for r in rows if r[0] not in META_OWN]
        out[t] = sorted(rows, key=repr)
    return out


def test_a_project_to_postgresql_and_back_is_the_same_project(tmp_path, pg_url):
    first = tmp_path / "first.hanji"
    s = rich_project(first, tmp_path)
    want, want_counts = dump(s), s.counts()
    images = {d.id: s.image_bytes(d.id) for d in s.documents()}
    s.close()

    there = copy_project(first, pg_url)
    assert there["documents"] == 13 and there["regions"] == 4 and there["images"] == 12
    assert there["models"] == 1 and there["history_steps"] == want_counts["history_steps"]
    # a server project keeps every image inside: the linked one comes in (its row loses the path)
    assert there["linked_images_embedded"] == 1 and there["linked_images_missing"] == []
    linked = (tmp_path / "linked.png").read_bytes()
    with open_project(pg_url, readonly=True) as p:
        got = dump(p)
        path_at = tables(p)["documents"][0].index("path")
        assert {k: v for k, v in got.items() if k not in ("documents", "images")} == {
            k: v for k, v in want.items() if k not in ("documents", "images")}
        assert sorted(got["documents"], key=repr) == sorted(
            [r[:path_at] + (None,) + r[path_at + 1:] for r in want["documents"]], key=repr)
        assert set(want["images"]) < set(got["images"]) and len(got["images"]) == len(want["images"]) + 1
        assert p.counts() == dict(want_counts, linked_images=0, image_bytes=want_counts["image_bytes"] + len(linked))
        assert {d.id: p.image_bytes(d.id) for d in p.documents()} == images
        assert len(p.search("합계")) == 3 and len(p.search("고")) == 1  # the destination's own search
        want, want_counts = got, p.counts()

    (tmp_path / "linked.png").unlink()  # the copy back needs it no more
    back = tmp_path / "back.hanji"
    report = copy_project(pg_url, back)
    assert report["rows"] == dict(there["rows"], images=13) and report["linked_images_embedded"] == 0
    with open_project(back) as c:
        assert dump(c) == want and c.counts() == want_counts
        assert {d.id: c.image_bytes(d.id) for d in c.documents()} == images
        assert c.models.weights(c.models.active("tagger").id) == bytes(range(256)) * 40
        assert c.review_comments(1)[0]["comment"] == "합계가 틀림"
        assert c.assignees(2) == ["민지", "준호"]
        assert len(c.search("합계")) == 3 and len(c.search("고")) == 1
        c.user = "민지"
        assert c.redo() == "add region"  # the undone step comes back in the copy
        assert c.regions(2)[0].text == "지움"


def test_a_linked_image_that_is_gone_stays_a_link_and_is_named(tmp_path, pg_url):
    src = tmp_path / "a.hanji"
    s = create_project(src)
    f = tmp_path / "gone.png"
    f.write_bytes(png_bytes(30, 30))
    s.add_image(f, link=True)
    s.close()
    f.unlink()
    report = copy_project(src, pg_url)
    assert report["linked_images_embedded"] == 0 and report["linked_images_missing"] == [str(f.resolve())]
    with open_project(pg_url, readonly=True) as p:
        assert p.counts()["linked_images"] == 1


def test_copy_refuses_an_existing_destination(tmp_path, pg_url):
    src = tmp_path / "a.hanji"
    create_project(src).close()
    dst = tmp_path / "b.hanji"
    dst.write_bytes(b"mine")
    with pytest.raises(HanjiError, match="already exists"):
        copy_project(src, dst)
    assert dst.read_bytes() == b"mine"
    create_project(pg_url).close()
    with pytest.raises(HanjiError, match="already holds a Hanji project"):
        copy_project(src, pg_url)


def test_hanji_copy_json(tmp_path, pg_url, capsys):
    src = tmp_path / "a.hanji"
    s = create_project(src)
    d, _ = s.add_image_bytes("a.png", png_bytes())
    s.add_region(d.id, Region(quad(0), text="가"))
    s.close()
    assert main(["copy", str(src), pg_url, "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["documents"] == 1 and out["regions"] == 1 and out["destination"].startswith("postgresql://")
    assert main(["info", pg_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["regions"] == 1
    assert main(["copy", pg_url, str(src)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_a_copy_is_one_snapshot_while_another_seat_edits(tmp_path, pg_url, monkeypatch):
    from hanji.store import copying

    s = create_project(pg_url)
    d, _ = s.add_image_bytes("a.png", png_bytes())
    s.add_region(d.id, Region(quad(0), text="전"))
    seat = open_project(pg_url)
    pages = copying._pages

    def meanwhile(src, table, cols, pk):
        for page in pages(src, table, cols, pk):
            yield page
            if table == "documents":  # another seat adds a document and its region mid-copy
                d2, _ = seat.add_image_bytes("b.png", png_bytes(color="black"))
                seat.add_region(d2.id, Region(quad(1), text="중"))

    monkeypatch.setattr(copying, "_pages", meanwhile)
    copy_project(pg_url, tmp_path / "c.hanji")
    with open_project(tmp_path / "c.hanji", readonly=True) as c:
        assert [x.name for x in c.documents()] == ["a.png"] and c.counts()["regions"] == 1
    assert s.counts()["documents"] == 2  # the seat's edit is in the source
    seat.close()
    s.close()
