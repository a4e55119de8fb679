"""Drawing and editing shapes on the canvas with the mouse and keys, as a person would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


def regions(w):
    return w.store.regions(w.session.doc_id)


def test_draw_rectangle(window, canvas):
    before = len(regions(window))
    canvas.key(Qt.Key.Key_R)
    assert window.canvas.tool.name == "rect"
    canvas.drag(400, 60, 560, 120)
    rs = regions(window)
    assert len(rs) == before + 1
    r = rs[-1]
    assert r.kind == "rect" and r.status == "edited" and r.source == "human"
    x0, y0, x1, y1 = r.bbox
    assert x0 == pytest.approx(400, abs=3) and y0 == pytest.approx(60, abs=3)
    assert x1 == pytest.approx(560, abs=3) and y1 == pytest.approx(120, abs=3)
    assert window.session.current == r.id  # the new region is selected, ready for its text


def test_draw_quad_with_four_clicks(window, canvas):
    canvas.key(Qt.Key.Key_Q)
    for x, y in [(420, 150), (600, 160), (590, 220), (410, 210)]:
        canvas.click(x, y)
    r = regions(window)[-1]
    assert r.kind == "quad" and len(r.points) == 4
    assert r.points[0] == pytest.approx((420, 150), abs=3)  # clockwise from top-left
    assert r.points[2] == pytest.approx((590, 220), abs=3)


def test_draw_polygon_closed_with_enter(window, canvas):
    n = len(regions(window))
    canvas.key(Qt.Key.Key_P)
    pts = [(420, 230), (500, 225), (600, 240), (590, 290), (430, 285)]
    for x, y in pts:
        canvas.click(x, y)
    assert len(regions(window)) == n  # not closed yet
    canvas.key(Qt.Key.Key_Return)
    r = regions(window)[-1]
    assert r.kind == "polygon" and len(r.points) == 5


def test_escape_cancels_a_polygon_being_drawn(window, canvas):
    n = len(regions(window))
    canvas.key(Qt.Key.Key_P)
    canvas.click(420, 230)
    canvas.click(500, 230)
    canvas.key(Qt.Key.Key_Escape)
    canvas.key(Qt.Key.Key_Return)
    assert len(regions(window)) == n


def test_move_a_vertex_then_undo_and_redo(window, canvas):
    r = regions(window)[0]
    canvas.key(Qt.Key.Key_V)
    cx, cy = (r.bbox[0] + r.bbox[2]) / 2, (r.bbox[1] + r.bbox[3]) / 2
    canvas.click(cx, cy)
    assert window.session.selection == {r.id}
    x, y = r.points[2]
    canvas.drag(x, y, x + 30, y + 20)
    moved = window.store.region(r.id)
    assert moved.points[2] == pytest.approx((x + 30, y + 20), abs=2)
    assert moved.points[0] == pytest.approx(r.points[0])
    assert moved.status == "edited"  # a person touched a machine region
    canvas.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.store.region(r.id).points == r.points
    canvas.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.store.region(r.id).points[2] == pytest.approx((x + 30, y + 20), abs=2)


def test_rect_stays_a_rect_when_a_corner_is_dragged(window, canvas):
    canvas.key(Qt.Key.Key_R)
    canvas.drag(400, 60, 500, 100)
    r = regions(window)[-1]
    canvas.key(Qt.Key.Key_V)
    canvas.drag(500, 100, 540, 130)
    r2 = window.store.region(r.id)
    assert r2.kind == "rect"
    assert r2.bbox == pytest.approx((400, 60, 540, 130), abs=2)


def test_move_region_is_one_undo_step(window, canvas):
    r = regions(window)[1]
    cx, cy = (r.bbox[0] + r.bbox[2]) / 2, (r.bbox[1] + r.bbox[3]) / 2
    canvas.drag(cx, cy, cx + 50, cy + 10, steps=8)
    after = window.store.region(r.id)
    assert after.points[0] == pytest.approx((r.points[0][0] + 50, r.points[0][1] + 10), abs=2)
    window.store.undo()
    assert window.store.region(r.id).points == r.points


def test_add_and_delete_a_vertex(window, canvas):
    r = regions(window)[0]
    cx, cy = (r.bbox[0] + r.bbox[2]) / 2, (r.bbox[1] + r.bbox[3]) / 2
    canvas.click(cx, cy)
    (x0, y0), (x1, _) = r.points[0], r.points[1]
    canvas.dclick((x0 + x1) / 2, y0)  # double-click the top edge
    r2 = window.store.region(r.id)
    assert r2.kind == "polygon" and len(r2.points) == 5
    assert r2.points[1] == pytest.approx(((x0 + x1) / 2, y0), abs=2)
    canvas.click(*r2.points[1], mods=Qt.KeyboardModifier.AltModifier)  # Alt+click deletes it
    assert len(window.store.region(r.id).points) == 4


def test_nudge_delete_duplicate(window, canvas):
    r = regions(window)[2]
    canvas.click((r.bbox[0] + r.bbox[2]) / 2, (r.bbox[1] + r.bbox[3]) / 2)
    canvas.key(Qt.Key.Key_Right)
    assert window.store.region(r.id).points[0][0] == pytest.approx(r.points[0][0] + 1)
    n = len(regions(window))
    canvas.key(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(regions(window)) == n + 1
    dup = regions(window)[-1]
    assert dup.text == r.text and window.session.selection == {dup.id}
    canvas.key(Qt.Key.Key_Delete)
    assert len(regions(window)) == n


def test_multi_select_and_paste_to_next_document(window, canvas):
    rs = regions(window)
    canvas.click(*_center(rs[0]))
    canvas.click(*_center(rs[1]), mods=Qt.KeyboardModifier.ControlModifier)
    assert window.session.selection == {rs[0].id, rs[1].id}
    first_doc = window.session.doc_id
    canvas.key(Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session.doc_id != first_doc
    pasted = regions(window)
    assert sorted(r.text for r in pasted) == sorted([rs[0].text, rs[1].text])
    assert pasted[0].points == rs[0].points  # same place on the next page


def test_rubber_band_selects_regions_inside(window, canvas):
    rs = regions(window)
    canvas.drag(10, 10, 630, 180)  # around the first two lines
    assert window.session.selection == {rs[0].id, rs[1].id}


def test_zoom_at_cursor_keeps_the_point_under_it(window, canvas):
    from PySide6.QtCore import QPointF

    view = window.canvas
    anchor = canvas.pos(300, 150)
    before = view.mapToScene(anchor)
    view.zoom_by(2.0, QPointF(anchor))
    after = view.mapToScene(anchor)
    assert after.x() == pytest.approx(before.x(), abs=2) and after.y() == pytest.approx(before.y(), abs=2)
    assert not view.fitted
    canvas.key(Qt.Key.Key_F)
    assert view.fitted


def test_reading_order_toggle_and_colours_by_entity(window, canvas):
    layer = window.canvas.scene_.layer
    assert layer.show_order
    canvas.key(Qt.Key.Key_O)
    assert not layer.show_order
    first = regions(window)[0]
    colors = {e.name: e.color for e in window.store.entity_types()}
    assert layer.keys[layer.index[first.id]][0] == colors["store_name"]  # tagged B-store_name


def _center(r):
    return (r.bbox[0] + r.bbox[2]) / 2, (r.bbox[1] + r.bbox[3]) / 2


def _pixel(window, canvas, x, y):
    vp = window.canvas.viewport()
    vp.repaint()
    p = canvas.pos(x, y)
    return vp.grab().toImage().pixelColor(p.x(), p.y()).name()


def test_cached_background_is_painted_again_after_edits_and_document_changes(window, canvas):
    """Image and regions are kept as the view's background pixmap: an edit, a drag preview and a
    document change must show at once, not the cached picture."""
    from hanji.domain.model import Region

    store, doc_id = window.store, window.session.doc_id
    x0, y0 = 430, 250  # an empty white part of the first receipt
    white = _pixel(window, canvas, x0 + 20, y0 + 20)
    rid = store.add_regions(doc_id, [Region(points=[(x0, y0), (x0 + 60, y0), (x0 + 60, y0 + 40), (x0, y0 + 40)],
                                            kind="quad", status="confirmed")])[0].id
    tinted = _pixel(window, canvas, x0 + 20, y0 + 20)
    assert tinted != white  # the new region's fill shows
    layer = window.canvas.scene_.layer
    layer.set_points(rid, [(x + 100, y) for x, y in layer.points_of(rid)])  # a drag preview moves it
    assert _pixel(window, canvas, x0 + 20, y0 + 20) == white
    assert _pixel(window, canvas, x0 + 120, y0 + 20) == tinted
    layer.clear_preview()
    assert _pixel(window, canvas, x0 + 20, y0 + 20) == tinted
    window.session.set_document(store.documents()[1].id)  # another image: "두번째 문서" at (40, 40)
    window.canvas.fit()
    other = [_pixel(window, canvas, 40 + dx, 60) for dx in range(0, 200, 4)]
    window.session.set_document(doc_id)
    window.canvas.fit()
    first = [_pixel(window, canvas, 40 + dx, 60) for dx in range(0, 200, 4)]
    assert other != first


def test_a_zoom_step_paints_what_the_settled_cached_frame_paints(window, canvas, qtbot):
    """While zooming the background is painted straight into the window (no cache) and the window is
    not cleared first: every pixel must still be painted, around the page too, and look the same as
    once the zoom settles and the cache is back."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QGraphicsView

    view = window.canvas
    vp = view.viewport()
    view.fit()
    view.zoom_by(0.5, QPointF(vp.rect().center()))  # zoomed out: the page leaves bands of background
    assert view.zooming() and view.cacheMode() == QGraphicsView.CacheModeFlag.CacheNone
    vp.repaint()
    during = vp.grab().toImage()
    qtbot.waitUntil(lambda: not view.zooming(), timeout=3000)
    assert view.cacheMode() == QGraphicsView.CacheModeFlag.CacheBackground
    vp.repaint()
    settled = vp.grab().toImage()
    assert during == settled
    bg = QColor("#2b2d31")
    assert during.pixelColor(1, 1) == bg and during.pixelColor(vp.width() - 2, vp.height() - 2) == bg
    rect = view.mapFromScene(view.scene_.image_item.boundingRect()).boundingRect()
    assert rect.top() > 4  # zoomed out: a band above the page, where the page was before the step
    assert during.pixelColor(rect.center().x(), rect.top() // 2) == bg
    assert during.pixelColor(rect.center().x(), rect.center().y()) != bg
