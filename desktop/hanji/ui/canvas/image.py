"""The document image as a level-of-detail pyramid, so a 10,000 px scan pans and zooms smoothly.

Each level halves the one above; a paint picks the coarsest level that still has at least one image
pixel per screen pixel and draws it (only images over 16,384 px a side are cut into tiles).

The scene paints it as its background (``CanvasScene.drawBackground``), which the view caches as one
opaque pixmap that a pan scrolls in place. As an item with Qt's device-coordinate cache it cost more
than it saved: a fresh viewport-sized ARGB pixmap on every pan or zoom step, cleared, painted, then
alpha-blended.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

PYRAMID_MIN = 1024  # the pyramid stops at the first level whose longer side is at most this
# Each level is one pixmap unless a side exceeds TILE: drawing one smooth-scaled pixmap costs 10-40 %
# less than drawing its 1,024 px tiles (every tile sets up its own span fetches and clamps at its
# edges, which also shaded the seams). The raster engine's fixed-point coordinates reach 32,767 px.
TILE = 16384


class ImageItem(QGraphicsItem):
    def __init__(self, image: QImage | None = None):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(-10)
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self._w = self._h = 0
        self._levels: list[tuple[float, list[tuple[QRectF, QPixmap]]]] = []
        self.image = QImage()
        if image is not None:
            self.set_image(image)

    def set_image(self, image: QImage) -> None:
        self.prepareGeometryChange()
        self.image = image
        self._w, self._h = image.width(), image.height()
        self._levels = []
        if image.isNull():
            return
        img, scale = image, 1.0
        while True:
            self._levels.append((scale, self._tiles(img, scale)))
            if max(img.width(), img.height()) <= PYRAMID_MIN:
                break
            img = img.scaled(max(1, img.width() // 2), max(1, img.height() // 2),
                             Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
            scale /= 2

    def _tiles(self, img: QImage, scale: float) -> list[tuple[QRectF, QPixmap]]:
        tiles = []
        for ty in range(0, img.height(), TILE):
            for tx in range(0, img.width(), TILE):
                w, h = min(TILE, img.width() - tx), min(TILE, img.height() - ty)
                pm = QPixmap.fromImage(img.copy(tx, ty, w, h))
                # the tile's place in image coordinates (level pixels / scale)
                tiles.append((QRectF(tx / scale, ty / scale, w / scale, h / scale), pm))
        return tiles

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._w, self._h)

    def level_for(self, view_scale: float) -> int:
        """Index of the coarsest level with scale >= the view's scale."""
        if not self._levels:
            return 0
        want = max(view_scale, 1e-6)
        best = 0
        for i, (s, _) in enumerate(self._levels):
            if s >= want * 0.999:
                best = i
        return best

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        self.paint_rect(painter, option.exposedRect)

    def paint_rect(self, painter: QPainter, exposed: QRectF) -> None:
        if not self._levels:
            return
        t = painter.worldTransform()
        view_scale = math.hypot(t.m11(), t.m12())
        _, tiles = self._levels[self.level_for(view_scale)]
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, view_scale < 2.0)
        # tiles meet on shared edges: without antialiasing their edges rasterise edge to edge (no seams)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for rect, pm in tiles:
            if rect.intersects(exposed):
                painter.drawPixmap(rect, pm, QRectF(pm.rect()))
