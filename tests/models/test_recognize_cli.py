"""``hanji train recognizer | detector | tagger`` from the command line."""

from __future__ import annotations

import sys

from hanji.cli import main


def test_train_recognizer_then_resume_and_export(tmp_path, capsys):
    out = tmp_path / "run"
    dest = tmp_path / "ko_rec.pt"
    assert main(["train", "recognizer", "--steps", "1", "--batch-size", "2", "--eval-size", "0", "--out", str(out),
                 "--threads", "1"]) == 0
    assert (out / "last.pt").exists()
    assert main(["train", "recognizer", "--steps", "2", "--batch-size", "2", "--eval-size", "0", "--out", str(out),
                 "--resume", "--export", str(dest)]) == 0
    text = capsys.readouterr().out
    assert "step 2" in text and str(dest) in text
    from hanji.models.recognize import load_recognizer

    assert load_recognizer(path=dest, device="cpu").name == "ko"


def test_resume_without_a_checkpoint_is_an_error(tmp_path, capsys):
    assert main(["train", "recognizer", "--resume", "--out", str(tmp_path / "none")]) == 1
    assert "nothing to resume" in capsys.readouterr().err


def test_train_detector_needs_a_project(tmp_path, capsys):
    assert main(["train", "detector", str(tmp_path / "p.hanji")]) == 1
    assert "no such project file" in capsys.readouterr().err


def test_train_tagger_without_its_module(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "hanji.jobs.train_tagger", None)
    assert main(["train", "tagger", str(tmp_path / "p.hanji")]) == 1
    assert "tagger trainer is not part of this build" in capsys.readouterr().err


def test_train_tagger_calls_the_job(monkeypatch, tmp_path, capsys):
    import types

    calls = {}

    def run(store, out_path, **kw):
        calls["store"], calls["out"], calls["kw"] = store, out_path, kw
        return {"out": str(out_path), "steps": kw.get("steps")}

    monkeypatch.setitem(sys.modules, "hanji.jobs.train_tagger", types.SimpleNamespace(run=run))
    assert main(["train", "tagger", "--steps", "5", "--out", str(tmp_path / "t.pt")]) == 0
    assert calls["store"] is None and calls["kw"]["steps"] == 5 and calls["kw"]["resume"] is True
    assert main(["train", "tagger", str(tmp_path / "missing.hanji")]) == 1
    assert "no such project" in capsys.readouterr().err


def test_sigterm_stops_training_with_a_checkpoint(tmp_path, capsys):
    import os
    import signal

    import hanji.models.recognize.train as train

    out = tmp_path / "run"
    real = train.Trainer.train_step

    def step_then_term(self, samples):
        loss = real(self, samples)
        if self.step == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        return loss

    train.Trainer.train_step = step_then_term
    try:
        rc = main(["train", "recognizer", "--steps", "50", "--batch-size", "2", "--eval-size", "0", "--out", str(out)])
    finally:
        train.Trainer.train_step = real
    assert rc == 130 and "--resume" in capsys.readouterr().out
    from hanji.models.weights import load_state

    assert load_state(out / "last.pt")["step"] == 2
    assert signal.getsignal(signal.SIGTERM) is not None
