"""Who did what and review on a SQLite project (issue 21): every edit keeps its author and
document; the review moves; an older project upgrades (backup first, one transaction)."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from hanji.domain.model import Region
from hanji.errors import HanjiError
from hanji.quality.people import per_person
from hanji.store import ProjectStore, schema
from hanji.store.people import default_user, set_default_user
from helpers import png_bytes


def _quad(x=0):
    return Region(points=[(x, 0), (x + 20, 0), (x + 20, 10), (x, 10)], text="글")


def test_every_edit_records_its_author_and_document(project):
    d, _ = project.add_image_bytes("a.png", png_bytes())
    project.user = "김하나"
    r = project.add_region(d.id, _quad())
    project.user = "lee"
    project.update_region(r.id, text="글자")
    project.update_document(d.id, doc_type="receipt")
    got = [(e["author"], e["doc_id"], e["label"]) for e in project.history_entries()]
    assert got == [("lee", d.id, "document"), ("lee", d.id, "edit region"), ("김하나", d.id, "add region")]
    assert project.last_author(d.id) == "lee"
    assert [a for a, *_ in project.edit_log()] == ["lee", "lee", "김하나"]
    project.undo()  # an undone edit is no one's work
    assert [a for a, *_ in project.edit_log()] == ["lee", "김하나"]
    with pytest.raises(HanjiError):
        project.user = "  "


def test_the_default_user(monkeypatch):
    monkeypatch.setenv("HANJI_USER", "env-user")
    set_default_user(None)
    assert default_user() == "env-user"
    set_default_user("cli-user")
    try:
        assert default_user() == "cli-user"
    finally:
        set_default_user(None)
    monkeypatch.delenv("HANJI_USER")
    assert default_user() != "env-user"


def test_review_moves(project):
    d, _ = project.add_image_bytes("a.png", png_bytes())
    r = project.add_region(d.id, _quad())
    assert project.review_state(d.id) == "to_label"
    with pytest.raises(HanjiError, match="to label; only a document labelled or in review can be accepted"):
        project.accept(d.id)
    project.user = "ann"
    assert project.submit(d.id) == "labelled" and project.document(d.id).status == "done"
    project.user = "rev"
    assert project.review_queue()[0]["labeler"] == "ann"
    project.start_review(d.id)
    assert project.review_queue(reviewer="other") == []
    assert [q["id"] for q in project.review_queue(reviewer="rev")] == [d.id]
    with pytest.raises(HanjiError, match="say why"):
        project.reject(d.id, " ")
    with pytest.raises(HanjiError, match="no region 999"):
        project.reject(d.id, "x", region_id=999)
    project.reject(d.id, "받침이 틀림", region_id=r.id)
    assert project.review_state(d.id) == "rejected" and project.document(d.id).status == "in_progress"
    back = project.returned(labeler="ann")
    assert [(c["region_id"], c["comment"], c["author"]) for c in back[0]["comments"]] == [(r.id, "받침이 틀림", "rev")]
    assert project.review_queue() == []
    project.user = "ann"
    project.update_region(r.id, text="글자")
    assert project.submit(d.id) == "labelled"
    assert project.review_comments(d.id) == []  # a new round: the old comments stay in all_rounds
    assert len(project.review_comments(d.id, all_rounds=True)) == 1
    project.user = "rev"
    project.accept(d.id)
    assert project.review_state(d.id) == "accepted" and project.review_queue() == []
    project.update_document(d.id, doc_type="receipt")  # changed after acceptance: to be looked at anew
    assert project.review_state(d.id) == "labelled"
    rows = per_person(project.edit_log(), project.review_log())
    ann = next(p for p in rows if p["user"] == "ann")
    assert (ann["submitted"], ann["reviewed"], ann["rejected"], ann["rejection_rate"]) == (2, 2, 1, 0.5)
    assert next(p for p in rows if p["user"] == "rev")["review_decisions"] == 2


def test_per_person_time_counts_active_gaps_only():
    t = 1_000_000.0
    edits = [("a", 1, t, "edit"), ("a", 1, t + 30, "edit"), ("a", 2, t + 90, "edit"),
             ("a", 3, t + 5000, "edit"),  # after a break: the gap is not counted
             ("a", 3, t + 5010, "review: submit"),  # not labeling work
             ("b", 1, t + 10, "edit")]
    rows = {p["user"]: p for p in per_person(edits, [(1, "reject", "r", "a", t), (2, "accept", "r", "a", t)])}
    a = rows["a"]
    assert (a["edits"], a["documents"], a["active_hours"]) == (4, 3, round(90 / 3600, 3))
    assert a["seconds_per_document"] == 30.0 and a["documents_per_hour"] == round(3 / (90 / 3600), 2)
    assert a["rejection_rate"] == 0.5 and rows["b"]["documents_per_hour"] is None
    assert rows["r"]["review_decisions"] == 2


def _version5(path):
    """A project file as schema version 5 wrote it, with one edit in its history."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA application_id={schema.APPLICATION_ID}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN")
    for m in schema.MIGRATIONS[:5]:
        m(conn)
    conn.execute("PRAGMA user_version=5")
    conn.execute("INSERT INTO meta(key, value) VALUES ('created', ?)", (str(time.time()),))
    data = png_bytes()
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    conn.execute("INSERT INTO images VALUES (?,?,?,?)", (sha, data, len(data), "image/png"))
    conn.execute("INSERT INTO documents(id, name, sha256, width, height, added, updated) VALUES (7,'a.png',?,64,32,0,0)",
                 (sha,))
    row = {"id": 3, "doc_id": 7, "kind": "quad", "points": "[[0,0],[1,0],[1,1],[0,1]]", "text": "가", "status": "edited",
           "source": "human", "confidence": None, "ord": None, "label": "", "tags": "[]", "machine_text": None,
           "attrs": "{}", "updated": 0.0}
    conn.execute("INSERT INTO regions VALUES (:id,:doc_id,:kind,:points,:text,:status,:source,:confidence,:ord,"
                 ":label,:tags,:machine_text,:attrs,:updated)", row)
    conn.execute("INSERT INTO history(step, label, deltas, at) VALUES (1, 'add region', ?, 5.0)",
                 (json.dumps([["regions", 3, None, row]]),))
    conn.execute("COMMIT")
    conn.close()


