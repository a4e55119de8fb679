"""Claims, undo of one's own edits and change notification (issue 21, many writers). Two seats are
two stores open on one PostgreSQL project (skipped without PostgreSQL); on a SQLite file (one
writer) a claim left by a dead seat is taken over."""

from __future__ import annotations

import time

import pytest

from hanji.domain import Region
from hanji.errors import HanjiError
from hanji.store import ProjectStore
from hanji.store.claims import DocumentClaimed
from helpers import png_bytes


def _box(x: float = 0) -> list[tuple[float, float]]:
    return [(x, 0), (x + 10, 0), (x + 10, 5), (x, 5)]


def _project(name, n_docs: int = 2) -> ProjectStore:
    s = ProjectStore.create(name)
    s.user = "setup"
    for i in range(n_docs):
        s.add_image_bytes(f"d{i}.png", png_bytes(color=(i * 40, 10, 10)))
    return s


@pytest.fixture
def seats(pg_url):
    """Two seats (kim, lee) on one new PostgreSQL project with two documents."""
    _project(pg_url).close()
    a, b = ProjectStore.open(pg_url), ProjectStore.open(pg_url)
    a.user, b.user = "kim", "lee"
    yield a, b
    a.close()
    b.close()


def test_a_claimed_document_refuses_another_seat(seats):
    a, b = seats
    doc = a.documents()[0].id
    r = a.add_region(doc, Region(_box(), text="kim's"))  # an edit claims the document
    held = b.claim_of(doc)
    assert held is not None and held.holder == "kim" and not held.mine and held.expires_in > 500
    with pytest.raises(DocumentClaimed) as e:
        b.update_region(r.id, text="lee's")
    assert "is being edited by kim" in str(e.value) and "d0.png" in str(e.value)
    assert e.value.claim.holder == "kim"
    assert a.region(r.id).text == "kim's" and b.region(r.id).text == "kim's"  # nothing written
    with pytest.raises(DocumentClaimed):
        b.claim(doc)
    with pytest.raises(DocumentClaimed):
        b.add_region(doc, Region(_box(20), text="x"))
    assert len(a.regions(doc)) == 1
    other = a.documents()[1].id
    b.add_region(other, Region(_box(), text="lee's"))  # another document is free
    assert a.claim_of(other).holder == "lee"
    assert b.switch_claim(doc).holder == "kim"  # the window's switch: read-only, lee's other claim given back
    assert a.claim_of(other) is None


def test_a_claim_expires_without_edits_and_a_reviewer_takes_over(seats):
    a, b = seats
    doc = a.documents()[0].id
    a.claim(doc)
    a.set_claim_expiry(2.0)  # both seats read the project's setting at open; b has not read it yet
    assert b.claim_expiry_s == 2.0
    assert b.claim_of(doc).holder == "kim"
    r = a.add_region(doc, Region(_box(), text="renewed"))  # edits renew the claim
    time.sleep(1.2)
    a.update_region(r.id, text="renewed again")
    time.sleep(1.0)
    with pytest.raises(DocumentClaimed):  # 2.2 s since the claim was taken, 1.0 s since the last edit
        b.claim(doc)
    time.sleep(1.5)
    assert b.claim_of(doc) is None  # expired: nobody holds it
    assert b.claim(doc).mine
    with pytest.raises(DocumentClaimed, match="being edited by lee"):
        a.update_region(r.id, text="kim's late edit")
    # a reviewer takes a live claim over
    a.user = "rev"
    c = a.claim(doc, take_over=True)
    assert c.mine and c.holder == "rev"
    with pytest.raises(DocumentClaimed, match="being edited by rev"):
        b.update_region(r.id, text="lee's late edit")


def test_closing_a_seat_gives_its_claims_back(seats, pg_url):
    a, b = seats
    docs = [d.id for d in a.documents()]
    for d in docs:
        a.claim(d)
    assert set(b.claims()) == set(docs)
    assert a.release([docs[0]]) == 1
    assert set(b.claims()) == {docs[1]}
    c = ProjectStore.open(pg_url)
    c.user = "park"
    c.claim(docs[0])
    c.close()
    a.close()
    assert b.claims() == {}
    assert b.claim(docs[1]).mine


def test_undo_undoes_ones_own_edits_only(seats):
    a, b = seats
    d0, d1 = (d.id for d in a.documents())
    ra = a.add_region(d0, Region(_box(), text="kim 1"))
    rb = b.add_region(d1, Region(_box(), text="lee 1"))
    b.update_region(rb.id, text="lee 2")
    a.update_region(ra.id, text="kim 2")
    assert b.undo() == "edit region"  # lee's last, not kim's later edit
    assert a.region(ra.id).text == "kim 2" and a.region(rb.id).text == "lee 1"
    assert a.undo() == "edit region" and a.region(ra.id).text == "kim 1"
    assert a.redo() == "edit region" and a.region(ra.id).text == "kim 2"
    a.update_region(ra.id, text="kim 3")  # kim's new edit drops kim's redo, not lee's
    assert b.can_redo() and not a.can_redo()
    assert b.redo() == "edit region" and b.region(rb.id).text == "lee 2"
    b.release()
    a.claim(d1)  # kim holds lee's document now: lee's undo of it is refused, nothing changes
    with pytest.raises(DocumentClaimed):
        b.undo()
    assert b.region(rb.id).text == "lee 2" and b.can_undo()


