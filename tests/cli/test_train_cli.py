"""``hanji train recognizer|tagger PROJECT``: the flywheel into the project, JSON output, Ctrl-C and
resume; ``hanji train detector`` says plainly that it is not available."""

from __future__ import annotations

import json
import os
import signal

import pytest
from flywheel_data import add_english_document, add_line_document, add_synth_document

from hanji.cli import main
from hanji.store import ProjectStore


@pytest.fixture
def lines_project(tmp_path):
    path = tmp_path / "lines.hanji"
    with ProjectStore.create(path) as s:
        for i in range(3):
            add_line_document(s, f"d{i}.png", seed=300 + i)
    return path


def scripted(monkeypatch, module, name, values):
    values = list(values)
    monkeypatch.setattr(module, name, lambda *a, **k: values.pop(0))
    return values


def test_recognizer_json_activates_when_better(lines_project, monkeypatch, capsys):
    from hanji.jobs import flywheel

    left = scripted(monkeypatch, flywheel, "recognizer_cer", [0.5, 0.25])
    rc = main(["train", "recognizer", str(lines_project), "--steps", "1", "--batch-size", "2", "--json"])
    assert rc == 0 and left == []
    out = json.loads(capsys.readouterr().out.strip())
    assert out["activated"] is True and out["task"] == "recognizer" and out["cancelled"] is False
    assert out["metrics"]["before"] == 0.5 and out["metrics"]["after"] == 0.25 and out["metrics"]["steps"] == 1
    with ProjectStore.open(lines_project, readonly=True) as s:
        assert s.models.active("recognizer").sha256 == out["sha256"]


def test_recognizer_ctrl_c_then_rerun_resumes(lines_project, monkeypatch, capsys):
    from hanji.cli import progress
    from hanji.jobs import flywheel

    left = scripted(monkeypatch, flywheel, "recognizer_cer", [0.3, 0.4])
    real_call = progress.Bar.__call__

    def interrupting(self, done, total=None, message=""):
        real_call(self, done, total, message)
        if done >= 1 and message.startswith("loss"):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C after the first step

    monkeypatch.setattr(progress.Bar, "__call__", interrupting)
    args = ["train", "recognizer", str(lines_project), "--steps", "2", "--batch-size", "2"]
    assert main(args) == 130
    assert "run the same command again to resume" in capsys.readouterr().out
    monkeypatch.setattr(progress.Bar, "__call__", real_call)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "30.00% -> 40.00%" in out and "not activated" in out and left == []
    with ProjectStore.open(lines_project, readonly=True) as s:
        (m,) = s.models.list("recognizer")
        assert not m.active and m.metrics["steps"] == 2


def test_tagger_json(tmp_path, monkeypatch, capsys):
    from hanji.jobs import flywheel_tagger

    path = tmp_path / "tags.hanji"
    with ProjectStore.create(path) as s:
        for seed in (1, 2, 3):
            add_synth_document(s, seed)
    scripted(monkeypatch, flywheel_tagger, "tagger_f1", [0.6, 0.8])
    rc = main(["train", "tagger", str(path), "--steps", "1", "--synthetic", "0", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out.strip())
    assert out["task"] == "tagger" and out["activated"] is True and out["metrics"]["metric"] == "f1"


def test_detector_json_and_too_few_pages(tmp_path, monkeypatch, capsys):
    from hanji.jobs import flywheel_detector

    path = tmp_path / "p.hanji"
    ProjectStore.create(path).close()
    assert main(["train", "detector", str(path)]) == 1
    assert "at least two" in capsys.readouterr().err
    with ProjectStore.open(path) as s:
        for i in range(3):
            add_line_document(s, f"d{i}.png", seed=900 + i, n=2)
    scripted(monkeypatch, flywheel_detector, "detector_hmean", [0.8, 0.7])
    rc = main(["train", "detector", str(path), "--steps", "1", "--batch-size", "1", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out.strip())
    assert out["task"] == "detector" and out["activated"] is False and out["metrics"]["metric"] == "hmean"


def test_missing_project(tmp_path, capsys):
    assert main(["train", "recognizer", str(tmp_path / "nope.hanji")]) == 1
    assert "no such project file" in capsys.readouterr().err


def test_models_list_activate_and_back_to_shipped(tmp_path, capsys):
    path = tmp_path / "m.hanji"
    with ProjectStore.create(path) as s:
        a = s.models.add("recognizer", "recognizer-1", b"a", {"metric": "cer", "before": 0.2, "after": 0.1,
                                                               "n_train_docs": 4, "n_heldout_docs": 1}, active=True)
        b = s.models.add("recognizer", "recognizer-2", b"b", {"metric": "cer", "before": 0.1, "after": 0.12})
    assert main(["models", str(path)]) == 0
    out = capsys.readouterr().out
    assert "* recognizer recognizer-1" in out and "cer 0.2000 -> 0.1000" in out and "recognizer-2" in out
    assert main(["models", str(path), "--activate", str(b.id), "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["active"]) for r in rows] == [(a.id, False), (b.id, True)]
    assert main(["models", str(path), "--shipped", "recognizer"]) == 0
    with ProjectStore.open(path, readonly=True) as s:
        assert s.models.active("recognizer") is None
    assert main(["models", str(path), "--activate", "99"]) == 1
    assert "no trained model 99" in capsys.readouterr().err


def test_recognizer_base_ppocr_en(tmp_path, monkeypatch, capsys):
    from hanji.jobs import flywheel

    path = tmp_path / "en.hanji"
    with ProjectStore.create(path) as s:
        for i, texts in enumerate([["JALAN MELAKA", "TOTAL 12.50"], ["LOT 7 TAMAN", "SDN BHD"], ["81750 JOHOR"]]):
            add_english_document(s, f"e{i}.png", texts)
    left = scripted(monkeypatch, flywheel, "recognizer_cer", [0.5, 0.25])
    rc = main(["train", "recognizer", str(path), "--steps", "1", "--batch-size", "2", "--base", "ppocr_en", "--json"])
    assert rc == 0 and left == []
    out = json.loads(capsys.readouterr().out.strip())
    assert out["activated"] is True and out["metrics"]["base"] == "ppocr_en"
