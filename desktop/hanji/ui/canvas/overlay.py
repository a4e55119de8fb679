"""What is drawn above the cached regions: selection and vertex handles, hover, links, the tool's draft.

These change on every mouse move and are cheap to draw, so they live in their own item and never
invalidate the region layer's cache.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

if TYPE_CHECKING:
    from hanji.ui.canvas.items import RegionLayer


class OverlayItem(QGraphicsItem):
    """Selection, hover, links and the tool's drawing, above the cached regions: these change often
    (every mouse move) and are cheap, so they never invalidate the region layer's cache."""

    def __init__(self, layer: RegionLayer):
        super().__init__(layer)
        self.layer = layer

    def boundingRect(self) -> QRectF:
        return self.layer.boundingRect()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        t = painter.worldTransform()
        scale = math.hypot(t.m11(), t.m12()) or 1.0
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paint_links(self.layer, painter)
        paint_selection(self.layer, painter, scale)
        paint_overlay(self.layer, painter, scale)



def paint_links(layer: RegionLayer, painter: QPainter) -> None:
    if not layer.links:
        return
    pen = QPen(QColor(175, 82, 222, 220), 2.0)
    pen.setCosmetic(True)
    painter.setPen(pen)
    painter.setBrush(QColor(175, 82, 222, 220))
    for src, dst in layer.links:
        if src not in layer.index or dst not in layer.index:
            continue
        a, b = _center(layer.points_of(src)), _center(layer.points_of(dst))
        painter.drawLine(QLineF(a, b))
        painter.drawEllipse(b, 3.0, 3.0)


def paint_selection(layer: RegionLayer, painter: QPainter, scale: float) -> None:
    ids = set(layer.selected)
    if layer.hover is not None:
        ids.add(layer.hover)
    h = 4.0 / scale
    for rid in ids:
        if rid not in layer.index:
            continue
        i = layer.index[rid]
        pts = layer.points_of(rid)
        poly = QPolygonF([QPointF(x, y) for x, y in pts])
        sel = rid in layer.selected
        c = QColor(layer.keys[i][0])
        pen = QPen(QColor("#ffffff") if sel else c, 3.0 if sel else 2.0)
        pen.setCosmetic(True)
        painter.setPen(pen)
        fill = QColor(c)
        fill.setAlpha(70 if sel else 45)
        painter.setBrush(fill)
        painter.drawPolygon(poly)
        pen2 = QPen(c, 1.5)
        pen2.setCosmetic(True)
        painter.setPen(pen2)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolygon(poly)
        if sel:
            for k, (x, y) in enumerate(pts):
                active = layer.active_vertex == (rid, k)
                painter.setPen(QPen(QColor("#000000"), 0))
                painter.setBrush(QColor("#ff3b30") if active else QColor("#ffffff"))
                painter.drawRect(QRectF(x - h, y - h, 2 * h, 2 * h))

def paint_overlay(layer: RegionLayer, painter: QPainter, scale: float) -> None:
    pen = QPen(QColor("#ff2d55"), 1.5)
    pen.setCosmetic(True)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if layer.draft:
        pts = list(layer.draft) + ([layer.draft_cursor] if layer.draft_cursor is not None else [])
        if layer.draft_closed:
            painter.drawPolygon(QPolygonF(pts))
        else:
            painter.drawPolyline(QPolygonF(pts))
        h = 3.5 / scale
        painter.setBrush(QColor("#ff2d55"))
        for p in layer.draft:
            painter.drawEllipse(p, h, h)
    if layer.rubber is not None:
        pen = QPen(QColor("#0a84ff"), 1, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QColor(10, 132, 255, 30))
        painter.drawRect(layer.rubber)
    if layer.link_line is not None:
        pen = QPen(QColor("#af52de"), 2.5)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawLine(layer.link_line)



def _center(pts) -> QPointF:
    return QPointF(sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


