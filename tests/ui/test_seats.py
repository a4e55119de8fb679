"""Two seats on one PostgreSQL project in the window (issue 21): a document another seat holds opens
read-only with the holder's name on the canvas and in the documents list; that seat's edits reach
the window's canvas and panes within a second (LISTEN/NOTIFY); when it moves on, the document opens
for editing; a reviewer can take a document over; a document rejected on another seat shows its
comment. The other seat is a second store on the same database in this test. Skips without
PostgreSQL."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from helpers import shown_window
from tests.ui.conftest import make_project


@pytest.fixture
def two_seats(pg_url):
    """(kim, lee): kim a plain store, lee's store for a window; the project of tests/ui/conftest.py."""
    from hanji.store import ProjectStore

    make_project(pg_url).close()
    kim, lee = ProjectStore.open(pg_url), ProjectStore.open(pg_url)
    kim.user, lee.user = "kim", "lee"
    yield kim, lee
    from hanji.ui.worker import wait_all

    wait_all()
    for s in (kim, lee):
        if s.conn is not None:
            s.close()


def test_a_second_seat_sees_the_first_seats_edits_and_claims(qtbot, two_seats, monkeypatch):
    from hanji.domain.model import Region

    kim, lee = two_seats
    first, second = (d.id for d in kim.documents())
    kim.claim(first)
    w = shown_window(qtbot, lee, fit=True)
    w.session.set_document(first)
    # kim holds it: read-only, kim's name on the canvas and in the documents list
    assert w.seats.read_only
    banner = w.seats.banner
    assert banner.isVisible() and "kim" in banner.text() and "Read-only" in banner.text()
    assert w.documents.model.claims == {first: "kim"}
    row = w.documents.model.row_of(first)
    from hanji.ui.panes.documents import CLAIM_ROLE

    assert w.documents.model.index(row, 0).data(CLAIM_ROLE) == "kim"
    assert not w.actions_["tool.rect"].isEnabled() and not w.actions_["label.confirm"].isEnabled()
    assert not w.transcription.isEnabled()
    out = os.environ.get("HANJI_SCREENSHOT_DIR")
    if out:
        w.grab().save(str(Path(out) / "claimed_document.png"))
    # a drag on the canvas draws nothing
    w.canvas.set_tool("rect")  # (the action is off; the tool itself as a last resort)
    vp = w.canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(200, 400))
    QTest.mouseMove(vp, QPoint(300, 450))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(300, 450))
    assert len(lee.regions(first)) == 3

    # kim's edits arrive on lee's canvas and panes within a second
    layer = w.canvas.scene_.layer
    t = time.perf_counter()
    r = kim.add_region(first, Region(points=[(500, 300), (700, 300), (700, 340), (500, 340)], text="새 상자"))
    qtbot.waitUntil(lambda: r.id in layer.index, timeout=1000)
    seen = time.perf_counter() - t
    assert seen < 1.0
    qtbot.waitUntil(lambda: w.regions.tree.topLevelItemCount() == 4, timeout=1000)
    rid = lee.regions(first)[0].id
    w.session.select({rid}, rid)
    kim.update_region(rid, text="고친 글자")
    qtbot.waitUntil(lambda: w.transcription.field.text() == "고친 글자", timeout=1000)
    kim.delete_regions([r.id])
    qtbot.waitUntil(lambda: r.id not in layer.index, timeout=1000)

    # kim moves on: the document opens for lee (the claims change is heard; the poll is the fallback)
    kim.switch_claim(second)
    qtbot.waitUntil(lambda: not w.seats.read_only, timeout=4000)
    assert not banner.isVisible() and w.actions_["tool.rect"].isEnabled() and w.transcription.isEnabled()
    assert lee.claim_of(first).mine and first not in w.documents.model.claims
    qtbot.waitUntil(lambda: w.documents.model.claims == {second: "kim"}, timeout=4000)

    # kim's reviewer takes the document over under lee's hands: lee's next edit is refused, said, and
    # the document turns read-only (before any notification of the take-over is handled)
    kim.user = "boss"
    kim.claim(first, take_over=True)
    rid = lee.regions(first)[0].id
    w.session.select({rid}, rid)
    w.actions_["label.difficult"].trigger()
    assert w.seats.read_only and "being edited by boss" in w.statusBar().currentMessage()
    assert lee.region(rid).status != "difficult"
    kim.user = "kim"
    kim.release([first])

    # the same person on another seat (a window that died): said so, and taken over here
    kim.release([second])
    other = type(lee).open(lee.conn.url)
    other.user = "lee"
    other.claim(second)
    w.session.set_document(second)
    assert w.seats.read_only and "open on another seat" in banner.text()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(banner.take_over, Qt.MouseButton.LeftButton)
    assert not w.seats.read_only and lee.claim_of(second).mine
    other.close()
    w.session.set_document(first)
    kim.claim(second)

    # a reviewer takes kim's document over from the window
    lee.user = "rev"
    w.session.set_document(second)
    assert w.seats.read_only
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(banner.take_over, Qt.MouseButton.LeftButton)
    assert not w.seats.read_only and lee.claim_of(second).holder == "rev"
    from hanji.store.claims import DocumentClaimed

    with pytest.raises(DocumentClaimed, match="being edited by rev"):
        kim.add_region(second, Region(points=[(0, 0), (9, 0), (9, 9), (0, 9)], text="늦은 편집"))
    print(f"\nanother seat's region reached the canvas in {seen * 1000:.0f} ms")


def test_a_document_rejected_on_another_seat_shows_its_comment(qtbot, two_seats):
    kim, lee = two_seats
    first, second = (d.id for d in kim.documents())
    rid = kim.regions(first)[1].id
    lee.submit(first)  # lee labelled it (lee's store, no window yet)
    lee.release()
    kim.user = "rev"
    kim.reject(first, "금액이 틀렸어요", region_id=rid)
    kim.release()
    w = shown_window(qtbot, lee, fit=True)
    w.session.set_document(second)
    w.session.set_document(first)
    assert not w.seats.read_only
    rb = w.review_banner
    assert rb.isVisible() and "rev" in rb.text() and "금액이 틀렸어요" in rb.text() and f"region {rid}" in rb.text()
