"""The panes, driven through their widgets: Hangul input, tags, links, key-values, reopening."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def regions(w):
    return w.store.regions(w.session.doc_id)


def center(r):
    return (r.bbox[0] + r.bbox[2]) / 2, (r.bbox[1] + r.bbox[3]) / 2


def ime(widget, preedit: str = "", commit: str = ""):
    ev = QInputMethodEvent(preedit, [])
    if commit:
        ev.setCommitString(commit)
    QApplication.sendEvent(widget, ev)


def test_type_hangul_through_the_input_method(window, canvas):
    rs = regions(window)
    canvas.click(*center(rs[1]))
    canvas.key(Qt.Key.Key_Return)  # Enter: edit text
    field = window.transcription.field
    assert field.hasFocus()
    assert field.text() == rs[1].text and field.selectedText() == rs[1].text
    # compose 날짜: ㄴ → 나 → 날 (preedit), commit 날, then ㅈ → 자 (preedit), commit 자
    for pre in ("ㄴ", "나", "날"):
        ime(field, pre)
    ime(field, "", "날")
    for pre in ("ㅈ", "자"):
        ime(field, pre)
    ime(field, "", "짜")
    assert field.text() == "날짜"
    QTest.keyClick(field, Qt.Key.Key_Return)
    r = window.store.region(rs[1].id)
    assert r.text == "날짜" and r.status == "edited"
    assert window.canvas.hasFocus()  # Enter gives the keys back to the canvas


def test_preedit_is_kept_when_clicking_another_region(window, canvas):
    rs = regions(window)
    canvas.click(*center(rs[0]))
    canvas.key(Qt.Key.Key_Return)
    field = window.transcription.field
    QTest.keyClick(field, Qt.Key.Key_End)
    ime(field, "", " 본")
    ime(field, "점")  # still composing when the person clicks the next region
    canvas.click(*center(rs[2]))
    assert window.store.region(rs[0].id).text == "한지문구 홍대점 본점"
    assert window.transcription.region_id == rs[2].id
    assert window.transcription.field.text() == rs[2].text


def test_preedit_is_kept_on_enter_and_tab(window, canvas):
    rs = regions(window)
    canvas.click(*center(rs[1]))
    canvas.key(Qt.Key.Key_Return)
    field = window.transcription.field
    field.selectAll()
    ime(field, "한")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.store.region(rs[1].id).text == "한"
    canvas.key(Qt.Key.Key_Return)
    ime(field, "", "글")
    ime(field, "자")
    QTest.keyClick(field, Qt.Key.Key_Tab)  # Tab: save and go to the next region, still typing
    assert window.store.region(rs[1].id).text == "글자"
    assert window.session.current == rs[2].id
    assert field.text() == rs[2].text


def test_typing_in_the_field_does_not_trigger_canvas_keys(window, canvas):
    rs = regions(window)
    canvas.click(*center(rs[1]))
    canvas.key(Qt.Key.Key_Return)
    field = window.transcription.field
    QTest.keyClicks(field, "rqpdc")
    assert window.canvas.tool.name == "select"  # r, q, p did not switch tools
    QTest.keyClick(field, Qt.Key.Key_Return)
    r = window.store.region(rs[1].id)
    assert r.text == "rqpdc" and r.status == "edited"  # c and d did not confirm or mark it


def test_crop_is_rectified(window, canvas):
    import numpy as np

    from hanji.domain.model import Region
    from hanji.ui.panes.transcription import rectified_crop

    img = np.zeros((200, 200, 3), np.uint8)
    img[50:70, 40:160] = 255
    quad = Region(points=[(40, 50), (160, 50), (160, 70), (40, 70)], kind="quad")
    crop = rectified_crop(img, quad)
    assert crop.shape[:2] == (20, 120) and crop.mean() > 200
    # the same band turned 30° comes back upright, about 120 × 20
    a = np.deg2rad(30)
    c, s = np.cos(a), np.sin(a)
    pts = [(100 + (x - 100) * c - (y - 60) * s, 100 + (x - 100) * s + (y - 60) * c) for x, y in quad.points]
    crop = rectified_crop(img, Region(points=pts, kind="polygon"))
    assert abs(crop.shape[1] - 120) <= 2 and abs(crop.shape[0] - 20) <= 2
    assert not window.transcription.field.isEnabled()  # nothing selected yet


def test_confirm_region_and_document_from_the_keyboard(window, canvas):
    rs = regions(window)
    canvas.click(*center(rs[0]))
    canvas.key(Qt.Key.Key_C)
    assert window.store.region(rs[0].id).status == "confirmed"
    assert window.session.current == rs[1].id  # confirming moves on
    canvas.key(Qt.Key.Key_D)
    assert window.store.region(rs[1].id).status == "difficult"
    doc = window.session.doc_id
    canvas.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.store.document(doc).status == "done"
    assert {r.status for r in window.store.regions(doc)} == {"confirmed", "difficult"}
    assert window.session.doc_id not in (None, doc)  # and on to the next document not done


def select_tokens(view, start: int, end: int):
    c = view.textCursor()
    c.setPosition(start)
    c.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(c)


def test_tag_a_span_with_a_key(window):
    tags = window.tags
    view = tags.view
    text = view.toPlainText()
    assert text.splitlines()[2] == "합계 12,000원"
    start = text.index("12,000원")
    select_tokens(view, start + 2, start + 4)  # part of a token tags the whole token
    view.setFocus()
    total = next(e for e in window.store.entity_types() if e.name == "total")
    QTest.keyClicks(view, total.key)
    r = regions(window)[2]
    assert r.tags == ["O", "B-total"]
    # a span over two regions: the date line and the total line's first token
    d0 = text.index("2024")
    select_tokens(view, d0, text.index("합계") + 1)
    date = next(e for e in window.store.entity_types() if e.name == "date")
    QTest.keyClicks(view, date.key)
    rs = regions(window)
    assert rs[1].tags == ["B-date", "I-date"] and rs[2].tags == ["I-date", "B-total"]
    assert len(tags.view.extraSelections()) == 3  # store name, date, total
    select_tokens(view, d0, d0 + 1)
    QTest.keyClick(view, Qt.Key.Key_0)
    assert regions(window)[1].tags == ["O", "B-date"]
    window.store.undo()
    assert regions(window)[1].tags == ["B-date", "I-date"]


def test_link_two_regions_and_fill_key_values(window, canvas):
    rs = regions(window)
    canvas.key(Qt.Key.Key_L)
    canvas.drag(*center(rs[0]), *center(rs[2]), steps=6)
    links = window.store.links(window.session.doc_id)
    assert [(lk.src, lk.dst, lk.key) for lk in links] == [(rs[0].id, rs[2].id, rs[0].text)]
    kv = window.keyvalues
    assert kv.links.rowCount() == 1 and kv.links.item(0, 2).text() == rs[2].text
    assert window.canvas.scene_.layer.links == [(rs[0].id, rs[2].id)]
    kv.fill_from_tags()
    got = {(k.key, k.value) for k in window.store.keyvalues(window.session.doc_id)}
    assert ("store_name", "한지문구 홍대점") in got and (rs[0].text, rs[2].text) in got
    # edit a value in the table: saved at once
    row = next(i for i in range(kv.table.rowCount()) if kv.table.item(i, 0).toolTip() == "store_name")
    kv.table.item(row, 1).setText("한지문구")
    assert ("store_name", "한지문구") in {(k.key, k.value) for k in window.store.keyvalues(window.session.doc_id)}
    # the link key is editable too
    kv.links.item(0, 0).setText("상호")
    assert [lk.key for lk in window.store.links(window.session.doc_id)] == ["상호"]
    window.store.undo()
    assert [lk.key for lk in window.store.links(window.session.doc_id)] == [rs[0].text]


def test_regions_pane_follows_the_canvas_and_back(window, canvas):
    rs = regions(window)
    tree = window.regions.tree
    assert tree.topLevelItemCount() == 3
    canvas.click(*center(rs[1]))
    assert [it.data(0, Qt.ItemDataRole.UserRole) for it in tree.selectedItems()] == [rs[1].id]
    tree.setCurrentItem(tree.topLevelItem(2))
    assert window.session.selection == {rs[2].id}
    assert window.canvas.scene_.layer.selected == {rs[2].id}


def test_reorder_regions_by_moving_rows(window):
    rs = regions(window)
    tree = window.regions.tree
    it = tree.takeTopLevelItem(2)
    tree.insertTopLevelItem(0, it)
    window.regions.order_from_view()
    assert [r.id for r in regions(window)] == [rs[2].id, rs[0].id, rs[1].id]
    assert tree.topLevelItem(0).text(1) == rs[2].text


def test_documents_filter_and_next_previous(window, canvas):
    docs = window.store.documents()
    assert window.session.doc_id == docs[0].id
    canvas.key(Qt.Key.Key_PageDown)
    assert window.session.doc_id == docs[1].id
    canvas.key(Qt.Key.Key_PageUp)
    assert window.session.doc_id == docs[0].id
    window.documents.filter.setText("_2")
    assert window.documents.visible_ids() == [docs[1].id]
    assert "documents 0/2" in window.status_counts.text()


def test_undo_redo_close_and_reopen_find_everything(qtbot, window, canvas, ui_project):
    from hanji.store.project import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    canvas.key(Qt.Key.Key_R)
    canvas.drag(420, 220, 600, 280)
    new_id = window.session.current
    canvas.key(Qt.Key.Key_Return)
    field = window.transcription.field
    ime(field, "", "부가세")
    QTest.keyClick(field, Qt.Key.Key_Return)
    rs = regions(window)
    canvas.key(Qt.Key.Key_L)
    canvas.drag(*center(rs[2]), *center(rs[3]))
    canvas.key(Qt.Key.Key_V)
    canvas.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the link
    assert window.store.links(window.session.doc_id) == []
    canvas.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(window.store.links(window.session.doc_id)) == 1
    path, doc_id = window.store.path, window.session.doc_id
    window.close()
    assert ui_project.conn is None  # closing the window closed the project
    store = ProjectStore.open(path)
    w2 = MainWindow(store)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.session.doc_id == doc_id
    r = store.region(new_id)
    assert r.text == "부가세" and r.kind == "rect"
    assert [(lk.src, lk.dst) for lk in store.links(doc_id)] == [(rs[2].id, rs[3].id)]
    assert w2.regions.tree.topLevelItemCount() == 4
    assert w2.canvas.scene_.layer.links == [(rs[2].id, rs[3].id)]
    # undo history survived the restart
    store.undo()
    assert store.links(doc_id) == []
    w2.close()


def test_confirm_and_delete_from_the_regions_list(window):
    rs = regions(window)
    tree = window.regions.tree
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(1))
    QTest.keyClick(tree, Qt.Key.Key_C)
    assert window.store.region(rs[1].id).status == "confirmed"
    tree.setCurrentItem(tree.topLevelItem(0))
    QTest.keyClick(tree, Qt.Key.Key_Delete)
    assert [r.id for r in regions(window)] == [rs[1].id, rs[2].id]


def test_a_value_the_vocabulary_corrected_shows_what_was_read(window):
    from PySide6.QtGui import QColor

    from hanji.domain.model import KeyValue
    from hanji.ui.panes.keyvalues import CORRECTED_COLOR

    store, doc = window.store, window.session.doc_id
    first = regions(window)[0]
    store.update_regions({first.id: {"attrs": {**first.attrs, "value_corrections": [
        {"key": "store_name", "read": "한지문구 홍대졈", "value": "한지문구 홍대점"}]}}})
    store.set_keyvalues(doc, [KeyValue("store_name", "한지문구 홍대점", [first.id], source="machine"),
                              KeyValue("date", "2024-05-01", source="machine")])
    table = window.keyvalues.table
    rows = {table.item(i, 0).toolTip(): table.item(i, 1) for i in range(table.rowCount())}  # the key's id
    fixed, plain = rows["store_name"], rows["date"]
    assert "한지문구 홍대졈" in fixed.toolTip() and fixed.font().italic()
    assert fixed.foreground().color() == QColor(CORRECTED_COLOR)
    assert plain.toolTip() == "" and not plain.font().italic()
    # once a person edits the value it is theirs: no longer shown as corrected
    fixed.setText("한지문구")
    rows = {table.item(i, 0).toolTip(): table.item(i, 1) for i in range(table.rowCount())}  # the key's id
    assert rows["store_name"].toolTip() == ""
