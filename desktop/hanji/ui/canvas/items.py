"""All regions of a document as one graphics item.

One QGraphicsItem per region (or per vertex) does not scale to thousands of regions, so this layer
keeps the shapes in arrays and paints them itself: regions are binned into grid cells, each cell
keeps one cached QPainterPath per style, a paint draws only the cells that intersect the exposed
rectangle, and when zoomed out far enough that a region is a few pixels, antialiasing and labels are
left out (level of detail). The layer has no contents of its own: the scene paints the regions over
the page image as its background (``CanvasScene.drawBackground``), which the view keeps as one opaque
pixmap, so a repaint blits it, a pan scrolls it and paints only the strip that comes into view, and an
edit repaints only what it invalidates (``repaint_regions``) over a cached rendering of the image.
Outlines are opaque cosmetic pens: Qt draws those antialiased pixel by pixel straight into the image,
about three times faster than a translucent pen, whose pixels go through span blending.
Selection, vertex handles, links and the tool's drawing are a child item on top (``overlay.py``) that
never invalidates the region cache.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem

from hanji.domain.model import EntityType, Region
from hanji.ui.canvas.badges import badge_offsets, badge_width
from hanji.ui.canvas.style import BAKED_STYLES, fill_color, ink_for, region_color, region_style

CELL = 512.0
LABEL_LIMIT = 600  # draw reading-order numbers only when at most this many regions are visible
AA_MIN_PX = 6.0  # antialias only when a typical region is at least this tall on screen
_BAKE_KEYS = itertools.count(1)


class RegionLayer(QGraphicsItem):
    def __init__(self):
        super().__init__()
        # painted by the scene as part of its cached background (see the module's docstring)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self._pens: dict[tuple[str, str], QPen] = {}
        self._brushes: dict[tuple[str, str], QBrush] = {}
        from hanji.ui.canvas.overlay import OverlayItem

        self.overlay = OverlayItem(self)
        self._rect = QRectF()
        self.regions: list[Region] = []
        self.index: dict[int, int] = {}
        self.polys: list[QPolygonF] = []
        self.boxes = np.zeros((0, 4))
        self.keys: list[tuple[str, str]] = []  # (colour, style) per region
        self.cells: dict[tuple[int, int], dict[tuple[str, str], list[int]]] = {}
        self.cell_of: list[tuple[int, int]] = []
        self._paths: dict[tuple[int, int], dict[tuple[str, str], QPainterPath]] = {}
        self.entity_colors: dict[str, str] = {}
        self.selected: frozenset[int] = frozenset()
        self.current: int | None = None
        self.hover: int | None = None
        self.active_vertex: tuple[int, int] | None = None  # (region id, vertex index)
        self.show_order = True
        self.hidden: set[int] = set()  # regions drawn by the overlay while dragged
        # tool overlay, in image coordinates
        self.draft: list[QPointF] = []
        self.draft_cursor: QPointF | None = None
        self.draft_closed = False
        self.rubber: QRectF | None = None
        self.link_line: QLineF | None = None
        self.preview: dict[int, list[tuple[float, float]]] = {}
        self.links: list[tuple[int, int]] = []  # (src region id, dst region id)
        self._median_h = 20.0
        self._font = QFont()
        self._font.setPixelSize(11)
        self._font.setBold(True)
        self._labels: dict[tuple[str, str], QPixmap] = {}
        self._anchors: np.ndarray | None = None  # each region's first point (where its number goes)
        self._label_pms: list[QPixmap | None] = []
        self._badge_w = np.zeros(0)  # each number's width in screen pixels
        self._badge_cache: tuple[float, np.ndarray] | None = None  # (scale, offsets) of the last zoom level
        self._all: dict[tuple[str, str], QPainterPath] | None = None
        # ((colour, style), points) per region, what a bake paints into the image's levels for zoom
        # gestures (fills and outlines): a new list on every change (bakes read it on a worker)
        self.bake_shapes: list[tuple[tuple[str, str], list[tuple[float, float]]]] = []
        self.bake_key: int | None = None  # names them (shapes and colours); None: not known yet
        self._bake_sig: tuple[int, int] | None = None  # (hash of bake_shapes, its key)

    # ------------------------------------------------------------------ data
    def set_bounds(self, w: float, h: float) -> None:
        self.prepareGeometryChange()
        self.overlay.prepareGeometryChange()
        self._rect = QRectF(-2000, -2000, w + 4000, h + 4000)

    def set_entity_types(self, types: list[EntityType]) -> None:
        self.entity_colors = {e.name: e.color for e in types}
        self.set_regions(self.regions)

    def set_regions(self, regions: list[Region]) -> None:
        self.regions = list(regions)
        self.index = {r.id: i for i, r in enumerate(self.regions)}
        self.polys = [QPolygonF([QPointF(x, y) for x, y in r.points]) for r in self.regions]
        if self.regions:
            self.boxes = np.array([r.bbox for r in self.regions], dtype=float)
            hs = self.boxes[:, 3] - self.boxes[:, 1]
            self._median_h = float(np.median(hs)) if len(hs) else 20.0
        else:
            self.boxes = np.zeros((0, 4))
        self.keys = [(region_color(r, self.entity_colors), region_style(r)) for r in self.regions]
        # whether the shapes changed is found out later, when the GUI is idle (settle_bake_key): until
        # then a zoom step paints them live
        self.bake_key = None
        self._anchors = None
        self._rebin()
        self.repaint_regions()
        self.overlay.update()

    def settle_bake_key(self) -> int | None:
        """Name the regions' shapes and colours (``bake_key``) now: the same ones as last time (after a
        text edit) keep their key, others get a new one. Returns ``bake_key``."""
        if self.bake_key is None:
            self.bake_shapes = list(zip(self.keys, (r.points for r in self.regions)))
            h = hash(tuple((k, tuple(map(tuple, pts))) for k, pts in self.bake_shapes))
            if self._bake_sig is None or self._bake_sig[0] != h:
                self._bake_sig = (h, next(_BAKE_KEYS))
            self.bake_key = self._bake_sig[1]
        return self.bake_key

    def set_points(self, rid: int, points: list[tuple[float, float]]) -> None:
        """Move one region's shape in the layer only (a drag preview, committed on release)."""
        i = self.index.get(rid)
        if i is None:
            return
        before = self.points_of(rid)
        self.preview[rid] = list(points)
        self.repaint_regions(self._box_of(list(before) + list(points)))
        self.overlay.update()

    def points_of(self, rid: int) -> list[tuple[float, float]]:
        if rid in self.preview:
            return self.preview[rid]
        return self.regions[self.index[rid]].points

    def clear_preview(self) -> None:
        if self.preview:
            self.preview.clear()
            self.repaint_regions()
        self.overlay.update()

    def repaint_regions(self, rect: QRectF | None = None) -> None:
        """Paint the regions again (within ``rect``, scene coordinates; else everywhere)."""
        scene = self.scene()
        if scene is not None:
            # (a null rectangle would invalidate nothing: QGraphicsView maps it to an empty one)
            scene.invalidate(rect if rect is not None else scene.sceneRect().united(self._rect),
                             QGraphicsScene.SceneLayer.BackgroundLayer)

    def _box_of(self, pts) -> QRectF:
        """The scene rectangle that the outline and order label of a shape with ``pts`` cover."""
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        views = self.scene().views() if self.scene() is not None else []
        scale = math.hypot(views[0].transform().m11(), views[0].transform().m12()) if views else 1.0
        m = 48.0 / max(scale, 1e-6)  # screen pixels: the order label (left of and above the first point), pen
        return QRectF(min(xs) - m, min(ys) - m, max(xs) - min(xs) + 2 * m, max(ys) - min(ys) + 2 * m)

    def _rebin(self) -> None:
        self.cells = defaultdict(lambda: defaultdict(list))
        self.cell_of = []
        for i, b in enumerate(self.boxes):
            c = (int(((b[0] + b[2]) / 2) // CELL), int(((b[1] + b[3]) / 2) // CELL))
            self.cell_of.append(c)
            self.cells[c][self.keys[i]].append(i)
        self._paths = {}
        self._all: dict[tuple[str, str], QPainterPath] | None = None

    def _whole_paths(self) -> dict[tuple[str, str], QPainterPath]:
        if self._all is None:
            self._all = {}
            for paths in (self._cell_paths(c) for c in self.cells):
                for key, p in paths.items():
                    if key not in self._all:
                        self._all[key] = QPainterPath()
                        self._all[key].setFillRule(Qt.FillRule.WindingFill)
                    self._all[key].addPath(p)
        return self._all

    def _cell_paths(self, cell: tuple[int, int]) -> dict[tuple[str, str], QPainterPath]:
        paths = self._paths.get(cell)
        if paths is None:
            paths = {}
            for key, idx in self.cells[cell].items():
                p = QPainterPath()
                p.setFillRule(Qt.FillRule.WindingFill)
                for i in idx:
                    p.addPolygon(self.polys[i])
                    p.closeSubpath()
                paths[key] = p
            self._paths[cell] = paths
        return paths

    # ------------------------------------------------------------------ queries
    def visible(self, rect: QRectF) -> np.ndarray:
        b = self.boxes
        if not len(b):
            return np.zeros(0, dtype=int)
        m = (b[:, 2] >= rect.left()) & (b[:, 0] <= rect.right()) & (b[:, 3] >= rect.top()) & (b[:, 1] <= rect.bottom())
        return np.nonzero(m)[0]

    def region_at(self, p: QPointF, tol: float = 0.0) -> int | None:
        """The smallest region containing ``p`` (image coordinates), or None."""
        b = self.boxes
        if not len(b):
            return None
        m = (b[:, 0] - tol <= p.x()) & (b[:, 2] + tol >= p.x()) & (b[:, 1] - tol <= p.y()) & (b[:, 3] + tol >= p.y())
        best, best_area = None, math.inf
        for i in np.nonzero(m)[0]:
            r = self.regions[i]
            poly = QPolygonF([QPointF(x, y) for x, y in self.points_of(r.id)]) if r.id in self.preview else self.polys[i]
            if poly.containsPoint(p, Qt.FillRule.WindingFill) or (tol and _near_outline(poly, p, tol)):
                a = (b[i, 2] - b[i, 0]) * (b[i, 3] - b[i, 1])
                if a < best_area:
                    best, best_area = r.id, a
        return best

    def vertex_at(self, p: QPointF, tol: float, ids) -> tuple[int, int] | None:
        for rid in ids:
            if rid not in self.index:
                continue
            for k, (x, y) in enumerate(self.points_of(rid)):
                if abs(x - p.x()) <= tol and abs(y - p.y()) <= tol:
                    return rid, k
        return None

    def edge_at(self, p: QPointF, tol: float, ids) -> tuple[int, int, QPointF] | None:
        """``(region id, index of the edge's first vertex, nearest point)`` of an edge near ``p``."""
        for rid in ids:
            if rid not in self.index:
                continue
            pts = self.points_of(rid)
            for k in range(len(pts)):
                a, b = pts[k], pts[(k + 1) % len(pts)]
                q, d = _project(p, a, b)
                if d <= tol:
                    return rid, k, q
        return None

    # ------------------------------------------------------------------ painting
    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        self.paint_rect(painter, option.exposedRect)

    def paint_rect(self, painter: QPainter, exposed: QRectF, baked: bool = False) -> None:
        """Paint the regions in ``exposed``; with ``baked`` the solid fills and the outlines are already
        in the image under them (a zoom step's, ``ImageItem.request_bake``): the numbers (and hatches)
        are painted."""
        t = painter.worldTransform()
        scale = math.hypot(t.m11(), t.m12()) or 1.0
        aa = self._median_h * scale >= AA_MIN_PX
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        pens, brushes = self._pens, self._brushes
        hidden = set(self.preview) | self.hidden
        hidden_idx = {self.index[r] for r in hidden if r in self.index}
        margin = CELL
        cx0, cx1 = int((exposed.left() - margin) // CELL), int((exposed.right() + margin) // CELL)
        cy0, cy1 = int((exposed.top() - margin) // CELL), int((exposed.bottom() + margin) // CELL)
        batch: list[tuple[tuple[str, str], QPainterPath]] = []  # per cell in view
        cells = [c for c in self.cells if cx0 <= c[0] <= cx1 and cy0 <= c[1] <= cy1]
        # Fills go cell by cell: one path for the page rasterises slower than linearly in its shapes,
        # and its thousands of spans are handed out to Qt's GUI thread pool in many small tasks, which
        # costs more than it saves on a few cores (cells: 200 regions 4.8 -> 4.0 ms, 20,000 27 -> 19 ms a
        # frame, 2,000 8.1 -> 8.6). Outlines (the cosmetic stroker has neither cost) go in one path per
        # style for the whole page when most of it is in view: fewest calls.
        strokes = list(self._whole_paths().items()) if not hidden_idx and len(cells) * 2 >= len(self.cells) else None
        for cell in cells:
            if hidden_idx and any(self.cell_of[i] == cell for i in hidden_idx):
                # a dragged region is drawn from its preview; draw this cell region by region
                for key, idx in self.cells[cell].items():
                    self._use_style(painter, key, pens, brushes)
                    for i in idx:
                        if i not in hidden_idx:
                            painter.drawPolygon(self.polys[i])
                continue
            batch.extend(self._cell_paths(cell).items())
        # fills without antialiasing (their edges are covered by the outline), then the outlines
        # antialiased: most of the look for a fraction of the cost (one fill per path: filling the
        # polygons one by one measured 0.7 ms slower for 200 regions in view)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for key, path in batch:
            self._use_style(painter, key, pens, brushes)
            if not (baked and key[1] in BAKED_STYLES):
                painter.fillPath(path, brushes[key])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        for key, path in (strokes if strokes is not None else batch) if not baked else ():
            painter.strokePath(path, pens[key])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for rid in hidden:
            if rid in self.index and rid not in self.hidden:
                i = self.index[rid]
                self._use_style(painter, self.keys[i], pens, brushes)
                painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in self.preview[rid]]))
        if self.show_order and self.regions:
            vis = self.visible(exposed)
            if len(vis) <= LABEL_LIMIT and self._median_h * scale >= 8:
                self._paint_order(painter, vis, scale, baked)

    def update_overlay(self) -> None:
        self.overlay.update()

    def _use_style(self, painter, key, pens, brushes) -> None:
        pen = pens.get(key)
        if pen is None:
            color, style = key
            c = QColor(color)
            pen = QPen(c, 1.0)  # opaque: see the module's docstring
            pen.setCosmetic(True)
            fill = fill_color(key)
            brush = QBrush(fill, Qt.BrushStyle.BDiagPattern if style == "difficult" else Qt.BrushStyle.SolidPattern)
            pens[key], brushes[key] = pen, brush
        painter.setPen(pens[key])
        painter.setBrush(brushes[key])

    def _label_pixmap(self, text: str, color: str) -> QPixmap:
        pm = self._labels.get((text, color))
        if pm is None:
            w = 7 * len(text) + 6
            pm = QPixmap(w, 14)
            pm.fill(Qt.GlobalColor.transparent)
            p = QPainter(pm)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(color))
            p.drawRoundedRect(QRectF(0, 0, w, 14), 3, 3)
            p.setPen(QColor(ink_for(color)))
            p.setFont(self._font)
            p.drawText(QRectF(0, 0, w, 14), Qt.AlignmentFlag.AlignCenter, text)
            p.end()
            self._labels[(text, color)] = pm
        return pm

    def _badge_offsets(self, scale: float, gesture: bool) -> np.ndarray:
        """Where each number goes beside its region (``badges``), worked out once per zoom level; a zoom
        gesture's frames use the plain place until the zoom settles."""
        cached = self._badge_cache
        if cached is not None and abs(cached[0] - scale) <= 1e-9 * scale:
            return cached[1]
        if gesture:  # the last level's places (screen pixels) until the zoom settles: no work per step
            if cached is not None:
                return cached[1]
            return np.stack([-self._badge_w - 1, np.full(len(self.regions), -14.0)], axis=1)
        offs = badge_offsets(self.boxes, self._anchors, self._badge_w, scale)
        self._badge_cache = (scale, offs)
        return offs

    def _paint_order(self, painter: QPainter, vis, scale: float, gesture: bool = False) -> None:
        """Reading-order numbers in screen pixels, from cached label pixmaps, beside their regions where
        they cover no other region (``badges``)."""
        t = painter.worldTransform()
        if self._anchors is None or len(self._anchors) != len(self.regions):
            self._anchors = np.array([r.points[0] for r in self.regions], dtype=float).reshape(-1, 2)
            self._label_pms = [None] * len(self.regions)
            self._badge_w = np.array([badge_width(str((r.order if r.order is not None else i) + 1))
                                      for i, r in enumerate(self.regions)], dtype=float)
            self._badge_cache = None
        vis = np.asarray(vis, dtype=int)
        offs = self._badge_offsets(scale, gesture)[vis].astype(int).tolist()
        a = self._anchors[vis]
        for rid, pts in self.preview.items():  # a dragged region's label follows its preview
            i = self.index.get(rid)
            if i is not None:
                a[vis == i] = pts[0]
        xs = (a[:, 0] * t.m11() + a[:, 1] * t.m21() + t.dx()).astype(int).tolist()
        ys = (a[:, 0] * t.m12() + a[:, 1] * t.m22() + t.dy()).astype(int).tolist()
        painter.save()
        painter.resetTransform()
        regions, keys, pms, draw = self.regions, self.keys, self._label_pms, painter.drawPixmap
        for i, x, y, (ox, oy) in zip(vis.tolist(), xs, ys, offs):
            pm = pms[i]
            if pm is None:
                r = regions[i]
                pm = pms[i] = self._label_pixmap(str((r.order if r.order is not None else i) + 1), keys[i][0])
            draw(x + ox, y + oy, pm)
        painter.restore()


def _project(p: QPointF, a, b) -> tuple[QPointF, float]:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    t = 0.0 if L == 0 else max(0.0, min(1.0, ((p.x() - ax) * dx + (p.y() - ay) * dy) / L))
    q = QPointF(ax + t * dx, ay + t * dy)
    return q, math.hypot(q.x() - p.x(), q.y() - p.y())


def _near_outline(poly: QPolygonF, p: QPointF, tol: float) -> bool:
    n = poly.size()
    for k in range(n):
        a, b = poly.at(k), poly.at((k + 1) % n)
        if _project(p, (a.x(), a.y()), (b.x(), b.y()))[1] <= tol:
            return True
    return False
