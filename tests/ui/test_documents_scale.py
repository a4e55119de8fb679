"""The documents pane of a big project fetches the rows in view, and a change to one document
or a step to the next one touches one row and runs no statement over every document."""

from __future__ import annotations

import io

from PIL import Image

from hanji.store.images import inspect_bytes
from hanji.store.project import ProjectStore
from hanji.ui.panes.documents import PAGE, DocumentsPane
from hanji.ui.session import Session

N = 3 * PAGE + 17


def _png(i: int) -> bytes:
    im = Image.new("L", (8, 8), i % 256)
    im.putpixel((i % 8, i // 8 % 8), 255 - i % 256)
    im.putpixel((i // 64 % 8, 7), (i // 512) * 40)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _big(path) -> ProjectStore:
    store = ProjectStore.create(path)
    run = store.imports()
    with run.batch():
        for i in range(N):
            doc, _ = run.add_document(inspect_bytes(_png(i), f"p{i}.png"), f"page_{i:04d}.png")
            if i % 3 == 0:
                run.update_document(doc, status="done")
    return store


def _whole_scans(statements: list[str]) -> list[str]:
    """Statements that read every document: a SELECT from documents with neither a LIMIT nor a
    lookup of one id, other than a count."""
    out = []
    for s in statements:
        t = " ".join(s.split()).upper()
        if "FROM DOCUMENTS" in t and t.startswith("SELECT") and "LIMIT" not in t and "WHERE ID=" not in t \
                and "COUNT(" not in t:
            out.append(s)
    return out


def test_the_pane_fetches_pages_and_updates_one_row(qtbot, tmp_path):
    store = _big(tmp_path / "big.hanji")
    session = Session(store)
    pane = DocumentsPane(store, session)
    qtbot.addWidget(pane)
    ids = store.document_ids()
    assert len(ids) > 3 * PAGE and len(pane.model.docs) <= 2 * PAGE and pane.model.total == len(ids)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    resets = []
    pane.model.modelReset.connect(lambda: resets.append(1))
    store.update_document(ids[5], status="in_progress")
    assert pane.model.docs[5].status == "in_progress" and not resets  # one row, no reload
    session.set_document(ids[-1])  # far down the list: its page comes, the row is current
    assert pane.view.currentIndex().data(0x0100) == ids[-1]
    store.conn.set_trace_callback(None)
    assert not _whole_scans(statements), _whole_scans(statements)
    pane.status_filter.setCurrentIndex(pane.status_filter.findData("done"))
    assert pane.model.total == len(ids[::3]) and all(d.status == "done" for d in pane.model.docs)
    store.update_document(ids[3], status="new")  # leaves the filter: its row goes
    assert ids[3] not in [d.id for d in pane.model.docs] and pane.model.total == len(ids[::3]) - 1
    pane.set_store(None)
    store.close()


def test_next_document_is_one_indexed_query(qtbot, tmp_path):
    store = _big(tmp_path / "big.hanji")
    session = Session(store)
    pane = DocumentsPane(store, session)
    qtbot.addWidget(pane)
    ids = store.document_ids()
    not_done = [d.id for d in store.documents() if d.status != "done"]
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    assert pane.next_id(ids[500]) == ids[501] and pane.next_id(ids[500], -1) == ids[499]
    assert pane.next_id(not_done[3], 1, skip_done=True) == not_done[4]
    assert pane.next_id(None) == ids[0] and pane.next_id(ids[-1]) is None
    store.conn.set_trace_callback(None)
    assert not _whole_scans(statements) and len(statements) <= 12
    pane.filter.setText("page_07")
    assert pane.visible_ids() == [d.id for d in store.documents() if d.name.startswith("page_07")]
    pane.set_store(None)
    store.close()


def test_the_pane_names_the_seat_a_document_is_out_to(qtbot, tmp_path):
    """hanji split checks documents out to work packages: the list says so, and a merge takes it back."""
    from hanji.jobs.packages import merge, split
    from hanji.ui.panes.documents import OUT_ROLE

    store = ProjectStore.create(tmp_path / "base.hanji")
    for i in range(6):
        store.add_image_bytes(f"page_{i}.png", _png(i + 1))
    pane = DocumentsPane(store, Session(store))
    qtbot.addWidget(pane)
    (tmp_path / "out").mkdir()
    outs = split(store, tmp_path / "out", seats=2, users=["kim", "lee"])
    seat_of = {pane.model.docs[r].id: pane.model.index(r, 0).data(OUT_ROLE) for r in range(len(pane.model.docs))}
    assert sorted(seat_of.values()) == sorted([o.seat for o in outs for _ in range(o.documents)])
    assert len(seat_of) == 6 and len(outs) == 2
    merge(store, [outs[0].path])
    seat_of = {pane.model.docs[r].id: pane.model.index(r, 0).data(OUT_ROLE) for r in range(len(pane.model.docs))}
    assert [s for s in seat_of.values() if s is not None] == [outs[1].seat] * outs[1].documents
    store.close()
