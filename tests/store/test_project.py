import pytest
from store_backends import other_connection

from hanji.domain import EntityType, KeyValue, Region
from hanji.errors import HanjiError
from hanji.store import ProjectStore, create_project, open_project
from helpers import png_bytes


def quad(x, y, w=20, h=10):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def test_create_refuses_to_overwrite(project_name):
    create_project(project_name).close()
    with pytest.raises(HanjiError, match="already (exists|holds a Hanji project)"):
        create_project(project_name)
    with pytest.raises(HanjiError, match="already (exists|holds a Hanji project)"):
        ProjectStore.create(project_name)


def test_pragmas_are_durable(project):
    c = project.conn
    if project.backend == "sqlite":
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    else:  # each commit waits for the server's WAL flush
        assert c.execute("SHOW synchronous_commit").fetchone()[0] == "on"


def test_images_are_stored_once_by_content(project, tmp_path):
    data = png_bytes(40, 20, text="한")
    (tmp_path / "a.png").write_bytes(data)
    (tmp_path / "b.png").write_bytes(data)
    d1, added1 = project.add_image(tmp_path / "a.png")
    d2, added2 = project.add_image(tmp_path / "b.png")
    assert added1 and not added2 and d1.id == d2.id
    assert project.conn.execute("SELECT COUNT(*) FROM images").fetchone()[0] == 1
    assert project.image_bytes(d1.id) == data
    assert (d1.width, d1.height) == (40, 20)


def test_linked_image_missing_gives_clear_message(project, tmp_path):
    if project.backend != "sqlite":
        pytest.skip("a PostgreSQL project keeps every image inside (test_postgres.py)")
    f = tmp_path / "big.png"
    f.write_bytes(png_bytes(30, 30))
    doc, _ = project.add_image(f, link=True)
    assert project.conn.execute("SELECT COUNT(*) FROM images").fetchone()[0] == 0
    assert project.image_bytes(doc.id) == f.read_bytes()
    f.unlink()
    with pytest.raises(HanjiError, match="big.png.*missing"):
        project.image_bytes(doc.id)
    moved = tmp_path / "moved.png"
    moved.write_bytes(png_bytes(30, 30))
    project.relink(doc.id, moved)
    assert project.image_bytes(doc.id) == moved.read_bytes()


def test_edits_are_committed_before_return(project, tmp_path):
    doc, _ = project.add_image_bytes("r.png", png_bytes())
    r = project.add_region(doc.id, Region(quad(1, 1), text="영수증"))
    project.update_region(r.id, text="합계 12,000원", status="confirmed")
    other = other_connection(project)  # another connection sees it at once
    assert other.execute("SELECT text, status FROM regions").fetchone() == ("합계 12,000원", "confirmed")
    other.close()


def test_text_is_nfc(project):
    doc, _ = project.add_image_bytes("r.png", png_bytes())
    decomposed = "\u1112\u1161\u11ab\u1100\u1173\u11af"  # 한글 as jamo
    r = project.add_region(doc.id, Region(quad(0, 0), text=decomposed))
    assert project.region(r.id).text == "한글"


def test_undo_redo_across_documents_and_reopen(project_name):
    p = project_name
    s = create_project(p)
    d1, _ = s.add_image_bytes("1.png", png_bytes(color="white"))
    d2, _ = s.add_image_bytes("2.png", png_bytes(color="gray"))
    a = s.add_region(d1.id, Region(quad(0, 0), text="가"))
    b = s.add_region(d2.id, Region(quad(5, 5), text="나"))
    s.update_region(a.id, text="가나", points=quad(2, 2))
    s.add_link(a.id, a.id, "self")
    s.delete_region(a.id)  # also removes the link
    s.close()

    s = open_project(p)
    assert s.regions(d1.id) == [] and s.links(d1.id) == []
    assert s.undo() == "delete region"
    assert s.region(a.id).text == "가나" and len(s.links(d1.id)) == 1
    s.undo()  # link
    s.undo()  # edit
    assert s.region(a.id).text == "가" and s.region(a.id).points == quad(0, 0)
    s.undo()  # add b (document 2)
    assert s.regions(d2.id) == []
    s.close()

    s = ProjectStore.open(p)  # the class's own opener takes either name too
    assert s.redo() == "add region"
    assert s.regions(d2.id)[0].text == "나" and s.regions(d2.id)[0].id == b.id
    s.redo()
    assert s.region(a.id).text == "가나"
    s.update_region(b.id, text="다")  # a new edit clears redo
    assert not s.can_redo()
    s.close()


