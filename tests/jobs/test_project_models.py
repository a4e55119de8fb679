"""After the flywheel activates a model, the project's jobs use it: pre-annotation, re-recognition,
``hanji preannotate``, ``hanji ocr --project`` and tag proposals load the stored weights (checked by
their SHA-256, and by a stored recognizer that reads nothing)."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from PIL import Image

from hanji.jobs import project_models
from hanji.jobs.preannotate import preannotate


def blank_recognizer_bytes() -> bytes:
    """The shipped recognizer with its blank class forced: it reads every line as nothing."""
    from hanji.models.weights import load_shipped, state_to_bytes

    state = load_shipped("ko_rec.pt")
    state["model"]["head.bias"][0] = 1000.0
    return state_to_bytes(state)


@pytest.fixture
def page(project):
    from helpers import png_bytes

    doc, _ = project.add_image_bytes("p.png", png_bytes(360, 60, text="서울특별시 강남구"))
    return doc


def test_no_active_model_means_shipped(project):
    from hanji.models.weights import shipped_sha256

    assert project_models.active_key(project, "recognizer") is None
    pipe = project_models.project_pipeline(project)
    assert pipe.recognizer.weights_sha256 == shipped_sha256("ko_rec.pt")


def test_preannotate_uses_the_active_recognizer(project, page, monkeypatch):
    from hanji.models.pipeline import OcrPipeline

    data = blank_recognizer_bytes()
    m = project.models.add("recognizer", "recognizer-1", data, {"before": 0.2, "after": 0.1}, active=True)
    assert m.sha256 == hashlib.sha256(data).hexdigest()
    used = []

    def page_fn(self, rgb):  # no detector needed: record which weights the job's pipeline holds
        used.append((self.recognizer.weights_sha256, self.recognizer_name))
        return []

    monkeypatch.setattr(OcrPipeline, "page", page_fn)
    preannotate(project)
    assert used == [(m.sha256, "project:recognizer-1")]
    project.models.deactivate("recognizer")
    preannotate(project, include_done=True)
    assert used[-1][0] != m.sha256 and used[-1][1] == "ko"
    # another recognizer asked for by name is not replaced by the project's
    project.models.activate(m.id)
    assert project_models.project_pipeline(project, "ppocr_en").recognizer_name == "ppocr_en"


def test_hanji_ocr_with_project_reads_with_its_model(tmp_path, capsys):
    from hanji.cli import main
    from hanji.store import ProjectStore
    from helpers import png_bytes

    img = tmp_path / "line.png"
    Image.open(io.BytesIO(png_bytes(360, 60, text="서울특별시 강남구"))).save(img)
    path = tmp_path / "p.hanji"
    with ProjectStore.create(path) as s:
        s.models.add("recognizer", "recognizer-1", blank_recognizer_bytes(), active=True)
    assert main(["ocr", str(img), "--mode", "line"]) == 0
    shipped = json.loads(capsys.readouterr().out)["regions"][0]["text"]
    assert main(["ocr", str(img), "--mode", "line", "--project", str(path)]) == 0
    project_text = json.loads(capsys.readouterr().out)["regions"][0]["text"]
    assert "강남" in shipped and project_text == ""


def test_proposals_use_the_active_tagger(project, monkeypatch):
    from hanji.domain.model import Region
    from hanji.jobs.propose import propose
    from hanji.models.kie.predictor import KiePredictor
    from hanji.models.weights import load_shipped, state_to_bytes
    from helpers import png_bytes

    data = state_to_bytes(load_shipped("kie_tagger_ko.pt"))  # the shipped weights, stored in the project
    m = project.models.add("tagger", "tagger-1", data, {"before": 0.5, "after": 0.6}, active=True)
    doc, _ = project.add_image_bytes("r.png", png_bytes(200, 40))
    project.add_regions(doc.id, [Region(points=[(0, 0), (100, 0), (100, 20), (0, 20)], text="합계 12,000")])
    seen = []
    real = KiePredictor.predict

    def predict(self, *a, **k):
        seen.append(getattr(self, "weights_sha256", None))
        return real(self, *a, **k)

    monkeypatch.setattr(KiePredictor, "predict", predict)
    propose(project)
    assert seen and set(seen) == {m.sha256}
