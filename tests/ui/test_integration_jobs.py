"""The jobs reached from the window: pre-annotation (with a tiny fake pipeline, no real models),
re-recognition, detection in a box, the next most useful document, the font, the tour."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hanji.domain.model import Region


def png(text: str) -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    from hanji.synth.fonts import korean_fonts

    im = Image.new("RGB", (320, 120), "white")
    ImageDraw.Draw(im).text((20, 30), text, fill="black", font=ImageFont.truetype(str(korean_fonts()[0]), 28))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


class FakePipeline:
    """Looks like hanji.models.pipeline.OcrPipeline to the jobs: one line per call, fixed text."""

    recognizer_name = "fake"
    source = "model:fake"
    low_confidence = 0.8

    def __init__(self, gate: threading.Event | None = None):
        self.gate = gate  # a test holds the job here to cancel it mid-way
        self.calls = 0

    def page(self, rgb):
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(10)
        h, w = rgb.shape[:2]
        return [Region(points=[(10, 10), (w * 0.6, 10), (w * 0.6, 60), (10, 60)], kind="quad", text="가짜 글자",
                       machine_text="가짜 글자", confidence=0.95, status="machine", source=self.source),
                Region(points=[(10, h - 70), (w * 0.5, h - 70), (w * 0.5, h - 20), (10, h - 20)], kind="quad",
                       text="흐림", machine_text="흐림", confidence=0.4, status="review", source=self.source)]

    def reread(self, rgb, region):
        self.calls += 1
        return "다시 읽음", 0.97

    def detect_in_box(self, rgb, pts, read=True):
        self.calls += 1
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
        mid = (y0 + y1) / 2
        return [Region(points=[(x0 + 2, y0 + 2), (x1 - 2, y0 + 2), (x1 - 2, mid - 1), (x0 + 2, mid - 1)], kind="quad",
                       text="상자 안", machine_text="상자 안", confidence=0.9, status="machine", source=self.source),
                Region(points=[(x0 + 2, mid + 1), (x1 - 2, mid + 1), (x1 - 2, y1 - 2), (x0 + 2, y1 - 2)], kind="quad",
                       text="둘째 줄", machine_text="둘째 줄", confidence=0.9, status="machine", source=self.source)]


@pytest.fixture
def fake_models(monkeypatch):
    from hanji.ui import model_cache

    made: list[FakePipeline] = []

    def factory():
        assert threading.current_thread() is not threading.main_thread(), "models built on the GUI thread"
        p = FakePipeline()
        made.append(p)
        return p

    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", factory)
    return made


def run_action(qtbot, window, action_id):
    window.actions_[action_id].trigger()
    job = window.job
    assert job is not None, f"{action_id} started no job"
    qtbot.waitUntil(lambda: window.job is None, timeout=15000)
    return job


def test_font_registered(window):
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    from hanji.ui.fonts import register_fonts

    fams = register_fonts()
    assert "NanumGothic" in fams
    assert "NanumGothic" in QFontDatabase.families()
    assert "NanumGothic" in QApplication.instance().font().families()


def test_window_fits_small_screen(qtbot, ui_project, monkeypatch):
    from PySide6.QtCore import QRect

    from hanji.ui import fonts
    from hanji.ui.mainwindow import MainWindow

    class Screen:
        def availableGeometry(self):
            return QRect(0, 0, 1440, 870)

    monkeypatch.setattr(MainWindow, "screen", lambda self: Screen())
    w = MainWindow(ui_project)
    qtbot.addWidget(w)
    assert w.width() <= 1440 and w.height() <= 870
    fonts.fit_to_screen(w, want=(1500, 920))
    assert w.width() <= 1440


def test_preannotate_current_document(qtbot, window, fake_models):
    store = window.store
    second = store.documents()[1]
    window.session.set_document(second.id)
    assert store.regions(second.id) == []
    run_action(qtbot, window, "jobs.preannotate_doc")
    regions = store.regions(second.id)
    assert [r.text for r in regions] == ["가짜 글자", "흐림"]
    assert regions[1].status == "review"
    assert store.document(second.id).status == "preannotated"
    qtbot.waitUntil(lambda: len(window.canvas.scene().items()) > 1 and window.regions.tree.topLevelItemCount() == 2,
                    timeout=5000)
    # the pipeline is built once and reused by the next job
    run_action(qtbot, window, "jobs.preannotate_doc")
    assert len(fake_models) == 1 and fake_models[0].calls == 2
    assert len(store.regions(second.id)) == 2  # the earlier model output is replaced, not doubled
    store.undo()
    store.undo()
    assert store.regions(second.id) == []


def test_preannotate_cancel_and_resume(qtbot, window, monkeypatch):
    from hanji.ui import model_cache

    gate = threading.Event()
    pipe = FakePipeline(gate)
    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", lambda: pipe)
    store = window.store
    for k in range(3):
        store.add_image_bytes(f"추가_{k}.png", png(f"추가 문서 {k}"))
    new_docs = [d.id for d in store.documents() if d.status == "new" and not store.regions(d.id)]
    assert len(new_docs) == 4
    window.actions_["jobs.preannotate_all"].trigger()
    job = window.job
    qtbot.waitUntil(lambda: pipe.calls >= 1, timeout=5000)
    assert window.job.dialog.labelText()
    job.cancel()
    gate.set()
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)
    done_first = [d for d in new_docs if store.regions(d)]
    assert len(done_first) <= 1  # a cancel while the models ran leaves that document as it was
    assert "cancelled" in window.statusBar().currentMessage()
    # run again: resumes, and nothing is added twice
    run_action(qtbot, window, "jobs.preannotate_all")
    for d in new_docs:
        assert len(store.regions(d)) == 2, d


def test_rerecognize_and_detect_in_box(qtbot, window, fake_models, canvas):
    store = window.store
    doc = window.session.doc_id
    r = store.regions(doc)[1]
    window.session.select({r.id}, r.id)
    run_action(qtbot, window, "jobs.rerecognize")
    r2 = store.region(r.id)
    assert r2.machine_text == "다시 읽음" and r2.text == "다시 읽음"  # a model region takes the reading
    # draw an empty box on the canvas with the mouse, then detect inside it
    before = {x.id for x in store.regions(doc)}
    window.canvas.set_tool("rect")
    canvas.drag(300, 230, 600, 290)
    drawn = [x for x in store.regions(doc) if x.id not in before]
    assert len(drawn) == 1
    window.session.select({drawn[0].id}, drawn[0].id)
    run_action(qtbot, window, "jobs.detect_in_box")
    texts = [x.text for x in store.regions(doc) if x.id not in before]
    assert sorted(texts) == ["둘째 줄", "상자 안"]  # the empty drawn box was replaced by what was found
    assert window.session.selection and all(store.region(i).text in texts for i in window.session.selection)
    store.undo()  # one undo step brings the drawn box back
    assert [x.id for x in store.regions(doc) if x.id not in before] == [drawn[0].id]


def test_next_useful_document(qtbot, window):
    store = window.store
    docs = store.documents()
    first, second = docs[0].id, docs[1].id
    window.session.set_document(first)
    # the first document holds a human region, so it counts as labelled; the second is what is left
    store.update_region(store.regions(first)[0].id, status="confirmed")
    window.canvas.setFocus()
    QTest.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.job is None and window.session.doc_id == second, timeout=15000)
    assert window.documents.view.currentIndex().data(Qt.ItemDataRole.UserRole) == second


def test_dashboard_jump(window):
    store = window.store
    doc = store.documents()[0]
    r = store.regions(doc.id)[2]
    window.session.set_document(store.documents()[1].id)
    window._jump(doc.id, r.id)
    assert window.session.doc_id == doc.id and window.session.selection == {r.id}


def test_tour_shown_once(qtbot, window):
    from hanji.ui.dialogs import tour

    dlg = tour.maybe_show_tour(window)
    assert dlg is not None and dlg.isVisible()
    assert dlg.table.rowCount() >= 8  # the last page: every key of the loop
    keys = [dlg.table.item(i, 0).text() for i in range(dlg.table.rowCount())]
    assert "Ctrl+J" in keys
    dlg.reject()
    assert tour.maybe_show_tour(window) is None
    window.actions_["help.tour"].trigger()  # re-openable from Help
    assert window._tour.isVisible()
    window._tour.reject()
