"""Search is answered by indexes (issue 20): one- and two-character queries by the character-pair
index, longer ones by trigrams, with the same answers as a substring scan through edits, deletes,
undo and redo, and no statement scanning the regions or key-values table."""

from __future__ import annotations

import random

import pytest

from hanji.domain import KeyValue, Region
from hanji.store.schema import grams
from hanji.store.search import grams_query
from helpers import png_bytes

ALPHABET = "합계금액원가나Ab1 ,.-%_\"*"


def quad(x, y=0):
    return [(x, y), (x + 5, y), (x + 5, y + 5), (x, y + 5)]


def scan(store, q: str) -> tuple[list[int], list[int]]:
    """What the indexes must answer: every region and key-value containing ``q`` (any case)."""
    q = q.lower()
    regions = sorted(r[0] for r in store.conn.execute("SELECT id, text FROM regions") if q in r[1].lower())
    kvs = sorted(r[0] for r in store.conn.execute("SELECT id, key, value FROM keyvalues")
                 if q in r[1].lower() or q in r[2].lower())
    return regions, kvs


def same(store, rng: random.Random) -> None:
    texts = [r[0] for r in store.conn.execute("SELECT text FROM regions")]
    queries = set(ALPHABET) | {a + b for a in "합계Ab1 ," for b in "합계aB1 ,"}
    for t in rng.sample(texts, min(10, len(texts))):
        for k in (1, 2, 3, 4):
            if len(t) >= k:
                i = rng.randrange(len(t) - k + 1)
                queries.add(t[i:i + k])
    for q in sorted(queries):
        if not q.strip() or q.strip() != q:
            continue  # a query is stripped
        want_r, want_k = scan(store, q)
        assert sorted(r.id for r in store.search(q, 10**6)) == want_r, q
        assert sorted(k.id for k in store.search_keyvalues(q, 10**6)) == want_k, q


def test_short_and_long_queries_match_a_scan_through_edits(project):
    rng = random.Random(20)

    def text() -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 9)))

    docs = []
    for d in range(4):
        doc, _ = project.add_image_bytes(f"{d}.png", png_bytes(40, 20, text=str(d)))
        docs.append(doc)
        project.add_regions(doc.id, [Region(quad(i), text=text()) for i in range(30)])
        project.set_keyvalues(doc.id, [KeyValue(text() or "k", text()) for _ in range(3)])
    same(project, rng)
    ids = [r.id for r in project.regions(docs[0].id)]
    for rid in ids[:10]:
        project.update_region(rid, text=text())
    project.delete_regions(ids[10:15])
    project.set_keyvalues(docs[1].id, [KeyValue("합계", "AB 12")])
    same(project, rng)
    project.undo()
    project.undo()
    same(project, rng)
    project.redo()
    project.delete_document(docs[2].id)
    same(project, rng)


def test_the_first_hits_by_id_in_reading_order(project):
    doc, _ = project.add_image_bytes("a.png", png_bytes(40, 20, text="a"))
    rs = project.add_regions(doc.id, [Region(quad(i), text=f"합계 {i}", order=20 - i) for i in range(20)])
    for q in ("합", "합계", "합계 "):
        got = project.search(q, 3)
        assert {r.id for r in got} == {r.id for r in rs[:3]}, q  # the first three added
        assert [r.order for r in got] == sorted(r.order for r in got), q  # shown in reading order
    assert project.search("", 3) == [] and project.search("합계", 0) == []


def test_grams_are_case_folded_pairs_and_queries_match_them():
    assert set(grams("Ab")) - {" "}
    assert sorted(grams("Ab").split()) == sorted([f"{ord('a'):08x}{ord('b'):08x}", f"{ord('b'):08x}00000000"])
    assert grams("", None) == ""
    assert grams_query("합계") == f"{ord('합'):08x}{ord('계'):08x}"
    assert grams_query("A") == f"{ord('a'):08x}*"
    assert grams_query("abc") is None and grams_query("a\x00") is None


def test_search_scans_no_table(project):
    if project.backend != "sqlite":
        pytest.skip("the FTS5 indexes are SQLite's")
    if project.backend != "sqlite":
        pytest.skip("FTS5's plan; PostgreSQL's search index is checked in tests/store/test_postgres.py")
    doc, _ = project.add_image_bytes("a.png", png_bytes(40, 20, text="a"))
    project.add_regions(doc.id, [Region(quad(i), text=f"합계 {i}") for i in range(50)])
    project.set_keyvalues(doc.id, [KeyValue("total", "합계 1")])
    conn = project.conn
    for q in ("합", "합계", "합계 1"):
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        try:
            project.search(q)
            project.search_keyvalues(q)
        finally:
            conn.set_trace_callback(None)
        selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 2
        for sql in selects:
            plan = " ".join(str(r[-1]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "NULL")))
            assert "VIRTUAL TABLE" in plan, plan
            for table in ("regions", "keyvalues"):
                assert f"SCAN {table[0]}" not in plan.replace("SCAN regions_", "").replace("SCAN keyvalues_", "")
                assert f"SCAN {table} " not in plan + " ", (sql, plan)


@pytest.mark.parametrize("given", ["regions", "rows"])
def test_an_import_batch_indexes_its_rows_at_its_end(project, given):
    """Regions given as domain objects or as the rows an import's reader process makes
    (``rows.RegionRows``, with their short-query tokens made ahead): the same indexes, and a document
    taken back leaves no tokens behind (its region ids are given to the next document)."""
    from hanji.store.images import inspect_bytes
    from hanji.store.rows import region_rows

    sqlite = project.backend == "sqlite"

    rng = random.Random(3)
    run = project.imports()
    first_text = ""
    with run.batch():
        for d in range(5):
            try:
                with run.document():
                    doc, _ = run.add_document(inspect_bytes(png_bytes(30, 20, text=str(d)), f"{d}.png"), f"{d}.png")
                    regions = [Region(quad(i), text="".join(rng.choice(ALPHABET) for _ in range(6))) for i in range(8)]
                    first_text = first_text if d else regions[0].text
                    run.add_annotations(doc.id, regions if given == "regions" else region_rows(regions), [],
                                        [KeyValue("합계", f"{d}원", [0])])
                    if d == 2:
                        raise ValueError("a bad entry: this document is taken back")
            except ValueError:
                pass
        if sqlite:
            # not indexed before the batch ends (nor yet written: a batch's new rows go in at its end)
            assert project.search(first_text, 10) == []
    assert project.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 4
    same(project, rng)
    if not sqlite:
        return
    project.conn.execute("INSERT INTO regions_fts(regions_fts) VALUES ('integrity-check')")
    project.conn.execute("INSERT INTO keyvalues_fts(keyvalues_fts) VALUES ('integrity-check')")
    project.update_region(project.regions(1)[0].id, text="새 글")  # rows of a finished batch are indexed
    project.delete_document(1)
    same(project, rng)
    project.conn.execute("INSERT INTO regions_fts(regions_fts) VALUES ('integrity-check')")
    run.revert()
    same(project, rng)
    project.conn.execute("INSERT INTO regions_fts(regions_fts) VALUES ('integrity-check')")
