"""One learning-rate schedule for the three trainers, the same numbers each had before."""

from __future__ import annotations

import math

import pytest

from hanji.models.schedule import warmup_cosine


def old_recognizer(step, steps, warmup):  # recognize/train.py before the schedule was shared
    if step < warmup:
        return (step + 1) / warmup
    p = (step - warmup) / max(1, steps - warmup)
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, p)))


def old_detector(step, steps, warmup):  # detect/train.py's, a floor of 0.1
    if step < warmup:
        return (step + 1) / warmup
    t = (step - warmup) / max(1, steps - warmup)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))


@pytest.mark.parametrize("steps,warmup", [(300, 30), (1000, 200), (5, 1), (10, 10)])
def test_same_as_each_trainer_had(steps, warmup):
    from hanji.models.detect import train as det
    from hanji.models.kie import train as kie
    from hanji.models.recognize import train as rec

    for step in range(steps + 3):
        assert warmup_cosine(step, steps, warmup, rec.LR_FLOOR) == pytest.approx(old_recognizer(step, steps, warmup))
        assert warmup_cosine(step, steps, warmup, kie.LR_FLOOR) == pytest.approx(old_recognizer(step, steps, warmup))
        assert warmup_cosine(step, steps, warmup, det.LR_FLOOR) == pytest.approx(old_detector(step, steps, warmup))


def test_shape():
    assert warmup_cosine(0, 100, 10, 0.1) == pytest.approx(0.1)
    assert warmup_cosine(9, 100, 10, 0.1) == pytest.approx(1.0)
    assert warmup_cosine(100, 100, 10, 0.1) == pytest.approx(0.1)
    assert warmup_cosine(500, 100, 10, 0.2) == pytest.approx(0.2)
