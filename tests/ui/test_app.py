"""Starting the app, the action table (menus, rebinding, cheat sheet), the worker and the UI language."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence


def _run_app(args, home, timeout=120):
    """``python -m hanji ARGS`` in a subprocess that closes its window once it is ready."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HANJI_QUIT_AFTER_START="1", HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"), HANJI_LANG="en")
    out = subprocess.run([sys.executable, "-m", "hanji", *args], capture_output=True, text=True, env=env,
                         timeout=timeout)
    assert out.returncode == 0, out.stderr
    return out


def test_run_opens_the_given_project_then_the_last_one(ui_project, tmp_path):
    path = str(ui_project.path)
    ui_project.close()
    out = _run_app([path], tmp_path)
    assert "ready" in out.stdout
    # started again without arguments, it opens the last project (not the demo)
    out = _run_app([], tmp_path)
    assert "ready" in out.stdout
    assert not list((tmp_path / "data").rglob("demo.hanji"))


def test_run_without_a_project_creates_the_demo(tmp_path):
    out = _run_app([], tmp_path)
    assert "ready" in out.stdout
    demos = list((tmp_path / "data").rglob("demo.hanji"))
    assert len(demos) == 1
    from hanji.store.project import ProjectStore

    with ProjectStore.open(demos[0], readonly=True) as store:
        assert len(store.documents()) >= 1


def test_window_imports_without_torch():
    code = "import sys, hanji.ui.app, hanji.ui.mainwindow; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert out.stdout.strip() == "False", out.stderr


def test_menus_and_cheat_sheet_come_from_the_action_table(window):
    from hanji.ui.actions import ACTIONS
    from hanji.ui.dialogs.shortcuts import cheatsheet_html

    in_menus = {a.objectName() for m in window.menuBar().actions() for a in m.menu().actions() if a.objectName()}
    assert {a.id for a in ACTIONS} <= in_menus
    html = cheatsheet_html()
    for a in ACTIONS:
        assert a.title.replace("→", "&rarr;").split(" ")[0] in html or a.title.split(" ")[0] in html
    assert "F1" in html and "Ctrl+Shift+Z" in html


def test_rebinding_a_shortcut_takes_effect_and_is_saved(window, canvas):
    from hanji.ui import settings
    from hanji.ui.actions import rebind

    rebind(window.actions_, "tool.rect", "B")
    assert window.actions_["tool.rect"].shortcut() == QKeySequence("B")
    assert settings.shortcut_overrides()["tool.rect"] == "B"
    canvas.key(Qt.Key.Key_B)
    assert window.canvas.tool.name == "rect"
    canvas.key(Qt.Key.Key_V)
    canvas.key(Qt.Key.Key_R)
    assert window.canvas.tool.name == "select"  # R no longer draws rectangles
    rebind(window.actions_, "tool.rect", None)
    assert window.actions_["tool.rect"].shortcut() == QKeySequence("R")


def test_shortcut_editor_applies_changes(window):
    from hanji.ui.dialogs.shortcuts import ShortcutEditor

    dlg = ShortcutEditor(window.actions_, window)
    dlg.edits["view.fit"].setKeySequence(QKeySequence("Shift+F"))
    dlg.apply()
    assert window.actions_["view.fit"].shortcut() == QKeySequence("Shift+F")
    dlg.restore_defaults()
    assert window.actions_["view.fit"].shortcut() == QKeySequence("F")


def test_schema_dialog_edits_entity_types_as_one_step(window):
    from hanji.ui.dialogs.schema import SchemaDialog

    before = window.store.entity_types()
    dlg = SchemaDialog(window.store, window)
    dlg.table.item(0, 1).setText("가게 이름")
    dlg.table.removeRow(1)
    dlg.apply()
    after = window.store.entity_types()
    assert after[0].title == "가게 이름" and len(after) == len(before) - 1
    assert "가게 이름" in window.tags.legend.text()
    window.store.undo()
    assert [e.name for e in window.store.entity_types()] == [e.name for e in before]


def test_window_layout_and_zoom_are_remembered(qtbot, window, ui_project):
    from hanji.store.project import ProjectStore
    from hanji.ui import settings
    from hanji.ui.mainwindow import MainWindow

    window.docks["regions"].hide()
    window.canvas.set_zoom(1.5)
    path = window.store.path
    window.close()
    assert settings.zoom() == pytest.approx(1.5)
    w2 = MainWindow(ProjectStore.open(path))
    qtbot.addWidget(w2)
    w2.show()
    assert not w2.docks["regions"].isVisible()
    assert w2.canvas.scale_factor() == pytest.approx(1.5, rel=0.01)
    w2.close()


def test_worker_reports_progress_and_can_be_cancelled(qtbot):
    from hanji.jobs.base import Cancelled
    from hanji.ui.worker import Worker

    def job(n, progress, cancel):
        for i in range(n):
            cancel.check()
            progress(i, n, f"step {i}")
            time.sleep(0.005)
        return n * 2

    w = Worker(job, 5)
    seen = []
    w.progress.connect(lambda d, t, m: seen.append((d, t)))
    with qtbot.waitSignal(w.finished, timeout=5000) as blocker:
        w.start()
    assert blocker.args == [10] and seen[0] == (0, 5)
    w.wait()

    def forever(progress, cancel):
        while True:
            cancel.check()
            time.sleep(0.005)

    w2 = Worker(forever)
    with qtbot.waitSignal(w2.cancelled, timeout=5000):
        w2.start()
        w2.cancel()
    w2.wait()
    assert Cancelled


def test_korean_ui_text():
    from hanji.ui import i18n

    i18n.set_language("ko")
    try:
        assert i18n.tr("Undo") == "실행 취소"
        assert i18n.tr("Documents") == "문서"
        assert i18n.tr("untranslated text") == "untranslated text"
    finally:
        i18n.set_language("en")
    assert i18n.tr("Undo") == "Undo"
