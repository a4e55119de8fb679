"""Every bad file gets one clear error naming it, and the project is left exactly as it was."""

import hashlib
import sqlite3

import pytest

from hanji.domain import Region
from hanji.errors import HanjiError
from hanji.store import ProjectStore
from hanji.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from helpers import png_bytes


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path):
    """The schema and every row of every table (a contentless FTS5 index cannot be read as a table,
    so iterdump fails on it: its shadow tables, which hold its content, are read instead)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # sqlite_stat1 holds query-planner statistics (PRAGMA optimize), not project content
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                              "ORDER BY type, name").fetchall()
        out = [repr(r) for r in schema]
        for kind, name, sql in schema:
            if kind == "table" and not (sql or "").upper().startswith("CREATE VIRTUAL"):
                out += [f"{name} {r!r}" for r in conn.execute(f'SELECT * FROM "{name}" ORDER BY 1')]
        return "\n".join(out)
    finally:
        conn.close()


def dump_any(name):
    """:func:`dump` for a file; for a PostgreSQL project every row of every table the store has."""
    if not isinstance(name, str):
        return dump(name)
    from hanji.store import open_project
    from hanji.store.copying import tables

    with open_project(name, readonly=True) as s:
        return {t: sorted(map(repr, s.conn.execute(f"SELECT * FROM {t}").fetchall())) for t in tables(s)}


def _save(name):
    """A closed project at ``name`` (a path or a URL): one image with 50 regions; ``name`` back."""
    s = ProjectStore.create(name)
    doc, _ = s.add_image_bytes("a.png", png_bytes(text="가"))
    for i in range(50):
        s.add_region(doc.id, Region([(i, 0), (i + 5, 0), (i + 5, 5), (i, 5)], text=f"영수증 {i}"))
    s.close()
    return name


@pytest.fixture
def saved_any(project_name):
    """The project of :func:`saved` on either backend (its name: a path or a URL)."""
    return _save(project_name)


@pytest.fixture
def saved(tmp_path):
    return _save(tmp_path / "good.hanji")


def test_not_sqlite(tmp_path):
    p = tmp_path / "notes.hanji"
    p.write_text("hello, not a database")
    before = digest(p)
    with pytest.raises(HanjiError, match=r"notes\.hanji.*not an SQLite database"):
        ProjectStore.open(p)
    assert digest(p) == before


def test_empty_file(tmp_path):
    p = tmp_path / "empty.hanji"
    p.write_bytes(b"")
    with pytest.raises(HanjiError, match=r"empty\.hanji.*empty"):
        ProjectStore.open(p)
    assert p.read_bytes() == b""


def test_other_programs_database(tmp_path):
    p = tmp_path / "other.hanji"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE t(x)")
    c.commit()
    c.close()
    before = digest(p)
    with pytest.raises(HanjiError, match=r"other\.hanji.*another program"):
        ProjectStore.open(p)
    assert digest(p) == before


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated(saved, tmp_path, keep):
    p = tmp_path / "cut.hanji"
    data = saved.read_bytes()
    p.write_bytes(data[: int(len(data) * keep)])
    before = digest(p)
    with pytest.raises(HanjiError, match=r"cut\.hanji.*(damaged|truncated)"):
        s = ProjectStore.open(p)
        s.regions(1)  # a damaged page may only show when read
    assert digest(p) == before


def test_corrupted_pages(saved, tmp_path):
    p = tmp_path / "bad.hanji"
    data = bytearray(saved.read_bytes())
    page = 4096
    for off in range(2 * page, len(data), page):  # scribble over every page after the first two
        data[off + 8: off + 64] = b"\xff" * 56
    p.write_bytes(bytes(data))
    before = digest(p)
    with pytest.raises(HanjiError, match=r"bad\.hanji.*damaged"):
        ProjectStore.open(p)
    assert digest(p) == before


def test_newer_version(saved):
    c = sqlite3.connect(saved)
    c.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    c.commit()
    c.close()
    before = dump(saved)
    with pytest.raises(HanjiError, match=r"good\.hanji.*newer Hanji"):
        ProjectStore.open(saved)
    assert dump(saved) == before


def test_folder_and_missing(tmp_path):
    with pytest.raises(HanjiError, match="no such project"):
        ProjectStore.open(tmp_path / "nope.hanji")
    with pytest.raises(HanjiError, match="folder"):
        ProjectStore.open(tmp_path)


@pytest.mark.parametrize("content,name", [(b"", "empty.png"), (b"GIF89a garbage", "fake.gif"),
                                          (b"%PDF-1.4 not an image", "doc.png"),
                                          (png_bytes()[:60], "truncated.png")])
def test_bad_image_leaves_project_unchanged(saved_any, tmp_path, content, name):
    saved = saved_any
    f = tmp_path / name
    f.write_bytes(content)
    before = dump_any(saved)
    s = ProjectStore.open(saved)
    with pytest.raises(HanjiError, match=name.replace(".", r"\.")):
        s.add_image(f)
    s.close()
    assert dump_any(saved) == before


def test_unreadable_image(saved_any, tmp_path):
    saved = saved_any
    before = dump_any(saved)
    s = ProjectStore.open(saved)
    with pytest.raises(HanjiError, match="missing.png"):
        s.add_image(tmp_path / "missing.png")
    s.close()
    assert dump_any(saved) == before


def test_failed_edit_leaves_nothing_half_written(saved_any):
    saved = saved_any
    before = dump_any(saved)
    s = ProjectStore.open(saved)
    rid = s.regions(1)[0].id
    with pytest.raises(ValueError):
        # the first change is valid, the second is not: neither may stay
        s.update_regions({rid: {"text": "바뀜"}, rid + 1: {"kind": "triangle"}})
    s.close()
    assert dump_any(saved) == before


def test_migration_from_older_schema_keeps_data_and_backs_up(saved, tmp_path):
    # an old (version 1) project: made by the first migration alone, with the rows of ``saved`` copied in
    old = tmp_path / "old.hanji"
    c = sqlite3.connect(old, isolation_level=None)
    c.execute(f"PRAGMA application_id={APPLICATION_ID}")
    c.execute("BEGIN")
    MIGRATIONS[0](c)
    c.execute("PRAGMA user_version=1")
    c.execute("COMMIT")
    c.execute("ATTACH DATABASE ? AS src", (str(saved),))
    for table in ("meta", "images", "documents", "regions"):
        cols = ",".join(r[1] for r in c.execute(f"PRAGMA main.table_info({table})"))
        c.execute(f"INSERT INTO main.{table}({cols}) SELECT {cols} FROM src.{table}")
    c.execute("DETACH DATABASE src")
    c.close()
    s = ProjectStore.open(old)
    assert s.counts()["schema_version"] == SCHEMA_VERSION
    assert s.counts()["regions"] == 50 and s.counts()["documents"] == 1  # counted once by the upgrade
    assert len(s.regions(1)) == 50
    assert s.search("영수증 4")  # the search index was built from existing rows
    s.close()
    backup = tmp_path / "old.hanji.v1.bak"
    assert backup.exists()
    b = sqlite3.connect(backup)
    assert b.execute("PRAGMA user_version").fetchone()[0] == 1
    b.close()
