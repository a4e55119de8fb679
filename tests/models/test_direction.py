"""The line direction classifier (PP-OCR cls converted to torch) and the pipeline's use of it."""

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hanji.synth.fonts import korean_fonts


def test_matches_onnxruntime_on_rendered_lines():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr_onnxruntime")
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "convert_ppocr_cls.py"
    spec = importlib.util.spec_from_file_location("convert_ppocr_cls", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["convert_ppocr_cls"] = mod
    spec.loader.exec_module(mod)
    from hanji.models.direction import load_direction_classifier

    assert mod.compare(load_direction_classifier().net, mod.onnx_path(), mod.test_lines()) <= 1e-4


def test_classifier_tells_upside_down_lines():
    from hanji.models.direction import load_direction_classifier
    from hanji.synth.lines import can_render, font_faces, render_line

    rng = random.Random(1)
    texts = ["영수증 번호 2024-0117", "합계 금액 12,500원", "TOTAL 33,000", "서울특별시 종로구 세종대로 175",
             "대표자 김한지", "카드 승인번호 30012345", "부가세 1,136", "Thank you!"]
    # four faces a text (thin, typewriter and brush faces included): the rate does not hang on one draw
    # of the machine's font list, which grows with the Debian font packages installed
    lines = [render_line(t, f, rng, strength=0.2) for t in texts
             for f in rng.sample(font_faces(), 4) if can_render(f, t)]
    clf = load_direction_classifier()
    up = clf.predict(lines)
    down = clf.predict([x[::-1, ::-1] for x in lines])
    assert sum(a == 180 for a, _ in down) >= 0.75 * len(lines)  # most upside-down lines are seen as such
    assert sum(a == 0 for a, _ in up) >= 0.75 * len(lines)
    fixed, turned = clf.upright([x[::-1, ::-1].copy() for x in lines[:2]])
    assert len(fixed) == 2 and len(turned) == 2


def _page(lines):
    font = ImageFont.truetype(str(korean_fonts()[0]), 26)
    img = Image.new("RGB", (520, 60 + 60 * len(lines)), "white")
    d = ImageDraw.Draw(img)
    for i, t in enumerate(lines):
        d.text((30, 30 + i * 60), t, fill="black", font=font)
    return np.asarray(img)


def test_pipeline_reads_an_upside_down_page_in_order():
    from hanji.domain.text import edit_distance
    from hanji.models.pipeline import OcrPipeline

    lines = ["서울특별시 종로구 세종대로", "합계 금액 12,500원", "카드 승인번호 3001"]
    page = _page(lines)
    ocr = OcrPipeline(recognizer="ko")
    upright = [r.text for r in ocr.page(page)]
    turned = ocr.page(np.ascontiguousarray(page[::-1, ::-1]))
    texts = [r.text for r in turned]
    assert len(texts) == len(lines)
    err = sum(edit_distance(a, b) for a, b in zip(texts, lines)) / sum(map(len, lines))
    assert err <= 0.1, texts
    assert all(r.attrs.get("upside_down") for r in turned)
    # the first region is the page's first line, now at the bottom; its first point is the text's top-left
    first = turned[0]
    h = page.shape[0]
    assert min(y for _, y in first.points) > h / 2
    xs, ys = [x for x, _ in first.points], [y for _, y in first.points]
    corner = min(first.points, key=lambda p: (p[0] - max(xs)) ** 2 + (p[1] - max(ys)) ** 2)
    assert first.points[0] == corner
    # without the classifier the upside-down page reads as nonsense
    plain = [r.text for r in OcrPipeline(recognizer="ko", direction=None).page(np.ascontiguousarray(page[::-1, ::-1]))]
    plain_err = sum(edit_distance(a, b) for a, b in zip(plain, lines)) / sum(map(len, lines))
    assert plain_err > 0.3
    assert upright and sum(edit_distance(a, b) for a, b in zip(upright, lines)) / sum(map(len, lines)) <= 0.1


def test_upright_page_is_left_alone():
    from hanji.models.pipeline import OcrPipeline

    page = _page(["오늘 회의는 오후 세 시", "본관 2층 대회의실"])
    regions = OcrPipeline(recognizer="ko").page(page)
    assert regions and not any(r.attrs.get("upside_down") for r in regions)
    assert [r.order for r in regions] == list(range(len(regions)))

