"""The flywheel on a tiny project: split by document, a model kept with its metrics, activated only
when it beats the one it started from, resumed after a cancel, used by pre-annotation."""

from __future__ import annotations

import pytest
from flywheel_data import add_english_document, add_line_document

from hanji.errors import HanjiError
from hanji.jobs import flywheel
from hanji.jobs.base import Cancelled, CancelToken

# small and quick: two lines a batch, no rendered lines, only the neck and head trained
FAST = {"batch_size": 2, "synthetic_share": 0.0, "freeze_blocks": 14}


@pytest.fixture
def tiny(project):
    for i in range(4):
        add_line_document(project, f"d{i}.png", seed=100 + i)
    return project


class Scripted:
    """An evaluator returning scripted CERs: first call measures the base, second the new model."""

    def __init__(self, *values):
        self.values = list(values)
        self.states = []

    def __call__(self, state, lines):
        assert lines and all(isinstance(t, str) for _, t in lines)
        self.states.append(state)
        return self.values.pop(0)


def test_split_is_by_document_stable_and_pinnable():
    from types import SimpleNamespace as D

    docs = [D(id=i, attrs={}) for i in range(1, 41)]
    train, held = flywheel.split_documents(docs)
    assert set(train) | set(held) == set(range(1, 41)) and not set(train) & set(held)
    assert 3 <= len(held) <= 16
    more = docs + [D(id=i, attrs={}) for i in range(41, 80)]
    train2, held2 = flywheel.split_documents(more)
    assert set(held) <= set(held2) and set(train) <= set(train2)  # nobody changes side
    one = flywheel.split_documents(docs[:1])
    assert one == ([], [1])
    two_train, two_held = flywheel.split_documents(docs[:2])
    assert len(two_train) == 1 and len(two_held) == 1
    pinned = [D(id=i, attrs={"split": "heldout" if i == 5 else "train"}) for i in range(1, 9)]
    assert flywheel.split_documents(pinned) == ([1, 2, 3, 4, 6, 7, 8], [5])
    imported = [D(id=i, attrs={"split": "val" if i in (2, 3) else "train"}) for i in range(1, 9)]  # PaddleOCR lists
    assert flywheel.split_documents(imported) == ([1, 4, 5, 6, 7, 8], [2, 3])


def test_better_model_is_kept_and_activated(tiny):
    ev = Scripted(0.40, 0.10)
    res = flywheel.train_recognizer(tiny, steps=2, evaluator=ev, **FAST)
    assert res.activated
    m = tiny.models.active("recognizer")
    assert m is not None and m.id == res.model_id and m.sha256 == res.sha256
    assert m.metrics["before"] == 0.40 and m.metrics["after"] == 0.10 and m.metrics["steps"] == 2
    assert m.metrics["n_train_docs"] + m.metrics["n_heldout_docs"] == 4 and m.metrics["n_heldout_docs"] >= 1
    assert ev.states[1]["charset"] == ev.states[0]["charset"]
    assert not flywheel.run_dir(tiny, "recognizer").exists()  # checkpoints cleaned up
    assert tiny.job_state("flywheel_recognizer") is None
    # the next run starts from the project's model, and a worse result is kept but not activated
    ev2 = Scripted(0.10, 0.12)
    res2 = flywheel.train_recognizer(tiny, steps=2, evaluator=ev2, **FAST)
    assert not res2.activated
    assert tiny.models.active("recognizer").id == res.model_id
    assert [m.name for m in tiny.models.list("recognizer")] == ["recognizer-1", "recognizer-2"]
    assert tiny.models.get(res2.model_id).metrics["base"] == "recognizer-1"


def test_equal_is_not_better(tiny):
    res = flywheel.train_recognizer(tiny, steps=1, evaluator=Scripted(0.2, 0.2), **FAST)
    assert not res.activated and tiny.models.active("recognizer") is None


def test_cancel_then_resume(tiny):
    cancel = CancelToken()
    seen = []

    def progress(done, total=None, message=""):
        seen.append(done)
        if done >= 2:
            cancel.cancel()

    ev = Scripted(0.3, 0.2)
    with pytest.raises(Cancelled):
        flywheel.train_recognizer(tiny, steps=4, evaluator=ev, progress=progress, cancel=cancel, **FAST)
    assert (flywheel.run_dir(tiny, "recognizer") / "last.pt").exists()
    assert tiny.job_state("flywheel_recognizer")["before"] == 0.3
    assert tiny.models.list() == []
    res = flywheel.train_recognizer(tiny, steps=4, evaluator=ev, **FAST)
    assert res.resumed_at == 2 and res.metrics["steps"] == 4
    assert res.metrics["before"] == 0.3 and res.activated  # the base was not measured again
    assert ev.values == []


