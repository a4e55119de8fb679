"""File → Import… / Export… driven through the dialogs' own code path, on the worker thread."""

from __future__ import annotations

import io
import json

from PySide6.QtCore import Qt


def png(text: str, size=(360, 120)) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    from hanji.synth.fonts import korean_fonts

    im = Image.new("RGB", size, "white")
    ImageDraw.Draw(im).text((20, 30), text, fill="black", font=ImageFont.truetype(str(korean_fonts()[0]), 28))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def ppocrlabel_folder(root):
    """A PPOCRLabel folder as the tool writes it, with one broken line (line 3)."""
    folder = root / "영수증들"
    folder.mkdir()
    lines = []
    for k, text in enumerate(["가나다 상점", "합계 3,000원"]):
        (folder / f"img_{k}.png").write_bytes(png(text))
        entry = [{"transcription": text, "points": [[18, 28], [300, 28], [300, 70], [18, 70]], "difficult": False}]
        lines.append(f"{folder.name}/img_{k}.png\t{json.dumps(entry, ensure_ascii=False)}")
    (folder / "img_2.png").write_bytes(png("깨진 줄"))
    lines.append(f"{folder.name}/img_2.png\t[{{\"transcription\": \"깨진\", \"points\": [[1, 2], [3]")
    (folder / "Label.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def wait_job(qtbot, window):
    qtbot.waitUntil(lambda: window.job is None, timeout=20000)


def import_dialog(window, path):
    """The Import dialog, opened from its menu action, reading ``path``."""
    window.actions_["project.import"].trigger()
    dlg = window._transfer_dialog
    dlg.path.setText(str(path))
    return dlg


def import_skipping_bad(qtbot, window, path):
    """The Import dialog on ``path``, started with bad items skipped; the dialog, once the job is done."""
    dlg = import_dialog(window, path)
    dlg.skip_bad.setChecked(True)
    assert dlg.start() is not None
    wait_job(qtbot, window)
    return dlg


def labelme_naming_outside(tmp_path, images: dict[str, str]):
    """A labelme folder ``data/`` whose files name images in ``scans/`` beside it (``../scans/NAME.png``),
    one per item of ``images`` (name -> the text drawn on it); (data, scans)."""
    data, outside = tmp_path / "data", tmp_path / "scans"
    data.mkdir()
    outside.mkdir()
    for name, text in images.items():
        (outside / f"{name}.png").write_bytes(png(text))
        (data / f"{name}.json").write_text(json.dumps({"version": "5.5.0", "flags": {}, "shapes": [],
                                                       "imagePath": f"../scans/{name}.png", "imageData": None}))
    return data, outside


def test_import_dialog_ppocrlabel(qtbot, window, tmp_path):
    store = window.store
    before = len(store.documents())
    folder = ppocrlabel_folder(tmp_path)
    window.actions_["project.import"].trigger()
    dlg = window._transfer_dialog
    assert dlg.isVisible()
    names = [dlg.format.itemData(i) for i in range(dlg.format.count())]
    assert "ppocrlabel" in names and "labelme" in names and names[0] == ""  # "" = detect
    dlg.set_format("ppocrlabel")
    assert "Label.txt" in dlg.description.text()
    dlg.path.setText(str(folder))
    dlg.skip_bad.setChecked(True)
    assert dlg.start() is not None
    wait_job(qtbot, window)
    docs = store.documents()
    assert len(docs) == before + 2
    texts = sorted(r.text for d in docs[before:] for r in store.regions(d.id))
    assert texts == ["가나다 상점", "합계 3,000원"]
    assert window.documents.model.rowCount() == before + 2  # the pane shows them
    rep = window._report
    assert rep.isVisible()
    detail = rep.details.toPlainText()
    assert "Label.txt" in detail and "3" in detail  # the file and the line of the bad entry
    assert dlg.report.skipped and "skipped 1" in rep.summary.text()


def test_import_dialog_detects_format_and_rejects_missing_path(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[-1]))
    folder = ppocrlabel_folder(tmp_path)
    dlg = import_dialog(window, tmp_path / "없는 폴더")
    assert dlg.start() is None and dlg.error.text()
    dlg.path.setText(str(folder))
    dlg.skip_bad.setChecked(False)  # without skipping, the broken line stops the import, nothing stays
    before = len(window.store.documents())
    assert dlg.start() is not None
    qtbot.waitUntil(lambda: window.job is None, timeout=20000)
    assert len(window.store.documents()) == before
    assert shown and "Label.txt" in shown[0]  # the error names the file


