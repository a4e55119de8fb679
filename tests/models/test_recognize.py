"""Recognizers: charset, CTC decoding, batching, the converted PP-OCRv4 model, weights errors."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hanji.errors import HanjiError
from hanji.models.recognize import load_recognizer
from hanji.models.recognize.charset import korean_charset, ks_x_1001_hangul
from hanji.models.recognize.decode import cer, ctc_greedy, levenshtein
from hanji.synth.fonts import korean_fonts


def render(text: str, size: int = 32, font_index: int = 0) -> np.ndarray:
    font = ImageFont.truetype(str(korean_fonts()[font_index]), size)
    w = int(font.getlength(text)) + size
    im = Image.new("RGB", (w, int(size * 1.5)), "white")
    ImageDraw.Draw(im).text((size // 2, size // 6), text, fill="black", font=font)
    return np.asarray(im)


@pytest.fixture(scope="module")
def ppocr():
    return load_recognizer("ppocr_en", device="cpu")


def test_korean_charset():
    hangul = ks_x_1001_hangul()
    assert len(hangul) == 2350 and hangul[0] == "가" and hangul[-1] == "힝"
    cs = korean_charset()
    assert len(cs) == len(set(cs))
    for c in "₩·※㈜①⑮℃%~「」『』○●■□▶★×÷ Aa0~":
        assert c in cs, c
    assert set(hangul) <= set(cs)
    assert "똠" not in cs  # not in KS X 1001


def test_ctc_greedy_collapses_repeats_and_drops_blanks():
    charset = ["가", "나", " "]
    seq = [1, 1, 0, 1, 2, 2, 0, 0, 3, 2]  # 가가 _ 가 나나 __ ' ' 나
    probs = np.full((len(seq), 4), 0.01, np.float32)
    for t, c in enumerate(seq):
        probs[t, c] = 0.97
    text, score = ctc_greedy(probs, charset)
    assert text == "가가나 나"
    assert score == pytest.approx(0.97)
    assert ctc_greedy(probs[:0], charset) == ("", 0.0)
    empty = np.zeros((5, 4), np.float32)
    empty[:, 0] = 0.9
    assert ctc_greedy(empty, charset) == ("", pytest.approx(0.9))


def test_cer():
    assert levenshtein("한글 문서", "한글문서") == 1
    assert cer(["한글", "abc"], ["한글", "abd"]) == pytest.approx(1 / 5)
    assert cer([""], ["가나"]) == 1.0


def test_ppocr_reads_an_english_line(ppocr):
    assert ppocr.name == "ppocr_en" and len(ppocr.charset) == 6624
    (text, score), = ppocr.predict([render("TOTAL AMOUNT 12.50")])
    assert text.replace(" ", "") == "TOTALAMOUNT12.50"
    assert 0.8 < score <= 1.0


def test_predict_keeps_input_order_across_batches(ppocr):
    texts = ["7", "Receipt No 123456789", "TAX", "Thank you for shopping", "RM 4.20"]
    crops = [render(t) for t in texts]
    out = ppocr.predict(crops, batch_size=2)
    assert len(out) == len(texts)
    got = [t.replace(" ", "") for t, _ in out]
    assert cer(got, [t.replace(" ", "") for t in texts]) < 0.1
    assert got[0] == "7" and got[2] == "TAX"
    assert ppocr.predict([]) == []


def test_width_batches_bound_padding_and_size():
    from hanji.models.recognize.decode import BATCH_COLUMNS, width_batches

    widths = [40, 800, 64, 70, 2400, 300, 310, 900, 64, 64] * 7
    batches = width_batches(widths, max_batch=32)
    assert sorted(i for b in batches for i in b) == list(range(len(widths)))  # each crop once
    for b in batches:
        ws = [widths[i] for i in b]
        assert ws == sorted(ws) and len(b) <= 32
        assert max(ws) <= 1.3 * min(ws) + 16  # little padding
        assert len(b) == 1 or len(b) * max(ws) <= BATCH_COLUMNS  # a batch that fits the cache
    assert width_batches([]) == []


def test_predict_accepts_gray_rgba_and_tiny_crops(ppocr):
    rgb = render("OK 42")
    gray = rgb.mean(axis=2).astype(np.uint8)
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    tiny = np.full((1, 1, 3), 255, np.uint8)
    out = ppocr.predict([gray, rgba, tiny])
    assert out[0][0].replace(" ", "") == "OK42" and out[1][0].replace(" ", "") == "OK42"
    assert isinstance(out[2][0], str)


def test_corrupt_weights_file_is_a_clear_error(tmp_path):
    from hanji.resources import resource_path

    good = resource_path("models", "ppocr_en_rec.pt").read_bytes()
    bad = tmp_path / "ko_rec.pt"
    bad.write_bytes(good[: len(good) // 3])
    with pytest.raises(HanjiError) as e:
        load_recognizer(path=bad)
    assert "ko_rec.pt" in str(e.value)
    missing = tmp_path / "nothing.pt"
    with pytest.raises(HanjiError, match="missing"):
        load_recognizer(path=missing)
    with pytest.raises(HanjiError, match="unknown recognizer"):
        load_recognizer("klingon")


def test_a_torch_file_that_is_not_a_recognizer(tmp_path):
    import torch

    p = tmp_path / "other.pt"
    torch.save({"model": {"w": torch.zeros(2)}, "charset": ["a"]}, p)
    with pytest.raises(HanjiError, match="not a Hanji recognizer"):
        load_recognizer(path=p)


def test_shipped_weights_checksum_is_verified(monkeypatch, tmp_path):
    import hanji.models.weights as weights

    real = weights.manifest()
    fake = {k: dict(v) for k, v in real.items()}
    fake["ppocr_en_rec.pt"]["sha256"] = "0" * 64
    monkeypatch.setattr(weights, "manifest", lambda: fake)
    with pytest.raises(HanjiError, match="corrupt"):
        load_recognizer("ppocr_en")


# the shipped ko_rec.pt (step 1000) reads these clean lines without error; allow a slip or two
KO_MAX_CER = 0.05
KO_LINES = ["영수증 합계 12,000원", "서울특별시 강남구 테헤란로 152", "대표자 김민준", "2024년 3월 15일",
            "카드 승인번호 04512377", "부가세 1,091원"]


@pytest.fixture(scope="module")
def ko():
    return load_recognizer("ko", device="cpu")


def test_ko_recognizer_metadata(ko):
    assert ko.name == "ko" and ko.version.startswith("ko-rec")
    assert len(ko.charset) == len(korean_charset())


def test_ko_reads_rendered_hangul_lines(ko):
    crops = [render(t, 32) for t in KO_LINES]
    preds = [t for t, _ in ko.predict(crops)]
    assert all(sum("\uac00" <= c <= "\ud7a3" for c in p) >= 2 for p in preds), preds
    assert cer(preds, KO_LINES) <= KO_MAX_CER, list(zip(preds, KO_LINES))


def test_ko_reads_a_font_it_was_not_trained_on(ko):
    from hanji.synth.lines import font_faces

    face = font_faces(held_out=True)[0]
    font = ImageFont.truetype(str(face.path), 30, index=face.index)
    crops = []
    for t in KO_LINES:
        im = Image.new("RGB", (int(font.getlength(t)) + 30, 46), "white")
        ImageDraw.Draw(im).text((15, 4), t, fill="black", font=font)
        crops.append(np.asarray(im))
    preds = [t for t, _ in ko.predict(crops)]
    assert cer(preds, KO_LINES) <= 0.1, list(zip(preds, KO_LINES))
