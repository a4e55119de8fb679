"""What an import batch writes for a new document, and how little it asks of the database for it
(issue 20: an import of 2,000,000 regions at 30,000 a second has no room for a dozen statements a
document or a sub-journal on disk)."""

from __future__ import annotations

import pytest

from hanji.domain import KeyValue, Link, Region
from hanji.store.images import inspect_bytes
from helpers import png_bytes


def quad(x, y, w=20, h=10):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _import(project, n, start=0):
    run = project.imports()
    with run.batch("import:test", {"done": n}):
        for i in range(start, start + n):
            with run.document():
                doc, _ = run.add_document(inspect_bytes(png_bytes(40 + i, 20), f"{i}.png"), f"문서_{i}.png",
                                          "done", "receipt", {"page": i})
                run.add_annotations(doc.id, [Region(quad(1, 1), text=f"합계 {i}"), Region(quad(2, 5), text="부가세")],
                                    [Link(0, 1, "total")], [KeyValue("total", f"{i}원", [1])])
    return run


def test_a_new_document_goes_in_with_its_fields_and_no_claim(project):
    _import(project, 3)
    docs = project.documents()
    assert [(d.name, d.status, d.doc_type, d.attrs) for d in docs] == [
        (f"문서_{i}.png", "done", "receipt", {"page": i}) for i in range(3)]
    # an import took no claims: the documents did not exist, no other seat can have them open
    # (it used to claim every document it gave a status, for the claims' expiry after the import)
    assert project.claims() == {}
    c = project.counts()
    assert c["documents_by_status"] == {"done": 3} and c["regions"] == 6 and c["links"] == 3 and c["keyvalues"] == 3
    regions = project.regions(docs[1].id)
    assert [r.text for r in regions] == ["합계 1", "부가세"]
    assert project.links(docs[1].id)[0].src == regions[0].id
    assert project.keyvalues(docs[1].id)[0].region_ids == [regions[1].id]
    assert [h.doc_id for h in project.search("합계 2")] == [docs[2].id]


def test_ids_count_on_across_a_batch_and_after_a_document_taken_back(project):
    first = _import(project, 2)
    run = project.imports()
    with run.batch():
        with pytest.raises(RuntimeError):
            with run.document():
                doc, _ = run.add_document(inspect_bytes(png_bytes(90, 20), "bad.png"), "bad.png")
                run.add_annotations(doc.id, [Region(quad(1, 1), text="x")])
                raise RuntimeError("a bad entry")
        with run.document():
            doc, _ = run.add_document(inspect_bytes(png_bytes(91, 20), "ok.png"), "ok.png")
            ids = run.add_annotations(doc.id, [Region(quad(1, 1), text="y"), Region(quad(1, 9), text="z")])
    assert [d.name for d in project.documents()] == ["문서_0.png", "문서_1.png", "ok.png"]
    assert [r.id for r in project.regions(doc.id)] == ids and len(set(ids)) == 2
    assert run.new_rows["regions"] == [(ids[0], ids[1])]
    run.revert()
    first.revert()
    assert project.documents() == [] and project.counts()["regions"] == 0


def test_a_new_document_costs_a_few_statements(project):
    """Besides its inserts a new document costs a lookup by image and its savepoints: before, an
    import added the document, read it back, updated its fields (reading the row, claiming the
    document, upserting the row) and asked each table for its largest id, 16 statements more."""
    if project.backend != "sqlite":
        pytest.skip("counts SQLite's statements (the trace callback)")
    _import(project, 1)
    seen: list[str] = []
    project.conn.set_trace_callback(seen.append)
    try:
        _import(project, 20, start=1)
    finally:
        project.conn.set_trace_callback(None)
    assert not [s for s in seen if "claims" in s or "history" in s]
    # (FTS5's own statements start with '--'; a batch's own are a dozen)
    others = [s for s in seen if not s.startswith(("INSERT", "--"))]
    assert len(others) <= 20 * 7 + 20, len(others)


def test_a_batch_keeps_its_savepoints_in_memory_and_leaves_the_setting(project):
    if project.backend != "sqlite":
        pytest.skip("SQLite's sub-journal")
    before = project.conn.execute("PRAGMA temp_store").fetchone()[0]
    run = project.imports()
    with run.batch():
        assert project.conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
    assert project.conn.execute("PRAGMA temp_store").fetchone()[0] == before


def test_the_one_text_grams_function_answers_as_grams(project):
    if project.backend != "sqlite":
        pytest.skip("SQLite's SQL function")
    from hanji.store.schema import grams

    for text in ("합계 1,000", "ΣΑΣ İstanbul", "a", "", None, "x\x00y"):
        got = project.conn.execute("SELECT hanji_grams(?)", (text,)).fetchone()[0]
        assert sorted(got.split()) == sorted(grams(text).split())
        two = project.conn.execute("SELECT hanji_grams(?, ?)", (text, "값")).fetchone()[0]
        assert sorted(two.split()) == sorted(grams(text, "값").split())


