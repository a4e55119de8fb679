"""An import into a PostgreSQL project takes its regions as ``COPY`` text lines made by the reader
(issue 20: no Python value a column to pickle, unpickle and format again in the importing process):
the same rows, counts and search results as the rows of values it took before, any text escaped,
and an import that stops leaves nothing."""

from __future__ import annotations

import json
import multiprocessing

import pytest
from fmt_helpers import content, small_project

from hanji.domain.model import Region
from hanji.errors import HanjiError
from hanji.jobs import import_reader, importing
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore
from hanji.store.images import inspect_bytes
from hanji.store.imports import ANNOTATE
from hanji.store.rows import RegionRows, copy_field, copy_fields, region_rows
from helpers import png_bytes

NASTY = ["탭\t줄\n캐리지\r역슬래시\\N 끝", "\\", "", "a\\tb\\\\", "\\.", "합계 12,000원"]


def _regions() -> list[Region]:
    out = []
    for k, text in enumerate(NASTY):
        out.append(Region([(1.5 + k, 2), (30.1234, 2), (30, 9.0005), (1, 9)], text=text, status="edited",
                          confidence=[None, 0.1 + 0.2, 1, 0.5, None, 1e-7][k], label="lab\tel" if k == 1 else "",
                          tags=["B-x", "I\tx"] if k == 2 else [], machine_text=[None, "x\ty", "\\", None, "", "m"][k],
                          attrs={"k": "v\t\\"} if k == 3 else {}))
    out.append(Region([(1, 1), (9, 1), (9, 9)], kind="polygon", text="다각형", status="machine", source="model",
                      confidence=0.25))
    for k, r in enumerate(out):
        r.order = None if k == 1 else k
    return out


def _fields(store, doc_id) -> list[tuple]:
    return [(r.kind, r.points, r.text, r.status, r.source, r.confidence, r.order, r.label, r.tags, r.machine_text,
             r.attrs) for r in store.regions(doc_id)]


def _tables(store) -> list:
    """Every row of every table of a PostgreSQL project (what a failed import must leave as it was)."""
    tables = [r[0] for r in store.conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                               "ORDER BY tablename").fetchall()]
    return [(t, sorted(map(repr, store.conn.execute(f"SELECT * FROM {t}").fetchall()))) for t in tables]


def test_copy_text_of_a_value():
    assert copy_field(None) == "\\N" and copy_field("") == "" and copy_field("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"
    assert copy_field("\\N") == "\\\\N" and copy_field(0.1 + 0.2) == "0.30000000000000004" and copy_field(7) == "7"
    assert copy_fields(("quad", None, 1.5)) == "quad\t\\N\t1.5"
    with pytest.raises(TypeError):
        copy_field(True)
    rr = region_rows(_regions(), copy=True)
    assert rr.values is None and rr.grams is None and len(rr) == len(NASTY) + 1
    with pytest.raises(ValueError):
        RegionRows(None, None)


def test_copy_lines_write_the_rows_values_write(pg_url):
    """New documents (queued, sent at the batch's end) and a document already there (written at once),
    each from the regions as values and as COPY lines: the same regions, counts and search hits."""
    regions = _regions()
    with ProjectStore.create(pg_url) as store:
        there = [store.add_image_bytes(f"there_{k}.png", png_bytes(40, 20 + k))[0] for k in range(2)]
        run = store.imports()
        docs = {}
        with run.batch("import:test", {"done": 4}):
            for k, copy in enumerate((False, True)):
                with run.document():
                    doc, _ = run.add_document(inspect_bytes(png_bytes(41 + k, 20), f"{k}.png"), f"new_{k}.png")
                    run.add_annotations(doc.id, region_rows(regions, grams=False, copy=copy))
                    docs["new", copy] = doc.id
                with run.document():
                    doc, state = run.add_document(inspect_bytes(store.image_bytes(there[k].id), "x.png"), "x.png")
                    assert state == ANNOTATE and doc.id == there[k].id
                    run.add_annotations(doc.id, region_rows(regions, grams=False, copy=copy))
                    docs["there", copy] = doc.id
        for where in ("new", "there"):
            assert _fields(store, docs[where, True]) == _fields(store, docs[where, False])
        assert _fields(store, docs["new", True])[0][2] == NASTY[0]
        assert store.counts()["regions"] == 4 * len(regions)
        for q in ("탭", "줄\n캐", "\\", "\\N", "다각", "12,000"):
            hits = {h.doc_id for h in store.search(q, 100)}
            assert hits == set(docs.values()), q
        run.revert()
        assert store.counts()["regions"] == 0 and len(store.documents()) == 2


def _dataset(tmp_path, n_docs: int = 6, broken_at: int | None = None):
    with small_project(tmp_path / "src.hanji", n_docs=n_docs) as src:
        export_project(src, "hanji", tmp_path / "all.jsonl")
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[1])
    first["regions"][0]["text"] = "탭\t역슬래시\\ 줄\n끝"
    lines[1] = json.dumps(first, ensure_ascii=False)
    if broken_at is not None:
        lines.insert(broken_at, '{"name": "broken')
    (tmp_path / "all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "all.jsonl"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(import_reader, "CHUNK_ENTRIES", 2)
    monkeypatch.setattr(import_reader, "QUEUE_CHUNKS", 2)


def test_an_import_of_copy_lines_leaves_what_an_import_of_values_did(pg_cluster, tmp_path, monkeypatch, small_chunks):
    data = _dataset(tmp_path)
    got = {}
    real, lines = importing.checked, {}
    # without COPY lines the reader makes rows of values, as before them
    monkeypatch.setattr(importing, "checked", lambda items, scope, grams, copy: real(items, scope, grams,
                                                                                      copy and lines["on"]))
    for copy in (False, True):
        lines["on"] = copy
        url = pg_cluster.new_database()
        try:
            with ProjectStore.create(url) as store:
                rep = import_path(store, data, "hanji", batch=4, reader=True)
                got[copy] = (rep.documents, rep.regions, content(store), store.counts(),
                             [(h.doc_id, h.text) for q in ("합계", "문", "\\", "탭\t", "상호 한지") for h in store.search(q, 100)])
        finally:
            pg_cluster.drop_database(url)
    assert got[True] == got[False]
    assert got[True][:2] == (6, 18) and got[True][4]
    assert not multiprocessing.active_children()


def test_a_strict_import_into_postgresql_that_stops_leaves_nothing(pg_url, tmp_path, small_chunks):
    data = _dataset(tmp_path, broken_at=5)  # after the first batches: they are committed, then taken back
    with ProjectStore.create(pg_url) as store:
        store.add_image_bytes("there before.png", png_bytes(30, 30, color="gray"))
        before = _tables(store)
        with pytest.raises(HanjiError, match="broken JSON"):
            import_path(store, data, "hanji", batch=1, reader=True)
        assert _tables(store) == before
    assert not multiprocessing.active_children()
