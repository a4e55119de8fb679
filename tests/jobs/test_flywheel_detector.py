"""The detector's flywheel: DB shrink-map targets and loss, H-mean, and the job on a tiny project
(kept with its metrics, activated only when better, resumed after a cancel, used by the pipeline)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from flywheel_data import add_line_document

from hanji.jobs import flywheel_detector
from hanji.jobs.base import Cancelled, CancelToken

FAST = {"batch_size": 1, "size": 128, "freeze_stages": 4}


@pytest.fixture
def pages(project):
    for i in range(3):
        add_line_document(project, f"d{i}.png", seed=700 + i, n=2)
    return project


def test_shrink_targets_and_loss():
    import torch

    from hanji.models.detect.train import db_loss, shrink_targets

    gt, mask = shrink_targets([[(10, 10), (110, 10), (110, 40), (10, 40)], [(150, 5), (151, 5), (151, 6)]], 64, 200)
    assert gt[25, 60] == 1.0 and gt[11, 11] == 0.0  # the kernel is inside, shrunk from the border
    assert 0 < gt.sum() < 100 * 30
    assert mask[5, 150] == 0.0 and mask[50, 50] == 1.0  # too small to shrink: ignored
    t_gt, t_mask = torch.from_numpy(gt)[None], torch.from_numpy(mask)[None]
    good = db_loss(t_gt.clamp(0.01, 0.99), t_gt, t_mask)
    bad = db_loss(torch.full_like(t_gt, 0.5), t_gt, t_mask)
    assert float(good) < 0.1 < float(bad)


def test_hmean():
    from hanji.models.detect.train import hmean

    a = [(0, 0), (10, 0), (10, 5), (0, 5)]
    b = [(20, 0), (30, 0), (30, 5), (20, 5)]
    assert hmean([[a, b]], [[a, b]])["hmean"] == 1.0
    r = hmean([[a]], [[a, b]])
    assert r["precision"] == 1.0 and r["recall"] == 0.5
    assert hmean([[]], [[a]])["hmean"] == 0.0


def test_random_crop_moves_polygons():
    from hanji.models.detect.train import random_crop

    rgb = np.full((900, 1400, 3), 255, np.uint8)
    poly = [(700, 400), (900, 400), (900, 440), (700, 440)]
    crop, polys = random_crop(rgb, [poly], random.Random(3), size=320)
    assert crop.shape == (320, 320, 3)
    assert all(p.shape == (4, 2) for p in polys)


def test_shipped_detector_finds_rendered_lines(pages):
    from hanji.models.weights import load_shipped

    docs = flywheel_detector.detector_documents(pages)
    assert len(docs) == 3
    h = flywheel_detector.detector_hmean(load_shipped("ppocrv4_det_mobile.pt"),
                                         flywheel_detector.labelled_pages(pages, [d.id for d in docs]))
    assert h > 0.5


def test_detector_flywheel_branches_resume_and_pipeline(pages):
    values = [0.5, 0.7]
    res = flywheel_detector.train_detector(pages, steps=1, evaluator=lambda s, p: values.pop(0), **FAST)
    assert res.activated and res.metrics["metric"] == "hmean" and res.metrics["after"] == 0.7
    m = pages.models.active("detector")
    assert m.id == res.model_id
    from hanji.jobs.project_models import project_pipeline

    pipe = project_pipeline(pages)
    assert pipe.detector.weights_sha256 == m.sha256
    # cancel mid-way, then resume; the new model is no better: kept, not activated
    cancel = CancelToken()

    def progress(done, total=None, message=""):
        if message.startswith("loss"):
            cancel.cancel()

    values[:] = [0.7, 0.6]
    with pytest.raises(Cancelled):
        flywheel_detector.train_detector(pages, steps=2, evaluator=lambda s, p: values.pop(0), progress=progress,
                                         cancel=cancel, **FAST)
    res2 = flywheel_detector.train_detector(pages, steps=2, evaluator=lambda s, p: values.pop(0), **FAST)
    assert res2.resumed_at == 1 and not res2.activated and values == []
    assert pages.models.active("detector").id == res.model_id


def test_needs_fully_labelled_pages(project):
    from hanji.domain.model import Region
    from hanji.errors import HanjiError

    d = add_line_document(project, "a.png", seed=1)
    add_line_document(project, "b.png", seed=2)
    project.add_regions(d.id, [Region(points=[(0, 0), (5, 0), (5, 5), (0, 5)], text="x", status="machine")])
    with pytest.raises(HanjiError, match="at least two"):
        flywheel_detector.train_detector(project, steps=1)