def test_group_is_one_undo_step(project):
    doc, _ = project.add_image_bytes("r.png", png_bytes())
    r = project.add_region(doc.id, Region(quad(0, 0)))
    with project.group("drag"):
        for dx in range(1, 6):
            project.update_region(r.id, points=quad(dx, 0))
    assert project.region(r.id).points == quad(5, 0)
    assert project.undo() == "edit region"
    assert project.region(r.id).points == quad(0, 0)


def test_listeners_hear_edits_and_undo(project):
    heard = []
    project.subscribe(heard.append)
    doc, _ = project.add_image_bytes("r.png", png_bytes())
    r = project.add_region(doc.id, Region(quad(0, 0)))
    project.undo()
    tables = [(c.table, c.reason) for c in heard]
    assert ("documents", "add") in tables and ("regions", "edit") in tables and ("regions", "undo") in tables
    assert any(r.id in c.ids for c in heard if c.reason == "undo")


def test_entity_schema_and_keyvalues(project):
    project.set_entity_type(EntityType("total", "#ff0000", "1", "합계"))
    project.set_entity_type(EntityType("date", "#00ff00", "2", "날짜"))
    assert [e.name for e in project.entity_types()] == ["total", "date"]
    doc, _ = project.add_image_bytes("r.png", png_bytes())
    project.set_keyvalues(doc.id, [KeyValue("total", "12,000"), KeyValue("date", "2024.03.05")])
    assert {k.key: k.value for k in project.keyvalues(doc.id)} == {"total": "12,000", "date": "2024.03.05"}
    project.undo()
    assert project.keyvalues(doc.id) == []
    project.delete_entity_type("date")
    project.undo()
    assert [e.name for e in project.entity_types()] == ["total", "date"]


def test_search_finds_hangul_substrings(project):
    doc, _ = project.add_image_bytes("r.png", png_bytes())
    project.add_regions(doc.id, [Region(quad(0, 0), text="서울특별시 강남구 테헤란로"),
                                 Region(quad(0, 20), text="합계 12,000원")])
    assert [r.text for r in project.search("강남구")] == ["서울특별시 강남구 테헤란로"]
    assert [r.text for r in project.search("합계")] == ["합계 12,000원"]  # 2 chars: LIKE fallback
    r = project.search("합계")[0]
    project.update_region(r.id, text="총액 12,000원")
    assert project.search("12,000원")[0].text == "총액 12,000원"
    assert project.search("합계") == []


def test_second_writer_gets_clear_message(project):
    if project.backend == "sqlite":
        with pytest.raises(HanjiError, match="already open for writing"):
            ProjectStore.open(project.path)
    else:  # a server takes many writers (the seats of a team)
        open_project(project.conn.url).close()
    ro = open_project(project.conn.url if project.backend != "sqlite" else project.path, readonly=True)
    assert ro.counts()["documents"] == 0
    with pytest.raises(HanjiError, match="read-only"):
        ro.add_image_bytes("x.png", png_bytes())
    ro.close()


def test_counts_by_status(project):
    doc, _ = project.add_image_bytes("r.png", png_bytes())
    project.add_regions(doc.id, [Region(quad(0, 0), status="machine"), Region(quad(0, 0), status="confirmed"),
                                 Region(quad(0, 0), status="confirmed")])
    c = project.counts()
    assert c["documents"] == 1 and c["regions"] == 3
    assert c["regions_by_status"] == {"machine": 1, "confirmed": 2}


def test_delete_document_keeps_other_documents_history(project):
    d1, _ = project.add_image_bytes("1.png", png_bytes(color="white"))
    d2, _ = project.add_image_bytes("2.png", png_bytes(color="black"))
    a = project.add_region(d1.id, Region(quad(0, 0), text="가"))
    project.add_region(d2.id, Region(quad(0, 0), text="나"))
    project.update_region(a.id, text="다")
    project.delete_document(d2.id)
    assert project.undo() == "edit region"
    assert project.region(a.id).text == "가"
    assert project.undo() == "add region"
    assert project.regions(d1.id) == []
    assert project.undo() is None
