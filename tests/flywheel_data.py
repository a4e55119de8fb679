"""Small labelled projects for the flywheel's tests: rendered lines, generated receipts."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from hanji.domain.model import Region


def add_line_document(store, name: str, seed: int, n: int = 3):
    """A page of ``n`` rendered Korean lines stacked on white, each a confirmed region."""
    from hanji.synth.lines import LineSampler

    return add_page_of_lines(store, name, LineSampler(seed, max_chars=5, strength=0.0).batch(n))


def add_page_of_lines(store, name: str, lines: list):
    """``lines`` (``(image, text)`` pairs) stacked on a white page, each a confirmed region."""
    w = max(im.shape[1] for im, _ in lines) + 20
    page = np.full((sum(im.shape[0] + 10 for im, _ in lines) + 10, w, 3), 255, np.uint8)
    regions, y = [], 10
    for im, text in lines:
        page[y : y + im.shape[0], 10 : 10 + im.shape[1]] = im
        x1, y1 = 10.0 + im.shape[1], float(y + im.shape[0])
        regions.append(Region(points=[(10.0, y), (x1, y), (x1, y1), (10.0, y1)], text=text, status="confirmed"))
        y += im.shape[0] + 10
    buf = io.BytesIO()
    Image.fromarray(page).save(buf, "PNG")
    doc, _ = store.add_image_bytes(name, buf.getvalue())
    store.add_regions(doc.id, regions)
    return doc


def add_synth_document(store, seed: int):
    from hanji.synth.documents import make_document

    doc = make_document("receipt", seed)
    buf = io.BytesIO()
    doc.image.save(buf, "PNG")
    d, _ = store.add_image_bytes(f"r{seed}.png", buf.getvalue())
    store.add_regions(d.id, [Region(points=r.points, kind=r.kind, text=r.text, tags=list(r.tags), status="confirmed")
                             for r in doc.regions if r.text.strip()])
    store.update_document(d.id, doc_type="receipt")
    return d


def add_english_document(store, name: str, texts: list[str]):
    """A page of rendered English lines ``texts``, each a confirmed region."""
    import random

    from hanji.synth.lines import font_faces, render_line

    face = font_faces(held_out=False)[0]
    return add_page_of_lines(store, name, [(render_line(t, face, random.Random(i), size=30, strength=0.0), t)
                                           for i, t in enumerate(texts)])
