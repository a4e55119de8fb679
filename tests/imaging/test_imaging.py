"""hanji.imaging: resize, perspective warp, blur, decode/encode, against their definitions."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from hanji import imaging
from hanji.errors import HanjiError


def bilinear(a: np.ndarray, w: int, h: int) -> np.ndarray:
    """Output pixel x reads input (x + 0.5) * in / out - 0.5, edges repeated: OpenCV's INTER_LINEAR."""
    ih, iw = a.shape[:2]
    out = np.zeros((h, w) + a.shape[2:])
    for y in range(h):
        sy = min(max((y + 0.5) * ih / h - 0.5, 0), ih - 1)
        y0 = int(np.floor(sy))
        y1, fy = min(y0 + 1, ih - 1), sy - y0
        for x in range(w):
            sx = min(max((x + 0.5) * iw / w - 0.5, 0), iw - 1)
            x0 = int(np.floor(sx))
            x1, fx = min(x0 + 1, iw - 1), sx - x0
            top = a[y0, x0] * (1 - fx) + a[y0, x1] * fx
            bottom = a[y1, x0] * (1 - fx) + a[y1, x1] * fx
            out[y, x] = top * (1 - fy) + bottom * fy
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 20), st.integers(2, 20), st.integers(1, 30), st.integers(1, 30), st.integers(0, 2**31))
def test_linear_resize_is_bilinear_interpolation_without_smoothing(iw, ih, w, h, seed):
    a = np.random.default_rng(seed).integers(0, 256, (ih, iw, 3), dtype=np.uint8)
    got = imaging.resize(a, (w, h))
    assert got.shape == (h, w, 3) and got.dtype == np.uint8
    assert np.abs(got.astype(float) - bilinear(a.astype(float), w, h)).max() <= 1.0 + 1e-6  # rounding


def test_area_resize_averages_blocks():
    a = np.random.default_rng(1).integers(0, 256, (40, 60), dtype=np.uint8)
    got = imaging.resize(a, (20, 10), "area")
    want = a.reshape(10, 4, 20, 3).mean(axis=(1, 3))
    assert np.abs(got - want).max() <= 1.0
    assert imaging.resize(a, (60, 40)) is not None and (imaging.resize(a, (60, 40)) == a).all()


def test_perspective_transform_maps_the_corners():
    src = [(10, 12), (90, 20), (85, 60), (5, 50)]
    dst = [(0, 0), (100, 0), (100, 40), (0, 40)]
    m = imaging.perspective_transform(src, dst)
    p = np.c_[np.asarray(src, float), np.ones(4)] @ m.T
    assert np.allclose(p[:, :2] / p[:, 2:], dst)


def test_warp_of_an_upright_box_is_the_slice_and_a_quarter_turn_is_rot90():
    a = np.random.default_rng(2).integers(0, 256, (60, 80, 3), dtype=np.uint8)
    box = [(10, 5), (50, 5), (50, 25), (10, 25)]
    assert (imaging.warp_quad(a, box, (40, 20), interpolation="nearest") == a[5:25, 10:50]).all()
    assert np.abs(imaging.warp_quad(a, box, (40, 20)).astype(int) - a[5:25, 10:50]).max() <= 1  # rounding
    # the same box read from its bottom-left corner, clockwise: the pixels turned a quarter
    turned = imaging.warp_quad(a, [(10, 24), (10, 4), (30, 4), (30, 24)], (20, 20), interpolation="nearest")
    assert (turned == np.rot90(a[5:25, 10:30], -1)).all()


def test_warp_outside_the_image_repeats_the_edge_or_fills():
    a = np.zeros((20, 30, 3), np.uint8)
    a[:, -1] = (200, 100, 50)  # the right column
    out = imaging.warp_quad(a, [(20, 5), (40, 5), (40, 15), (20, 15)], (20, 10))
    assert (out[:, 12:] == (200, 100, 50)).all()  # beyond the image: the right column again
    assert (out[:, :8] == 0).all()
    filled = imaging.warp_quad(a, [(20, 5), (40, 5), (40, 15), (20, 15)], (20, 10), border=(1, 2, 3))
    assert (filled[:, 12:] == (1, 2, 3)).all()
    gray = imaging.warp_quad(a[:, :, 0], [(-5, -5), (5, -5), (5, 5), (-5, 5)], (10, 10), border=7)
    assert gray.shape == (10, 10) and gray[0, 0] == 7
    # a degenerate quad (a line) gives an image, not an error
    assert imaging.warp_quad(a, [(1, 1), (5, 5), (9, 9), (3, 3)], (8, 4)).shape == (4, 8, 3)


def test_blur_keeps_the_mean_and_smooths():
    a = np.random.default_rng(3).integers(0, 256, (50, 50, 3), dtype=np.uint8)
    b = imaging.gaussian_blur(a, 1.5)
    assert b.shape == a.shape and abs(float(b.mean()) - float(a.mean())) < 3
    assert b.std() < 0.6 * a.std()
    assert (imaging.gaussian_blur(a, 0) == a).all()


def test_decode_and_encode(tmp_path):
    a = np.random.default_rng(4).integers(0, 256, (12, 9, 3), dtype=np.uint8)
    assert (imaging.decode(imaging.encode(a, ".png")) == a).all()
    jpg = imaging.decode(imaging.encode(a, ".jpg"))
    assert jpg.shape == a.shape
    with pytest.raises(HanjiError, match="not a readable image") as e:
        imaging.decode(b"not an image", tmp_path / "x.png")
    assert e.value.path == str(tmp_path / "x.png")
    with pytest.raises(ValueError, match="extension"):
        imaging.encode(a, ".nope")
    sixteen = np.arange(0, 60000, 1000, dtype=np.uint16).reshape(6, 10)
    buf = io.BytesIO()
    Image.fromarray(sixteen).save(buf, "PNG")
    g = imaging.decode(buf.getvalue())
    assert g.shape == (6, 10, 3) and g.min() == 0 and g.max() == 255
