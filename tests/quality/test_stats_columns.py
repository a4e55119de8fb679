"""Statistics kept as arrays (issue 20) give every table the lists gave: the old accumulator, frozen
in ``stats_oracle.py``, fed the same regions, and ``hanji stats --json`` / ``--csv`` of a project
as before."""

from __future__ import annotations

import csv
import datetime as dt
import random

import numpy as np
import pytest

from hanji.jobs import quality as jq
from hanji.quality.stats import Statistics, histogram

from . import stats_oracle as oracle
from .test_checks_columns import items_of, planted_specs, random_specs, write_project

CHARSET = "합계부가세상호0123456789,. "


def fed(acc, store):
    """``acc`` fed the project as ``jobs.quality.statistics`` feeds it."""
    acc.add_counts(store.group_counts("documents", "status"), store.group_counts("documents", "doc_type"),
                   store.group_counts("regions", "status"), store.group_counts("regions", "kind"),
                   store.group_counts("regions", "label"), store.group_counts("keyvalues", "key"),
                   store.row_count("links"))
    for points, texts, tags in store.iter_region_columns(page=7):
        acc.add_regions(list(points), list(texts), list(tags))
    acc.add_confirmed_times(store.region_times("confirmed"))
    return acc.summary()


def same_tables(new, old):
    a, b = new.tables(), old.tables()
    assert list(a) == list(b)
    for name in b:
        assert a[name] == b[name], name
    assert list(new.chars.items()) == list(old.chars.items())  # the same characters in the same order
    assert list(new.missing_chars.items()) == list(old.missing_chars.items())


@pytest.mark.parametrize("specs", ["planted", "random"])
def test_a_project_gives_the_tables_it_gave(tmp_path, specs):
    from hanji.store import create_project

    store = create_project(tmp_path / "p.hanji")
    write_project(store, planted_specs() if specs == "planted" else random_specs(11, 120))
    charset = jq.recognizer_charset(store)
    new, old = fed(Statistics(charset), store), fed(oracle.Statistics(charset), store)
    same_tables(new, old)
    assert new.missing_chars
    assert jq.statistics(store).tables() == new.tables()
    assert isinstance(new.widths, np.ndarray) and new.widths.dtype == np.float64  # 8 bytes a value
    store.close()


def test_documents_one_at_a_time_give_the_same_tables():
    items = items_of(random_specs(12, 80)) + items_of(planted_specs())
    new, old = Statistics(CHARSET), oracle.Statistics(CHARSET)
    for acc in (new, old):
        for doc, regions, links, kvs in items:
            acc.update(doc, regions, links, kvs)
        acc.add_region([(0, 0), (3, 0), (3, 2)], "삼각 형", ["B-total", "I-total"])
    same_tables(new.summary(), old.summary())


def test_confirmed_days_are_the_days_datetime_gives():
    day = 86400.0
    times = [0.0, day - 1e-7, day - 4e-7, day - 5e-7, day - 6e-7, 2 * day, 1.7e9 + 0.4999995, 1.7e9 - 0.0000005,
             -0.5, -day + 1e-7, 1733529600.0 - 5e-7, 1733529600.0 - 4e-7]
    times += [random.Random(3).uniform(0, 2e9) for _ in range(2000)]
    new, old = Statistics(), oracle.Statistics()
    new.add_confirmed_times(times)
    old.add_confirmed_times(times)
    assert dict(new.stats.confirmed_per_day) == dict(old.stats.confirmed_per_day)
    assert new.stats.confirmed_per_day[dt.date(1970, 1, 2).isoformat()] >= 1


def test_histograms_bin_as_before():
    rng = random.Random(4)
    for values in ([], [5], [3, 3, 3], [1.5, 2.5], list(range(100)), [rng.uniform(0, 40) for _ in range(999)],
                   [rng.randint(0, 30) for _ in range(500)], [0.1 * i for i in range(21)]):
        assert histogram(np.asarray(values)) == oracle.histogram(values)
        assert histogram(values, 7) == oracle.histogram(values, 7)


def test_csv_export_writes_what_it_wrote(tmp_path):
    from hanji.store import create_project

    store = create_project(tmp_path / "p.hanji")
    write_project(store, random_specs(13, 40))
    s = jq.statistics(store)
    files = {p.stem: p for p in jq.export_csv(s, tmp_path / "csv")}
    old = fed(oracle.Statistics(jq.recognizer_charset(store)), store)
    for name, (header, rows) in old.tables().items():
        raw = files[name].read_bytes()
        assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw or not rows
        with open(files[name], encoding="utf-8-sig", newline="") as f:
            got = list(csv.reader(f))
        assert got == [header] + [[str(v) for v in r] for r in rows], name
    store.close()


def test_regions_of_odd_shapes_are_measured_as_before():
    acc, old = Statistics(), oracle.Statistics()
    points = ['[[0,0],[10,0],[10,5],[0,5]]', '[[1.5,2],[4,2.25],[3,9]]', '[[0, 0], [10, 0], [10, 10], [5, 15], [0, 10]]',
              '[[-0.0,1],[2,1],[2,3],[0.0,3]]']
    for a in (acc, old):
        a.add_regions(points, ["합계", "", "a b", "☃"], ['["B-total"]', "[]", '["O","B-x"]', "[]"])
        a.add_region([(0, 0), (1e-05, 0), (1e-05, 1), (0, 1)], "", [])
    same_tables(acc.summary(), old.summary())


def test_stats_json_does_not_make_the_table_of_a_row_a_region(tmp_path, monkeypatch, capsys):
    """The JSON output leaves the regions table out; it made it (2 million lists at 100k documents,
    most of a 692 MB peak) and threw it away."""
    import json

    from hanji.app import main
    from hanji.quality.stats import DatasetStats
    from hanji.store import create_project

    store = create_project(tmp_path / "p.hanji")
    write_project(store, random_specs(14, 20))
    store.close()

    def no(self, *args, **kwargs):
        raise AssertionError("the regions table made for the JSON output")

    monkeypatch.setattr(DatasetStats, "region_rows", no)
    assert main(["stats", str(tmp_path / "p.hanji"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "regions" not in out and out["region_width"] and out["documents_by_status"]