def test_export_dialog(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window.actions_["project.export"].trigger()
    dlg = window._transfer_dialog
    names = [dlg.format.itemData(i) for i in range(dlg.format.count())]
    assert "ppocrlabel" in names and "hanji" in names
    dlg.set_format("ppocrlabel")
    assert "rec" in dlg.options.placeholderText()
    assert "resident" in dlg.personal.text() or "card" in dlg.personal.text() or dlg.personal.text()
    out = tmp_path / "내보내기"
    dlg.path.setText(str(out))
    assert dlg.start() is not None
    wait_job(qtbot, window)
    assert (out / "Label.txt").exists()  # only checked (done) images go there; Cache.cach has them all
    assert "한지문구 홍대점" in (out / "Cache.cach").read_text(encoding="utf-8")
    assert dlg.report.documents == 2
    # again to the same place: refused until "replace" is ticked
    window.actions_["project.export"].trigger()
    dlg = window._transfer_dialog
    dlg.set_format("labelme")
    dlg.path.setText(str(out))
    assert dlg.start() is None and "exists" in dlg.error.text()
    dlg.overwrite.setChecked(True)
    dlg.scope.setCurrentIndex(dlg.scope.findData("selected"))
    assert dlg.doc_ids() == [window.session.doc_id]
    assert dlg.start() is not None
    wait_job(qtbot, window)
    assert not (out / "Label.txt").exists() and list(out.glob("*.json"))
    # a bad option is a clear error in the dialog, no job starts
    window.actions_["project.export"].trigger()
    dlg = window._transfer_dialog
    dlg.set_format("labelme")
    dlg.path.setText(str(tmp_path / "다른곳"))
    dlg.options.setText("nonsense")
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    assert dlg.start() is None and "KEY=VALUE" in dlg.error.text()
    assert window.documents.view.currentIndex().data(Qt.ItemDataRole.UserRole) == window.session.doc_id


def test_import_dialog_allows_a_folder_outside_the_dataset(qtbot, window, tmp_path, monkeypatch):
    """Images a dataset names out of its folder are refused unless the dialog names their folder (issue 18)."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    data, outside = labelme_naming_outside(tmp_path, {"a": "바깥 이미지"})
    store = window.store
    before = len(store.documents())
    import_skipping_bad(qtbot, window, data)
    assert len(store.documents()) == before
    assert "outside the dataset folder" in window._report.details.toPlainText()
    dlg = import_dialog(window, data)
    dlg.outside.setText(str(tmp_path / "none"))
    assert dlg.start() is None and dlg.error.text()
    dlg.outside.setText(str(outside))
    assert dlg.start() is not None
    wait_job(qtbot, window)
    assert len(store.documents()) == before + 1


def test_import_dialog_asks_to_read_images_outside_the_dataset(qtbot, window, tmp_path, monkeypatch):
    """The dialog asks, naming the folder, and imports again with it allowed when told yes (issue 18)."""
    from PySide6.QtWidgets import QMessageBox

    data, outside = labelme_naming_outside(tmp_path, {str(k): f"바깥 {k}" for k in range(2)})
    asked = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), answer[0])[1])
    store = window.store
    before = len(store.documents())
    dlg = import_skipping_bad(qtbot, window, data)
    assert len(asked) == 1 and str(outside) in asked[0] and asked[0].startswith("2 ")
    assert len(store.documents()) == before  # told no: nothing read from there
    answer[0] = QMessageBox.StandardButton.Yes
    assert dlg.start() is not None
    wait_job(qtbot, window)
    qtbot.waitUntil(lambda: len(store.documents()) == before + 2, timeout=20000)
    assert len(asked) == 2 and not dlg.report.skipped
