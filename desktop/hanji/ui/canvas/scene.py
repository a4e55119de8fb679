"""The canvas scene: one document's image and its regions, kept in step with the store."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from hanji.errors import HanjiError
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.canvas.image import ImageItem
from hanji.ui.canvas.items import RegionLayer
from hanji.ui.session import Session


def load_qimage(store: ProjectStore, doc_id: int) -> QImage:
    data = store.image_bytes(doc_id)
    img = QImage.fromData(data)
    if img.isNull():
        raise HanjiError(f"the image of document {doc_id} cannot be decoded", store.path)
    return img


class CanvasScene(QGraphicsScene):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.store: ProjectStore | None = None
        self._unsub = None
        self.image_item = ImageItem()
        self.layer = RegionLayer()
        self.addItem(self.image_item)
        self.addItem(self.layer)
        self.doc_id: int | None = None
        session.document_changed.connect(self.load_document)
        session.selection_changed.connect(self._on_selection)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        # the image is painted as the scene's background, which the view keeps as one opaque pixmap
        # (QGraphicsView.CacheBackground): a repaint copies it, a pan scrolls it in place and paints
        # only the strip that comes into view; regions and the overlay are items above it
        self.image_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.setBackgroundBrush(QColor("#2b2d31"))

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, self.backgroundBrush())
        self.image_item.paint_rect(painter, rect)

    def set_store(self, store: ProjectStore | None) -> None:
        if self._unsub:
            self._unsub()
            self._unsub = None
        self.store = store
        if store is not None:
            self._unsub = bridge.subscribe(store, self._on_change)
            self.layer.set_entity_types(store.entity_types())
        self.load_document(self.session.doc_id)

    def load_document(self, doc_id: int | None) -> None:
        self.doc_id = doc_id
        self.layer.clear_preview()
        if self.store is None or doc_id is None:
            self.image_item.set_image(QImage())
            self.invalidate(QRectF(), QGraphicsScene.SceneLayer.BackgroundLayer)
            self.layer.set_regions([])
            self.layer.links = []
            return
        doc = self.store.document(doc_id)
        try:
            img = load_qimage(self.store, doc_id)
        except HanjiError as e:
            self.session.message.emit(str(e))
            img = QImage(doc.width, doc.height, QImage.Format.Format_RGB32)
            img.fill(0xFF808080)
        self.image_item.set_image(img)
        self.invalidate(QRectF(), QGraphicsScene.SceneLayer.BackgroundLayer)
        self.layer.set_bounds(doc.width, doc.height)
        self.setSceneRect(QRectF(-doc.width * 0.25, -doc.height * 0.25, doc.width * 1.5, doc.height * 1.5))
        self.reload_regions()

    def reload_regions(self) -> None:
        if self.store is None or self.doc_id is None:
            return
        regions = self.store.regions(self.doc_id)
        self.layer.set_regions(regions)
        self.layer.links = [(lk.src, lk.dst) for lk in self.store.links(self.doc_id)]
        self.session.prune({r.id for r in regions})

    def _on_change(self, ch: Change) -> None:
        if ch.table == "entity_types":
            self.layer.set_entity_types(self.store.entity_types())
        elif ch.table in ("regions", "links") and self.doc_id in ch.doc_ids:
            self.reload_regions()
        elif ch.table == "documents" and self.doc_id in ch.ids and ch.reason == "delete":
            self.session.set_document(None)

    def _on_selection(self, ids) -> None:
        self.layer.selected = frozenset(ids)
        self.layer.active_vertex = None
        self.layer.update_overlay()
