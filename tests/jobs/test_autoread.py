"""The rules of reading a box at once (hanji.jobs.autoread), without a window."""

from __future__ import annotations

import io

from PIL import Image

from hanji.domain import geometry
from hanji.domain.model import Region
from hanji.jobs.autoread import read_regions, wants_reading


class Fake:
    source = "model:fake"
    low_confidence = 0.8

    def __init__(self):
        self.n = 0

    def reread(self, rgb, region):
        self.n += 1
        return "읽음", 0.5


def _store(tmp_path):
    from hanji.store.project import ProjectStore

    store = ProjectStore.create(tmp_path / "a.hanji")
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, "PNG")
    doc, _ = store.add_image_bytes("a.png", buf.getvalue())
    return store, doc.id


def test_wants_reading():
    box = geometry.rect_points(0, 0, 50, 20)
    moved = geometry.rect_points(0, 0, 60, 20)
    assert wants_reading(Region(points=box, text=""), None)  # drawn, no text
    assert not wants_reading(Region(points=box, text="가"), None)  # added with a text (pre-annotation, paste)
    assert not wants_reading(Region(points=box, text=""), box)  # an edit that did not move it
    assert wants_reading(Region(points=moved, text="가", machine_text="가"), box)  # still the model's reading
    assert not wants_reading(Region(points=moved, text="사람", machine_text="가"), box)  # a person's text


def test_read_regions_writes_model_and_person_regions_alike_but_not_typed_ones(tmp_path):
    store, doc = _store(tmp_path)
    box = geometry.rect_points(10, 10, 100, 40)
    drawn = store.add_region(doc, Region(points=box, kind="rect", status="edited", source="human"))
    model = store.add_region(doc, Region(points=box, text="옛", machine_text="옛", status="machine"))
    typed = store.add_region(doc, Region(points=box, text="사람", machine_text="옛", status="edited"))
    pipe = Fake()
    out = read_regions(store, [drawn.id, model.id, typed.id, 9999], pipe)
    assert [r.id for r in out] == [drawn.id, model.id]
    assert pipe.n == 2
    d, m, t = store.region(drawn.id), store.region(model.id), store.region(typed.id)
    assert (d.text, d.machine_text, d.status) == ("읽음", "읽음", "edited")
    assert (m.text, m.status, m.source) == ("읽음", "review", "model:fake")  # 0.5 < low_confidence
    assert (t.text, t.machine_text) == ("사람", "옛")
    store.close()
