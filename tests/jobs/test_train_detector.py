"""Fine-tuning the detector on rendered pages: it trains, checkpoints, resumes where it stopped,
and exports weights the zoo loads (blended with the shipped ones when asked)."""

from __future__ import annotations

import pytest

from hanji.synth.printline import training_faces

pytestmark = pytest.mark.skipif(not training_faces(), reason="no training fonts on this machine")


def test_train_resume_and_export(tmp_path):
    import torch

    from hanji.jobs.train_detector import export, train_on_renders
    from hanji.models import zoo
    from hanji.models.weights import load_shipped, load_state, save_state

    fast = {"batch_size": 1, "size": 128, "freeze_stages": 4, "threads": 1, "log": lambda m: None}
    loss = train_on_renders(tmp_path, steps=2, checkpoint_every=1, **fast)
    assert loss is not None and loss == loss
    assert load_state(tmp_path / "last.pt")["step"] == 2
    said = []
    train_on_renders(tmp_path, steps=3, checkpoint_every=1, **{**fast, "log": said.append})
    assert said[0] == "resumed at step 2 of 3" and load_state(tmp_path / "last.pt")["step"] == 3
    tuned = load_state(tmp_path / "last.pt")["model"]
    base = load_shipped("ppocrv4_det_mobile.pt")
    moved = [k for k, v in tuned.items() if v.is_floating_point() and not torch.equal(v, base[k].to(v.dtype))]
    assert moved  # the head and neck learned something
    export(tmp_path / "last.pt", tmp_path / "half.pt", blend=0.5)
    half = load_state(tmp_path / "half.pt")
    k = moved[0]
    assert torch.allclose(half[k], 0.5 * tuned[k] + 0.5 * base[k].to(tuned[k].dtype), atol=1e-3)
    other = {k2: v * 2 if v.is_floating_point() else v for k2, v in base.items()}  # another base to blend with
    save_state(other, tmp_path / "other.pt")
    export(tmp_path / "last.pt", tmp_path / "half_other.pt", blend=0.5, base=tmp_path / "other.pt")
    assert torch.allclose(load_state(tmp_path / "half_other.pt")[k], 0.5 * tuned[k] + other[k].to(tuned[k].dtype) * 0.5,
                          atol=1e-3)
    det = zoo.detector("cpu", state=half)
    assert det.detect(torch.zeros(64, 64, 3, dtype=torch.uint8).numpy() + 255) == []
