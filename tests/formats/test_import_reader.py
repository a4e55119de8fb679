"""An import read and checked in a worker process while the importing process writes (issue 20):
the same project, report and errors as reading in the importing process, memory bounded by a few
chunks, and nothing left running when an import stops."""

from __future__ import annotations

import json
import multiprocessing
import pickle

import pytest
from fmt_helpers import content, dump, small_project

from hanji.errors import HanjiError, OutsideDataset
from hanji.formats import hanji_jsonl
from hanji.jobs import import_reader
from hanji.jobs.base import Cancelled, CancelToken
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore
from hanji.store.rows import REGION_FIELDS, region_rows, region_values
from hanji.store.search_index import grams
from helpers import png_bytes


def _dataset(tmp_path, n_docs: int = 7):
    """A Hanji JSONL file of ``n_docs`` documents (links, key-values, tags, a polygon) and three bad
    entries among them: broken JSON, a region outside its image, an image that is not base64."""
    with small_project(tmp_path / "src.hanji", n_docs=n_docs) as src:
        export_project(src, "hanji", tmp_path / "all.jsonl")
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    outside = json.loads(lines[2])
    outside["regions"][0]["points"][1][0] = 500.0
    not_base64 = dict(json.loads(lines[4]), image_base64="not base64!", sha256="")
    bad = ['{"name": "broken', json.dumps(outside, ensure_ascii=False), json.dumps(not_base64, ensure_ascii=False)]
    lines = lines[:3] + bad[:1] + lines[3:5] + bad[1:] + lines[5:]
    (tmp_path / "all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "all.jsonl"


def _report(r) -> tuple:
    return (r.documents, r.annotated, r.duplicates, r.regions, r.links, r.keyvalues, [str(s) for s in r.skipped],
            r.notes)


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two entries, at most two chunks ahead: every path of the queue is taken."""
    monkeypatch.setattr(import_reader, "CHUNK_ENTRIES", 2)
    monkeypatch.setattr(import_reader, "QUEUE_CHUNKS", 2)


def test_the_reader_process_imports_what_reading_here_does(tmp_path, small_chunks):
    data = _dataset(tmp_path)
    got = {}
    for reader in (False, True):
        with ProjectStore.create(tmp_path / f"p{reader}.hanji") as store:
            rep = import_path(store, data, "hanji", skip_bad=True, batch=3, reader=reader)
            got[reader] = (_report(rep), content(store), store.counts(),
                           [(h.doc_id, h.text) for q in ("합계", "문", "12,0", "상호 한지") for h in store.search(q, 100)])
            store.conn.execute("INSERT INTO regions_fts(regions_fts) VALUES ('integrity-check')")
    assert got[True] == got[False]
    report = got[True][0]
    assert report[0] == 7 and report[3] == 21 and len(report[6]) == 3  # 7 documents, the 3 bad entries listed
    assert not multiprocessing.active_children()


def test_a_strict_import_stops_on_the_first_bad_entry_and_takes_back_what_it_wrote(tmp_path, small_chunks):
    data = _dataset(tmp_path)
    messages = {}
    for reader in (False, True):
        with ProjectStore.create(tmp_path / f"p{reader}.hanji") as store:
            store.add_image_bytes("there before.png", png_bytes(30, 30, color="gray"))
        before = dump(tmp_path / f"p{reader}.hanji")
        with ProjectStore.open(tmp_path / f"p{reader}.hanji") as store:
            with pytest.raises(HanjiError) as e:
                import_path(store, data, "hanji", batch=1, reader=reader)  # the first batch is committed first
            messages[reader] = str(e.value)
        assert dump(tmp_path / f"p{reader}.hanji") == before
    assert messages[True] == messages[False] and "broken JSON" in messages[True]
    assert not multiprocessing.active_children()


def test_an_error_that_ends_the_reading_is_raised_here_after_the_entries_before_it(tmp_path, monkeypatch,
                                                                                    small_chunks):
    data = _dataset(tmp_path, n_docs=4)
    real = hanji_jsonl.read

    def failing(path, **kw):
        for k, item in enumerate(real(path, **kw)):
            if k == 3:
                raise OSError(5, "Input/output error")  # a disk that fails halfway
            yield item

    monkeypatch.setattr(hanji_jsonl, "read", failing)
    got = {}
    for reader in (False, True):
        with ProjectStore.create(tmp_path / f"p{reader}.hanji") as store:
            with pytest.raises(OSError, match="Input/output error"):
                import_path(store, data, "hanji", skip_bad=True, batch=1, reader=reader)
            got[reader] = content(store)
    assert got[True] == got[False] and len(got[True]) == 2  # the batches written before it stay
    assert not multiprocessing.active_children()


def test_a_cancelled_import_with_a_reader_process_keeps_what_it_read_and_resumes(tmp_path, small_chunks):
    with small_project(tmp_path / "src.hanji", n_docs=8) as src:
        export_project(src, "hanji", tmp_path / "all.jsonl")
        expected = content(src)
    token = CancelToken()

    def progress(done, total=None, message=""):
        if done == 5:
            token.cancel()

    with ProjectStore.create(tmp_path / "dst.hanji") as dst:
        with pytest.raises(Cancelled):
            import_path(dst, tmp_path / "all.jsonl", progress=progress, cancel=token, batch=2, reader=True)
        assert not multiprocessing.active_children()
        assert 0 < len(dst.documents()) < 8
        rep = import_path(dst, tmp_path / "all.jsonl", reader=True)
        assert rep.documents + rep.duplicates == 8
        assert content(dst) == expected


def test_a_reader_process_that_dies_is_an_error_not_a_wait(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(import_reader, "_produce", lambda make_items, q, parent: os._exit(3))
    data = _dataset(tmp_path, n_docs=4)
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        with pytest.raises(HanjiError, match=r"reader process stopped \(exit code 3\)"):
            import_path(store, data, "hanji", reader=True)


def test_errors_cross_processes_whole():
    for e in (HanjiError("bad entry", "/data/x.jsonl", "line 3"), OutsideDataset("outside", "a.json", "b", "/elsewhere")):
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e) and str(back) == str(e) and vars(back) == vars(e)


def test_region_rows_are_the_rows_an_import_writes():
    from hanji.domain.model import Region

    regions = [Region([(0.1 + 0.2, 1), (5.12345, 1), (5, 4), (0, 4)], text="합계 Ab", tags=["B-total"],
                      attrs={"a": 1}, confidence=0.5, machine_text="합게", status="machine", source="model"),
               Region([(1, 1), (9, 1), (9, 9)], kind="polygon", text="")]
    rr = region_rows(regions)
    assert len(rr) == 2 and len(REGION_FIELDS) == len(rr.values[0])
    assert [(7, 3, *v, 1.5) for v in rr.values] == [region_values(r, 7, 3, 1.5) for r in regions]
    assert [sorted(g.split()) for g in rr.grams] == [sorted(grams(r.text).split()) for r in regions]
    assert pickle.loads(pickle.dumps(rr)).values == rr.values
