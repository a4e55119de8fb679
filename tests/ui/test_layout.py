"""The window's layout (issue 17, item 8) and where it reopens (item 9): the dashboard in its own
window, docks that leave the canvas the main area, a window that fits 1280 × 720, View → Reset
layout, a saved layout that does not fit the screen, the last document reopened with its own view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

HERE = Path(__file__).parent

PROBE = r"""
import json, sys, tempfile
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/.."]  # tests/ui (its conftest) and tests (helpers)
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
QCoreApplication.setOrganizationName("Probe"); QCoreApplication.setApplicationName("Probe")
app = QApplication([])
from conftest import make_project
from hanji.ui.mainwindow import MainWindow
w = MainWindow(make_project(tempfile.mkdtemp() + "/p.hanji"))
w.show()
for _ in range(30): app.processEvents()
w.actions_["view.dashboard"].trigger()
for _ in range(60): app.processEvents()
scr = app.primaryScreen().availableGeometry()
tabbars = [t for t in w.findChildren(__import__("PySide6.QtWidgets").QtWidgets.QTabBar) if t.isVisible()]
sb = w.statusBar()
out = dict(screen=[scr.width(), scr.height()], frame=w.frameGeometry().getRect(), width=w.width(),
           canvas=w.canvas.width(), status=sb.isVisible() and sb.mapTo(w, sb.rect().bottomLeft()).y() < w.height(),
           tabbars=[t.mapTo(w, t.rect().bottomLeft()).y() < w.height() for t in tabbars],
           dashboard_is_window=w.dashboard_window is not None and w.dashboard_window.isWindow()
           and w.dashboard_window.isVisible(), dashboard_in_docks="dashboard" in w.docks,
           dashboard_frame=w.dashboard_window.frameGeometry().getRect() if w.dashboard_window else None)
print("PROBE " + json.dumps(out), flush=True)
w.close()
"""


def _probe(tmp_path, width, height):
    cfg = tmp_path / "screen.json"
    cfg.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                                            "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={cfg}", HANJI_LANG="en")
    out = subprocess.run([sys.executable, str(script), str(HERE)], capture_output=True, text=True, env=env,
                         timeout=180)
    line = next((x for x in out.stdout.splitlines() if x.startswith("PROBE ")), None)
    assert line, out.stderr[-3000:]
    return json.loads(line[6:])


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_dashboard_opens_in_its_own_window_and_the_studio_fits_the_screen(tmp_path, size):
    r = _probe(tmp_path, *size)
    assert r["screen"] == list(size)
    x, y, w, h = r["frame"]
    assert x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1], r  # no growth past the screen
    assert r["dashboard_is_window"] and not r["dashboard_in_docks"], r
    dx, dy, dw, dh = r["dashboard_frame"]
    assert dw <= size[0] and dh <= size[1]
    assert r["canvas"] >= 0.42 * r["width"], r  # the canvas stays the main area
    assert r["status"] and r["tabbars"] and all(r["tabbars"]), r  # tabs and status bar in view


def test_a_saved_layout_wider_than_the_screen_is_not_restored(qtbot, ui_project):
    from hanji.ui.mainwindow import MainWindow

    w1 = MainWindow(ui_project)
    qtbot.addWidget(w1)
    w1.show()
    w1.setGeometry(0, 0, 2600, 1500)  # a layout saved on a bigger screen, its right docks very wide
    w1.resizeDocks([w1.docks["transcription"]], [2000], Qt.Orientation.Horizontal)
    qtbot.wait(50)
    w1.close()
    from hanji.store.project import ProjectStore

    w2 = MainWindow(ProjectStore.open(ui_project.path))
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    qtbot.wait(50)
    avail = w2.screen().availableGeometry()
    assert w2.frameGeometry().width() <= avail.width() + 2 and w2.frameGeometry().height() <= avail.height() + 2
    assert w2.canvas.width() >= 0.42 * w2.width()
    w2.close()


def test_reset_layout_brings_every_dock_back(window, qtbot):
    window.docks["regions"].hide()
    window.docks["documents"].setFloating(True)
    window.resizeDocks([window.docks["transcription"]], [window.width() - 200], Qt.Orientation.Horizontal)
    window.actions_["view.reset_layout"].trigger()
    qtbot.wait(50)
    assert all(d.isVisible() and not d.isFloating() for d in window.docks.values())
    assert window.canvas.width() >= 0.42 * window.width()
    assert "view.reset_layout" in {a.objectName() for a in window.menuBar().actions()[2].menu().actions()}


def test_reopening_goes_to_the_last_document_with_its_view(qtbot, ui_project):
    from hanji.store.project import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    first, second = [d.id for d in ui_project.documents()]
    w1 = MainWindow(ui_project)
    qtbot.addWidget(w1)
    w1.resize(1200, 800)
    w1.show()
    qtbot.waitExposed(w1)
    assert w1.session.doc_id == first  # a fresh project: the first unfinished document
    w1.session.set_document(second)
    w1.canvas.set_zoom(1.27)
    w1.close()

    w2 = MainWindow(ProjectStore.open(ui_project.path))
    qtbot.addWidget(w2)
    w2.resize(1200, 800)
    w2.show()
    qtbot.waitExposed(w2)
    assert w2.session.doc_id == second  # the last one open, not the first unfinished
    assert w2.canvas.scale_factor() == pytest.approx(1.27, rel=0.02)
    w2.session.set_document(first)  # the zoom is the second's, not carried to the first
    assert w2.canvas.fitted
    w2.close()


def test_each_document_keeps_its_own_view_and_a_new_one_is_fitted(window, qtbot):
    first, second = [d.id for d in window.store.documents()]
    window.session.set_document(first)
    window.canvas.set_zoom(2.0)
    window.canvas.settle_zoom()
    window.canvas.horizontalScrollBar().setValue(window.canvas.horizontalScrollBar().maximum())
    _, x, y = window.views.current()  # the scene point at the view's centre
    window.session.set_document(second)
    assert window.canvas.fitted  # opened for the first time: fitted
    window.session.set_document(first)
    assert window.canvas.scale_factor() == pytest.approx(2.0, rel=0.01)
    _, x2, y2 = window.views.current()
    assert abs(x2 - x) <= 2 and abs(y2 - y) <= 2  # scrolled where it was left


def test_recent_projects_in_the_file_menu(qtbot, ui_project, tmp_path):
    from hanji.domain.schemas import schema_entity_types
    from hanji.store.project import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    first = ui_project.path
    w = MainWindow(ui_project)
    qtbot.addWidget(w)
    other = tmp_path / "other.hanji"
    ProjectStore.create(other, schema_entity_types("none")).close()
    assert w.open_project(other)
    w.recent_menu.aboutToShow.emit()
    entries = [a for a in w.recent_menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(first)]  # the current one is not listed
    entries[0].trigger()
    assert w.store.path == first
    w.close()


def test_the_dashboard_summary_does_not_widen_its_window(qtbot, ui_project):
    from hanji.ui.panes.dashboard import DashboardPane

    pane = DashboardPane(ui_project)
    qtbot.addWidget(pane)
    pane.info.setText("a long summary " * 40)
    assert pane.minimumSizeHint().width() < 700
