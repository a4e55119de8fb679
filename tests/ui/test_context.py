"""Context that follows the document (issue 17, items 10-12): entity legend, keys and colours by
document type, entity names on hover, a new project's schema, display names in the UI language,
filters, recent projects, the empty project."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from hanji.domain.schemas import DOC_TYPES, PALETTE, schema_entity_types, types_for
from helpers import render_lines, shown_window

OKABE_ITO = {"#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"}


@pytest.mark.parametrize("schema", ["default", "receipt", "business_registration", "funsd"])
def test_every_entity_has_a_key_and_its_own_colour_from_a_colour_blind_safe_palette(schema):
    types = schema_entity_types(schema)
    assert all(e.key for e in types), [e.name for e in types if not e.key]
    assert len({e.color for e in types}) == len(types)  # no two entities share a colour
    assert OKABE_ITO <= set(PALETTE) and all(e.color in PALETTE for e in types)
    for dt in ["receipt", "id_card", "business_registration", "credit_card"] if schema == "default" else []:
        keys = [e.key for e in types_for(types, dt)]
        assert len(keys) == len(set(keys)), dt  # the keys of one document type never collide
        assert {e.name for e in types_for(types, dt)} == {f for f, _, _ in DOC_TYPES[dt]}


def _typed_project(path, doc_type):
    from hanji.domain.model import Region
    from hanji.store.project import ProjectStore

    store = ProjectStore.create(path, schema_entity_types("default"))
    doc, _ = store.add_image_bytes("사업자등록증_1.png", render_lines([("등록번호 123-45-67890", [], 40, 40)]))
    store.update_document(doc.id, doc_type=doc_type, record=False)
    store.add_regions(doc.id, [Region(points=[(30, 30), (600, 30), (600, 90), (30, 90)], kind="quad",
                                      text="등록번호 123-45-67890", tags=["O", "B-registration_number"],
                                      status="machine", order=0)], record=False)
    return store, doc


@pytest.fixture
def typed(qtbot, tmp_path):
    store, doc = _typed_project(tmp_path / "b.hanji", "business_registration")
    w = shown_window(qtbot, store)
    yield w, doc
    w.close()


def test_the_legend_and_keys_follow_the_document_type(typed):
    w, doc = typed
    pane = w.tags
    names = {e.name for e in pane.shown}
    assert names == {f for f, _, _ in DOC_TYPES["business_registration"]}
    legend = pane.legend.text()
    assert "Registration no." in legend and "Total" not in legend and "Phone" not in legend
    assert "entity" in pane.colour_note.text() and "status" in pane.colour_note.text()  # what colour means
    reg = next(e for e in pane.shown if e.name == "registration_number")
    # select the first token and press the registration number's key: it tags that entity (not the receipt's)
    c = pane.view.textCursor()
    c.setPosition(0)
    c.setPosition(4, c.MoveMode.KeepAnchor)
    pane.view.setTextCursor(c)
    QTest.keyClicks(pane.view, reg.key)
    assert w.store.regions(doc.id)[0].tags[0] == "B-registration_number"
    # the type set by hand from the pane: the legend follows at once
    pane.doc_type.setCurrentIndex(pane.doc_type.findData("credit_card"))
    pane.doc_type.activated.emit(pane.doc_type.currentIndex())
    assert w.store.document(doc.id).doc_type == "credit_card"
    assert {e.name for e in pane.shown} == {f for f, _, _ in DOC_TYPES["credit_card"]}


def test_hovering_a_tagged_token_shows_its_entity(typed, qtbot):
    w, _ = typed
    view = w.tags.view
    text = view.toPlainText()
    at = text.index("123")
    assert w.tags.tooltip_at(at + 1) == "Registration no."
    assert w.tags.tooltip_at(1) == ""  # an untagged token
    c = view.textCursor()
    c.setPosition(at + 1)
    r = view.cursorRect(c)
    pos = view.viewport().mapTo(view, r.center())
    QApplication.sendEvent(view, QHelpEvent(QHelpEvent.Type.ToolTip, pos, view.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == "Registration no.", timeout=3000)


def test_a_new_project_asks_for_its_schema(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from hanji.ui import settings

    seen = {}

    def save_name(parent, title, folder, filt):
        seen["folder"] = folder
        return str(tmp_path / "card"), filt

    def pick(parent, title, label, items, current, editable):
        seen["items"] = items
        return next(t for t in items if "Credit card" in t), True

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window.new_project()
    assert window.store.path.name == "card.hanji"
    assert {e.name for e in window.store.entity_types()} == {f for f, _, _ in DOC_TYPES["credit_card"]}
    assert len(seen["items"]) >= 6
    assert seen["folder"] == settings.start_folder() and seen["folder"]  # the user's documents folder


def test_charts_and_key_values_show_display_names_in_the_ui_language(tmp_path):
    from hanji.domain.model import KeyValue
    from hanji.ui import i18n
    from hanji.ui.panes.dashboard import chart_list

    store, doc = _typed_project(tmp_path / "c.hanji", "business_registration")
    store.set_keyvalues(doc.id, [KeyValue("registration_number", "123-45-67890", [])], record=False)
    from hanji.jobs import quality as jq

    stats = jq.statistics(store)
    try:
        for lang, reg, title in (("en", "Registration no.", "Entities"), ("ko", "등록번호", "개체")):
            i18n.set_language(lang)
            charts = chart_list(store, stats)
            labels = [lab for c in charts for lab in c.labels]
            assert reg in labels and "registration_number" not in labels
            assert any(title in c.title for c in charts)
        assert any("사업자등록증" in lab for c in charts for lab in c.labels)
    finally:
        i18n.set_language("en")
        store.close()


def test_the_key_values_pane_shows_display_names_and_keeps_the_ids(typed):
    from hanji.domain.model import KeyValue
    from hanji.ui import i18n

    w, doc = typed
    w.store.set_keyvalues(doc.id, [KeyValue("registration_number", "123-45-67890", [])])
    pane = w.keyvalues
    assert pane.table.item(0, 0).text() == "Registration no."
    pane.table.item(0, 1).setText("123-45-67891")  # an edit of the value keeps the key's id
    assert w.store.keyvalues(doc.id)[0].key == "registration_number"
    assert w.store.keyvalues(doc.id)[0].value == "123-45-67891"
    i18n.set_language("ko")
    try:
        pane.reload()
        assert pane.table.item(0, 0).text() == "등록번호" and pane.table.item(0, 2).text() == "사람"
    finally:
        i18n.set_language("en")


def test_documents_filter_by_status_and_type(window):
    store = window.store
    first, second = [d.id for d in store.documents()]
    store.update_document(first, status="done", doc_type="receipt")
    store.update_document(second, doc_type="credit_card")
    pane = window.documents
    pane.status_filter.setCurrentIndex(pane.status_filter.findData("done"))
    assert pane.visible_ids() == [first]
    pane.status_filter.setCurrentIndex(0)
    assert pane.visible_ids() == [first, second]
    pane.type_filter.setCurrentIndex(pane.type_filter.findData("credit_card"))
    assert pane.visible_ids() == [second]
    assert pane.type_filter.currentText() == "Credit card"
    pane.filter.setText("_1")  # the name filter still works with the others
    assert pane.visible_ids() == []


def test_an_empty_project_says_what_to_do(qtbot, tmp_path, monkeypatch):
    from hanji.store.project import ProjectStore
    from hanji.ui.mainwindow import MainWindow

    w = MainWindow(ProjectStore.create(tmp_path / "empty.hanji", schema_entity_types("receipt")))
    qtbot.addWidget(w)
    w.show()
    pane = w.documents
    assert pane.empty.isVisible() and not pane.view.isVisible()
    assert "Add" in pane.empty_text.text() and "import" in pane.empty_text.text()
    asked = []
    monkeypatch.setattr(w, "add_images_dialog", lambda: asked.append("add"))
    w.documents.add_images_requested.disconnect()
    w.documents.add_images_requested.connect(w.add_images_dialog)
    buttons = {b.text(): b for b in pane.empty.findChildren(__import__("PySide6.QtWidgets").QtWidgets.QPushButton)}
    buttons["Add images…"].click()
    assert asked == ["add"]
    w.store.add_image_bytes("a.png", render_lines([("가", [], 10, 10)]))
    qtbot.waitUntil(lambda: pane.view.isVisible() and not pane.empty.isVisible())
    w.close()


def test_file_names_are_not_cut_in_a_narrow_documents_pane(window, qtbot):
    from hanji.ui.panes.documents import NAME_FLAGS

    store = window.store
    long = "사업자등록증_스캔_2024-05-01_고해상도_원본.png"
    store.add_image_bytes(long, render_lines([("나", [], 10, 10)]))
    pane = window.documents
    window.resizeDocks([window.docks["documents"]], [190], Qt.Orientation.Horizontal)  # as at 1280 px
    qtbot.wait(50)
    view = pane.view
    delegate = view.itemDelegate()
    fm = view.fontMetrics()
    for row in range(pane.proxy.rowCount()):
        idx = pane.proxy.index(row, 0)
        name = idx.data(Qt.ItemDataRole.UserRole + 1)
        rect = view.visualRect(idx)
        width = delegate.text_width()
        need = fm.boundingRect(0, 0, width, 10000, int(NAME_FLAGS), name)
        assert need.width() <= width and need.height() + fm.height() <= rect.height(), name
        assert rect.right() <= view.viewport().width()


def test_display_names_of_fields_shared_by_several_schemas():
    from hanji.domain.schemas import display_name

    assert display_name("address", "주소", "en") == "Address"  # sroie names it "address", receipts 주소
    assert display_name("total", "합계", "en") == "Total"
    assert display_name("total", "합계", "ko") == "합계"
    assert display_name("store_name", "가게 이름", "en") == "가게 이름"  # renamed by a person: theirs


def test_an_old_project_gets_keys_and_colours_of_its_own(window):
    from hanji.domain.schemas import schema_clashes
    from hanji.ui.dialogs.schema import SchemaDialog

    store = window.store
    types = store.entity_types()
    with store.group("old schema"):  # as projects were made before: keys ran out, colours wrapped
        for k, e in enumerate(types):
            e.key = "" if k >= 3 else e.key
            e.color = "#e6194b" if k % 2 else e.color
            store.set_entity_type(e)
    assert schema_clashes(store.entity_types())
    dlg = SchemaDialog(store, window)
    dlg.fill.click()
    dlg.apply()
    after = store.entity_types()
    assert schema_clashes(after) == [] and all(e.key for e in after)
    assert after[0].key == types[0].key and after[0].color == types[0].color  # its own already: kept