def test_another_seats_edit_arrives_as_a_change_within_a_second(seats):
    a, b = seats
    doc = a.documents()[0].id
    got = []
    b.subscribe(got.append)
    assert b.listen() and b.listening()
    t = time.perf_counter()
    r = a.add_region(doc, Region(_box(), text="hello"))
    while not any(c.table == "regions" for c in got) and time.perf_counter() - t < 1.0:
        time.sleep(0.005)
    regions = [c for c in got if c.table == "regions"]
    assert regions, f"no change heard within a second: {got}"
    ch = regions[0]
    assert ch.reason == "remote" and ch.doc_ids == {doc} and ch.ids == {r.id} and ch.seat == a.seat
    assert b.regions(doc)[0].text == "hello"
    a.undo()
    deadline = time.perf_counter() + 1.0
    while not any(c.reason == "undo" for c in got) and time.perf_counter() < deadline:
        time.sleep(0.005)
    assert any(c.reason == "undo" and c.table == "regions" and c.doc_ids == {doc} for c in got)
    n = len(got)
    a.stop_listening()  # a seat does not hear itself: its own edits reach its listeners directly
    mine = []
    a.subscribe(mine.append)
    a.listen()
    a.add_region(doc, Region(_box(20), text="again"))
    time.sleep(0.3)
    assert [(c.table, c.reason, c.seat) for c in mine] == [("regions", "edit", "")]
    assert len(got) > n


def test_sqlite_takes_over_a_dead_seats_claim(tmp_path):
    p = tmp_path / "p.hanji"
    s = _project(p)
    doc = s.documents()[0].id
    s.user = "kim"
    s.claim(doc)
    s._seat = "dead"  # as if the window that claimed it had died without closing
    s.close()
    s = ProjectStore.open(p)
    s.user = "lee"
    held = s.claim_of(doc)
    assert held is not None and held.holder == "kim" and not held.mine
    r = s.add_region(doc, Region(_box(), text="mine now"))  # one writer holds a file: the claim was a dead seat's
    assert s.claim_of(doc).mine and s.region(r.id).text == "mine now"
    assert not s.listen()  # nothing to hear on a file
    s.close()
    s = ProjectStore.open(p)
    assert s.claims() == {}
    s.close()


def test_claim_expiry_setting_is_checked(tmp_path):
    s = _project(tmp_path / "p.hanji")
    with pytest.raises(HanjiError, match="positive number of seconds"):
        s.set_claim_expiry(0)
    s.set_claim_expiry(90)
    s.close()
    s = ProjectStore.open(tmp_path / "p.hanji")
    assert s.claim_expiry_s == 90
    s.close()


def test_the_cli_lists_who_is_editing_what(seats, pg_url, capsys):
    import json

    from hanji.cli import main

    a, b = seats
    doc = a.documents()[0]
    a.claim(doc.id)
    capsys.readouterr()
    assert main(["info", pg_url, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [(c["id"], c["name"], c["holder"]) for c in info["claims"]] == [(doc.id, "d0.png", "kim")]
    assert info["claims"][0]["expires_in"] > 500
    assert main(["review", pg_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"][0]["holder"] == "kim"
    assert main(["info", pg_url]) == 0
    text = capsys.readouterr().out
    assert "being edited now: 1" in text and "d0.png  by kim since" in text
    a.release()
    assert main(["info", pg_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"] == []


def test_the_claim_expiry_is_set_from_the_command_line(tmp_path, capsys):
    from hanji.cli import main

    p = tmp_path / "p.hanji"
    _project(p).close()
    assert main(["review", str(p), "--claim-expiry", "120"]) == 0
    with ProjectStore.open(p, readonly=True) as s:
        assert s.claim_expiry_s == 120
    assert main(["review", str(p), "--claim-expiry", "-5"]) != 0
    assert "positive number of seconds" in capsys.readouterr().err


def test_purges_and_imports_respect_claims(seats):
    a, b = seats
    doc = a.documents()[0].id
    a.claim(doc)
    with pytest.raises(DocumentClaimed):
        b.delete_document(doc)
    with pytest.raises(DocumentClaimed):
        b.imports().add_annotations(doc, [Region(_box(), text="imported")])
    assert a.regions(doc) == [] and len(a.documents()) == 2
    a.release()
    b.imports().add_annotations(doc, [Region(_box(), text="imported")])
    assert [r.text for r in a.regions(doc)] == ["imported"]
    b.delete_document(doc)
    assert len(a.documents()) == 1


def test_notifications_fit_postgresql_and_read_back():
    from hanji.store.history import Change
    from hanji.store.notify import MAX_PAYLOAD, change_of, payload

    small = change_of(payload("s1", Change("regions", {3}, {10, 11}, "edit")))
    assert (small.table, small.doc_ids, small.ids, small.reason, small.seat) == ("regions", {3}, {10, 11}, "remote", "s1")
    assert change_of(payload("s1", Change("entity_types", set(), {"총액"}, "undo"))).ids == {"총액"}
    big = Change("regions", set(range(500)), set(range(10**6, 10**6 + 3000)), "import")
    text = payload("s2", big)
    assert len(text.encode()) <= MAX_PAYLOAD
    back = change_of(text)
    assert back.doc_ids == set(range(500)) and back.ids == set() and back.reason == "import"  # rows dropped first
    huge = change_of(payload("s2", Change("documents", set(range(10**5)), set(range(10**5)), "delete")))
    assert huge.doc_ids == set() and huge.reason == "delete"  # then documents: listeners reload everything
    assert change_of("not json") is None and change_of('{"x": 1}') is None


def test_a_group_of_edits_is_heard_once(seats):
    a, b = seats
    doc = a.documents()[0].id
    r = a.add_region(doc, Region(_box(), text="start"))
    got = []
    b.subscribe(got.append)
    assert b.listen()
    with a.group("drag"):
        for i in range(5):
            a.update_region(r.id, points=_box(i + 1))
    deadline = time.perf_counter() + 1.0
    while not got and time.perf_counter() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # anything more would have arrived by now
    assert [(c.table, c.ids) for c in got] == [("regions", {r.id})]
