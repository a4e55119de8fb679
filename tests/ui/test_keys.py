"""The keys people already know (issue 17, items 3-7), driven through real key events: keymap
presets, the shortcut editor's conflicts, Esc in a text edit, Delete, Ctrl+Enter, entity keys on
the canvas, the Tags pane key, Ctrl+wheel, removing a document, re-sorting and moving in the order."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from hanji.domain.model import Region


def regions(window):
    return window.store.regions(window.session.doc_id)


def center(r):
    xs, ys = [p[0] for p in r.points], [p[1] for p in r.points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def keymap(preset):
    from hanji.ui.actions import ACTIONS, keys_for

    return {a.id: keys_for(a, overrides={}, preset=preset) for a in ACTIONS}


def use_preset(window, pid):
    from hanji.ui import keymaps
    from hanji.ui.actions import apply_keys

    keymaps.set_preset(pid)
    apply_keys(window.actions_)


# ------------------------------------------------------------------------------------------ presets
@pytest.mark.parametrize("pid", ["hanji", "ppocrlabel", "labelme", "xanylabeling"])
def test_every_preset_gives_each_key_to_one_action(pid):
    from hanji.ui.actions import conflicts

    assert conflicts(keymap(pid)) == {}


def test_presets_have_the_peers_keys():
    p = keymap("ppocrlabel")
    for aid, key in [("go.next_doc", "D"), ("go.prev_doc", "A"), ("tool.rect", "W"), ("tool.quad", "Q"),
                     ("label.edit_text", "Ctrl+E"), ("label.confirm_doc", "Ctrl+V"), ("jobs.rerecognize", "Ctrl+R"),
                     ("jobs.rerecognize_all", "Ctrl+Shift+R"), ("label.sort", "Ctrl+B"),
                     ("doc.remove", "Ctrl+Shift+D")]:
        assert key in p[aid], (aid, p[aid])
    m = keymap("labelme")
    for aid, key in [("go.next_doc", "D"), ("go.prev_doc", "A"), ("tool.rect", "Ctrl+R"), ("tool.polygon", "Ctrl+N"),
                     ("label.edit_text", "Ctrl+E"), ("edit.duplicate", "Ctrl+D"), ("doc.remove", "Ctrl+Del")]:
        assert key in m[aid], (aid, m[aid])
    x = keymap("xanylabeling")
    for aid, key in [("go.next_doc", "D"), ("tool.rect", "R"), ("tool.polygon", "P"), ("doc.remove", "Ctrl+Del"),
                     ("jobs.preannotate_doc", "Ctrl+M")]:
        assert key in x[aid], (aid, x[aid])


def test_ppocrlabel_keys_drive_the_window(window, canvas):
    use_preset(window, "ppocrlabel")
    ids = window.documents.visible_ids()
    first = window.session.doc_id
    canvas.key(Qt.Key.Key_D)
    assert window.session.doc_id == ids[ids.index(first) + 1]
    canvas.key(Qt.Key.Key_A)
    assert window.session.doc_id == first
    canvas.key(Qt.Key.Key_W)
    assert window.canvas.tool.name == "rect"
    canvas.key(Qt.Key.Key_Q)
    assert window.canvas.tool.name == "quad"


def test_first_run_asks_for_a_preset(window, qtbot):
    from hanji.ui import keymaps
    from hanji.ui.dialogs.shortcuts import maybe_choose_keymap

    assert keymaps.preset() is None

    def answer():
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(20, answer)
            return
        dlg.findChild(type(dlg.buttons["labelme"]), "preset:labelme").click()
        dlg.accept()

    QTimer.singleShot(20, answer)
    assert maybe_choose_keymap(window) == "labelme"
    assert keymaps.preset() == "labelme"
    assert QKeySequence("Ctrl+R") in window.actions_["tool.rect"].shortcuts()
    assert maybe_choose_keymap(window) is None  # asked once


# ------------------------------------------------------------------------------------ the editor
def _answer_box(button_text: str):
    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        for b in box.buttons():
            if b.text().replace("&", "") == button_text:
                b.click()
                return
        texts = [b.text() for b in box.buttons()]
        box.reject()  # never leave a modal box open: the test fails on its assertions instead of hanging
        raise AssertionError(texts)

    QTimer.singleShot(20, answer)


def _type_key(qtbot, dlg, aid, key, mods=Qt.KeyboardModifier.NoModifier):
    ed = dlg.edits[aid]
    ed.setFocus()
    ed.clear()
    with qtbot.waitSignal(ed.editingFinished, timeout=5000):
        QTest.keyClick(ed, key, mods)


def test_shortcut_editor_warns_on_a_taken_key_and_swaps_keeping_other_keys(window, qtbot):
    from hanji.ui.actions import conflicts
    from hanji.ui.dialogs.shortcuts import ShortcutEditor

    dlg = ShortcutEditor(window.actions_, window)
    dlg.show()
    assert dlg.keys["view.fit"] == ["F", "Ctrl+0"]
    # D is "Mark difficult": cancel keeps everything as it was
    _answer_box("Cancel")
    _type_key(qtbot, dlg, "view.fit", Qt.Key.Key_D)
    assert dlg.keys["view.fit"] == ["F", "Ctrl+0"] and dlg.keys["label.difficult"] == ["D"]
    assert dlg.edits["view.fit"].keySequence() == QKeySequence("F")
    # swap: fit gets D (and keeps Ctrl+0), difficult gets F
    _answer_box("Swap")
    _type_key(qtbot, dlg, "view.fit", Qt.Key.Key_D)
    assert dlg.keys["view.fit"] == ["D", "Ctrl+0"] and dlg.keys["label.difficult"] == ["F"]
    dlg.apply()
    assert window.actions_["view.fit"].shortcuts() == [QKeySequence("D"), QKeySequence("Ctrl+0")]
    assert window.actions_["label.difficult"].shortcuts() == [QKeySequence("F")]
    from hanji.ui.actions import ACTIONS

    now = {a.id: [s.toString() for s in window.actions_[a.id].shortcuts()] for a in ACTIONS}
    assert conflicts(now) == {}
    # a key nobody has: no question, the other keys stay
    _type_key(qtbot, dlg, "edit.redo", Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    assert dlg.keys["edit.redo"] == ["Alt+J", "Ctrl+Y"]
    dlg.restore_defaults()
    assert window.actions_["view.fit"].shortcuts() == [QKeySequence("F"), QKeySequence("Ctrl+0")]


def test_shortcut_editor_preset_choice(window, qtbot):
    from hanji.ui import keymaps
    from hanji.ui.dialogs.shortcuts import ShortcutEditor

    dlg = ShortcutEditor(window.actions_, window)
    dlg.preset.setCurrentIndex(dlg.preset.findData("xanylabeling"))
    dlg.preset.activated.emit(dlg.preset.currentIndex())
    assert dlg.keys["tool.rect"] == ["R", "Ctrl+R"]
    dlg.apply()
    assert keymaps.preset() == "xanylabeling"
    assert window.actions_["jobs.preannotate_doc"].shortcut() == QKeySequence("Ctrl+M")


# --------------------------------------------------------------------------------- editing keys
def test_esc_cancels_a_text_edit(window, canvas, qtbot):
    r0 = regions(window)[0]
    canvas.click(*center(r0))
    canvas.key(Qt.Key.Key_Return)
    field = window.transcription.field
    qtbot.waitUntil(field.hasFocus)
    QTest.keyClicks(field, "wrong text")  # (QTest types Latin-1 only; Hangul through an IME: test_ime.py)
    QTest.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == r0.text
    assert window.canvas.hasFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_Tab)  # Tab used to save what was typed
    assert window.store.region(r0.id).text == r0.text
    assert "wrong" not in " ".join(r.text for r in regions(window))


def test_delete_selects_the_next_region(window, canvas):
    rs = regions(window)
    canvas.click(*center(rs[0]))
    canvas.key(Qt.Key.Key_Delete)
    assert window.session.selection == {rs[1].id} and window.session.current == rs[1].id
    canvas.key(Qt.Key.Key_Delete)
    assert window.session.current == rs[2].id
    canvas.key(Qt.Key.Key_Delete)  # the last one: nothing left to select
    assert regions(window) == []


def test_ctrl_enter_confirms_and_goes_to_the_next_document_not_done(window, canvas):
    ids = window.documents.visible_ids()
    first = window.session.doc_id
    other = next(d for d in ids if d != first)
    window.store.update_document(other, status="done")
    window.store.add_image_bytes("세번째.png", _png())
    ids = window.documents.visible_ids()
    third = ids[-1]
    canvas.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.store.document(first).status == "done"
    assert window.session.doc_id == third  # the done one is passed over


def _png() -> bytes:
    from tests.ui.conftest import render

    return render([("세번째 문서", [], 40, 40)])


def test_entity_keys_tag_the_selected_region_from_the_canvas(window, canvas):
    rs = regions(window)
    canvas.click(*center(rs[2]))
    canvas.key(Qt.Key.Key_5)  # 5: date on a receipt
    tags = window.store.region(rs[2].id).tags
    assert tags[0] == "B-date" and all(t == "I-date" for t in tags[1:])
    assert window.store.region(rs[2].id).attrs.get("tags_source") == "human"
    canvas.key(Qt.Key.Key_0)
    assert set(window.store.region(rs[2].id).tags) == {"O"}


def test_a_key_focuses_the_tags_pane_with_the_region_s_tokens(window, canvas, qtbot):
    rs = regions(window)
    canvas.click(*center(rs[1]))
    canvas.key(Qt.Key.Key_T)
    view = window.tags.view
    assert view.hasFocus()
    assert view.textCursor().selectedText() == rs[1].text
    QTest.keyClick(view, Qt.Key.Key_5)  # and an entity key there tags them
    assert window.store.region(rs[1].id).tags[0] == "B-date"
    first = window.session.doc_id
    use_preset(window, "ppocrlabel")
    QTest.keyClick(view, Qt.Key.Key_A)  # 'a' is an entity key here, not "previous document"
    assert window.session.doc_id == first


def _wheel(view, dy, mods=Qt.KeyboardModifier.NoModifier):
    vp = view.viewport()
    pos = QPointF(vp.width() / 2, vp.height() / 2)
    ev = QWheelEvent(pos, QPointF(vp.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, dy),
                     Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, ev)


def test_ctrl_wheel_zooms_and_the_wheel_scrolls(window, qtbot):
    view = window.canvas
    view.set_zoom(4.0)
    view.settle_zoom()
    z, v = view.scale_factor(), view.verticalScrollBar().value()
    _wheel(view, -120)
    assert view.scale_factor() == pytest.approx(z) and view.verticalScrollBar().value() != v
    _wheel(view, 120, Qt.KeyboardModifier.ControlModifier)
    assert view.scale_factor() > z * 1.1
    window.actions_["view.wheel_zooms"].trigger()  # the old behaviour, as a setting
    from hanji.ui import settings

    assert settings.wheel_zooms()
    z = view.scale_factor()
    _wheel(view, 120)
    assert view.scale_factor() > z * 1.1


# ------------------------------------------------------------------------------ removing documents
def test_remove_a_document_with_its_key_and_undo_it(window, canvas, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    doc = window.session.doc_id
    before = [(r.text, r.tags) for r in regions(window)]
    n = len(window.documents.visible_ids())
    assert window.actions_["doc.remove"] in window.documents.view.actions()  # the context menu has it
    canvas.key(Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(window.documents.visible_ids()) == n - 1 and doc not in window.documents.visible_ids()
    assert window.session.doc_id is not None and window.session.doc_id != doc
    canvas.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc in window.documents.visible_ids()
    assert [(r.text, r.tags) for r in window.store.regions(doc)] == before
    # a document added after a removal never takes the removed one's id
    window.store.remove_documents([doc])
    new, _ = window.store.add_image_bytes("새 문서.png", _png())
    assert new.id > doc


def test_hanji_remove_command(tmp_path, capsys):
    from hanji.cli import main
    from tests.ui.conftest import make_project

    path = tmp_path / "p.hanji"
    make_project(path).close()
    assert main(["remove", str(path), "없는_문서.png"]) == 1
    assert "없는_문서.png" in capsys.readouterr().err
    assert main(["remove", str(path), "영수증_1.png", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in out["removed"]] == ["영수증_1.png"]
    from hanji.store.project import ProjectStore

    with ProjectStore.open(path) as store:
        assert [d.name for d in store.documents()] == ["영수증_2.png"]
        assert store.undo() == "remove document"
        assert len(store.documents()) == 2 and len(store.regions(store.documents()[0].id)) == 3
        size = store.counts()["image_bytes"]
    # --purge: for good, the image's bytes leave the file
    assert main(["remove", str(path), "영수증_2.png", "--purge", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["purged"] is True
    with ProjectStore.open(path) as store:
        assert [d.name for d in store.documents()] == ["영수증_1.png"]
        assert store.counts()["image_bytes"] < size


# -------------------------------------------------------------------------------------- the order
def test_ctrl_b_resorts_and_alt_arrows_move_in_the_order(window, canvas):
    rs = regions(window)
    window.store.set_order(window.session.doc_id, [rs[2].id, rs[0].id, rs[1].id])
    canvas.key(Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert [r.id for r in regions(window)] == [r.id for r in rs]
    canvas.click(*center(rs[0]))
    canvas.key(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [r.id for r in regions(window)] == [rs[1].id, rs[0].id, rs[2].id]
    assert window.session.current == rs[0].id
    canvas.key(Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [r.id for r in regions(window)] == [r.id for r in rs]
    assert regions(window)[0].points == rs[0].points  # Alt+arrows move in the order, not on the page


def test_a_new_region_takes_its_place_in_the_order(window, canvas):
    rs = regions(window)  # lines at y 36-84, 116-164, 196-244
    canvas.key(Qt.Key.Key_R)
    canvas.drag(40, 168, 300, 192)  # between the second and the third line
    got = regions(window)
    assert len(got) == 4
    assert [r.id for r in got][:2] == [rs[0].id, rs[1].id] and got[3].id == rs[2].id
    assert [r.order for r in got] == [0, 1, 2, 3]
    window.commands.undo()  # one step: the new region goes, the order is as it was
    assert [(r.id, r.order) for r in regions(window)] == [(r.id, r.order) for r in rs]


def test_region_added_in_code_below_all_goes_last(window):
    from hanji.domain.order import insert_position

    shapes = [r.points for r in regions(window)]
    assert insert_position(shapes, [(40, 400), (200, 400), (200, 430), (40, 430)]) == len(shapes)
    assert insert_position(shapes, [(40, 0), (200, 0), (200, 20), (40, 20)]) == 0
    assert insert_position([], Region(points=[(0, 0), (1, 0), (1, 1)], kind="polygon").points) == 0
