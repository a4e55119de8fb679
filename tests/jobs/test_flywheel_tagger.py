"""The tagger's flywheel on a tiny project of generated receipts with confirmed tags."""

from __future__ import annotations

import pytest
from flywheel_data import add_synth_document

from hanji.jobs import flywheel_tagger
from hanji.jobs.base import Cancelled, CancelToken


@pytest.fixture
def tagged(project):
    for s in range(3):
        add_synth_document(project, 500 + s)
    return project


FAST = {"synthetic": False, "batch_size": 2}


def test_tagger_flywheel_both_branches_and_real_f1(tagged):
    calls = []

    def scripted(values):
        def ev(state, examples):
            assert examples and all(len(r.tags) == len(r.text.split()) for regs, _ in examples for r in regs)
            calls.append(state)
            return values.pop(0)
        return ev

    res = flywheel_tagger.train_tagger(tagged, steps=2, evaluator=scripted([0.5, 0.7]), **FAST)
    assert res.activated and tagged.models.active("tagger").id == res.model_id
    assert res.metrics["before"] == 0.5 and res.metrics["after"] == 0.7 and res.metrics["metric"] == "f1"
    res2 = flywheel_tagger.train_tagger(tagged, steps=2, evaluator=scripted([0.7, 0.6]), **FAST)
    assert not res2.activated and tagged.models.active("tagger").id == res.model_id
    assert res2.metrics["base"] == res.name
    # the real measure: entity F1 of a tagger on the held-out documents
    from hanji.models.weights import load_state_bytes

    state = load_state_bytes(tagged.models.weights(res.model_id))
    from hanji.jobs.flywheel import split_documents

    train, held = split_documents(flywheel_tagger.tagger_documents(tagged))
    f1 = flywheel_tagger.tagger_f1(state, flywheel_tagger.heldout_examples(tagged, held))
    assert 0.0 <= f1 <= 1.0


def test_tagger_flywheel_resumes(tagged):
    cancel = CancelToken()

    def progress(done, total=None, message=""):
        if done >= 1 and message != "measuring the current model":
            cancel.cancel()

    values = [0.4, 0.6]
    ev = lambda state, examples: values.pop(0)  # noqa: E731
    with pytest.raises(Cancelled):
        flywheel_tagger.train_tagger(tagged, steps=3, evaluator=ev, progress=progress, cancel=cancel, **FAST)
    assert tagged.models.list() == [] and tagged.job_state("flywheel_tagger")["before"] == 0.4
    res = flywheel_tagger.train_tagger(tagged, steps=3, evaluator=ev, **FAST)
    assert res.resumed_at >= 1 and res.activated and values == []
