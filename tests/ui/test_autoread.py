"""A box drawn or reshaped on the canvas is read at once, on a worker (PPOCRLabel's
auto-recognition), unless a person typed its text; no Ctrl+R needed."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt


class ReadingPipeline:
    """Reads every box as the same text; counts its calls; built and run off the GUI thread."""

    source = "model:fake"
    low_confidence = 0.8

    def __init__(self, gate: threading.Event | None = None):
        self.gate = gate
        self.reads: list[list] = []
        self.started = threading.Event()

    def reread(self, rgb, region):
        assert threading.current_thread() is not threading.main_thread(), "read on the GUI thread"
        self.started.set()
        if self.gate is not None:
            self.gate.wait(10)
        self.reads.append(list(region.points))
        return "새 상자", 0.93


@pytest.fixture
def reading(monkeypatch):
    from hanji.ui import model_cache

    monkeypatch.setenv("HANJI_AUTOREAD", "1")
    pipe = ReadingPipeline()

    def factory(*a):
        assert threading.current_thread() is not threading.main_thread(), "models built on the GUI thread"
        return pipe

    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", factory)
    return pipe


def test_a_drawn_box_gets_its_text_without_ctrl_r(qtbot, window, canvas, reading):
    store = window.store
    before = {r.id for r in store.regions(window.session.doc_id)}
    canvas.key(Qt.Key.Key_R)
    canvas.drag(400, 60, 560, 120)
    new = [r for r in store.regions(window.session.doc_id) if r.id not in before]
    assert len(new) == 1 and new[0].text == ""
    qtbot.waitUntil(lambda: store.region(new[0].id).text == "새 상자", timeout=10000)
    r = store.region(new[0].id)
    assert r.machine_text == "새 상자" and r.confidence == pytest.approx(0.93)
    assert r.status == "edited" and r.source == "human"  # still the person's box
    assert window.job is None  # no job was started by hand (Ctrl+R)
    assert len(reading.reads) == 1
    # the transcription pane shows the reading of the selected new box
    assert window.session.current == r.id
    qtbot.waitUntil(lambda: window.transcription.field.text() == "새 상자", timeout=5000)


def test_reshaping_reads_again_but_a_typed_text_stays(qtbot, window, canvas, reading):
    store = window.store
    canvas.key(Qt.Key.Key_R)
    canvas.drag(400, 60, 500, 100)
    rid = store.regions(window.session.doc_id)[-1].id
    qtbot.waitUntil(lambda: len(reading.reads) == 1 and store.region(rid).text == "새 상자", timeout=10000)
    # a corner dragged: the box is read again
    canvas.key(Qt.Key.Key_V)
    canvas.drag(500, 100, 540, 130)
    qtbot.waitUntil(lambda: len(reading.reads) == 2, timeout=10000)
    assert reading.reads[-1] == list(store.region(rid).points)
    # a person types the text; a later reshape leaves it alone
    store.update_region(rid, text="사람이 쓴 글")
    canvas.drag(540, 130, 560, 140)
    qtbot.wait(600)
    assert len(reading.reads) == 2
    assert store.region(rid).text == "사람이 쓴 글"


def test_text_typed_while_the_box_is_read_wins(qtbot, window, canvas, monkeypatch):
    from hanji.ui import model_cache

    monkeypatch.setenv("HANJI_AUTOREAD", "1")
    gate = threading.Event()
    pipe = ReadingPipeline(gate)
    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", lambda *a: pipe)
    store = window.store
    canvas.key(Qt.Key.Key_R)
    canvas.drag(400, 60, 560, 120)
    rid = store.regions(window.session.doc_id)[-1].id
    qtbot.waitUntil(pipe.started.is_set, timeout=10000)
    store.update_region(rid, text="먼저 씀")
    gate.set()
    qtbot.waitUntil(lambda: window.autoread.worker is not None and not window.autoread.worker.thread.isRunning(),
                    timeout=10000)
    assert store.region(rid).text == "먼저 씀"


def test_off_reads_nothing(qtbot, window, canvas, reading):
    window.actions_["jobs.auto_read"].trigger()  # unchecks it
    assert not window.actions_["jobs.auto_read"].isChecked()
    canvas.key(Qt.Key.Key_R)
    canvas.drag(400, 60, 560, 120)
    qtbot.wait(600)
    assert reading.reads == []
    assert store_text(window) == ""


def store_text(window) -> str:
    return window.store.regions(window.session.doc_id)[-1].text
