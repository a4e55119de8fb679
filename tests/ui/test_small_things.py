"""Issue 17, item 14: the small things a labeler trips over (toolbar overflow, plural counts, a typed
leading space, what colour means, Backtab, the tour, empty dashboard tabs)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def _center(r):
    xs = [p[0] for p in r.points]
    ys = [p[1] for p in r.points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


@pytest.mark.parametrize("width", [1500, 1280])
def test_the_toolbar_keeps_pre_annotate_in_view(window, qtbot, width):
    window.resize(width, 800)
    qtbot.wait(50)
    tb = window.toolbar
    hidden = [a.objectName() for a in tb.actions() if not tb.widgetForAction(a).isVisible()]
    assert hidden == []  # nothing in the overflow menu at 1500 or 1280 px, in English
    window.resize(900, 800)
    qtbot.wait(50)
    assert tb.widgetForAction(window.actions_["jobs.preannotate_doc"]).isVisible()  # the first to stay


def test_counts_say_one_document_not_one_documents(window):
    from hanji.ui import jobs_menu

    rep = SimpleNamespace(documents=1, added=1, review=0, kept=2, resumed=0, errors=[])
    jobs_menu._report_preannotate(window, rep)
    msg = window.statusBar().currentMessage()
    assert "Pre-annotated 1 document:" in msg and "1 region added" in msg and "documents" not in msg


def test_enter_strips_a_typed_leading_space(window, canvas):
    rs = sorted(window.store.regions(window.session.doc_id), key=lambda r: r.order)
    canvas.click(*_center(rs[1]))
    canvas.key(Qt.Key.Key_Return)
    field = window.transcription.field
    field.clear()
    QTest.keyClick(field, Qt.Key.Key_Space)  # a space typed first, as a slip of the thumb
    field.insert("합계")  # (QTest types ASCII only; Hangul comes through the input method)
    QTest.keyClick(field, Qt.Key.Key_Space)
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.store.region(rs[1].id).text == "합계"


def test_backtab_is_shown_as_shift_tab(window):
    from hanji.ui.actions import display_keys, shortcuts_for, spec
    from hanji.ui.dialogs.shortcuts import cheatsheet_html
    from hanji.ui.dialogs.tour import TourDialog

    assert display_keys(shortcuts_for(spec("go.prev_region"))) == "Shift+Tab"
    assert "Backtab" not in cheatsheet_html()
    assert "Backtab" not in TourDialog(window).text()


def test_the_tour_covers_tagging_linking_and_confirming(window):
    from hanji.ui.dialogs.tour import TourDialog

    dlg = TourDialog(window)
    text = dlg.text()
    for words in ("tag", "link", "Confirm the whole document", "pre-annotate"):
        assert words.lower() in text.lower(), words
    assert dlg.pages.count() >= 4  # steps, not one static table
    assert "Ctrl+J" in text and "L" in text


def test_empty_dashboard_tabs_say_why(qtbot, ui_project):
    from hanji.ui.panes.dashboard import DashboardPane

    pane = DashboardPane(ui_project)
    qtbot.addWidget(pane)
    pane.show()
    with qtbot.waitSignal(pane.updated, timeout=60000):
        pane.refresh()
    for tree in (pane.suspects, pane.picks):
        if tree.topLevelItemCount() == 0:
            note = pane.empty_notes[tree]
            assert not note.isHidden() and len(note.text()) > 30, note.text()  # shown on its tab
    assert pane.empty_notes[pane.suspects].text() != pane.empty_notes[pane.picks].text()
    pane.stop()