def test_a_version_5_project_upgrades(tmp_path):
    path = tmp_path / "old.hanji"
    _version5(path)
    with ProjectStore.open(path) as store:
        assert store.counts()["schema_version"] == schema.SCHEMA_VERSION
        assert [(e["author"], e["doc_id"]) for e in store.history_entries()] == [("", 7)]
        assert store.review_state(7) == "to_label"
        store.user = "ann"
        assert store.submit(7) == "labelled"
        store.undo()
        assert store.document(7).status == "new"
    assert (tmp_path / "old.hanji.v5.bak").exists()


def test_a_failed_upgrade_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.hanji"
    _version5(path)

    def broken(conn):
        schema.m006_team(conn)
        raise RuntimeError("power cut")

    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:5] + [broken])
    from hanji.store import files

    monkeypatch.setattr(files, "MIGRATIONS", schema.MIGRATIONS)
    with pytest.raises(HanjiError, match="upgrading the project failed"):
        ProjectStore.open(path)
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    assert "author" not in [r[1] for r in conn.execute("PRAGMA table_info(history)")]
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'reviews'").fetchone() is None
    conn.close()


def test_a_submission_that_fails_midway_changes_nothing(project, monkeypatch):
    d, _ = project.add_image_bytes("a.png", png_bytes())
    project.assign([d.id], ["ann", "bob"])
    project.user = "ann"
    project.add_region(d.id, _quad())

    def power_cut(*a, **k):
        raise OSError("power cut")

    monkeypatch.setattr(project, "_set_status", power_cut)  # after the version is kept and the document reset
    with pytest.raises(OSError):
        project.submit(d.id)
    assert project.label_versions(d.id) == {}  # ann's version was not kept ...
    assert [r.text for r in project.regions(d.id)] == ["글"]  # ... and her regions are still there
    assert project.document(d.id).status == "new"
