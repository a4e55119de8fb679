"""The text detector: parity with PP-OCRv4's ONNX model, lines found on rendered pages, quads and
polygons from the post-processing, weights checks."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hanji.domain import geometry
from hanji.errors import HanjiError
from hanji.synth.fonts import korean_fonts

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

LINES = ["주식회사 한지상사 영수증", "서울특별시 종로구 세종대로 175", "2024-01-17 14:32  No.0117",
         "아메리카노 2잔  ₩9,000", "합계 금액 ₩12,500 (부가세 포함)", "Thank you! 감사합니다",
         "사업자등록번호 123-45-67890", "카드승인 ※ 재발행 불가"]


def render_page(lines=LINES, size=(640, 560), x=28, y0=24, step=64, font_size=26, fonts=None):
    """A white page with one text line per entry; returns (rgb, [quad of each line's ink])."""
    fonts = fonts or korean_fonts()
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    boxes = []
    for i, text in enumerate(lines):
        font = ImageFont.truetype(str(fonts[i % min(len(fonts), 4)]), font_size)
        y = y0 + i * step
        draw.text((x, y), text, fill=(20, 20, 20), font=font)
        x0, y1_, x1, y2_ = draw.textbbox((x, y), text, font=font)
        boxes.append(geometry.rect_points(x0, y1_, x1, y2_))
    return np.asarray(img), boxes


def matches(found, truth, thr=0.5):
    used, hits = set(), 0
    for f in found:
        best = max(((geometry.iou(f, t), j) for j, t in enumerate(truth) if j not in used), default=(0, None))
        if best[0] >= thr:
            used.add(best[1])
            hits += 1
    return hits


@pytest.fixture(scope="module")
def detector():
    from hanji.models.detect import Resize, TextDetector

    # the rendered text is already large: no need to upscale small test pages to 736 pixels
    return TextDetector(device="cpu", resize=Resize(min_side=320))


def converted_dbnet(onnx_file: Path):
    """DBNet with PP-OCRv4's weights as tools/convert_ppocr_det.py converts them, in eval mode."""
    import importlib.util
    import sys

    tools = Path(__file__).resolve().parents[2] / "tools"
    sys.path.insert(0, str(tools))
    spec = importlib.util.spec_from_file_location("convert_ppocr_det", tools / "convert_ppocr_det.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["convert_ppocr_det"] = mod
    spec.loader.exec_module(mod)
    return mod.convert(onnx_file)[0].eval()


def test_torch_probability_map_matches_onnxruntime_on_a_page():
    ort = pytest.importorskip("onnxruntime")
    rapidocr = pytest.importorskip("rapidocr_onnxruntime")
    import torch

    onnx_file = Path(rapidocr.__file__).parent / "models" / "ch_PP-OCRv4_det_infer.onnx"
    rgb, _ = render_page(lines=LINES[:6], size=(384, 416), step=64, font_size=20)
    pages = [rgb]
    receipt = SHARED / "sroie" / "img" / "000.jpg"
    if receipt.exists():  # a real scanned receipt too, when the shared data is here
        im = Image.open(receipt).convert("RGB")
        im = im.resize((256, int(round(im.height * 256 / im.width / 32)) * 32))
        pages.append(np.asarray(im))
    sess = ort.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    net = converted_dbnet(onnx_file)  # the shipped weights are a fine-tune of this conversion
    fused = converted_dbnet(onnx_file).fuse()  # what the predictor runs: affine blocks folded into the convs
    for page in pages:
        x = ((page[:, :, ::-1].astype(np.float32) / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None]
        ref = sess.run(None, {sess.get_inputs()[0].name: np.ascontiguousarray(x)})[0]
        with torch.inference_mode():
            got = net(torch.from_numpy(np.ascontiguousarray(x))).numpy()
            got_fused = fused(torch.from_numpy(np.ascontiguousarray(x))).numpy()
        assert ref.shape == got.shape == (1, 1, *page.shape[:2])
        assert ref.max() > 0.9  # the page has text, so the comparison means something
        assert np.abs(ref - got).max() <= 1e-3
        assert np.abs(ref - got_fused).max() <= 1e-3


def test_detector_finds_rendered_korean_lines(detector):
    rgb, truth = render_page()
    dets = detector(rgb)
    assert len(dets) >= len(truth) - 1
    assert matches([d.points for d in dets], truth) >= len(truth) - 1
    for d in dets:
        assert d.kind == "quad" and len(d.points) == 4
        assert geometry.order_quad(d.points) == d.points  # clockwise from top-left
        assert geometry.signed_area(d.points) > 0
        assert 0.5 <= d.score <= 1.0


def test_detector_on_a_blank_page_finds_nothing(detector):
    assert detector(np.full((300, 400, 3), 255, np.uint8)) == []


def test_detector_handles_gray_and_small_images(detector):
    rgb, truth = render_page(lines=["짧은 한 줄"], size=(220, 60), y0=12, font_size=24)
    gray = rgb.mean(axis=2).astype(np.uint8)
    dets = detector(gray)
    assert matches([d.points for d in dets], truth) == 1
    for x, y in dets[0].points:
        assert 0 <= x <= 220 and 0 <= y <= 60


def test_rotated_lines_give_rotated_quads_from_top_left(detector):
    rgb, _ = render_page(lines=LINES[:4], size=(640, 480), y0=80, step=70)
    im = Image.fromarray(rgb).rotate(12, resample=Image.BICUBIC, fillcolor="white", center=(320, 240))
    dets = detector(np.asarray(im))
    assert len(dets) >= 3
    for d in dets:
        (x0, y0), (x1, y1) = d.points[0], d.points[1]
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        assert -16 <= angle <= -8  # PIL turns counter-clockwise: the lines rise to the right
        assert geometry.order_quad(d.points) == d.points


def test_postprocess_quads_and_polygons_for_curved_text():
    from hanji.models.detect import PostProcess

    prob = np.zeros((200, 400), np.float32)
    prob[20:40, 30:370] = 0.95  # a straight line
    yy, xx = np.mgrid[0:200, 0:400]
    r = np.hypot(xx - 200, yy - 330)
    arc = (r > 190) & (r < 210) & (yy < 160) & (yy > 60)  # text set along an arc
    prob[arc] = 0.9
    dets = PostProcess(polygons="auto")(prob)
    kinds = sorted(d.kind for d in dets)
    assert kinds == ["polygon", "quad"]
    quad = next(d for d in dets if d.kind == "quad")
    x0, y0, x1, y1 = geometry.bbox(quad.points)
    # unclip grows the shrunk DB region back: about 1.6 * area / perimeter on each side
    grow = 340 * 20 * 1.6 / (2 * (340 + 20))
    assert abs(x0 - (30 - grow)) <= 2 and abs(y0 - (20 - grow)) <= 2
    assert abs(x1 - (370 + grow)) <= 3 and abs(y1 - (40 + grow)) <= 3
    poly = next(d for d in dets if d.kind == "polygon")
    assert len(poly.points) >= 6
    assert geometry.signed_area(poly.points) > 0  # clockwise on screen
    assert geometry.iou(poly.points, geometry.convex_hull([(int(x), int(y)) for y, x in zip(*np.nonzero(arc))])) > 0.3
    assert all(d.kind == "quad" for d in PostProcess(polygons="quad")(prob))
    # a straight line with ragged ink (``***Thank You***``: stars only in the top half) is a quad
    ragged = np.zeros((120, 400), np.float32)
    ragged[50:70, 80:320] = 0.9
    ragged[50:59, 20:80] = 0.9
    ragged[50:59, 320:380] = 0.9
    assert [d.kind for d in PostProcess(polygons="auto")(ragged)] == ["quad"]
    # scaling back to image pixels
    scaled = PostProcess(polygons="quad")(prob, sx=2.0, sy=2.0)
    assert max(geometry.bbox(d.points)[2] for d in scaled) > 700


def test_postprocess_drops_faint_and_tiny_shapes():
    from hanji.models.detect import PostProcess

    prob = np.zeros((100, 100), np.float32)
    prob[10:30, 10:90] = 0.4  # above the pixel threshold but its mean is below box_thresh
    prob[60:62, 10:12] = 0.99  # a speck
    assert PostProcess()(prob) == []


def test_weights_missing_or_corrupt_name_the_file(tmp_path):
    from hanji.models.detect import load_dbnet

    with pytest.raises(HanjiError) as e:
        load_dbnet(str(tmp_path / "nope.pt"))
    assert "nope.pt" in str(e.value)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(HanjiError) as e:
        load_dbnet(str(bad))
    assert "bad.pt" in str(e.value)


def test_shipped_weights_are_in_the_manifest_with_a_licence():
    from hanji.models.weights import manifest, shipped_path
    from hanji.resources import resource_path

    entry = manifest()["ppocrv4_det_mobile.pt"]
    assert entry["licence"] == "Apache-2.0"
    assert resource_path("models", entry["licence_file"]).exists()
    shipped_path("ppocrv4_det_mobile.pt")  # verifies the SHA-256


def test_detected_lines_of_a_rendered_two_column_page_come_out_in_reading_order(detector):
    from hanji.models.pipeline import OcrPipeline

    fonts = korean_fonts()
    font = ImageFont.truetype(str(fonts[0]), 20)
    img = Image.new("RGB", (720, 420), "white")
    d = ImageDraw.Draw(img)
    truth, names = [], []

    def put(x, y, text, name):
        d.text((x, y), text, fill="black", font=font)
        truth.append(geometry.rect_points(*d.textbbox((x, y), text, font=font)))
        names.append(name)

    put(220, 16, "두 단 문서의 제목입니다", "title")
    left = ["왼쪽 단 첫째 줄 글입니다", "왼쪽 단 둘째 줄 글입니다", "왼쪽 단 셋째 줄 글입니다",
            "왼쪽 단 넷째 줄 글입니다", "왼쪽 단 끝"]
    right = ["오른쪽 단 첫째 줄 글이다", "오른쪽 단 둘째 줄 글이다", "오른쪽 단 셋째 줄 글이다",
             "오른쪽 단 넷째 줄 글이다", "오른쪽 단 끝"]
    for i, (a, b) in enumerate(zip(left, right)):
        put(30, 80 + i * 56, a, f"L{i}")
        put(390, 80 + i * 56, b, f"R{i}")
    regions = OcrPipeline(detector=detector, recognizer=None).detect(np.asarray(img))
    got = []
    for r in regions:
        best = max(range(len(truth)), key=lambda j: geometry.iou(r.points, truth[j]))
        assert geometry.iou(r.points, truth[best]) > 0.5
        got.append(names[best])
    assert got == ["title"] + [f"L{i}" for i in range(5)] + [f"R{i}" for i in range(5)]
    assert [r.order for r in regions] == list(range(11))


def test_fuse_folds_the_stem_batch_norm_as_fold_bn_does():
    """DBNet.fuse folds the backbone's stem batch norm with fastconv.fold_bn, like the head's (it was
    written out by hand): the same weights, a bias within a float rounding of the hand-written
    fold, and the network's output within float tolerance of both the unfused net and that fold."""
    import copy

    import torch
    from torch import nn

    from hanji.models.detect.net import DBNet

    torch.manual_seed(4)
    net = DBNet().eval()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):  # statistics of their own, so folding them means something
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)
    bb = net.backbone
    with torch.no_grad():  # the fold DBNet.fuse wrote out before
        bn = bb.bn1
        std = torch.sqrt(bn.running_var + bn.eps)
        hand_w = bb.conv1.weight * (bn.weight / std).reshape(-1, 1, 1, 1)
        hand_b = bn.bias - bn.running_mean * bn.weight / std
    x = torch.randn(1, 3, 96, 128)
    fused = copy.deepcopy(net).fuse()
    stem = fused.backbone.conv1
    assert isinstance(fused.backbone.bn1, nn.Identity)
    assert (stem.kernel_size, stem.stride, stem.padding) == (bb.conv1.kernel_size, bb.conv1.stride, bb.conv1.padding)
    assert torch.equal(stem.weight, hand_w)
    assert torch.allclose(stem.bias, hand_b, rtol=0, atol=1e-6)
    with torch.inference_mode():
        assert torch.allclose(stem(x), bb.bn1(bb.conv1(x)), atol=1e-5)
        hand = copy.deepcopy(net)
        hand.backbone.conv1 = nn.Conv2d(3, stem.out_channels, 3, 2, 1)
        hand.backbone.conv1.weight.copy_(hand_w)
        hand.backbone.conv1.bias.copy_(hand_b)
        hand.backbone.bn1 = nn.Identity()
        hand.fuse()  # the rest as before; the stem is folded already
        got, ref, before = fused(x), net(x), hand(x)
    assert torch.allclose(got, ref, atol=1e-5)
    assert torch.allclose(got, before, atol=1e-6)
