"""A large project opens in constant time: no whole-file check on every open, only after an unclean
shutdown (its write-ahead log is still there) or when asked (``hanji check --integrity``)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from hanji.domain import Region
from hanji.errors import HanjiError
from hanji.store import ProjectStore, files
from helpers import png_bytes


@pytest.fixture
def saved(tmp_path):
    p = tmp_path / "good.hanji"
    s = ProjectStore.create(p)
    doc, _ = s.add_image_bytes("a.png", png_bytes(text="가"))
    s.add_regions(doc.id, [Region([(i, 0), (i + 5, 0), (i + 5, 5), (i, 5)], text=f"영수증 {i}") for i in range(400)])
    s.close()
    return p


def scribble(src, dst):
    data = bytearray(src.read_bytes())
    page = 4096
    last = len(data) - page  # a page of the regions' table, which opening does not read
    data[last + 8: last + 64] = b"\xff" * 56
    dst.write_bytes(bytes(data))


def checks(monkeypatch) -> list[str]:
    """The integrity pragmas the opening runs."""
    seen: list[str] = []
    real = sqlite3.connect

    def connect(*a, **k):
        conn = real(*a, **k)
        conn.set_trace_callback(lambda sql: seen.append(sql) if "_check" in sql else None)
        return conn

    monkeypatch.setattr(files.sqlite3, "connect", connect)
    return seen


def test_a_large_project_closed_cleanly_is_not_read_whole(saved, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CHECK_EVERY_OPEN_BYTES", 0)  # every file counts as large
    seen = checks(monkeypatch)
    ProjectStore.open(saved).close()
    ProjectStore.open(saved, readonly=True).close()
    assert seen == []
    bad = tmp_path / "bad.hanji"
    scribble(saved, bad)
    ProjectStore.open(bad, readonly=True).close()  # damage deep inside is not looked for...
    with pytest.raises(HanjiError, match=r"bad\.hanji.*damaged"):
        ProjectStore.open(bad, readonly=True, integrity=True)  # ...unless asked (hanji check --integrity)
    assert any("integrity_check" in s for s in seen)


def test_small_projects_are_still_checked_at_every_open(saved, tmp_path):
    bad = tmp_path / "bad.hanji"
    scribble(saved, bad)
    with pytest.raises(HanjiError, match=r"bad\.hanji.*damaged"):
        ProjectStore.open(bad, readonly=True)


def test_after_an_unclean_shutdown_the_file_is_checked(saved, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CHECK_EVERY_OPEN_BYTES", 0)
    bad = tmp_path / "bad.hanji"
    scribble(saved, bad)
    assert not files.unclean_shutdown(bad)
    (tmp_path / "bad.hanji-wal").write_bytes(b"\0" * 32)  # the log a killed writer leaves behind
    assert files.unclean_shutdown(bad)
    with pytest.raises(HanjiError, match=r"bad\.hanji.*damaged"):
        ProjectStore.open(bad, readonly=True)


def test_truncation_is_seen_from_the_header_alone(saved, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CHECK_EVERY_OPEN_BYTES", 0)
    cut = tmp_path / "cut.hanji"
    data = saved.read_bytes()
    cut.write_bytes(data[: len(data) - 4096])
    with pytest.raises(HanjiError, match=r"cut\.hanji.*truncated"):
        ProjectStore.open(cut)


def test_a_killed_writer_leaves_a_log_and_a_clean_close_does_not(saved, tmp_path):
    s = ProjectStore.open(saved)
    s.set_meta("x", "1")
    assert files.unclean_shutdown(saved)  # open for writing: the log is there
    s.close()
    assert not files.unclean_shutdown(saved)
    shutil.copy(saved, tmp_path / "copy.hanji")
    assert not files.unclean_shutdown(tmp_path / "copy.hanji")


def test_hanji_check_integrity(saved, tmp_path, monkeypatch, capsys):
    from hanji.cli import main

    monkeypatch.setattr(files, "CHECK_EVERY_OPEN_BYTES", 0)
    bad = tmp_path / "bad.hanji"
    scribble(saved, bad)
    assert main(["check", str(saved), "--integrity"]) in (0, 1)  # healthy: the dataset checks ran
    assert "damaged" not in capsys.readouterr().err
    assert main(["check", str(bad), "--integrity"]) == 1
    assert "bad.hanji" in (err := capsys.readouterr().err) and "damaged" in err
