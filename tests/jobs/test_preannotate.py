"""Pre-annotation as a job: resume after cancel without duplicates, people's regions untouched,
low confidence marked for review, one undo step per document, re-recognize, detect in a box.

The detector is the real one; the recognizer is a small fake passed in (the pipeline takes any
object with ``predict(crops) -> [(text, score)]``), so these tests check the job, not the reading.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hanji.domain import geometry
from hanji.domain.model import Region
from hanji.jobs.base import Cancelled, CancelToken
from hanji.synth.fonts import korean_fonts


class FakeRecognizer:
    """Reads every crop as its width in pixels; confidence from a list, cycling."""

    name = "fake"

    def __init__(self, scores=(0.95,)):
        self.scores = list(scores)
        self.calls = 0
        self.crops = 0

    def predict(self, crops):
        self.calls += 1
        out = []
        for c in crops:
            assert c.ndim == 3 and c.shape[2] == 3 and c.dtype == np.uint8
            out.append((f"가{c.shape[1]}", self.scores[self.crops % len(self.scores)]))
            self.crops += 1
        return out


def page_png(lines, size=(480, 300), step=56) -> tuple[bytes, list]:
    font = ImageFont.truetype(str(korean_fonts()[0]), 24)
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    boxes = []
    for i, t in enumerate(lines):
        y = 20 + i * step
        d.text((24, y), t, fill="black", font=font)
        boxes.append(geometry.rect_points(*d.textbbox((24, y), t, font=font)))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue(), boxes


@pytest.fixture(scope="module")
def detector():
    from hanji.models.detect import Resize, TextDetector

    return TextDetector(device="cpu", resize=Resize(min_side=320))


def pipeline(detector, scores=(0.95,)):
    from hanji.models.pipeline import OcrPipeline

    return OcrPipeline(detector=detector, recognizer=FakeRecognizer(scores), low_confidence=0.8)


def add_docs(store, n=3):
    docs = []
    for k in range(n):
        data, _ = page_png([f"문서 {k} 첫째 줄입니다", f"둘째 줄 {k * 111}", "셋째 줄 ₩12,500"])
        doc, _ = store.add_image_bytes(f"doc{k}.png", data)
        docs.append(doc)
    return docs


def test_preannotate_adds_machine_regions_in_reading_order(project, detector):
    from hanji.jobs.preannotate import preannotate

    (doc,) = add_docs(project, 1)
    report = preannotate(project, pipeline=pipeline(detector))
    assert report.documents == 1 and report.added == 3
    regions = project.regions(doc.id)
    assert len(regions) == 3
    assert [r.order for r in regions] == [0, 1, 2]
    ys = [geometry.bbox(r.points)[1] for r in regions]
    assert ys == sorted(ys)
    for r in regions:
        assert r.status == "machine" and r.source.startswith("model:")
        assert r.text == r.machine_text and r.text.startswith("가")
        assert r.confidence == pytest.approx(0.95)
    assert project.document(doc.id).status == "preannotated"
    assert project.job_state("preannotate") is None  # finished jobs leave no state behind


def test_resume_after_cancel_does_not_duplicate(project, detector):
    from hanji.jobs.preannotate import preannotate

    docs = add_docs(project, 3)
    token = CancelToken()
    seen = []

    def progress(done, total=None, message=""):
        seen.append(message)
        if done == 1 and message:  # cancel while the second document is being read
            token.cancel()

    with pytest.raises(Cancelled):
        preannotate(project, [d.id for d in docs], pipeline=pipeline(detector), progress=progress, cancel=token)
    counts = [len(project.regions(d.id)) for d in docs]
    assert counts == [3, 0, 0]
    state = project.job_state("preannotate")
    assert state["done"] == [docs[0].id]

    p2 = pipeline(detector)
    report = preannotate(project, [d.id for d in docs], pipeline=p2)
    assert report.resumed == 1 and report.documents == 2
    assert p2.recognizer.calls == 2  # the first document was not read again
    assert [len(project.regions(d.id)) for d in docs] == [3, 3, 3]
    assert project.job_state("preannotate") is None

    # running it again on purpose replaces the untouched model output, never adds to it
    preannotate(project, [d.id for d in docs], pipeline=pipeline(detector))
    assert [len(project.regions(d.id)) for d in docs] == [3, 3, 3]


def test_people_regions_are_never_changed(project, detector):
    from hanji.jobs.preannotate import preannotate

    data, truth = page_png(["확인된 첫째 줄", "사람이 고친 둘째 줄", "모델만 본 셋째 줄"])
    doc, _ = project.add_image_bytes("p.png", data)
    confirmed = project.add_region(doc.id, Region(truth[0], text="확인된 첫째 줄", status="confirmed"))
    # an edited region whose box is off (a person drew it loosely) and one marked difficult
    edited = project.add_region(doc.id, Region([(p[0] - 3, p[1] + 2) for p in truth[1]], text="사람이 고친 둘째 줄",
                                               status="edited"))
    difficult = project.add_region(doc.id, Region(geometry.rect_points(300, 250, 400, 280), status="difficult"))
    before = {r.id: r for r in project.regions(doc.id)}
    report = preannotate(project, pipeline=pipeline(detector))
    after = {r.id: r for r in project.regions(doc.id)}
    for rid in (confirmed.id, edited.id, difficult.id):
        a, b = before[rid], after[rid]
        assert (a.points, a.text, a.status, a.source, a.machine_text, a.confidence, a.order) == \
               (b.points, b.text, b.status, b.source, b.machine_text, b.confidence, b.order)
    machine = [r for r in after.values() if not r.human]
    assert len(machine) == 1  # only the line no person had boxed
    assert report.kept == 2
    assert geometry.iou(machine[0].points, truth[2]) > 0.5
    # a second run over a document with people's work still leaves it alone
    preannotate(project, [doc.id], pipeline=pipeline(detector))
    again = {r.id: r for r in project.regions(doc.id)}
    assert {rid: (r.text, r.status, r.points) for rid, r in again.items() if r.human} == \
           {rid: (r.text, r.status, r.points) for rid, r in before.items()}
    assert len(again) == 4


def test_machine_regions_with_a_label_or_link_are_kept(project, detector):
    from hanji.jobs.preannotate import preannotate

    (doc,) = add_docs(project, 1)
    preannotate(project, pipeline=pipeline(detector))
    regs = project.regions(doc.id)
    project.update_regions({regs[0].id: {"label": "question"}})  # (update_region's label is the undo label)
    project.add_link(regs[1].id, regs[2].id)
    ids = {r.id for r in regs}
    preannotate(project, [doc.id], pipeline=pipeline(detector))
    assert {r.id for r in project.regions(doc.id)} == ids  # none replaced, none added twice


def test_low_confidence_is_marked_for_review(project, detector):
    from hanji.jobs.preannotate import preannotate

    (doc,) = add_docs(project, 1)
    report = preannotate(project, pipeline=pipeline(detector, scores=(0.95, 0.42)))
    statuses = sorted(r.status for r in project.regions(doc.id))
    assert statuses.count("review") >= 1 and statuses.count("machine") >= 1
    assert report.review == statuses.count("review")


def test_one_undo_step_per_document(project, detector):
    from hanji.jobs.preannotate import preannotate

    docs = add_docs(project, 2)
    preannotate(project, pipeline=pipeline(detector))
    assert [len(project.regions(d.id)) for d in docs] == [3, 3]
    label = project.undo()
    assert label.startswith("pre-annotate")
    assert [len(project.regions(d.id)) for d in docs] == [3, 0]
    assert project.document(docs[1].id).status == "new"
    project.undo()
    assert [len(project.regions(d.id)) for d in docs] == [0, 0]


def test_rerecognize_region(project, detector):
    from hanji.jobs.preannotate import preannotate, rerecognize_region

    (doc,) = add_docs(project, 1)
    preannotate(project, pipeline=pipeline(detector))
    r = project.regions(doc.id)[0]
    # a person widens the box: status edited, text still the model's
    wider = [(x - 10 if i in (0, 3) else x + 10, y) for i, (x, y) in enumerate(r.points)]
    project.update_region(r.id, points=wider, status="edited")
    new = rerecognize_region(project, r.id, pipeline=pipeline(detector))
    assert new.status == "edited"
    assert new.machine_text != r.machine_text and new.text == new.machine_text  # width grew by 20
    # a person typed their own text: it stays, only the model's reading changes
    project.update_region(r.id, text="사람이 쓴 글", points=r.points)
    new2 = rerecognize_region(project, r.id, pipeline=pipeline(detector))
    # a box a person touched is read with the drawn-box margin (the detector read it as found)
    from hanji.models.pipeline import BOX_MARGIN, crop_region

    width = crop_region(np.zeros((300, 480, 3), np.uint8), r.points, BOX_MARGIN).shape[1]
    assert new2.text == "사람이 쓴 글" and new2.machine_text == f"가{width}" != r.machine_text
    assert project.undo() == "re-recognize"


def test_detect_in_box(project, detector):
    from hanji.jobs.preannotate import detect_in_box

    data, truth = page_png(["위 줄은 그대로", "상자 안의 줄", "아래 줄도 그대로"])
    doc, _ = project.add_image_bytes("box.png", data)
    x0, y0, x1, y1 = geometry.bbox(truth[1])
    added = detect_in_box(project, doc.id, [(x0 - 8, y0 - 8), (x1 + 8, y1 + 8)], pipeline=pipeline(detector))
    assert len(added) == 1
    assert geometry.iou(added[0].points, truth[1]) > 0.5
    assert len(project.regions(doc.id)) == 1
    # again: replaces its own earlier output
    detect_in_box(project, doc.id, [(x0 - 8, y0 - 8), (x1 + 8, y1 + 8)], pipeline=pipeline(detector))
    assert len(project.regions(doc.id)) == 1
    assert project.undo() == "detect in box"


def test_ocr_images_json(tmp_path, detector):
    from hanji.jobs.ocr import ocr_images

    data, truth = page_png(["첫째 줄", "둘째 줄"], size=(300, 160))
    f = tmp_path / "한글 이름.png"
    f.write_bytes(data)
    page = list(ocr_images([f], "page", pipeline=pipeline(detector)))
    assert page[0]["image"] == str(f)
    assert len(page[0]["regions"]) == 2
    json.dumps(page, ensure_ascii=False)
    reg = page[0]["regions"][0]
    assert set(reg) == {"points", "text", "score"} and len(reg["points"]) == 4
    line = list(ocr_images([f], "line", pipeline=pipeline(detector)))
    assert line[0]["regions"][0]["points"] == [[0, 0], [300, 0], [300, 160], [0, 160]]
