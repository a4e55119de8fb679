"""Canvas tools: what a mouse press, drag and release mean. Each finished gesture is one store edit.

Drags only move the shapes in the region layer (a preview); the store is written once on release,
so a drag is one committed transaction and one undo step.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent

from hanji.domain import geometry, order
from hanji.domain.model import Region
from hanji.ui.i18n import tr

TOUCHED = {"machine": "edited", "review": "edited"}  # a person's edit of a machine region


class Tool:
    name = "tool"
    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, canvas):
        self.canvas = canvas  # the CanvasView: store, session, layer, scale

    @property
    def layer(self):
        return self.canvas.scene_.layer

    def tol(self, px: float = 6.0) -> float:
        return px / max(self.canvas.scale_factor(), 1e-6)

    def press(self, pos: QPointF, ev: QMouseEvent) -> None: ...
    def move(self, pos: QPointF, ev: QMouseEvent) -> None: ...
    def release(self, pos: QPointF, ev: QMouseEvent) -> None: ...
    def double_click(self, pos: QPointF, ev: QMouseEvent) -> None: ...

    def finish(self) -> bool:
        """Enter: finish what is being drawn. True when the key was used."""
        return False

    def cancel(self) -> bool:
        return False

    def backspace(self) -> bool:
        return False

    def add_region(self, kind: str, points) -> Region | None:
        c = self.canvas
        if c.store is None or c.session.doc_id is None:
            return None
        pts = [(float(p.x()), float(p.y())) for p in points]
        if geometry.area(pts) < 1.0:
            return None
        if kind == "quad":
            pts = geometry.order_quad(pts)
        elif kind == "polygon":
            pts = geometry.clockwise(pts)
        # the new region takes its place in the order by position (between the lines around it),
        # not the end; the others keep their order (one undo step)
        existing = list(self.layer.regions)
        k = order.insert_position([e.points for e in existing], pts)
        r = Region(points=pts, kind=kind, status="edited", source="human", order=k)
        with c.store.group("add region"):
            shift = {e.id: {"order": i + (i >= k)} for i, e in enumerate(existing) if e.order != i + (i >= k)}
            if shift:
                c.store.update_regions(shift, label="add region")
            r = c.store.add_region(c.session.doc_id, r)
        c.session.select({r.id}, r.id)
        return r


class SelectTool(Tool):
    name = "select"
    cursor = Qt.CursorShape.ArrowCursor

    def __init__(self, canvas):
        super().__init__(canvas)
        self.mode: str | None = None
        self.origin = QPointF()
        self.orig: dict[int, list[tuple[float, float]]] = {}
        self.vertex: tuple[int, int] | None = None
        self.moved = False

    def press(self, pos, ev):
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        s = self.canvas.session
        mods = ev.modifiers()
        self.origin, self.moved = QPointF(pos), False
        hit_v = self.layer.vertex_at(pos, self.tol(), s.selection)
        if hit_v is not None:
            if mods & Qt.KeyboardModifier.AltModifier:
                self.canvas.delete_vertex(*hit_v)
                return
            self.mode, self.vertex = "vertex", hit_v
            self.layer.active_vertex = hit_v
            self.orig = {hit_v[0]: list(self.layer.points_of(hit_v[0]))}
            self.layer.update_overlay()
            return
        rid = self.layer.region_at(pos, self.tol(2.0))
        if rid is not None:
            if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
                sel = set(s.selection)
                sel.symmetric_difference_update({rid})
                s.select(sel, rid if rid in sel else -1)
                self.mode = None
                return
            if rid not in s.selection:
                s.select({rid}, rid)
            elif s.current != rid:
                s.select(s.selection, rid)
            self.mode = "move"
            self.orig = {i: list(self.layer.points_of(i)) for i in s.selection if i in self.layer.index}
            return
        if not (mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)):
            s.select(set(), None)
        self.mode = "rubber"
        self.layer.rubber = QRectF(pos, pos)

    def move(self, pos, ev):
        if self.mode is None:
            hover = self.layer.region_at(pos, self.tol(2.0))
            if hover != self.layer.hover:
                self.layer.hover = hover
                self.layer.update_overlay()
            over_v = self.layer.vertex_at(pos, self.tol(), self.canvas.session.selection)
            self.canvas.viewport().setCursor(Qt.CursorShape.SizeAllCursor if over_v else self.cursor)
            return
        dx, dy = pos.x() - self.origin.x(), pos.y() - self.origin.y()
        if not self.moved and math.hypot(dx, dy) < self.tol(2.0):
            return
        self.moved = True
        if self.mode == "vertex":
            rid, k = self.vertex
            self.layer.set_points(rid, moved_vertex(self.layer.regions[self.layer.index[rid]].kind,
                                                    self.orig[rid], k, pos.x(), pos.y()))
        elif self.mode == "move":
            for rid, pts in self.orig.items():
                self.layer.set_points(rid, [(x + dx, y + dy) for x, y in pts])
        elif self.mode == "rubber":
            self.layer.rubber = QRectF(self.origin, pos).normalized()
            self.layer.update_overlay()

    def release(self, pos, ev):
        mode, self.mode = self.mode, None
        if mode in ("vertex", "move") and self.moved:
            changes = {rid: {"points": self.layer.points_of(rid)} for rid in self.orig}
            self.layer.clear_preview()
            self.canvas.commit_points(changes, "move vertex" if mode == "vertex" else "move")
        elif mode == "rubber":
            rect = self.layer.rubber
            self.layer.rubber = None
            if rect is not None and self.moved:
                b = self.layer.boxes
                inside = [self.layer.regions[i].id for i in range(len(b))
                          if b[i, 0] >= rect.left() and b[i, 2] <= rect.right() and b[i, 1] >= rect.top()
                          and b[i, 3] <= rect.bottom()]
                s = self.canvas.session
                s.select(set(s.selection) | set(inside))
            self.layer.update_overlay()
        self.orig = {}

    def double_click(self, pos, ev):
        hit = self.layer.edge_at(pos, self.tol(), self.canvas.session.selection)
        if hit is not None:
            rid, k, q = hit
            self.canvas.insert_vertex(rid, k, (q.x(), q.y()))

    def cancel(self):
        if self.mode in ("vertex", "move"):
            self.layer.clear_preview()
            self.mode = None
            return True
        return False


def moved_vertex(kind: str, pts: list[tuple[float, float]], k: int, x: float, y: float):
    """The shape after dragging vertex ``k`` to ``(x, y)``: a rectangle stays a rectangle."""
    if kind == "rect" and len(pts) == 4:
        ox, oy = pts[(k + 2) % 4]
        return geometry.rect_points(ox, oy, x, y)
    out = list(pts)
    out[k] = (x, y)
    return out


class RectTool(Tool):
    name = "rect"

    def __init__(self, canvas):
        super().__init__(canvas)
        self.start: QPointF | None = None

    def press(self, pos, ev):
        if ev.button() == Qt.MouseButton.LeftButton:
            self.start = QPointF(pos)

    def move(self, pos, ev):
        if self.start is None:
            return
        r = QRectF(self.start, pos).normalized()
        self.layer.draft = [r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()]
        self.layer.draft_closed = True
        self.layer.update_overlay()

    def release(self, pos, ev):
        if self.start is None:
            return
        r = QRectF(self.start, pos).normalized()
        self.start = None
        self.cancel()
        if r.width() >= self.tol(3) and r.height() >= self.tol(3):
            self.add_region("rect", [r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()])

    def cancel(self):
        had = bool(self.layer.draft) or self.start is not None
        self.start = None
        self.layer.draft, self.layer.draft_closed, self.layer.draft_cursor = [], False, None
        self.layer.update_overlay()
        return had


class PointsTool(Tool):
    """Click the corners; a quad closes itself at 4, a polygon on Enter, double-click or its first point."""

    name = "polygon"
    kind = "polygon"
    limit: int | None = None

    def press(self, pos, ev):
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        d = self.layer.draft
        if self.kind == "polygon" and len(d) >= 3 and QLineF(d[0], pos).length() <= self.tol(8):
            self.finish()
            return
        d.append(QPointF(pos))
        if self.limit and len(d) == self.limit:
            self.finish()
            return
        self.layer.update_overlay()

    def move(self, pos, ev):
        if self.layer.draft:
            self.layer.draft_cursor = QPointF(pos)
            self.layer.update_overlay()

    def double_click(self, pos, ev):
        # the press of the double-click already added a point at the same place
        d = self.layer.draft
        if len(d) >= 2 and QLineF(d[-1], d[-2]).length() <= self.tol(3):
            d.pop()
        self.finish()

    def finish(self):
        pts = list(self.layer.draft)
        if not pts:
            return False
        need = self.limit or 3
        if len(pts) < need:
            return True
        self.cancel()
        self.add_region(self.kind, pts)
        return True

    def backspace(self):
        if self.layer.draft:
            self.layer.draft.pop()
            self.layer.update_overlay()
            return True
        return False

    def cancel(self):
        had = bool(self.layer.draft)
        self.layer.draft, self.layer.draft_closed, self.layer.draft_cursor = [], False, None
        self.layer.update_overlay()
        return had


class QuadTool(PointsTool):
    name = "quad"
    kind = "quad"
    limit = 4


class PolygonTool(PointsTool):
    name = "polygon"
    kind = "polygon"


class LinkTool(Tool):
    """Drag from a question region to its answer region (FUNSD-style link, keyed by the question)."""

    name = "link"
    cursor = Qt.CursorShape.PointingHandCursor

    def __init__(self, canvas):
        super().__init__(canvas)
        self.src: int | None = None

    def press(self, pos, ev):
        self.src = self.layer.region_at(pos, self.tol(2))
        if self.src is not None:
            self.canvas.session.select({self.src}, self.src)

    def move(self, pos, ev):
        if self.src is not None:
            pts = self.layer.points_of(self.src)
            c = QPointF(sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
            self.layer.link_line = QLineF(c, pos)
            self.layer.update_overlay()

    def release(self, pos, ev):
        src, self.src = self.src, None
        self.layer.link_line = None
        self.layer.update_overlay()
        dst = self.layer.region_at(pos, self.tol(2))
        if src is None or dst is None or dst == src:
            return
        c = self.canvas
        q = c.store.region(src)
        c.store.add_link(src, dst, key=q.text)
        c.session.message.emit(f"{tr('linked')}: {q.text or src} → {c.store.region(dst).text or dst}")

    def cancel(self):
        had = self.src is not None
        self.src, self.layer.link_line = None, None
        self.layer.update_overlay()
        return had


TOOLS = {t.name: t for t in (SelectTool, RectTool, QuadTool, PolygonTool, LinkTool)}
