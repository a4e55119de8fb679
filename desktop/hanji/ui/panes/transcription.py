"""The selected region's crop, rectified upright, above its text field.

The field commits to the store on Enter, Tab, focus loss and whenever the current region changes.
Korean input-method composition (preedit) is committed first, so a syllable being composed is
never lost when the person presses Enter, Tab or clicks another region.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QInputMethodEvent, QKeyEvent, QPixmap
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from hanji.domain import geometry
from hanji.domain.model import Region
from hanji.domain.text import nfc
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.i18n import tr
from hanji.ui.session import Session


def rectified_crop(image: np.ndarray, r: Region, max_h: int = 400) -> np.ndarray:
    """The region's pixels warped to an upright rectangle (polygons use their smallest rotated box)."""
    from hanji import imaging  # imported on first use: keeps the window's startup short

    quad = r.points if r.kind in ("quad", "rect") and len(r.points) == 4 else geometry.min_area_quad(r.points)
    quad = geometry.order_quad(quad)
    w, h = geometry.quad_size(quad)
    if h > max_h:
        w, h = max(1, int(w * max_h / h)), max_h
    return imaging.warp_quad(image, quad, (w, h))


class TextField(QLineEdit):
    """A line edit that knows its pending input-method preedit and can commit it."""

    committed = Signal(str)  # Enter: the text was saved; the caller may give the canvas back the keys
    cancelled = Signal()  # Esc: the typed text is dropped (the region keeps its text)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.preedit = ""

    def inputMethodEvent(self, ev: QInputMethodEvent) -> None:
        super().inputMethodEvent(ev)
        self.preedit = ev.preeditString()

    def flush_preedit(self) -> None:
        """Turn a composition in progress into text (as the IME would on Enter)."""
        if not self.preedit:
            return
        QGuiApplication.inputMethod().commit()
        if self.preedit:  # the platform IME did not commit it (or there is none): do it here
            text = self.preedit
            ev = QInputMethodEvent("", [])
            ev.setCommitString(text)
            self.inputMethodEvent(ev)
            self.preedit = ""

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush_preedit()
            self.committed.emit(self.text())
            return
        if ev.key() == Qt.Key.Key_Escape:
            if self.preedit:  # a composition in progress is dropped, not committed
                QGuiApplication.inputMethod().reset()
                self.preedit = ""
            self.cancelled.emit()
            return
        super().keyPressEvent(ev)

    def focusOutEvent(self, ev) -> None:
        self.flush_preedit()
        super().focusOutEvent(ev)


class TranscriptionPane(QWidget, bridge.StoreBound):
    give_back_focus = Signal()

    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.region_id: int | None = None
        self._image: tuple[int, np.ndarray] | None = None
        self.crop = QLabel(tr("No region selected"), self)
        self.crop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.crop.setMinimumHeight(70)
        self.crop.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.crop.setStyleSheet("background:#1e1f22;color:#aaa;border-radius:4px")
        self.field = TextField(self)
        self.field.setObjectName("transcription")
        f = self.field.font()
        f.setPointSize(f.pointSize() + 4)
        self.field.setFont(f)
        self.field.setEnabled(False)
        self.field.committed.connect(self._on_enter)
        self.field.cancelled.connect(self._on_escape)
        self.field.editingFinished.connect(self.commit)
        self.info = QLabel("", self)
        self.info.setStyleSheet("color:#888")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.crop, 1)
        lay.addWidget(self.field)
        lay.addWidget(self.info)
        session.about_to_change.connect(self.commit)
        session.current_changed.connect(self.show_region)
        session.document_changed.connect(lambda _: setattr(self, "_image", None))
        session.focus_text.connect(self.focus_field)
        self.set_store(store)

    def set_store(self, store: ProjectStore | None) -> None:
        self.bind_store(store)
        self._image = None
        self.show_region(self.session.current)

    def focus_field(self) -> None:
        if self.field.isEnabled():
            self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.field.selectAll()

    def commit(self) -> None:
        """Save the field's text (with any preedit) to the region it shows, if it changed."""
        if self.store is None or self.region_id is None:
            return
        self.field.flush_preedit()
        text = nfc(self.field.text())
        try:
            r = self.store.region(self.region_id)
        except Exception:
            return
        if text != r.text:
            text = text.strip()  # a space typed before or after the text is not part of it
        if text != r.text:
            changes = {"text": text}
            if r.status in ("machine", "review"):
                changes["status"] = "edited"
            self.store.update_region(self.region_id, label="edit text", **changes)

    def _on_enter(self, text: str) -> None:
        self.commit()
        self.give_back_focus.emit()

    def _on_escape(self) -> None:
        """Esc: the field goes back to the region's text, nothing is saved, the canvas has the keys."""
        if self.store is not None and self.region_id is not None:
            try:
                self.field.setText(self.store.region(self.region_id).text)
            except Exception:
                pass
        self.give_back_focus.emit()

    def _on_change(self, ch: Change) -> None:
        if ch.table == "regions" and self.region_id in ch.ids:
            self.show_region(self.region_id, keep_edit=True)

    def _doc_image(self, doc_id: int) -> np.ndarray | None:
        if self._image is None or self._image[0] != doc_id:
            from hanji import imaging

            try:
                self._image = (doc_id, imaging.decode(self.store.image_bytes(doc_id)))
            except Exception:
                return None
        return self._image[1]

    def show_region(self, rid, keep_edit: bool = False) -> None:
        self.region_id = rid
        r = None
        if self.store is not None and rid is not None:
            try:
                r = self.store.region(rid)
            except Exception:
                r = None
        if r is None:
            self.region_id = None
            self.field.blockSignals(True)
            self.field.clear()
            self.field.blockSignals(False)
            self.field.setEnabled(False)
            self.crop.setPixmap(QPixmap())
            self.crop.setText(tr("No region selected"))
            self.info.setText("")
            return
        self.field.setEnabled(True)
        if not (keep_edit and self.field.hasFocus() and self.field.isModified()):
            self.field.blockSignals(True)
            self.field.setText(r.text)
            self.field.setModified(False)
            self.field.blockSignals(False)
        conf = "" if r.confidence is None else f" · {r.confidence:.2f}"
        mt = f" · OCR: {r.machine_text}" if r.machine_text and r.machine_text != r.text else ""
        self.info.setText(f"{tr(r.kind if r.kind != 'rect' else 'Rectangle')} · {tr(r.status)}{conf}{mt}")
        img = self._doc_image(r.doc_id)
        if img is None:
            return
        crop = np.ascontiguousarray(rectified_crop(img, r))
        h, w = crop.shape[:2]
        qimg = QImage(crop.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        pm = QPixmap.fromImage(qimg)
        # fit the crop into the label, enlarging small text at most 3 times (more is only blur)
        avail_w, avail_h = max(50, self.crop.width() - 8), max(40, min(self.crop.height() - 8, 160))
        f = min(avail_w / pm.width(), avail_h / pm.height(), 3.0)
        self.crop.setPixmap(pm.scaled(max(1, int(pm.width() * f)), max(1, int(pm.height() * f)),
                                      Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if self.region_id is not None:
            self.show_region(self.region_id, keep_edit=True)
