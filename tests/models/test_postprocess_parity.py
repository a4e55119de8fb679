"""The DB post-process on OpenCV finds the same regions as the hand-written one it replaced
(``handwritten_post``, today's code before OpenCV): same count, rectangles with IoU ~ 1, on the
detector's own probability maps and on drawn maps with rotated, curved and touching shapes."""

from __future__ import annotations

from pathlib import Path

import handwritten_post
import numpy as np
import pytest
from PIL import Image, ImageDraw

from hanji.domain import geometry
from hanji.models.detect.postprocess import PostProcess

SROIE = Path(__file__).resolve().parents[3] / "shared" / "data" / "sroie" / "img"


def drawn_map(seed: int, h: int = 440, w: int = 480) -> np.ndarray:
    """A probability map with text-like bars (straight and rotated, one per cell of a 4x3 grid,
    some touching a neighbour), an arc of curved text below them, and specks."""
    rng = np.random.default_rng(seed)
    im = Image.new("F", (w, h), 0.0)
    d = ImageDraw.Draw(im)
    for k in range(12):
        cx, cy = 60 + 120 * (k % 4) + rng.uniform(-8, 8), 50 + 105 * (k // 4) + rng.uniform(-8, 8)
        length, thick, ang = rng.uniform(20, 150), rng.uniform(7, 16), rng.uniform(-0.5, 0.5)
        ux, uy = np.cos(ang), np.sin(ang)
        pts = [(cx - ux * length / 2 - uy * thick / 2, cy - uy * length / 2 + ux * thick / 2),
               (cx + ux * length / 2 - uy * thick / 2, cy + uy * length / 2 + ux * thick / 2),
               (cx + ux * length / 2 + uy * thick / 2, cy + uy * length / 2 - ux * thick / 2),
               (cx - ux * length / 2 + uy * thick / 2, cy - uy * length / 2 - ux * thick / 2)]
        d.polygon(pts, fill=float(rng.uniform(0.6, 0.95)))
    d.arc((60, 340, 420, 640), 200, 340, fill=0.9, width=12)  # curved text
    for _ in range(20):  # specks below the size limit
        x, y = rng.integers(0, w - 2), rng.integers(0, h - 2)
        d.rectangle((x, y, x + 1, y + 1), fill=0.9)
    a = np.asarray(im, dtype=np.float32)
    return np.clip(a + rng.normal(0, 0.04, a.shape).astype(np.float32), 0, 1)


MARGIN = 0.08  # OpenCV's fillPoly takes a few more edge pixels than Pillow's polygon: scores move a little


def assert_same(new, old, box_thresh: float = 0.5) -> float:
    """Every region clear of the score threshold in one is in the other, with IoU ~ 1."""
    ious = []
    for these, those in ((old, new), (new, old)):
        for d in these:
            if d.score < box_thresh + MARGIN:
                continue  # near the threshold: kept by one fill rule, dropped by the other
            best = max(those, key=lambda e: geometry.iou(e.points, d.points))
            ious.append(geometry.iou(best.points, d.points))
            assert abs(best.score - d.score) < MARGIN
    assert ious and min(ious) > 0.95, sorted(ious)[:3]
    assert float(np.mean(ious)) > 0.99
    assert abs(len(new) - len(old)) <= sum(abs(d.score - box_thresh) < MARGIN for d in new + old)
    return float(np.mean(ious))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("polygons", ["auto", "quad", "poly"])
def test_opencv_post_process_finds_the_hand_written_regions_on_drawn_maps(seed, polygons):
    prob = drawn_map(seed)
    new = PostProcess(polygons=polygons, round_points=False)(prob, 2.0, 2.0)
    old = handwritten_post.PostProcess(polygons=polygons)(prob, 2.0, 2.0)
    assert len(old) >= 8
    assert_same(new, old)


@pytest.fixture(scope="module")
def prob_maps():
    from hanji.models.detect import TextDetector
    from hanji.models.pipeline import load_image
    from hanji.synth.documents import SYNTH_DOC_TYPES, make_document

    det = TextDetector(device="cpu")
    images = [np.asarray(make_document(SYNTH_DOC_TYPES[k], 500 + k).image.convert("RGB")) for k in range(2)]
    if SROIE.exists():
        images += [load_image(p) for p in sorted(SROIE.glob("*.jpg"))[:3]]
    return [(det.prob_map(rgb), rgb.shape[:2]) for rgb in images]


def test_opencv_post_process_finds_the_hand_written_regions_on_the_detectors_maps(prob_maps):
    for (prob, sx, sy), (h, w) in prob_maps:
        new = PostProcess(round_points=False)(prob, sx, sy, w, h)
        old = handwritten_post.PostProcess()(prob, sx, sy, w, h)
        assert len(old) >= 5
        assert_same(new, old)
