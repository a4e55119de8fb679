"""Nested transactions are savepoints, and an import run writes in bulk and can be taken back."""

from __future__ import annotations

import pytest

from hanji.domain import EntityType, KeyValue, Link, Region
from hanji.errors import HanjiError
from hanji.store import imports
from hanji.store.images import inspect_bytes
from helpers import png_bytes


def quad(x, y, w=20, h=10):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def test_a_failed_inner_block_takes_back_only_its_own_writes(project):
    with project.atomic():
        project.set_meta("outer", "1")
        with pytest.raises(RuntimeError):
            with project.atomic():
                project.set_meta("inner", "1")
                raise RuntimeError("bad entry")
        project.set_meta("after", "1")
    assert project.meta("outer") == "1" and project.meta("after") == "1"
    assert project.meta("inner") is None  # before savepoints the inner write stayed (or all was lost)


def test_an_error_leaving_the_outer_block_takes_back_everything(project):
    with pytest.raises(RuntimeError):
        with project.atomic():
            project.set_meta("outer", "1")
            with project.atomic():
                project.set_meta("inner", "1")
            raise RuntimeError
    assert project.meta("outer") is None and project.meta("inner") is None


def test_import_run_writes_documents_whole_and_reverts(project):
    kept, _ = project.add_image_bytes("kept.png", png_bytes(60, 40, text="가"))
    project.add_region(kept.id, Region(points=quad(1, 1), text="사람"))
    seen = []
    project.subscribe(seen.append)
    run = project.imports()
    info = inspect_bytes(png_bytes(80, 40, text="나"), "a.png")
    bad = inspect_bytes(png_bytes(80, 40, text="다"), "b.png")
    with run.batch("import:test", {"done": 2}):
        with run.document():
            doc, state = run.add_document(info, "a.png")
            ids = run.add_annotations(doc.id, [Region(points=quad(1, 1), text="합계"), Region(points=quad(30, 1), text="1,000")],
                                      [Link(0, 1, "total")], [KeyValue("total", "1,000", [1])])
        with pytest.raises(HanjiError):
            with run.document():
                other, _ = run.add_document(bad, "b.png")
                run.add_annotations(other.id, [Region(points=quad(1, 1), text="x")])
                raise HanjiError("a bad entry")
        assert not seen  # listeners hear of the batch after it committed
    assert state == imports.NEW and len(ids) == 2
    assert [r.text for r in project.regions(doc.id)] == ["합계", "1,000"]
    assert project.links(doc.id)[0].src == ids[0] and project.keyvalues(doc.id)[0].region_ids == [ids[1]]
    assert project.document_by_sha(bad.sha256) is None  # the bad entry's document is gone whole
    assert project.job_state("import:test") == {"done": 2}
    assert any(ch.table == "regions" and ch.reason == "import" for ch in seen)
    assert project.search("합계")[0].id == ids[0]  # the search index saw the bulk insert
    # the same image again: left alone when it has annotations
    assert run.add_document(info, "again.png")[1] == imports.DUPLICATE
    with run.batch():
        run.update_document(kept, status="done")
        run.retag({project.regions(kept.id)[0].id: ["B-name"]})
        run.add_entity_type(EntityType("name", "#ff0000"))
    run.revert()
    assert project.document_by_sha(info.sha256) is None
    assert project.document(kept.id).status == "new" and project.regions(kept.id)[0].tags in ([], ["O"])
    assert [e.name for e in project.entity_types()] == []
    assert project.search("합계") == []
