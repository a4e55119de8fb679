"""File → Export…: the dialog lists the project's personal fields and its checkbox masks them."""

from __future__ import annotations

CARD = "4111-1111-1111-1111"


def test_export_dialog_mask_checkbox(qtbot, window, tmp_path):
    from hanji.domain.model import Region

    store = window.store
    doc_id = window.session.doc_id
    store.add_regions(doc_id, [Region([(40, 250), (400, 250), (400, 290), (40, 290)], text=f"카드번호 {CARD}",
                                      tags=["O", "B-card_number"], status="confirmed")], record=False)

    def export(to, mask: bool):
        window.actions_["project.export"].trigger()
        dlg = window._transfer_dialog
        dlg.set_format("labelme")
        assert dlg.mask.isEnabled() and not dlg.mask.isChecked() and dlg.keep.isChecked()  # a choice, not a default
        assert "card_number" in dlg.personal.text() and "Card number" in dlg.personal.text()
        assert "store_name" not in dlg.personal.text()
        (dlg.mask if mask else dlg.keep).setChecked(True)
        dlg.path.setText(str(to))
        assert dlg.start() is not None
        qtbot.waitUntil(lambda: window.job is None, timeout=20000)
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(to.glob("*.json")))

    plain = export(tmp_path / "plain", False)
    masked = export(tmp_path / "masked", True)
    assert CARD in plain
    assert CARD not in masked and "4111-11**-****-****" in masked
    assert "한지문구 홍대점" in masked  # fields that are not personal stay
    assert any(r.text == f"카드번호 {CARD}" for r in store.regions(doc_id))  # the project keeps the number


def test_export_dialog_without_personal_fields(qtbot, window):
    store = window.store
    for e in store.entity_types():
        if e.personal:
            e.personal = False
            store.set_entity_type(e, record=False)
    window.actions_["project.export"].trigger()
    dlg = window._transfer_dialog
    assert not dlg.mask.isEnabled() and not dlg.mask.isChecked()
    assert "No field" in dlg.personal.text()


def test_export_dialog_says_images_are_masked_too(qtbot, window):
    window.actions_["project.export"].trigger()
    dlg = window._transfer_dialog
    assert not dlg.mask.isChecked() and "unchanged" in dlg.personal.text()  # nothing masked unless chosen
    dlg.mask.setChecked(True)  # choosing it says what it will change
    assert "painted over in the images" in dlg.personal.text() and "cannot learn" in dlg.personal.text()
    assert "copied as they are" not in dlg.personal.text()
