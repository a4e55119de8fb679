"""Review in the window (issue 21): a rejected document shows its comment on the canvas, the
review queue lists what waits, and the name set in the window is the one edits are recorded under."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog


def test_a_rejected_document_shows_its_comment_on_the_canvas(window, ui_project, qtbot):
    store = ui_project
    doc = store.documents()[0]
    rid = store.regions(doc.id)[1].id
    store.user = "kim"
    store.submit(doc.id)
    store.user = "lee"
    store.reject(doc.id, "금액이 틀렸어요", region_id=rid)
    window.session.set_document(store.documents()[1].id)
    window.session.set_document(doc.id)
    banner = window.review_banner
    assert banner.isVisible()
    assert "lee" in banner.text() and "금액이 틀렸어요" in banner.text() and f"region {rid}" in banner.text()
    qtbot.mouseClick(banner, Qt.MouseButton.LeftButton)
    assert window.session.selection == frozenset({rid})  # the pinned region
    out = os.environ.get("HANJI_SCREENSHOT_DIR")
    if out:
        window.grab().save(str(Path(out) / "review_rejected.png"))
    window.session.set_document(store.documents()[1].id)
    assert not banner.isVisible()


def test_the_review_queue_and_the_window_name(window, ui_project, qtbot, monkeypatch):
    store = ui_project
    first, second = store.documents()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("박검수", True))
    window.actions_["review.user"].trigger()
    assert store.user == "박검수"
    window.session.set_document(first.id)
    window.actions_["review.submit"].trigger()
    assert store.review_state(first.id) == "labelled"
    assert store.history_entries(first.id)[0]["author"] == "박검수"
    window.actions_["review.queue"].trigger()
    dlg = window.review_queue_dialog
    texts = [dlg.list.item(i).text() for i in range(dlg.list.count())]
    assert texts[0].startswith("Waiting for review (1)") and first.name in texts[1] and "박검수" in texts[1]
    out = os.environ.get("HANJI_SCREENSHOT_DIR")
    if out:
        dlg.grab().save(str(Path(out) / "review_queue.png"))
    dlg.list.itemActivated.emit(dlg.list.item(1))
    assert window.session.doc_id == first.id
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("다시 봐 주세요", True))
    window.actions_["review.reject"].trigger()
    assert store.review_state(first.id) == "rejected" and window.review_banner.isVisible()
    dlg.fill()
    texts = [dlg.list.item(i).text() for i in range(dlg.list.count())]
    assert "Waiting for review (0)" in texts[0] and any("Returned to their labelers (1)" in t for t in texts)


def test_the_dashboard_shows_people_and_agreement(qtbot, ui_project):
    from hanji.domain.model import Region
    from hanji.ui.panes.dashboard import DashboardPane

    store = ui_project
    first, second = store.documents()
    store.user = "ann"
    store.update_region(store.regions(first.id)[0].id, text="한지문구 홍대점!")
    store.submit(first.id)
    store.user = "rev"
    store.reject(first.id, "느낌표 빼 주세요")
    store.assign([second.id], ["ann", "bob"])
    box = [(0, 0), (40, 0), (40, 10), (0, 10)]
    store.put_version(second.id, "ann", [Region(points=box, text="두번째")], [])
    store.put_version(second.id, "bob", [Region(points=box, text="두번재")], [])
    p = DashboardPane(store)
    qtbot.addWidget(p)
    p.resize(1000, 700)
    with qtbot.waitSignal(p.updated, timeout=60000):
        p.refresh()
    rows = {p.people.people.topLevelItem(i).text(0): p.people.people.topLevelItem(i)
            for i in range(p.people.people.topLevelItemCount())}
    assert rows["ann"].text(1) == "1" and rows["ann"].text(5) == "1" and rows["ann"].text(6) == "1/1 (100%)"
    pair = p.people.agreement.topLevelItem(0)
    assert pair.text(0) == "ann / bob" and pair.text(2) == "1" and pair.text(4) == "0.333"
    assert store.review_queue() == []  # the dashboard measures; it sends nothing to review
    out = os.environ.get("HANJI_SCREENSHOT_DIR")
    if out:
        p.tabs.setCurrentWidget(p.people)
        p.grab().save(str(Path(out) / "dashboard_people.png"))
    p.close()


def test_the_reviewer_keeps_a_labelers_version_in_the_window(window, ui_project, monkeypatch):
    from hanji.domain.model import Region

    store = ui_project
    doc = store.documents()[1]
    box = [(0, 0), (40, 0), (40, 10), (0, 10)]
    store.assign([doc.id], ["ann", "bob"])
    store.put_version(doc.id, "ann", [Region(points=box, text="앤")], [])
    store.put_version(doc.id, "bob", [Region(points=box, text="밥")], [])
    window.session.set_document(doc.id)
    asked = {}

    def get_item(_parent, _title, _label, items, *a, **k):
        asked["items"] = items
        return "bob", True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    window.actions_["review.pick"].trigger()
    assert asked["items"] == ["ann", "bob"] and [r.text for r in store.regions(doc.id)] == ["밥"]
    window.actions_["edit.undo"].trigger()  # one undoable step
    assert store.regions(doc.id) == []  # the document had no regions before


def test_confirming_a_document_given_to_two_labelers_keeps_each_version(window, ui_project, monkeypatch):
    store = ui_project
    doc = store.documents()[0]
    texts = [r.text for r in store.regions(doc.id)]
    store.assign([doc.id], ["ann", "bob"])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("ann", True))
    window.actions_["review.user"].trigger()
    window.session.set_document(store.documents()[1].id)
    window.session.set_document(doc.id)
    window.commands.confirm_document()
    versions = store.label_versions(doc.id)[doc.id]
    assert list(versions) == ["ann"] and [r.status for r in versions["ann"][0]] == ["confirmed"] * len(texts)
    # back for bob as it was given out (machine regions), not done
    assert [r.status for r in store.regions(doc.id)] == ["machine"] * len(texts)
    assert store.document(doc.id).status == "in_progress"
