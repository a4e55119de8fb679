"""Fixtures for driving the real window: a project made in code, settings in a temp folder."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("HANJI_LANG", "en")
# a drawn box is read at once in the app; tests of other things draw boxes without models behind
# them, so it is off here and tests/ui/test_autoread.py turns it on
os.environ.setdefault("HANJI_AUTOREAD", "0")

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QSettings, Qt
from PySide6.QtTest import QTest

from helpers import render_lines, shown_window

LINES = [
    # (text, tags, top-left x, y)
    ("한지문구 홍대점", ["B-store_name", "I-store_name"], 40, 40),
    ("2024-05-01 12:30", ["O", "O"], 40, 120),
    ("합계 12,000원", ["O", "O"], 40, 200),
]


render = render_lines  # tests import it from here (tests.ui.conftest.render)


def make_project(path):
    """Two receipts: the first with three regions (one tagged), the second empty."""
    from hanji.domain.model import Region
    from hanji.domain.schemas import schema_entity_types
    from hanji.store.project import ProjectStore

    store = ProjectStore.create(path, schema_entity_types("receipt"))
    doc, _ = store.add_image_bytes("영수증_1.png", render(LINES))
    regions = []
    for k, (text, tags, x, y) in enumerate(LINES):
        w = 32 * len(text) * 0.62
        regions.append(Region(points=[(x - 4, y - 4), (x + w, y - 4), (x + w, y + 44), (x - 4, y + 44)], kind="quad",
                              text=text, tags=tags if k == 0 else [], status="machine", confidence=0.9, order=k))
    store.add_regions(doc.id, regions, record=False)
    store.add_image_bytes("영수증_2.png", render([("두번째 문서", [], 40, 40)]))
    return store


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory):
    d = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(d))
    QCoreApplication.setOrganizationName("HanjiTest")
    QCoreApplication.setApplicationName("HanjiTest")
    QSettings().clear()
    from hanji.ui import i18n

    i18n.set_language("en")
    yield
    QSettings().clear()


@pytest.fixture
def ui_project(tmp_path):
    store = make_project(tmp_path / "ui.hanji")
    yield store
    from hanji.ui.worker import wait_all

    wait_all()  # a pane's job may still be reading it
    if store.conn is not None:
        store.close()


@pytest.fixture
def window(qtbot, ui_project):
    w = shown_window(qtbot, ui_project, fit=True)
    yield w
    if w.isVisible():
        w.close()


class Canvas:
    """Mouse and keys on the canvas, in image coordinates, as a person would use them."""

    def __init__(self, window):
        self.w = window
        self.view = window.canvas
        self.vp = window.canvas.viewport()

    def pos(self, x: float, y: float) -> QPoint:
        return self.view.mapFromScene(QPointF(x, y))

    def click(self, x, y, mods=Qt.KeyboardModifier.NoModifier, button=Qt.MouseButton.LeftButton):
        QTest.mouseClick(self.vp, button, mods, self.pos(x, y))

    def dclick(self, x, y):
        QTest.mouseDClick(self.vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, self.pos(x, y))

    def drag(self, x0, y0, x1, y1, steps=5, mods=Qt.KeyboardModifier.NoModifier):
        QTest.mousePress(self.vp, Qt.MouseButton.LeftButton, mods, self.pos(x0, y0))
        for i in range(1, steps + 1):
            t = i / steps
            QTest.mouseMove(self.vp, self.pos(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
        QTest.mouseRelease(self.vp, Qt.MouseButton.LeftButton, mods, self.pos(x1, y1))

    def key(self, key, mods=Qt.KeyboardModifier.NoModifier):
        self.view.setFocus()
        QTest.keyClick(self.view, key, mods)


@pytest.fixture
def canvas(window):
    return Canvas(window)
