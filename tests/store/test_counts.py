"""Counts are kept up to date by triggers in each edit's transaction: the status bar reads a few
rows, and no edit or count scans the whole project."""

from __future__ import annotations

from hanji.domain import KeyValue, Region
from hanji.store.images import inspect_bytes
from helpers import png_bytes


def quad(x, y=0):
    return [(x, y), (x + 5, y), (x + 5, y + 5), (x, y + 5)]


def recount(store) -> dict:
    """The counts computed from scratch, as counts() did before."""
    c = store._conn if hasattr(store, "_conn") else store.conn
    docs = dict(c.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())
    regs = dict(c.execute("SELECT status, COUNT(*) FROM regions GROUP BY status").fetchall())
    return {"documents": sum(docs.values()), "documents_by_status": docs, "regions": sum(regs.values()),
            "regions_by_status": regs, "links": c.execute("SELECT COUNT(*) FROM links").fetchone()[0],
            "keyvalues": c.execute("SELECT COUNT(*) FROM keyvalues").fetchone()[0],
            "linked_images": c.execute("SELECT COUNT(*) FROM documents WHERE path IS NOT NULL").fetchone()[0],
            "image_bytes": c.execute("SELECT COALESCE(SUM(size), 0) FROM images").fetchone()[0],
            "history_steps": c.execute("SELECT COUNT(DISTINCT step) FROM history").fetchone()[0]}


def same(store) -> None:
    got = store.counts()
    want = recount(store)
    assert {k: got[k] for k in want} == want


def test_counts_follow_every_kind_of_edit(project, tmp_path):
    same(project)
    a, _ = project.add_image_bytes("a.png", png_bytes(40, 20, text="가"))
    img = tmp_path / "b.png"
    img.write_bytes(png_bytes(40, 20, text="나"))
    b, _ = project.add_image(img, link=True)
    same(project)
    rs = project.add_regions(a.id, [Region(quad(i), text=f"{i}") for i in range(5)])
    project.add_link(rs[0].id, rs[1].id, "k")
    project.set_keyvalues(a.id, [KeyValue("total", "1", [rs[1].id])])
    same(project)
    project.update_region(rs[0].id, status="confirmed")
    project.update_region(rs[1].id, text="바뀜")  # the status stays: no count moves
    project.update_document(a.id, status="done")
    same(project)
    project.delete_regions([rs[0].id])  # its link goes too
    same(project)
    for _ in range(3):
        project.undo()
        same(project)
    project.redo()
    same(project)
    run = project.imports()
    with run.batch():
        with run.document():
            d, _ = run.add_document(inspect_bytes(png_bytes(40, 20, text="다"), "c.png"), "c.png")
            run.add_annotations(d.id, [Region(quad(1), text="x"), Region(quad(9), text="y")])
    same(project)
    run.revert()
    same(project)
    project.delete_document(b.id)
    same(project)
    assert project.counts()["documents"] == 1 and project.counts()["linked_images"] == 0


def test_an_edit_and_the_counts_scan_nothing_whole(project):
    doc, _ = project.add_image_bytes("a.png", png_bytes(40, 20, text="가"))
    rs = project.add_regions(doc.id, [Region(quad(i), text=f"{i}") for i in range(50)])
    conn = project.conn
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        project.update_region(rs[3].id, text="고침", status="confirmed")
        project.counts()
    finally:
        conn.set_trace_callback(None)
    statements = [s for s in seen if s.split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")]
    assert statements and len(statements) < 30
    if project.backend == "postgresql":  # a table this small is read whole unless told not to
        conn.execute("SET enable_seqscan = off")
    for sql in statements:
        if not sql.upper().startswith("SELECT"):
            continue
        if project.backend == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "NULL")))
        else:  # the statement as sent (%s placeholders), planned with NULLs
            plan = " ".join(r[0] for r in conn.raw.execute("EXPLAIN " + sql.replace("%s", "NULL").replace("%%", "%")))
            plan = plan.replace("Seq Scan on ", "SCAN ")
        for table in ("regions", "documents", "links", "keyvalues", "history", "images"):
            assert f"SCAN {table} " not in plan + " ", (sql, plan)  # an index or the primary key, never the table
