"""The learning-rate schedule every trainer uses: a linear warm-up, then a half cosine down to a floor.

    lr = base * warmup_cosine(step, steps, warmup, floor)

``floor`` is the share of the base rate kept at the end; each trainer names its own with a reason
(``detect.train.LR_FLOOR``, ``recognize.train.LR_FLOOR``, ``kie.train.LR_FLOOR``)."""

from __future__ import annotations

import math


def warmup_cosine(step: int, steps: int, warmup: int, floor: float) -> float:
    """The factor on the base learning rate at ``step`` (0-based) of ``steps``: ``(step + 1) / warmup``
    during the warm-up, then from 1 down to ``floor`` along a half cosine, and ``floor`` after ``steps``."""
    if step < warmup:
        return (step + 1) / warmup
    t = min(1.0, (step - warmup) / max(1, steps - warmup))
    return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * t))
