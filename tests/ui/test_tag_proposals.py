"""Proposed tags in the Tags pane: Jobs → "Propose tags and key-values" (the shipped tagger) on a
demo receipt shows them as proposals (lighter, dashed); "Confirm proposed tags" turns them into
labels; tagging by hand marks a region's tags as a person's."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtTest import QTest

from helpers import shown_window


@pytest.fixture
def receipt_window(qtbot, tmp_path):
    from hanji.domain.schemas import schema_entity_types
    from hanji.store.project import ProjectStore
    from hanji.synth.documents import make_document
    from hanji.synth.fonts import shipped_fonts
    from hanji.ui.worker import wait_all

    sd = make_document("receipt", seed=13, font=shipped_fonts()[0])  # the demo's untouched receipt
    buf = io.BytesIO()
    sd.image.save(buf, "PNG")
    store = ProjectStore.create(tmp_path / "r.hanji", schema_entity_types("default"))
    doc, _ = store.add_image_bytes("영수증.png", buf.getvalue())
    for r in sd.regions:  # as pre-annotation leaves them: text read, no tags
        r.status, r.source, r.tags = "machine", "model:test", []
    store.add_regions(doc.id, sd.regions, record=False)
    w = shown_window(qtbot, store)
    yield w, sd
    wait_all()
    if w.isVisible():
        w.close()
    if store.conn is not None:
        store.close()


def select_tokens(view, start: int, end: int):
    c = view.textCursor()
    c.setPosition(start)
    c.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(c)


def proposed_look(pane) -> list[bool]:
    """For each painted span: drawn as a proposal (dashed underline)?"""
    return [sel.format.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
            for sel in pane.view.extraSelections()]


def test_proposed_tags_are_shown_and_confirmed_into_labels(qtbot, receipt_window):
    window, sd = receipt_window
    store, pane = window.store, window.tags
    doc_id = window.session.doc_id
    assert pane.view.extraSelections() == [] and not pane.confirm_button.isEnabled()
    window.actions_["jobs.propose"].trigger()  # the real action, the shipped tagger, on the worker
    qtbot.waitUntil(lambda: window.job is None, timeout=60000)
    regions = store.regions(doc_id)
    assert all(r.attrs.get("tags_source") == "machine" for r in regions)
    spans = pane.proposed_spans()
    labels = {label for _, label, _ in spans}
    assert {"store_name", "total", "date"} <= labels  # the tagger read the receipt
    assert all(proposed for _, _, proposed in spans) and all(proposed_look(pane))
    assert pane.confirm_button.isEnabled() and "Proposed" in pane.proposals.text()
    kvs = store.keyvalues(doc_id)
    assert kvs and {kv.source for kv in kvs} == {"machine"}
    total = next(kv.value for kv in kvs if kv.key == "total")
    assert total == next(kv.value for kv in sd.keyvalues if kv.key == "total")

    QTest.mouseClick(pane.confirm_button, Qt.MouseButton.LeftButton)
    regions = store.regions(doc_id)
    assert all(r.attrs.get("tags_source") == "human" for r in regions)
    assert {kv.source for kv in store.keyvalues(doc_id)} == {"human"}
    after = pane.proposed_spans()
    assert [(t, lab) for t, lab, _ in after] == [(t, lab) for t, lab, _ in spans]  # the same tags, now labels
    assert not any(p for _, _, p in after) and not any(proposed_look(pane))
    assert not pane.confirm_button.isEnabled() and pane.proposals.text() == ""
    from hanji.jobs.train_tagger import project_docs

    assert len(project_docs(store)) == 1  # confirmed labels are training data
    store.undo()  # the confirmation is one undo step: proposals again
    assert all(proposed_look(pane)) and pane.confirm_button.isEnabled()


def test_tagging_by_hand_makes_the_region_a_persons(qtbot, receipt_window):
    window, _ = receipt_window
    store, pane = window.store, window.tags
    doc_id = window.session.doc_id
    window.actions_["jobs.propose"].trigger()
    qtbot.waitUntil(lambda: window.job is None, timeout=60000)
    first = store.regions(doc_id)[0]
    assert first.attrs.get("tags_source") == "machine"
    text = pane.view.toPlainText()
    line0 = text.splitlines()[0]
    select_tokens(pane.view, 0, len(line0))
    pane.view.setFocus()
    phone = next(e for e in store.entity_types() if e.name == "phone")
    QTest.keyClicks(pane.view, phone.key)  # retag the first line by hand
    regions = store.regions(doc_id)
    assert regions[0].tags[0] == "B-phone" and regions[0].attrs["tags_source"] == "human"
    assert all(r.attrs.get("tags_source") == "machine" for r in regions[1:])  # the rest is still proposed
    spans = pane.proposed_spans()
    assert spans[0][1:] == ("phone", False) and any(p for _, _, p in spans[1:])


def test_confirm_document_also_confirms_the_proposed_tags_and_keyvalues(qtbot, receipt_window):
    window, _ = receipt_window
    store, pane = window.store, window.tags
    doc_id = window.session.doc_id
    from hanji.jobs.propose import propose

    propose(store, [doc_id])
    proposed = [(r.id, r.tags) for r in store.regions(doc_id)]
    assert all(r.attrs.get("tags_source") == "machine" for r in store.regions(doc_id))
    assert {kv.source for kv in store.keyvalues(doc_id)} == {"machine"}
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # "Confirm document"
    regions = store.regions(doc_id)
    assert all(r.status == "confirmed" for r in regions)
    assert all(r.attrs.get("tags_source") == "human" for r in regions)
    assert [(r.id, r.tags) for r in regions] == proposed  # the same tags, now labels
    assert {kv.source for kv in store.keyvalues(doc_id)} == {"human"}
    assert store.document(doc_id).status == "done"
    assert not pane.confirm_button.isEnabled()
    store.undo()  # one undo step takes the whole confirmation back
    assert all(r.attrs.get("tags_source") == "machine" for r in store.regions(doc_id))
    assert {kv.source for kv in store.keyvalues(doc_id)} == {"machine"}
    assert store.document(doc_id).status != "done"
