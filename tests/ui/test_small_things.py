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


def test_number_badges_do_not_cover_other_regions():
    import numpy as np

    from hanji.ui.canvas.badges import BADGE_H, badge_offsets

    # two tight lines: the lower line's plain badge (left of and above its first point) would sit on
    # the upper line's text; a region to the left on the same line takes the left place too
    boxes = np.array([[20, 70, 300, 96], [100, 100, 300, 130], [320, 100, 400, 130], [20, 140, 90, 170]], float)
    anchors = boxes[:, :2]
    widths = np.full(4, 13.0)
    offs = badge_offsets(boxes, anchors, widths, scale=1.0)
    for i, (dx, dy) in enumerate(offs):
        x0, y0 = anchors[i] + (dx, dy)
        for j, b in enumerate(boxes):
            if j != i:
                assert not (x0 < b[2] and x0 + widths[i] > b[0] and y0 < b[3] and y0 + BADGE_H > b[1]), (i, j)
    assert tuple(offs[1]) == (-14.0, 0.0)  # beside its first line, not on the line above
    # at a small zoom every place collides: the plain place is kept
    assert tuple(badge_offsets(boxes, anchors, widths, scale=0.05)[1]) == (-14.0, -BADGE_H)


def test_the_canvas_paints_the_badges_where_they_are_free(window, qtbot):
    from hanji.domain.model import Region

    store = window.store
    doc = window.session.doc_id
    store.delete_regions([r.id for r in store.regions(doc)])
    store.add_regions(doc, [Region(points=[(20, 70), (300, 70), (300, 96), (20, 96)], kind="quad", text="위", order=10),
                            Region(points=[(100, 100), (300, 100), (300, 130), (100, 130)], kind="quad", text="아래",
                                   order=11)])
    window.canvas.set_zoom(1.0)
    window.canvas.settle_zoom()
    window.canvas.viewport().repaint()
    qtbot.wait(50)
    layer = window.canvas.scene_.layer
    assert layer._badge_cache is not None
    i = next(k for k, r in enumerate(layer.regions) if r.text == "아래")
    assert tuple(layer._badge_cache[1][i]) != (-layer._badge_w[i] - 1, -14.0)
