"""A 10,000 × 7,000 scan (an A3 page at 600 dpi) shows on the canvas at fit and at 100 %, and
pre-annotating it from the window ends without a crash (issue 17, blocker 1). An image that cannot
be shown says so over the canvas."""

from __future__ import annotations

import io
import threading
import time

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImageReader

from hanji.domain.model import Region
from helpers import shown_window

W, H = 10_000, 7_000
RED = (1000, 1000, 4000, 3000)  # x0, y0, x1, y1 of a red block
BLUE = (6000, 4000, 9000, 6000)
STRIPES_X = (5000, 5400)  # 1-pixel black/white columns from here (fine detail: sharp only at 100 %)


def big_jpeg() -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(im)
    d.rectangle(RED, fill=(220, 20, 20))
    d.rectangle(BLUE, fill=(20, 40, 220))
    for x in range(STRIPES_X[0], STRIPES_X[1], 8):  # 4 black, 4 white
        d.rectangle((x, 1000, x + 3, 3000), fill="black")
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92)
    return buf.getvalue()


@pytest.fixture(scope="module")
def big_bytes():
    return big_jpeg()


@pytest.fixture
def big_window(qtbot, tmp_path, big_bytes):
    from hanji.domain.schemas import schema_entity_types
    from hanji.store.project import ProjectStore

    store = ProjectStore.create(tmp_path / "big.hanji", schema_entity_types("receipt"))
    store.add_image_bytes("a3_scan_600dpi.jpg", big_bytes)
    w = shown_window(qtbot, store, fit=True)
    yield w
    from hanji.ui.worker import wait_all

    if w.isVisible():
        w.close()
    wait_all()


def pixel(window, x: float, y: float) -> QColor:
    view = window.canvas
    view.settle_zoom()
    img = view.viewport().grab().toImage()
    p = view.mapFromScene(QPointF(x, y))
    return img.pixelColor(p.x(), p.y())


def is_red(c: QColor) -> bool:
    return c.red() > 170 and c.green() < 90 and c.blue() < 90


def is_blue(c: QColor) -> bool:
    return c.blue() > 170 and c.red() < 90


def is_white(c: QColor) -> bool:
    return min(c.red(), c.green(), c.blue()) > 220


def test_a_large_scan_shows_at_fit_and_at_100_percent(big_window, qtbot):
    w = big_window
    view = w.canvas
    item = view.scene_.image_item
    assert item.boundingRect().width() == W
    assert not view.problem_label.isVisible()
    # a quarter-size overview shows first (a JPEG this large); the whole image follows from a worker
    assert item.image.width() == W // 4
    # at fit: the blocks are where the page has them, the page is white elsewhere
    assert view.scale_factor() < 0.2
    assert is_red(pixel(w, 2500, 2000)), pixel(w, 2500, 2000).name()
    assert is_blue(pixel(w, 7500, 5000)), pixel(w, 7500, 5000).name()
    assert is_white(pixel(w, 5000, 5000)), pixel(w, 5000, 5000).name()
    assert is_red(pixel(w, 2500, 2000)) and is_white(pixel(w, 5000, 5000))
    view.scene_.wait_for_image()
    assert item.image.width() == W and item.boundingRect().width() == W
    # at 100 %: one image pixel per screen pixel; the 4-pixel stripes are resolved, black and white
    view.set_zoom(1.0)
    view.centerOn(QPointF(5200, 2000))
    view.settle_zoom()
    assert abs(view.scale_factor() - 1.0) < 1e-6
    img = view.viewport().grab().toImage()
    p = view.mapFromScene(QPointF(5200, 2000))
    row = [img.pixelColor(p.x() + dx, p.y()).lightness() for dx in range(-40, 40)]
    assert min(row) < 40 and max(row) > 215, row
    # the left edge of the red block at 100 %
    view.centerOn(QPointF(1000, 2000))
    view.settle_zoom()
    assert is_red(pixel(w, 1010, 2000)) and is_white(pixel(w, 990, 2000))


def test_preannotating_the_large_scan_from_the_window_ends_without_a_crash(big_window, qtbot, monkeypatch):
    from hanji.ui import jobs_menu, model_cache

    class Slow:
        recognizer_name = "fake-large"
        source = "model:fake"
        low_confidence = 0.8

        def page(self, rgb):
            assert rgb.shape[:2] == (H, W)
            time.sleep(0.4)  # the progress dialog is up by the time the job ends
            return [Region(points=[(1000, 1000), (4000, 1000), (4000, 3000), (1000, 3000)], kind="quad",
                           text="큰 스캔", machine_text="큰 스캔", confidence=0.95, status="machine",
                           source=self.source)]

    monkeypatch.setattr(model_cache, "PIPELINE_FACTORY", lambda *a: Slow())
    w = big_window
    for _ in range(2):
        done = threading.Event()
        worker = jobs_menu.preannotate_docs(w, [w.session.doc_id], "Pre-annotate this document")
        assert worker is not None
        worker.finished.connect(lambda _r, ev=done: ev.set())
        qtbot.waitUntil(lambda ev=done: ev.is_set() and w.job is None, timeout=30000)
        qtbot.wait(50)
    assert [r.text for r in w.store.regions(w.session.doc_id)] == ["큰 스캔"]


def test_an_image_that_cannot_be_shown_says_so_over_the_canvas(big_window, qtbot, monkeypatch):
    from hanji.ui.canvas import decode

    monkeypatch.setattr(decode, "MAX_IMAGE_PIXELS", 1_000_000)
    w = big_window
    doc = w.session.doc_id
    w.session.set_document(None)
    w.session.set_document(doc)
    label = w.canvas.problem_label
    assert label.isVisible()
    assert "10,000 × 7,000" in label.text() and "cannot be shown" in label.text()
    # the page keeps its size (its regions stay in place), drawn as a grey stand-in
    assert w.canvas.scene_.image_item.boundingRect().width() == W
    monkeypatch.setattr(decode, "MAX_IMAGE_PIXELS", 20_000 * 20_000)
    w.session.set_document(None)
    w.session.set_document(doc)
    assert not label.isVisible()


def test_the_allocation_limit_grows_only_as_far_as_an_image_needs(big_window):
    # 10,000 × 7,000 × 4 bytes = 267 MB: above Qt's default 256, far below Hanji's largest image
    assert 267 <= QImageReader.allocationLimit() < 400


def test_the_whole_image_is_baked_with_the_regions_once_it_is_in(big_window, qtbot):
    w = big_window
    scene = w.canvas.scene_
    doc = w.session.doc_id
    w.store.add_regions(doc, [Region(points=[(1000, 1000), (4000, 1000), (4000, 3000), (1000, 3000)], kind="quad",
                                     text="큰 스캔", status="machine")])
    w.session.set_document(None)
    w.session.set_document(doc)
    assert scene.image_item.image.width() == W // 4
    scene.wait_for_image()
    scene.image_item.wait_for_levels()
    assert scene.image_item.image.width() == W
    assert scene.image_item.baked_for(scene.layer.bake_key)


def test_a_document_chosen_while_the_whole_image_decodes_keeps_its_own(big_window, qtbot):
    from tests.ui.conftest import render

    w = big_window
    scene = w.canvas.scene_
    big = w.session.doc_id
    small, _ = w.store.add_image_bytes("작은.png", render([("작은 문서", [], 40, 40)]))
    w.session.set_document(None)
    w.session.set_document(big)
    decoder = scene._decoder
    w.session.set_document(small.id)  # before the big one's whole image is in
    decoder.join(30)
    qtbot.wait(50)
    assert scene.image_item.image.width() == 640 and scene.image_item.boundingRect().width() == 640
