"""The canvas view: zoom at the cursor, fit, pan (space+drag or middle button), tools, nudging."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QLabel

from hanji.domain import geometry
from hanji.store.project import ProjectStore
from hanji.ui.canvas.scene import CanvasScene
from hanji.ui.canvas.tools import TOOLS, TOUCHED, Tool
from hanji.ui.i18n import tr
from hanji.ui.session import Session

ZOOM_MIN, ZOOM_MAX = 0.01, 40.0
ZOOM_SETTLE_MS = 250  # after the last zoom step, the background is cached again


class CanvasView(QGraphicsView):
    zoom_changed = Signal(float)
    tool_changed = Signal(str)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.store: ProjectStore | None = None
        self.scene_ = CanvasScene(session, self)
        self.setScene(self.scene_)
        self.setObjectName("canvas")
        self.setFrameShape(QFrame.Shape.NoFrame)
        # the scene paints the page image as its background; the view keeps that as a pixmap. While
        # a zoom gesture runs every step paints everything anyway, so the cache is switched off (a
        # step then paints straight into the window instead of into the cache and copying that), the
        # image is drawn from its nearest level with the fills baked in (image.py), and both are back
        # to the sharp level and the cache once the steps stop (_settle)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(ZOOM_SETTLE_MS)
        self._settle.timeout.connect(self._zoom_settled)
        # every paint covers the whole exposed area (the scene fills what the page does not), so Qt
        # need not clear the window first
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.viewport().setAutoFillBackground(False)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tools = {name: cls(self) for name, cls in TOOLS.items()}
        self.tool: Tool = self.tools["select"]
        self._space = False
        self._pan_from: QPointF | None = None
        self.fitted = True
        session.document_changed.connect(self._on_document)
        # said over the canvas when the document's image cannot be shown (not only in the status bar)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("canvasProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("QLabel#canvasProblem { background: rgba(150, 30, 30, 230); color: white;"
                                         " padding: 10px; border-radius: 6px; }")
        self.problem_label.hide()
        self.scene_.problem_changed.connect(self._show_problem)

    def _show_problem(self, problem: str) -> None:
        lab = self.problem_label
        if not problem:
            lab.hide()
            return
        lab.setText(f"{tr('This image cannot be shown.')}\n{problem}")
        self._place_problem()
        lab.show()
        lab.raise_()

    def _place_problem(self) -> None:
        lab = self.problem_label
        width = max(200, min(640, self.width() - 40))
        lab.setFixedWidth(width)
        lab.adjustSize()
        lab.move((self.width() - width) // 2, 20)

    # ------------------------------------------------------------------ setup
    def set_store(self, store: ProjectStore | None) -> None:
        self.store = store
        self.scene_.set_store(store)

    def _on_document(self, doc_id) -> None:
        for t in self.tools.values():
            t.cancel()
        self.fit()

    def reset_caches(self) -> None:
        """Drop every cached rendering (the background pixmap and the image kept under the regions)."""
        self.scene_.drop_image_cache()
        self.resetCachedContent()

    def set_tool(self, name: str) -> None:
        self.tool.cancel()
        self.tool = self.tools[name]
        self.viewport().setCursor(self.tool.cursor)
        self.tool_changed.emit(name)

    # ------------------------------------------------------------------ zoom and pan
    def scale_factor(self) -> float:
        t = self.transform()
        return math.hypot(t.m11(), t.m12())

    def fit(self) -> None:
        r = self.scene_.image_item.boundingRect()
        if r.isEmpty():
            return
        self.fitInView(r, Qt.AspectRatioMode.KeepAspectRatio)
        self.fitted = True
        self.zoom_changed.emit(self.scale_factor())

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the scene point under ``anchor`` (viewport coordinates) where it is."""
        s = self.scale_factor()
        factor = max(ZOOM_MIN / s, min(ZOOM_MAX / s, factor))
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        before = self.mapToScene(anchor.toPoint())
        if self.cacheMode() != QGraphicsView.CacheModeFlag.CacheNone:
            self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.scene_.image_item.gesture = True  # the nearest level, fills baked in (image.py)
        self._settle.start()
        self.scale(factor, factor)
        after = self.mapToScene(anchor.toPoint())
        d = after - before
        self.translate(d.x(), d.y())
        self.fitted = False
        self.zoom_changed.emit(self.scale_factor())

    def _zoom_settled(self) -> None:
        self.scene_.image_item.gesture = False
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)  # repaints once, into the cache

    def settle_zoom(self) -> None:
        """End a zoom gesture now (rather than ZOOM_SETTLE_MS after its last step)."""
        if self._settle.isActive():
            self._settle.stop()
            self._zoom_settled()

    def zooming(self) -> bool:
        """Whether a zoom gesture is under way (the background is painted uncached until it settles)."""
        return self._settle.isActive()

    def set_zoom(self, z: float) -> None:
        self.zoom_by(z / self.scale_factor())

    def ensure_visible(self, rid: int) -> None:
        layer = self.scene_.layer
        if rid in layer.index:
            x0, y0, x1, y1 = layer.boxes[layer.index[rid]]
            from PySide6.QtCore import QRectF

            self.ensureVisible(QRectF(x0, y0, x1 - x0, y1 - y0), 40, 40)

    def wheelEvent(self, ev: QWheelEvent) -> None:
        """Ctrl+wheel zooms at the cursor, the wheel scrolls, Shift+wheel scrolls sideways (as in
        labelme, PPOCRLabel, X-AnyLabeling); View → "Wheel zooms" brings back the wheel alone zooming."""
        from hanji.ui import settings

        dy = ev.angleDelta().y()
        mods = ev.modifiers()
        zoom = bool(mods & Qt.KeyboardModifier.ControlModifier) or (
            settings.wheel_zooms() and not mods & Qt.KeyboardModifier.ShiftModifier)
        if zoom:
            if dy:
                self.zoom_by(math.pow(1.0015, dy), ev.position())
            return
        if mods & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - (dy or ev.angleDelta().x()))
            return
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - ev.angleDelta().x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - dy)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if self.fitted:
            self.fit()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if self.problem_label.isVisible():
            self._place_problem()
        if self.fitted:
            self.fit()

    # ------------------------------------------------------------------ mouse
    def _panning(self, ev: QMouseEvent) -> bool:
        return ev.button() == Qt.MouseButton.MiddleButton or (self._space and ev.button() == Qt.MouseButton.LeftButton)

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self._panning(ev):
            self._pan_from = ev.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if self.store is None or self.session.doc_id is None:
            return
        self.tool.press(self.mapToScene(ev.position().toPoint()), ev)

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:
        if self._pan_from is not None:
            d = ev.position() - self._pan_from
            self._pan_from = ev.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(d.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(d.y()))
            return
        if self.store is not None and self.session.doc_id is not None:
            self.tool.move(self.mapToScene(ev.position().toPoint()), ev)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space else self.tool.cursor)
            return
        if self.store is not None and self.session.doc_id is not None:
            self.tool.release(self.mapToScene(ev.position().toPoint()), ev)

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        if self.store is not None and self.session.doc_id is not None and ev.button() == Qt.MouseButton.LeftButton:
            self.tool.double_click(self.mapToScene(ev.position().toPoint()), ev)

    # ------------------------------------------------------------------ keys
    def keyPressEvent(self, ev: QKeyEvent) -> None:
        k = ev.key()
        if k == Qt.Key.Key_Space and not ev.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if k == Qt.Key.Key_Escape:
            if not self.tool.cancel():
                self.session.select(set(), None)
            return
        super().keyPressEvent(ev)

    def keyReleaseEvent(self, ev: QKeyEvent) -> None:
        if ev.key() == Qt.Key.Key_Space and not ev.isAutoRepeat():
            self._space = False
            self.viewport().setCursor(self.tool.cursor)
            return
        super().keyReleaseEvent(ev)

    def focusOutEvent(self, ev) -> None:
        self._space = False
        super().focusOutEvent(ev)

    # ------------------------------------------------------------------ edits (through the store)
    def commit_points(self, changes: dict[int, dict], label: str) -> None:
        layer = self.scene_.layer
        for rid, ch in changes.items():
            r = layer.regions[layer.index[rid]]
            if r.status in TOUCHED:
                ch["status"] = TOUCHED[r.status]
        self.store.update_regions(changes, label=label)

    def nudge(self, dx: float, dy: float) -> None:
        layer = self.scene_.layer
        ids = [i for i in self.session.selection if i in layer.index]
        if not ids or self.store is None:
            return
        from PySide6.QtWidgets import QApplication

        # one image pixel; ten with Shift
        step = 10.0 if QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier else 1.0
        changes = {rid: {"points": [(x + dx * step, y + dy * step) for x, y in layer.points_of(rid)]} for rid in ids}
        self.commit_points(changes, "nudge")

    def delete_vertex(self, rid: int | None = None, k: int | None = None) -> bool:
        layer = self.scene_.layer
        if rid is None:
            if layer.active_vertex is None:
                return False
            rid, k = layer.active_vertex
        r = layer.regions[layer.index[rid]]
        if len(r.points) <= 3:
            self.session.message.emit(tr("a region keeps at least 3 vertices"))
            return True
        pts = [p for i, p in enumerate(r.points) if i != k]
        layer.active_vertex = None
        self.commit_points({rid: {"points": pts, "kind": "polygon"}}, "delete vertex")
        return True

    def insert_vertex(self, rid: int, k: int, p: tuple[float, float]) -> None:
        layer = self.scene_.layer
        r = layer.regions[layer.index[rid]]
        pts = list(r.points)
        pts.insert(k + 1, p)
        self.commit_points({rid: {"points": geometry.as_points(pts), "kind": "polygon"}}, "add vertex")
        layer.active_vertex = (rid, k + 1)
