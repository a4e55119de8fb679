"""The canvas scene: one document's image and its regions, kept in step with the store."""

from __future__ import annotations

import threading
from functools import partial

from PySide6.QtCore import QCoreApplication, QRectF, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from hanji.errors import HanjiError
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.canvas import decode
from hanji.ui.canvas.image import ImageItem, start_worker
from hanji.ui.canvas.items import RegionLayer
from hanji.ui.canvas.style import bake_spec
from hanji.ui.session import Session


def load_qimage(store: ProjectStore, doc_id: int) -> QImage:
    """The document's image, decoded whole (decode.py)."""
    return decode.decode(store.image_bytes(doc_id), doc_id, store.path)


# after an edit the regions are baked again this long after the GUI thread is idle (a burst of edits,
# arrow-key nudges, bakes once; until then zoom steps paint them live)
BAKE_DELAY_MS = 300


class CanvasScene(QGraphicsScene):
    # why the document's image cannot be shown ("" when it is shown); the view puts it over the canvas
    problem_changed = Signal(str)
    # (load number, the whole image or a null one, why not) from the worker that decodes a large JPEG
    # behind its overview; queued to the GUI thread
    _decoded = Signal(int, QImage, str)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.problem = ""
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
        # the page image and the regions over it are painted as the scene's background, which the
        # view keeps as one opaque pixmap (QGraphicsView.CacheBackground): a repaint copies it, a pan
        # scrolls it in place and paints only the strip that comes into view; an edit invalidates the
        # regions it touches (RegionLayer.repaint_regions) and they are painted again over the image
        # rendering kept below. The overlay (selection, hover, tools) is an item above.
        self.image_item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.setBackgroundBrush(QColor("#2b2d31"))
        self._bake_timer = QTimer(self)
        self._bake_timer.setSingleShot(True)
        self._bake_timer.setInterval(BAKE_DELAY_MS)
        self._bake_timer.timeout.connect(self.bake_regions)
        self._image_cache: QPixmap | None = None  # the image alone, as last painted at _image_key
        self._image_key: tuple | None = None
        self._last_key: tuple | None = None
        self._load = 0  # load_document's count: a whole image decoded for an older load is dropped
        self._decoder: threading.Thread | None = None
        self._decoded.connect(self._take_whole)

    def drop_image_cache(self) -> None:
        self._image_cache = self._image_key = self._last_key = None

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        baked = self._paint_image(painter, rect)
        self.layer.paint_rect(painter, rect, baked=baked)

    def _paint_image(self, painter: QPainter, rect: QRectF) -> bool:
        """The background colour and the page image. While the view's transform changes (zooming) the
        tiles are painted directly, with the regions' fills and outlines baked in when the bake is up to
        date (then True is returned); once a transform is painted a second time (regions repainted after an edit,
        a drag), the image is kept as a pixmap at that transform and copied from then on."""
        t = painter.worldTransform()
        dev = painter.device()
        key = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy(), dev.width(), dev.height(),
               dev.devicePixelRatio(), self.image_item.image.cacheKey())
        if key == self._image_key and self._image_cache is not None:
            painter.save()
            painter.resetTransform()
            painter.drawPixmap(0, 0, self._image_cache)
            painter.restore()
            return False
        if key != self._last_key or not isinstance(dev, QPixmap):
            self._last_key = key
            self._fill_around_page(painter, rect)
            layer = self.layer
            shapes = layer.bake_key if not (layer.preview or layer.hidden) else None
            return self.image_item.paint_rect(painter, rect, shapes)
        pm = QPixmap(dev.size())
        pm.setDevicePixelRatio(dev.devicePixelRatio())
        p = QPainter(pm)
        p.setWorldTransform(t)
        whole = t.inverted()[0].mapRect(QRectF(0, 0, dev.width() / dev.devicePixelRatio(),
                                               dev.height() / dev.devicePixelRatio()))
        self._fill_around_page(p, whole)
        self.image_item.paint_rect(p, whole)
        p.end()
        self._image_cache, self._image_key = pm, key
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(0, 0, pm)
        painter.restore()
        return False

    def _fill_around_page(self, painter: QPainter, rect: QRectF) -> None:
        """The background colour over the part of ``rect`` that the page image does not cover (all of
        it when the image has transparency): up to four bands around the page."""
        img = self.image_item
        page = img.boundingRect()
        if img.image.hasAlphaChannel() or page.isEmpty() or not page.intersects(rect):
            painter.fillRect(rect, self.backgroundBrush())
            return
        brush = self.backgroundBrush()
        # without antialiasing, like the image's tiles: the bands and the page then meet edge to edge
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        left, right, top, bottom = rect.left(), rect.right(), rect.top(), rect.bottom()
        if top < page.top():
            painter.fillRect(QRectF(left, top, rect.width(), page.top() - top), brush)
        if bottom > page.bottom():
            painter.fillRect(QRectF(left, page.bottom(), rect.width(), bottom - page.bottom()), brush)
        y0, y1 = max(top, page.top()), min(bottom, page.bottom())
        if left < page.left():
            painter.fillRect(QRectF(left, y0, page.left() - left, y1 - y0), brush)
        if right > page.right():
            painter.fillRect(QRectF(page.right(), y0, right - page.right(), y1 - y0), brush)

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
        self._load += 1
        self._decoder = None  # (one for an earlier document may still run: its image is dropped)
        if self.store is None or doc_id is None:
            self._set_problem("")
            self.image_item.set_image(QImage())
            self.drop_image_cache()
            self.layer.repaint_regions()  # and the image under them
            self.layer.set_regions([])
            self.layer.links = []
            return
        doc = self.store.document(doc_id)
        problem, quick, data = "", None, b""
        try:
            data = self.store.image_bytes(doc_id)
            if decode.wants_overview(data):  # a large JPEG: the whole image on a worker, its overview here
                self._decoder = start_worker(self._decode_whole, self._load, data, doc_id, name="hanji-decode")
                quick = decode.overview(data, doc_id, self.store.path)
                if quick is None:  # (then decoded whole here; the worker's is dropped)
                    self._load += 1
                    self._decoder = None
            img = quick if quick is not None else decode.decode(data, doc_id, self.store.path)
        except HanjiError as e:
            problem, quick = str(e), None
            self._load += 1  # (a worker's decode of it is dropped)
            self._decoder = None
            self.session.message.emit(problem)
            # a small grey picture stretched over the document's page (its regions stay where they are)
            img = QImage(max(1, min(doc.width, 1024)), max(1, min(doc.height, 1024)), QImage.Format.Format_RGB32)
            img.fill(0xFF808080)
        self._set_problem(problem)
        self.image_item.set_image(img, page=(doc.width, doc.height) if problem or quick is not None else None)
        self.drop_image_cache()
        self.layer.repaint_regions()  # and the image under them
        self.layer.set_bounds(doc.width, doc.height)
        self.setSceneRect(QRectF(-doc.width * 0.25, -doc.height * 0.25, doc.width * 1.5, doc.height * 1.5))
        self.reload_regions(bake_now=True)

    def _decode_whole(self, load: int, data: bytes, doc_id: int) -> None:
        """(worker thread) The whole image behind an overview."""
        try:
            img, why = decode.decode(data, doc_id, self.store.path if self.store else None), ""
        except HanjiError as e:
            img, why = QImage(), str(e)
        if load == self._load:
            self._decoded.emit(load, img, why)

    def _take_whole(self, load: int, img: QImage, why: str) -> None:
        if load != self._load or self.doc_id is None:
            return
        self._decoder = None
        if img.isNull():  # the overview stays; say why the whole image is not there
            self._set_problem(why)
            return
        self.image_item.set_image(img)
        self.drop_image_cache()
        self.layer.repaint_regions()  # and the image under them
        self.bake_regions()

    def wait_for_image(self, timeout: float = 30.0) -> None:
        """Wait until the whole image behind an overview is in (tests, benchmarks)."""
        decoder = self._decoder
        if decoder is not None:
            decoder.join(timeout)
            QCoreApplication.sendPostedEvents(self)

    def _set_problem(self, problem: str) -> None:
        if problem != self.problem:
            self.problem = problem
            self.problem_changed.emit(problem)

    def reload_regions(self, bake_now: bool = False) -> None:
        if self.store is None or self.doc_id is None:
            return
        regions = self.store.regions(self.doc_id)
        self.layer.set_regions(regions)
        if bake_now:
            self._bake_timer.stop()
            self.bake_regions()
        else:
            self._bake_timer.start()  # again: BAKE_DELAY_MS after the last of a burst of edits
        self.layer.links = [(lk.src, lk.dst) for lk in self.store.links(self.doc_id)]
        self.session.prune({r.id for r in regions})

    def bake_regions(self) -> None:
        """Have the image's levels baked with the regions' fills and outlines (for zoom gestures; see
        image.py)."""
        key = self.layer.settle_bake_key()
        if self._decoder is not None and self._decoder.is_alive():
            return  # an overview is up: the whole image's levels are baked once they are in (_take_whole)
        if self.layer.regions:  # (no regions: the clean levels are the picture)
            self.image_item.request_bake(key, partial(bake_spec, self.layer.bake_shapes))

    def _on_change(self, ch: Change) -> None:
        if ch.table == "entity_types":
            self.layer.set_entity_types(self.store.entity_types())
            self.bake_regions()
        elif ch.table in ("regions", "links") and self.doc_id in ch.doc_ids:
            self.reload_regions()
        elif ch.table == "documents" and self.doc_id in ch.ids and ch.reason == "delete":
            self.session.set_document(None)

    def _on_selection(self, ids) -> None:
        self.layer.selected = frozenset(ids)
        self.layer.active_vertex = None
        self.layer.update_overlay()
