"""The project's trained models: add, list, the active one per task, activate, checksums."""

from __future__ import annotations

import hashlib

import pytest

from hanji.errors import HanjiError
from hanji.store import ProjectStore


def test_add_list_activate(project):
    changes = []
    project.subscribe(lambda ch: changes.append(ch.table))
    assert project.models.list() == []
    assert project.models.active("recognizer") is None
    a = project.models.add("recognizer", "rec-1", b"AAAA", {"before": 0.3, "after": 0.2}, active=True)
    assert a.active and a.sha256 == hashlib.sha256(b"AAAA").hexdigest() and a.size == 4
    assert a.metrics == {"before": 0.3, "after": 0.2}
    b = project.models.add("recognizer", "rec-2", b"BBBBBB", {"before": 0.2, "after": 0.25})
    t = project.models.add("tagger", "tag-1", b"TT", {"f1": 0.5}, active=True)
    assert not b.active
    assert [m.name for m in project.models.list()] == ["rec-1", "rec-2", "tag-1"]
    assert [m.name for m in project.models.list("recognizer")] == ["rec-1", "rec-2"]
    assert project.models.active("recognizer").id == a.id
    project.models.activate(b.id)
    assert project.models.active("recognizer").id == b.id
    assert [m.active for m in project.models.list("recognizer")] == [False, True]
    assert project.models.active("tagger").id == t.id  # other tasks untouched
    assert project.models.weights(b.id) == b"BBBBBB"
    project.models.deactivate("recognizer")
    assert project.models.active("recognizer") is None
    assert "models" in changes


def test_survives_reopen_and_checks_sha(project_name):
    path = project_name
    with ProjectStore.create(path) as s:
        m = s.models.add("tagger", "t", b"weights", {"f1": 0.9}, active=True)
    with ProjectStore.open(path, readonly=True) as s:
        assert s.models.active("tagger").sha256 == m.sha256
        assert s.models.weights(m.id) == b"weights"
    with ProjectStore.open(path) as s:
        s.conn.execute("UPDATE models SET weights=? WHERE id=?", (b"tampered", m.id))
        with pytest.raises(HanjiError, match="checksum"):
            s.models.weights(m.id)


def test_bad_requests(project):
    with pytest.raises(HanjiError, match="unknown model task"):
        project.models.add("painter", "x", b"1")
    with pytest.raises(HanjiError, match="without weights"):
        project.models.add("recognizer", "x", b"")
    with pytest.raises(HanjiError, match="no trained model 42"):
        project.models.activate(42)
    assert project.models.list() == []
