"""A zoom gesture on a big page: each step draws the pyramid level nearest the zoom with the regions'
fills baked into it, and the picture is the one the settled frame paints; an edit shows at once."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from PySide6.QtCore import QPointF

W, H = 3_000, 2_000


def _page() -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(im)
    for k in range(40):  # ink strokes so the page is not flat
        y = 60 + k * 48
        d.rectangle([100, y, 100 + 40 * (k % 9 + 3), y + 14], fill=(40, 40, 40))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def view(qtbot, tmp_path):
    from hanji.domain.model import Region
    from hanji.store.project import ProjectStore
    from hanji.ui.canvas.view import CanvasView
    from hanji.ui.session import Session

    store = ProjectStore.create(tmp_path / "zoom.hanji")
    doc, _ = store.add_image_bytes("page.png", _page())
    store.add_regions(doc.id, [Region(points=[(80, 50 + k * 96), (1_400, 50 + k * 96), (1_400, 90 + k * 96),
                                              (80, 90 + k * 96)], kind="quad", status="machine", order=k)
                               for k in range(20)], record=False)
    session = Session(store)
    v = CanvasView(session)
    qtbot.addWidget(v)
    v.resize(800, 500)
    v.set_store(store)
    v.show()
    qtbot.waitExposed(v)
    session.set_document(doc.id)
    v.fit()
    v.scene_.image_item.wait_for_levels()
    yield v
    v.set_store(None)
    store.close()


def _grab(v) -> np.ndarray:
    img = v.viewport().grab().toImage()
    a = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine())
    bgra = a[:, : img.width() * 4].reshape(img.height(), img.width(), 4)  # 32-bit pixels, little-endian
    return bgra[..., [2, 1, 0]].astype(int)


INSIDE = QPointF(1_300, 1_030)  # inside region 10, on white paper, near the page's centre


def _at(v, p: QPointF) -> tuple[int, int]:
    q = v.mapFromScene(p)
    assert v.viewport().rect().contains(q)
    return q.x(), q.y()


def _step(v, factor: float) -> bool:
    """One zoom step at the centre, painted; whether the image came with the fills baked in."""
    item = v.scene_.image_item
    drawn = []
    orig = item.paint_rect

    def spy(*a):
        drawn.append(orig(*a))
        return drawn[-1]

    item.paint_rect = spy
    try:
        v.zoom_by(factor, QPointF(v.viewport().rect().center()))
        v.viewport().repaint()
    finally:
        del item.paint_rect
    return drawn[-1]


def test_a_zoom_step_draws_the_baked_nearest_level_and_looks_like_the_settled_frame(view):
    item, layer = view.scene_.image_item, view.scene_.layer
    assert item.baked_for(layer.bake_key)
    # 2.2 x the fitted scale (0.27 -> 0.59): between the 0.5 and 0.71 levels, nearer 0.5
    assert _step(view, 2.2) is True
    scale = view.scale_factor()
    assert item._levels[item.level_for(scale, nearest=True)][0] == 0.5
    during = _grab(view)
    view.settle_zoom()
    view.viewport().repaint()
    settled = _grab(view)
    assert item._levels[item.level_for(scale)][0] > 0.7  # the settled frame: the sharp level, live fills
    diff = np.abs(during - settled)
    # the same picture: a slightly softer image and fill edges while the gesture runs
    assert diff.mean() < 1.5 and np.percentile(diff, 99) < 40
    x, y = _at(view, INSIDE)
    assert settled[y, x, 2] < 245 and during[y, x, 2] < 245  # the region's orange tint, both ways
    assert abs(int(settled[y, x, 2]) - int(during[y, x, 2])) <= 3


def test_an_edit_shows_in_the_next_zoom_step_before_the_bake_catches_up(view, monkeypatch, qtbot):
    item, layer, store = view.scene_.image_item, view.scene_.layer, view.store
    go = threading.Event()
    bake = type(item)._bake

    def held(self, *a):  # the new bake waits until the step below is painted
        go.wait(10)
        bake(self, *a)

    monkeypatch.setattr(type(item), "_bake", held)
    middle = next(r for r in store.regions(view.session.doc_id) if r.order == 10)  # holds INSIDE
    store.update_regions({middle.id: {"status": "confirmed"}})  # orange -> green
    assert layer.bake_key != item._baked_key
    assert _step(view, 2.2) is False  # the old bake is not used: the fills are painted live
    live = _grab(view)
    go.set()
    qtbot.waitUntil(lambda: item.baked_for(layer.bake_key), timeout=5_000)  # baked again after a pause
    assert _step(view, 1.01) is True
    baked = _grab(view)
    x, y = _at(view, INSIDE)
    g_live, g_baked = live[y, x], baked[y, x]
    assert g_live[1] > g_live[0] and g_baked[1] > g_baked[0]  # green over white: less red than green
    assert np.abs(g_live - g_baked).max() <= 4


def test_a_dragged_region_is_never_drawn_from_the_bake(view):
    layer = view.scene_.layer
    rid = view.store.regions(view.session.doc_id)[0].id
    layer.set_points(rid, [(80, 400), (1_400, 400), (1_400, 440), (80, 440)])  # a drag's preview
    assert _step(view, 2.2) is False
    layer.clear_preview()
    assert _step(view, 1.01) is True