@pytest.mark.slow
def test_real_evaluation_measures_cer(tiny):
    res = flywheel.train_recognizer(tiny, steps=2, batch_size=4, synthetic_share=0.25)
    m = res.metrics
    assert 0.0 <= m["before"] <= 1.0 and 0.0 <= m["after"] <= 1.0
    assert res.activated == (m["after"] < m["before"])


def test_needs_two_labelled_documents(project):
    add_line_document(project, "only.png", seed=1)
    with pytest.raises(HanjiError, match="at least two documents"):
        flywheel.train_recognizer(project, steps=1)


def test_starts_from_a_named_shipped_recognizer(project):
    from hanji.models.weights import load_shipped

    for i, texts in enumerate([["JALAN MELAKA", "TOTAL 12.50"], ["LOT 7 TAMAN", "SDN BHD"], ["81750 JOHOR", "CASH"]]):
        add_english_document(project, f"e{i}.png", texts)
    en = load_shipped("ppocr_en_rec.pt")
    # the project already has an active (Korean) recognizer: base= still starts from the one named
    flywheel.train_recognizer(project, steps=1, evaluator=Scripted(0.5, 0.4), **FAST)
    assert project.models.active("recognizer") is not None
    ev = Scripted(0.30, 0.10)
    res = flywheel.train_recognizer(project, steps=1, evaluator=ev, base="ppocr_en", **FAST)
    assert ev.states[0]["charset"] == en["charset"] and ev.states[1]["charset"] == en["charset"]
    assert res.activated and res.metrics["base"] == "ppocr_en"
    kept = project.models.get(res.model_id)
    from hanji.models.weights import load_state_bytes

    state = load_state_bytes(project.models.weights(kept.id))
    assert state["meta"]["name"] == "ppocr_en" and state["meta"]["min_width"] == en["meta"]["min_width"]
    # the project's pipeline reads with it
    from hanji.jobs.project_models import project_recognizer

    rec = project_recognizer(project)
    assert rec.weights_sha256 == res.sha256 and len(rec.charset) == len(en["charset"])
    with pytest.raises(HanjiError, match="unknown recognizer 'nope'"):
        flywheel.train_recognizer(project, steps=1, evaluator=Scripted(0.3, 0.2), base="nope", **FAST)


def test_rendered_lines_the_charset_cannot_write_are_left_out():
    import numpy as np

    img = np.zeros((10, 40, 3), np.uint8)
    lines = [(img, "TOTAL 9.90"), (img, "합계 9,900"), (img, "LOT 7")]
    assert [t for _, t in flywheel.writable_lines(lines, list("LOTA 7.90"))] == ["TOTAL 9.90", "LOT 7"]
    assert flywheel.writable_lines(lines, list("합계 9,0")) == [(img, "합계 9,900")]


def test_box_jitter_adds_crops_from_moved_boxes(tiny):
    import random

    from hanji.jobs.train_recognizer import jitter_quad, store_lines

    ids = [d.id for d in tiny.documents()]
    tight = store_lines(tiny, ids)
    moved = store_lines(tiny, ids, jitter=0.3, seed=1)
    assert [t for _, t in moved] == [t for _, t in tight]
    assert any(a.shape != b.shape for (a, _), (b, _) in zip(tight, moved))
    assert [c.shape for c, _ in store_lines(tiny, ids, jitter=0.3, seed=1)] == [c.shape for c, _ in moved]
    box = jitter_quad([(10, 10), (110, 10), (110, 30), (10, 30)], 0.25, random.Random(0))
    (x0, y0), (x1, y1) = box[0], box[2]
    assert 5 <= x0 <= 15 and 5 <= y0 <= 15 and 105 <= x1 <= 115 and 25 <= y1 <= 35
    res = flywheel.train_recognizer(tiny, steps=1, evaluator=Scripted(0.3, 0.2), box_jitter=0.2, **FAST)
    plain = flywheel.train_recognizer(tiny, steps=1, evaluator=Scripted(0.3, 0.2), **FAST)
    assert res.metrics["n_train_lines"] == 2 * plain.metrics["n_train_lines"]
