"""Helpers for the format tests: a project's content as plain values, and small projects."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hanji.domain.model import KeyValue, Region
from hanji.store import ProjectStore
from helpers import png_bytes


def region_key(r: Region, nd: int = 2) -> tuple:
    return (r.kind, tuple((round(x, nd), round(y, nd)) for x, y in r.points), r.text, r.status, r.source,
            r.confidence, r.order, r.label, tuple(r.tags), r.machine_text, repr(sorted(r.attrs.items())))


def content(store: ProjectStore, region=region_key, docs: bool = True, links: bool = True,
            kvs: bool = True) -> list:
    """Everything a project holds, by image hash, regions in reading order, ids replaced by positions."""
    out = []
    for d in store.documents():
        regs = store.regions(d.id)
        idx = {r.id: i for i, r in enumerate(regs)}
        item = [d.sha256, d.width, d.height, [region(r) for r in regs]]
        if docs:
            item += [d.name, d.status, d.doc_type, repr(sorted(d.attrs.items()))]
        if links:
            item.append(sorted((idx[lk.src], idx[lk.dst], lk.key) for lk in store.links(d.id)))
        if kvs:
            item.append(sorted((kv.key, kv.value, tuple(idx[i] for i in kv.region_ids)) for kv in store.keyvalues(d.id)))
        out.append(item)
    return sorted(out, key=lambda x: x[0])


def dump(path: Path) -> list:
    """Every row of every table of a project file (to check that a failed import changed nothing)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' ORDER BY name")]
        return [(t, sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall()))) for t in tables]
    finally:
        conn.close()


def small_project(path: Path, n_docs: int = 2) -> ProjectStore:
    """A project of Korean text documents with quads, a rect, a polygon, a link and key-values."""
    store = ProjectStore.create(path)
    for i in range(n_docs):
        doc, _ = store.add_image_bytes(f"영수증_{i}.png", png_bytes(120, 60, color=(250, 250 - i, 240), text="가"))
        regs = store.add_regions(doc.id, [
            Region([(2, 2), (60, 3), (60, 20), (2, 19)], kind="quad", text="상호 한지문구", status="confirmed",
                   label="store_name", tags=["O", "B-store_name"]),
            Region([(2, 25), (70, 25), (70, 40), (2, 40)], kind="rect", text="합계 12,000원", status="edited",
                   label="total", tags=["O", "B-total"]),
            Region([(80, 5), (110, 8), (115, 30), (90, 50), (75, 30)], kind="polygon", text="###",
                   status="difficult"),
        ])
        store.add_link(regs[0].id, regs[1].id, "next")
        store.set_keyvalues(doc.id, [KeyValue("store_name", "한지문구", [regs[0].id]), KeyValue("total", "12,000")])
    return store
