"""The merge-conflict view (issue 22): ours / theirs side by side, keys O / T / E resolve."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hanji.domain.model import KeyValue, Region


def conflicted_project(tmp_path):
    """A receipt project (tests/ui/conftest.make_project) merged with a package edited at the same
    places as the base: a region changed on both sides, regions added on both at one place, a key."""
    from hanji.jobs.packages import merge, split
    from hanji.store.project import ProjectStore
    from tests.ui.conftest import make_project

    store = make_project(tmp_path / "shop.hanji")
    out = split(store, tmp_path, 1, users=["ann"])[0]
    with ProjectStore.open(out.path) as pkg:
        pkg.user = "ann"
        r = pkg.regions(1)[2]
        pkg.update_region(r.id, text="합계 13,000원", status="confirmed")
        pkg.add_region(1, Region([(40, 250), (300, 250), (300, 290), (40, 290)], text="카드 승인", status="confirmed"))
        pkg.set_keyvalues(1, [KeyValue("total", "13000")])
    store.update_region(store.regions(1)[2].id, text="합계 12,500원")
    store.add_region(1, Region([(42, 252), (300, 252), (300, 290), (42, 290)], text="카드승인"))
    store.set_keyvalues(1, [KeyValue("total", "12500")])
    rep = merge(store, [out.path])[0]
    assert len(rep.conflicts) == 3
    return store


def test_conflict_view_keys(qtbot, tmp_path):
    from hanji.ui.conflicts import ConflictView

    store = conflicted_project(tmp_path)
    view = ConflictView(store)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    assert view.list.count() == 3
    kinds = [c["kind"] for c in view.items]
    assert sorted(kinds) == ["keyvalue", "overlap", "region"]
    # the region conflict: ours shows the project's text, theirs the seat's, both outlined
    view.list.setCurrentRow(kinds.index("region"))
    assert "12,500" in view.detail["ours"].text() and "13,000" in view.detail["theirs"].text()
    assert view.canvas["ours"].highlight.text == "합계 12,500원"
    assert view.canvas["theirs"].highlight.text == "합계 13,000원"
    assert len(view.canvas["theirs"].shown) == len(view.canvas["ours"].shown)
    QTest.keyClick(view.list, Qt.Key.Key_T)  # take theirs
    assert view.list.count() == 2
    assert "합계 13,000원" in [r.text for r in store.regions(1)]
    assert store.regions(1)[2].status == "confirmed"
    # the overlap: take ours (the project's box stays, no second box)
    view.list.setCurrentRow([c["kind"] for c in view.items].index("overlap"))
    n = len(store.regions(1))
    assert view.canvas["theirs"].highlight.text == "카드 승인"
    QTest.keyClick(view.list, Qt.Key.Key_O)
    assert view.list.count() == 1 and len(store.regions(1)) == n
    # the key-value: edit by hand
    assert view.items[0]["kind"] == "keyvalue" and "13000" in view.detail["theirs"].text()
    QTest.keyClick(view.list, Qt.Key.Key_E)
    assert view.list.count() == 0 and "No open conflicts" in view.head.text()
    assert [c["resolution"] for c in store.conflicts(state=None)] == ["theirs", "ours", "edited"] or sorted(
        c["resolution"] for c in store.conflicts(state=None)) == ["edited", "ours", "theirs"]
    assert [kv.value for kv in store.keyvalues(1)] == ["12500"]
    store.undo()  # the edited close is one undo step like the others
    store.close()


def test_menu_opens_the_view(qtbot, tmp_path):
    from helpers import shown_window

    store = conflicted_project(tmp_path)
    w = shown_window(qtbot, store)
    w.actions_["review.conflicts"].trigger()
    view = w.conflict_view
    qtbot.waitExposed(view)
    assert view.list.count() == 3
    view.list.setCurrentRow(0)
    QTest.keyClick(view.list, Qt.Key.Key_E)  # edit: the window shows the document
    assert w.session.doc_id == 1
    view.close()