def test_a_batch_of_new_annotated_repeated_and_failed_documents(project):
    """New documents' rows wait for the batch's end on PostgreSQL; a document already there writes at
    once in its own savepoint, after the rows before it; the same image twice in a batch is found; a
    failed document takes back only its own rows, queued or sent."""
    from hanji.store import imports

    kept, _ = project.add_image_bytes("kept.png", png_bytes(70, 20))
    run = project.imports()
    states = []
    with run.batch():
        for i, name in enumerate(["a", "kept", "b", "a-again", "bad", "c"]):
            data = png_bytes(70, 20) if name == "kept" else png_bytes(40 + (0 if name == "a-again" else i), 20)
            try:
                with run.document():
                    doc, state = run.add_document(inspect_bytes(data, name), f"{name}.png", "done")
                    states.append(state)
                    if state == imports.DUPLICATE:
                        continue
                    run.add_annotations(doc.id, [Region(quad(1, 1), text=f"{name} 합계")])
                    if state == imports.ANNOTATE:
                        run.update_document(doc, status="in_progress")
                    if name == "bad":
                        raise RuntimeError("a bad entry")
            except RuntimeError:
                pass
    assert states == ["new", "annotate", "new", "duplicate", "new", "new"]
    docs = {d.name: d for d in project.documents()}
    assert sorted(docs) == ["a.png", "b.png", "c.png", "kept.png"]
    assert docs["kept.png"].status == "in_progress" and docs["c.png"].status == "done"
    assert {n: [r.text for r in project.regions(d.id)] for n, d in docs.items()} == {
        "a.png": ["a 합계"], "kept.png": ["kept 합계"], "b.png": ["b 합계"], "c.png": ["c 합계"]}
    assert project.counts()["regions"] == 4 and project.counts()["documents"] == 4
    assert len({r.id for d in docs.values() for r in project.regions(d.id)}) == 4
    assert [r.text for r in project.search("합계")] == ["kept 합계", "a 합계", "b 합계", "c 합계"]
    run.revert()
    assert [d.name for d in project.documents()] == ["kept.png"] and project.regions(kept.id) == []
    assert project.document(kept.id).status == "new"


def test_a_batch_asks_for_its_images_once(project):
    """``ImportRun.expect``: which of a batch's images the project has is one statement, not two a
    document (a round trip each to a server); what it read is used once, so the same image again, or
    one whose document was taken back, is asked of the project as before, and answers the same."""
    from hanji.store import imports

    kept, _ = project.add_image_bytes("kept.png", png_bytes(70, 20))  # there, no annotations
    done, _ = project.add_image_bytes("done.png", png_bytes(71, 20))  # there, annotated
    project.add_region(done.id, Region(quad(1, 1), text="x"))
    data = {"kept": png_bytes(70, 20), "done": png_bytes(71, 20), "a": png_bytes(40, 20), "b": png_bytes(41, 20),
            "a-again": png_bytes(40, 20), "bad": png_bytes(42, 20), "bad-again": png_bytes(42, 20),
            "c": png_bytes(43, 20)}
    infos = {n: inspect_bytes(d, n) for n, d in data.items()}
    seen: list[str] = []
    run = project.imports()
    states = []
    with run.batch():
        project.conn.set_trace_callback(seen.append)
        try:
            run.expect(i.sha256 for i in infos.values())
            for name, info in infos.items():
                try:
                    with run.document():
                        doc, state = run.add_document(info, f"{name}.png", "done")
                        states.append((name, state, doc.id))
                        if state == imports.DUPLICATE:
                            continue
                        run.add_annotations(doc.id, [Region(quad(1, 1), text=f"{name} 합계")])
                        if name == "bad":
                            raise RuntimeError("a bad entry")
                except RuntimeError:
                    pass
        finally:
            project.conn.set_trace_callback(None)
    assert [(n, s) for n, s, _ in states] == [
        ("kept", "annotate"), ("done", "duplicate"), ("a", "new"), ("b", "new"), ("a-again", "duplicate"),
        ("bad", "new"), ("bad-again", "new"), ("c", "new")]
    ids = {n: i for n, _, i in states}
    assert ids["kept"] == kept.id and ids["done"] == done.id and ids["a-again"] == ids["a"]
    batch = [s for s in seen if "sha256 IN" in s]
    single = [s for s in seen if "FROM documents WHERE sha256" in s]
    assert len(batch) == 1 and len(single) == 2, (batch, single)  # a-again and bad-again only
    docs = {d.name: d for d in project.documents()}
    assert sorted(docs) == ["a.png", "b.png", "bad-again.png", "c.png", "done.png", "kept.png"]
    assert [r.text for r in project.regions(kept.id)] == ["kept 합계"]
    assert [r.text for r in project.regions(done.id)] == ["x"]
    assert project.counts()["regions"] == 6
