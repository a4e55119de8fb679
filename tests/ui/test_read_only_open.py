"""A healthy project that cannot be written where it is opens read-only in the window, saying why (issue 18, item 12)."""

from __future__ import annotations

from hanji.store import ProjectStore
from helpers import png_bytes


def test_window_opens_a_read_only_project_read_only(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    import hanji.store.project as project

    p = tmp_path / "ro.hanji"
    with ProjectStore.create(p) as s:
        s.add_image_bytes("a.png", png_bytes())
    told, warned = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    monkeypatch.setattr(project, "_read_only_reason", lambda path: "its folder is read-only")
    assert window.open_project(p)
    assert window.store.readonly and window.store.path == p
    assert len(told) == 1 and "read-only" in told[0] and not warned
    assert len(window.store.documents()) == 1
