"""Pages of documents and the whole-project iterator: the same documents and annotations as one
document at a time, in a handful of statements per page."""

from hanji.domain import KeyValue, Region
from helpers import png_bytes


def quad(x, y, w=20, h=10):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _fill(project, n=7):
    for i in range(n):
        d, _ = project.add_image_bytes(f"page_{i:02d}.png", png_bytes(30 + i, 20, text=str(i)))
        if i % 2:
            project.update_document(d.id, status="done", doc_type="receipt")
        regs = project.add_regions(d.id, [Region(quad(5 * k, 2), text=f"{i}-{k}") for k in range(i % 3 + 1)])
        if len(regs) > 1:
            project.add_link(regs[0].id, regs[1].id)
        project.set_keyvalues(d.id, [KeyValue("total", str(i), [regs[0].id])])


def test_iter_annotated_gives_what_one_document_at_a_time_gives(project):
    _fill(project)
    got = list(project.iter_annotated(page=3))
    assert [d.id for d, *_ in got] == [d.id for d in project.documents()]
    for d, regs, links, kvs in got:
        assert regs == project.regions(d.id) and links == project.links(d.id) and kvs == project.keyvalues(d.id)
    assert [d.id for d in project.iter_documents(page=2)] == [d.id for d in project.documents()]


def test_pages_filter_and_count_without_loading_all(project):
    _fill(project)
    statements = []
    project.conn.set_trace_callback(statements.append)
    first = project.document_page(limit=2, status="done")
    rest = project.document_page(after=first[-1].id, limit=10, status="done")
    project.conn.set_trace_callback(None)
    assert [d.name for d in first + rest] == ["page_01.png", "page_03.png", "page_05.png"]
    assert all("LIMIT" in s for s in statements if s.startswith("SELECT"))
    assert project.document_count() == 7 and project.document_count(status="done", doc_type="receipt") == 3
    assert project.document_count(name="PAGE_0") == 7 and project.document_count(name="_04") == 1
    assert sorted(project.document_types()) == ["", "receipt"]


def test_neighbours_by_an_indexed_query(project):
    _fill(project)
    ids = project.document_ids()
    assert project.document_ids(status="done") == ids[1::2]
    assert project.neighbour_id(ids[2]) == ids[3] and project.neighbour_id(ids[2], -1) == ids[1]
    assert project.neighbour_id(ids[2], 2) == ids[4] and project.neighbour_id(ids[-1]) is None
    assert project.neighbour_id(ids[1], status="done") == ids[3]
    assert project.neighbour_id(ids[1], not_status="done") == ids[2]
    assert project.neighbour_id(0) == ids[0]


def test_readings_are_each_regions_status_and_confidence(project):
    _fill(project)
    d = project.documents()[2]
    project.add_regions(d.id, [Region(quad(1, 40), text="x", status="machine", source="model", confidence=0.25)])
    got = {doc.id: sorted(r, key=str) for doc, r in project.iter_readings(page=2)}
    assert list(got) == [x.id for x in project.documents()]
    assert got == {x.id: sorted(((r.status, r.confidence) for r in project.regions(x.id)), key=str)
                   for x in project.documents()}
    assert ("machine", 0.25) in got[d.id]
