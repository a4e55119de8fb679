"""File → Open server project…: the window opens a team's project on a PostgreSQL server by its URL
(and says so in one message for a name that is not a URL). Skips without PostgreSQL."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox


def test_open_server_project(qtbot, window, pg_url, monkeypatch):
    from tests.ui.conftest import make_project

    make_project(pg_url).close()
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(k.get("text")), (pg_url, True))[1])
    window.actions_["project.open_server"].trigger()
    assert window.store.backend == "postgresql" and str(window.store.path) == pg_url
    assert window.store.documents() and pg_url.split("/")[3].split("?")[0] in window.windowTitle()
    assert asked == ["postgresql://"]
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("/tmp/x.hanji", True))
    window.actions_["project.open_server"].trigger()
    assert warned and "postgresql://" in warned[0] and window.store.backend == "postgresql"
