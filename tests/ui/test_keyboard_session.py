"""A keyboard-only session with each keymap preset (issue 17): on three demo documents not yet
done, pre-annotate, fix a text, tag it, link it to the next region, confirm the document and go on
to the next one, every step through real key events with the preset's keys (the pre-annotation's
models are a small fake: no model loads in a test)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from hanji.domain.model import Region
from helpers import shown_window


class LinesPipeline:
    """Three text lines near the top of any page (as a detector and recognizer would give them)."""

    recognizer_name = "fake-lines"
    source = "model:fake"
    low_confidence = 0.8

    def page(self, rgb):
        h, w = rgb.shape[:2]
        out = []
        for k, text in enumerate(["상호", "한지문구", "합계 1,000원"]):
            y = 8 + k * 30
            out.append(Region(points=[(8, y), (w * 0.4, y), (w * 0.4, y + 24), (8, y + 24)], kind="quad",
                              text=text, machine_text=text, confidence=0.95, status="machine", source=self.source))
        return out


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from hanji.jobs.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.hanji"
    write_demo(path)
    return path


@pytest.fixture
def demo_window(qtbot, tmp_path, demo_file, monkeypatch):
    from hanji.store.project import ProjectStore
    from hanji.ui import model_cache

    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", lambda *a: LinesPipeline())
    path = tmp_path / "demo.hanji"
    shutil.copy(demo_file, path)
    w = shown_window(qtbot, ProjectStore.open(path))
    yield w
    from hanji.ui.worker import wait_all

    wait_all()
    if w.isVisible():
        w.close()


def press(window, aid: str) -> str:
    """Press the first key the current keymap gives action ``aid``, on the widget that has the keys."""
    from hanji.ui.actions import keys_for, spec

    key = keys_for(spec(aid))[0]
    comb = QKeySequence(key)[0]
    target = QApplication.focusWidget() or window.canvas
    QTest.keyClick(target, comb.key(), comb.keyboardModifiers())
    return key


@pytest.mark.parametrize("pid", ["hanji", "ppocrlabel", "labelme", "xanylabeling"])
def test_keyboard_only_session_labels_three_demo_documents(demo_window, qtbot, pid):
    from hanji.ui import keymaps
    from hanji.ui.actions import apply_keys

    w = demo_window
    keymaps.set_preset(pid)
    apply_keys(w.actions_)
    store = w.store
    not_done = {d.id for d in store.documents() if d.status != "done"}
    assert len(not_done) >= 3
    if w.session.doc_id not in not_done:  # start on a document not done, by the keyboard too
        w.canvas.setFocus()
        while w.session.doc_id not in not_done:
            press(w, "go.next_doc")
    done = []
    for _ in range(3):
        doc = w.session.doc_id
        assert doc in not_done and doc not in done
        w.canvas.setFocus()
        press(w, "jobs.preannotate_doc")
        qtbot.waitUntil(lambda: w.job is None, timeout=20000)
        qtbot.wait(20)
        ours = [r for r in store.regions(doc) if r.source == "model:fake"]
        assert ours, "pre-annotation added regions"
        # to the first pre-annotated region with the keyboard
        w.canvas.setFocus()
        while w.session.current != ours[0].id:
            press(w, "go.next_region")
        # fix its text
        press(w, "label.edit_text")
        field = w.transcription.field
        qtbot.waitUntil(field.hasFocus)
        QTest.keyClicks(field, "Hanji Mungu")
        QTest.keyClick(field, QKeySequence("Return")[0].key())
        assert w.canvas.hasFocus()
        assert store.region(ours[0].id).text == "Hanji Mungu"
        # tag it with the document type's first entity key that is a digit
        entity = next(e for e in w.tags.shown if e.key.isdigit())
        QTest.keyClick(w.canvas, QKeySequence(entity.key)[0].key())
        tags = store.region(ours[0].id).tags
        assert tags == ["B-" + entity.name, "I-" + entity.name], tags
        # link it to the next region (the value after its key)
        press(w, "label.link_next")
        links = [(lk.src, lk.dst) for lk in store.links(doc)]
        nxt = [r.id for r in store.regions(doc)]
        assert (ours[0].id, nxt[nxt.index(ours[0].id) + 1]) in links
        # confirm the document and go on
        press(w, "label.confirm_doc")
        assert store.document(doc).status == "done"
        assert all(r.status in ("confirmed", "difficult") for r in store.regions(doc))
        done.append(doc)
        assert w.session.doc_id != doc and w.session.doc_id in not_done
    assert len(set(done)) == 3
