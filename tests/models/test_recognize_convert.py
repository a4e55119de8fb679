"""The PP-OCRv4 recognizer converted to torch matches onnxruntime on a rendered line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
pytest.importorskip("rapidocr_onnxruntime")


def converter():
    spec = importlib.util.spec_from_file_location("convert_ppocr_rec", ROOT / "tools" / "convert_ppocr_rec.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["convert_ppocr_rec"] = mod
    spec.loader.exec_module(mod)
    return mod


def render(text: str, size: int) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    from hanji.synth.fonts import korean_fonts

    font = ImageFont.truetype(str(korean_fonts()[0]), size)
    im = Image.new("RGB", (int(font.getlength(text)) + size, int(size * 1.5)), (250, 248, 240))
    ImageDraw.Draw(im).text((size // 2, size // 6), text, fill=(20, 20, 20), font=font)
    return np.asarray(im)


@pytest.fixture(scope="module")
def converted():
    conv = converter()
    return conv, conv.convert()


def test_torch_matches_onnxruntime(converted):
    import torch

    from hanji.models.recognize.decode import batch_tensor, prepare
    from hanji.models.recognize.net import RecNet

    conv, state = converted
    net = RecNet(len(state["charset"]) + 1)
    net.load_state_dict(state["model"])
    net.eval()
    img = render("Invoice 2024-05-17 합계 12,500", 30)
    x, _ = batch_tensor([prepare(img)], min_width=320)
    sess = ort.InferenceSession(str(conv.default_onnx()), providers=["CPUExecutionProvider"])
    ref = sess.run(None, {"x": x.numpy()})[0]
    with torch.no_grad():
        got = net(x).softmax(-1).numpy()
    assert got.shape == ref.shape
    assert np.abs(got - ref).max() <= 1e-3


def test_charset_and_shipped_file_match_the_conversion(converted):
    import torch

    from hanji.models.weights import load_shipped

    conv, state = converted
    assert len(state["charset"]) == 6624 and state["charset"][-1] == " "
    shipped = load_shipped("ppocr_en_rec.pt")
    assert shipped["charset"] == state["charset"]
    for k, v in conv.to_fp16(state)["model"].items():  # shipped in fp16
        assert shipped["model"][k].dtype == v.dtype and torch.equal(shipped["model"][k], v), k


def test_shipped_fp16_weights_still_match_onnxruntime(converted):
    """Loaded back (the loader computes in fp32), the fp16 weights read like the ONNX original."""
    from hanji.models.recognize import load_recognizer
    from hanji.models.recognize.decode import batch_tensor, prepare

    conv, _ = converted
    rec = load_recognizer("ppocr_en", device="cpu")
    assert all(p.dtype.is_floating_point and p.dtype.itemsize == 4 for p in rec.net.parameters())
    img = render("Invoice 2024-05-17 합계 12,500", 30)
    x, _ = batch_tensor([prepare(img)], min_width=320)
    sess = ort.InferenceSession(str(conv.default_onnx()), providers=["CPUExecutionProvider"])
    ref = sess.run(None, {"x": x.numpy()})[0]
    got = rec.net(x).float().softmax(-1).detach().numpy()
    assert np.abs(got - ref).max() <= 2e-2
    assert (got.argmax(-1) == ref.argmax(-1)).mean() >= 0.99
