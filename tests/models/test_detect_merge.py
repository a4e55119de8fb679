"""Letter-spaced labels come out of the detector as one line; a label and its value stay apart."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from hanji.domain import geometry
from hanji.models.detect.merge import MergeRule, merge_groups
from hanji.resources import resource_path

FONT = str(resource_path("fonts") / "NanumGothic.ttf")


def spaced_page(size: int = 22, spacing: float = 1.2, width: int = 900, height: int = 760):
    """A page with a letter-spaced label and its value far to the right, a spaced issuer label and
    its value, and two short words with a column gap. Returns (rgb, {name: ink box})."""
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    boxes = {}

    def spaced(name, x, y, text, sp):
        x0 = x
        for c in text:
            d.text((x, y), c, font=font, fill=(20, 20, 20))
            x += font.getlength(c) + sp * size
        b = d.textbbox((x0, y), text[0], font=font)
        e = d.textbbox((x - font.getlength(text[-1]) - sp * size, y), text[-1], font=font)
        boxes[name] = geometry.rect_points(b[0], min(b[1], e[1]), e[2], max(b[3], e[3]))

    spaced("card_label", 60, 200, "카드번호", spacing)
    spaced("card_value", 560, 200, "1234-56**-****-7890", 0)
    spaced("issuer_label", 60, 300, "발급기관명", spacing)
    spaced("issuer_value", 560, 300, "한지상사", 0)
    spaced("qty", 60, 400, "수량", 0)
    spaced("price", 60 + 3 * size, 400, "12,000", 0)  # a word and a number a column gap apart
    return np.asarray(img), boxes


class InkNet(torch.nn.Module):
    """Stands in for DBNet: its probability map is each glyph's own ink, grown a little, so every
    syllable of a letter-spaced label is a separate shape (what the network does on faded, blurred
    photos of small text)."""

    def __init__(self, rgb: np.ndarray):
        super().__init__()
        mask = Image.fromarray((rgb.min(axis=2) < 128).astype(np.uint8) * 255)
        self.ink = np.asarray(mask.filter(ImageFilter.MaxFilter(5)))

    def fuse(self):
        return self

    def forward(self, x):
        h, w = x.shape[2:]
        m = np.asarray(Image.fromarray(self.ink).resize((w, h), Image.Resampling.BILINEAR), np.float32) / 255
        return torch.from_numpy(m)[None, None]


def _which(dets, boxes):
    """For each named ink box, the detections that overlap it."""
    return {name: [k for k, d in enumerate(dets) if geometry.iou(d.points, box) > 0.05] for name, box in boxes.items()}


def test_letter_spaced_fragments_from_the_map_are_joined_into_one_line():
    from hanji.models.detect import TextDetector

    rgb, boxes = spaced_page()
    raw = TextDetector(net=InkNet(rgb), device="cpu", merge=None).detect(rgb)
    assert len(_which(raw, boxes)["card_label"]) == 4  # the map holds four syllables apart
    dets = TextDetector(net=InkNet(rgb), device="cpu").detect(rgb)
    hit = _which(dets, boxes)
    for label in ("card_label", "issuer_label"):
        assert len(hit[label]) == 1, label
        x0, _, x1, _ = geometry.bbox(dets[hit[label][0]].points)
        t0, _, t1, _ = geometry.bbox(boxes[label])
        assert abs(x0 - t0) < 22 and abs(x1 - t1) < 22, label  # the whole label, first to last syllable
    # a label and its value, and a word beside a number, stay apart
    assert hit["card_label"] != hit["card_value"] and hit["issuer_label"] != hit["issuer_value"]
    assert hit["qty"] != hit["price"]


@pytest.mark.parametrize("spacing", [0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8])
def test_a_letter_spaced_label_is_one_detected_line(spacing):
    """The real detector on a rendered page: one line for each spaced label, apart from its value."""
    from hanji.models.detect import TextDetector

    rgb, boxes = spaced_page(spacing=spacing)
    dets = TextDetector(device="cpu").detect(rgb)
    hit = _which(dets, boxes)
    for label, value in (("card_label", "card_value"), ("issuer_label", "issuer_value")):
        assert len(hit[label]) == 1, (label, hit)
        assert geometry.iou(dets[hit[label][0]].points, boxes[label]) >= 0.5, label
        assert set(hit[label]).isdisjoint(hit[value])


def test_merge_rule_on_boxes():
    h = 20
    syllables = [geometry.rect_points(100 + k * 2.2 * h, 50, 100 + k * 2.2 * h + h, 50 + h) for k in range(4)]
    value = [geometry.rect_points(400, 50, 600, 50 + h)]
    below = [geometry.rect_points(100, 50 + 1.6 * h, 100 + h, 50 + 2.6 * h)]  # a stacked label: its own line
    groups = merge_groups(syllables + value + below, MergeRule())
    assert sorted(map(sorted, groups)) == [[0, 1, 2, 3], [4], [5]]
    # too far apart (more than 1.6 text heights between them): not one label
    far = [geometry.rect_points(100 + k * 3.0 * h, 50, 100 + k * 3.0 * h + h, 50 + h) for k in range(3)]
    assert len(merge_groups(far, MergeRule())) == 3


def test_white_on_black_header_and_stacked_labels_are_separate_horizontal_lines():
    """Guards (the shipped detector already does this on clean renders): a white-on-black header is
    found, and two short labels stacked in one table cell are two horizontal lines, not one."""
    from hanji.models.detect import TextDetector

    img = Image.new("RGB", (900, 760), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 24)
    d.rectangle([0, 60, 900, 120], fill=(25, 25, 25))
    d.text((330, 76), "한지마트 영수증", font=font, fill=(250, 250, 250))
    header = geometry.rect_points(*d.textbbox((330, 76), "한지마트 영수증", font=font))
    stacked = []
    for k, text in enumerate(("근무", "부서")):
        xy = (80, 300 + k * 40)
        d.text(xy, text, font=font, fill=(20, 20, 20))
        stacked.append(geometry.rect_points(*d.textbbox(xy, text, font=font)))
    d.text((300, 320), "영업부 제2팀", font=font, fill=(20, 20, 20))
    dets = TextDetector(device="cpu").detect(np.asarray(img))
    assert any(geometry.iou(x.points, header) >= 0.5 for x in dets)
    for k, box in enumerate(stacked):
        hit = [x for x in dets if geometry.iou(x.points, box) > 0.05]
        assert len(hit) == 1
        x0, y0, x1, y1 = geometry.bbox(hit[0].points)
        other = geometry.centroid(stacked[1 - k])
        assert not y0 <= other[1] <= y1  # its own line: the other label is not in it
        assert x1 - x0 > y1 - y0  # horizontal


def _code_and_quantity_page(size: int = 24):
    """A receipt row with a Latin tax code and the quantity beside it (``GA`` and ``3``, each a
    box hardly wider than tall, under a text height apart) and, below it, the letter-spaced
    label ``성 명`` set at the same gap: geometry alone cannot tell the two apart."""
    img = Image.new("RGB", (700, 360), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    boxes = {}
    for name, x, y, text in (("code", 80, 100, "GA"), ("qty", 80 + font.getlength("GA") + 0.9 * size, 100, "3"),
                             ("seong", 80, 220, "성"), ("myeong", 80 + font.getlength("성") + 0.9 * size, 220, "명")):
        d.text((x, y), text, font=font, fill=(20, 20, 20))
        boxes[name] = geometry.rect_points(*d.textbbox((x, y), text, font=font))
    return np.asarray(img), boxes


def test_merge_rule_reads_the_pieces_hangul_joins_a_latin_code_and_a_number_stay_apart():
    from hanji.models.detect.merge import hangul_join, join_fragments
    from hanji.models.detect.postprocess import Detection

    h = 20
    code = geometry.rect_points(100, 50, 100 + 1.2 * h, 50 + h)  # 'GA'
    qty = geometry.rect_points(100 + 2.1 * h, 50, 100 + 2.7 * h, 50 + h)  # '3', 0.9 text heights on
    seong = geometry.rect_points(100, 150, 100 + h, 150 + h)
    myeong = geometry.rect_points(100 + 1.9 * h, 150, 100 + 2.9 * h, 150 + h)
    amount = geometry.rect_points(100 + 3.5 * h, 50, 100 + 8 * h, 50 + h)  # '12.50', no fragment: never asked
    dets = [Detection(q, 0.9, "quad") for q in (code, qty, seong, myeong, amount)]
    assert len(join_fragments(dets, MergeRule())) == 3  # geometry alone joins both pairs
    texts = {0: "GA", 1: "3", 2: "성", 3: "명", 4: "12.50"}
    asked = []

    def read(shapes):
        asked.extend(shapes)
        return [texts[[d.points for d in dets].index(s)] for s in shapes]

    out = join_fragments(dets, MergeRule(), read=read)
    assert len(out) == 4 and len(asked) == 4  # 'GA' and '3' apart, '성 명' one line
    assert any(geometry.iou(o.points, geometry.rect_points(100, 150, 100 + 2.9 * h, 150 + h)) > 0.9 for o in out)
    assert hangul_join("제", "1") and hangul_join("3", "층") and not hangul_join("GA", "3")
    assert not hangul_join("RM", "12.50") and hangul_join("ㄱ", "가")


def test_pipeline_joins_a_spaced_hangul_label_but_not_a_latin_code_beside_a_quantity():
    """The whole pipeline (its recognizer reads the pieces): ``성 명`` is one line, ``GA`` and ``3``
    stay two; with the merge on geometry alone (``read_pieces`` off) ``GA 3`` would be one."""
    from hanji.models.detect import TextDetector
    from hanji.models.pipeline import OcrPipeline

    rgb, boxes = _code_and_quantity_page()
    det = TextDetector(net=InkNet(rgb), device="cpu")
    ocr = OcrPipeline(detector=det, recognizer="ko", direction=None)
    geometric = OcrPipeline(detector=det, recognizer=None).detect(rgb)
    hit = _which(geometric, boxes)
    assert hit["code"] == hit["qty"] and hit["seong"] == hit["myeong"]  # the old rule's mistake
    regions = ocr.page(rgb)
    hit = _which(regions, boxes)
    assert len(hit["code"]) == 1 and len(hit["qty"]) == 1 and hit["code"] != hit["qty"]
    assert len(hit["seong"]) == 1 and hit["seong"] == hit["myeong"]
    assert regions[hit["seong"][0]].text.replace(" ", "") == "성명"
    assert regions[hit["code"][0]].text == "GA" and regions[hit["qty"][0]].text == "3"


def test_fragments_on_a_slanted_row_join_along_the_row():
    """A spaced title photographed at a slant: each syllable's box comes out upright (a square blob's
    own angle means nothing) while the row runs at 12 degrees; the fragments join, and the joined quad
    follows the row. Fragments stepping down more steeply (a staircase of rows) stay apart."""
    import math

    from hanji.models.detect.merge import joined_quad

    h, step, slope = 36, 2.0 * 36, math.radians(12)
    centres = [(200 + k * step * math.cos(slope), 300 + k * step * math.sin(slope)) for k in range(5)]
    upright = [geometry.rect_points(cx - h / 2, cy - h / 2, cx + h / 2, cy + h / 2) for cx, cy in centres]
    assert sorted(map(sorted, merge_groups(upright, MergeRule()))) == [[0, 1, 2, 3, 4]]
    quad = joined_quad(upright)
    (x0, y0), (x1, y1) = quad[0], quad[1]
    assert abs(math.degrees(math.atan2(y1 - y0, x1 - x0)) - 12) < 1
    c, s = math.cos(slope), math.sin(slope)
    u0, u1 = -h / 2, 4 * step + h / 2
    true = [(200 + u * c - v * s, 300 + u * s + v * c) for u, v in ((u0, -h / 2), (u1, -h / 2), (u1, h / 2), (u0, h / 2))]
    assert geometry.iou(quad, true) > 0.8  # an upright box around the row would be far taller than the line
    steep = [geometry.rect_points(200 + k * 1.8 * h, 300 + k * 0.9 * h, 200 + k * 1.8 * h + h, 300 + k * 0.9 * h + h)
             for k in range(3)]  # 27 degrees
    assert len(merge_groups(steep, MergeRule())) == 3


def test_a_faint_syllable_is_kept_when_it_joins_a_kept_piece_and_reads_as_hangul():
    from hanji.models.detect.merge import join_fragments
    from hanji.models.detect.postprocess import Detection

    h = 20
    jik = geometry.rect_points(100, 50, 100 + h, 50 + h)  # faint: 0.45, under the box threshold
    wi = geometry.rect_points(100 + 1.8 * h, 50, 100 + 2.8 * h, 50 + h)
    lone = geometry.rect_points(100, 250, 100 + h, 250 + h)  # faint and alone: noise
    code = geometry.rect_points(300, 150, 300 + h, 150 + h)  # faint 'G' beside a kept '3'
    qty = geometry.rect_points(300 + 1.8 * h, 150, 300 + 2.4 * h, 150 + h)
    dets = [Detection(q, s, "quad") for q, s in ((jik, 0.45), (wi, 0.9), (lone, 0.45), (code, 0.45), (qty, 0.9))]
    texts = {0: "직", 1: "위", 2: "가", 3: "G", 4: "3"}

    def read(shapes):
        return [texts[[d.points for d in dets].index(s)] for s in shapes]

    out = join_fragments(dets, MergeRule(), read=read, min_score=0.5)
    assert len(out) == 2  # '직 위' one line, '3' alone; the lone faint piece and the faint 'G' gone
    assert any(geometry.iou(o.points, geometry.rect_points(100, 50, 100 + 2.8 * h, 50 + h)) > 0.9 for o in out)
    assert any(geometry.iou(o.points, qty) > 0.9 for o in out)
    # without reading the pieces a faint one is never kept
    assert [o.points for o in join_fragments(dets, MergeRule(), min_score=0.5)] == [wi, qty]


class FaintNet(InkNet):
    """InkNet with the ink left of ``x`` faint (a box score of 0.44 where the rest scores 0.79): the
    first syllable of a spaced label, as a fine-tuned detector's map had it on certificates (0.47)."""

    def __init__(self, rgb: np.ndarray, x: int):
        super().__init__(rgb)
        ink = self.ink.astype(np.float32)
        ink[:, :x] *= 0.6
        self.ink = ink.astype(np.uint8)


def test_pipeline_keeps_a_faint_first_syllable_of_a_spaced_label():
    from hanji.models.detect import TextDetector
    from hanji.models.pipeline import OcrPipeline

    rgb, boxes = _code_and_quantity_page()
    x = int(geometry.bbox(boxes["seong"])[2]) + 4  # 성 faint, 명 not (the code row sits right of it)
    rgb = rgb.copy()
    rgb[:200] = 255  # only the label
    det = TextDetector(net=FaintNet(rgb, x), device="cpu")
    assert not _which(det.detect(rgb), boxes)["seong"]  # under the box threshold on its own
    regions = OcrPipeline(detector=det, recognizer="ko", direction=None).page(rgb)
    hit = _which(regions, boxes)
    assert len(hit["seong"]) == 1 and hit["seong"] == hit["myeong"]
    assert regions[hit["seong"][0]].text.replace(" ", "") == "성명"
