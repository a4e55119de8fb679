"""``hanji ocr`` and ``hanji preannotate`` end to end (real detector, a fake recognizer patched in)."""

from __future__ import annotations

import json

import pytest
from PIL import Image, ImageDraw, ImageFont

from hanji.cli import main
from hanji.synth.fonts import korean_fonts


class FakeRecognizer:
    name = "fake"

    def predict(self, crops):
        return [(f"줄{c.shape[1] // 10}", 0.9) for c in crops]


@pytest.fixture
def fake_recognizer(monkeypatch):
    import hanji.models.recognize as rec

    def load(name="ko", device=None, path=None):
        if name not in ("ko", "ppocr_en"):
            from hanji.errors import HanjiError

            raise HanjiError(f"unknown recognizer {name!r}")
        return FakeRecognizer()

    monkeypatch.setattr(rec, "load_recognizer", load)


def write_page(path, lines):
    font = ImageFont.truetype(str(korean_fonts()[0]), 22)
    img = Image.new("RGB", (360, 40 + 50 * len(lines)), "white")
    d = ImageDraw.Draw(img)
    for i, t in enumerate(lines):
        d.text((20, 20 + 50 * i), t, fill="black", font=font)
    img.save(path)


def test_ocr_command_writes_json_lines(tmp_path, fake_recognizer, capsys):
    a, b = tmp_path / "가.png", tmp_path / "b.jpg"
    write_page(a, ["첫째 줄입니다", "둘째 줄"])
    write_page(b, ["하나"])
    out = tmp_path / "out.jsonl"
    assert main(["ocr", str(a), str(b), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["image"] for r in rows] == [str(a), str(b)]
    assert [len(r["regions"]) for r in rows] == [2, 1]
    first, second = rows[0]["regions"]
    assert first["points"][0][1] < second["points"][0][1]  # reading order
    assert first["text"].startswith("줄") and first["score"] == pytest.approx(0.9)
    # stdout, line mode: the whole image is one region
    assert main(["ocr", str(b), "--mode", "line"]) == 0
    row = json.loads(capsys.readouterr().out.strip())
    w, h = Image.open(b).size
    assert row["regions"][0]["points"] == [[0, 0], [w, 0], [w, h], [0, h]]


def test_ocr_command_errors(tmp_path, fake_recognizer, capsys):
    assert main(["ocr", str(tmp_path / "missing.png")]) == 1
    assert "missing.png" in capsys.readouterr().err
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    assert main(["ocr", str(bad)]) == 1
    assert "bad.png" in capsys.readouterr().err
    write_page(tmp_path / "ok.png", ["한 줄"])
    assert main(["ocr", str(tmp_path / "ok.png"), "--recognizer", "klingon"]) == 1
    assert "klingon" in capsys.readouterr().err


def test_preannotate_command(tmp_path, fake_recognizer, capsys):
    from hanji.store import ProjectStore

    proj = tmp_path / "p.hanji"
    img = tmp_path / "page.png"
    write_page(img, ["사업자등록번호 123-45-67890", "합계 ₩12,500"])
    assert main(["new", str(proj), "--schema", "none"]) == 0
    assert main(["add", str(proj), str(img)]) == 0
    assert main(["preannotate", str(proj)]) == 0
    assert "pre-annotated 1 document" in capsys.readouterr().out
    with ProjectStore.open(proj, readonly=True) as store:
        (doc,) = store.documents()
        assert doc.status == "preannotated"
        assert len(store.regions(doc.id)) == 2
    # nothing left to do: documents already pre-annotated are skipped unless --all
    assert main(["preannotate", str(proj)]) == 0
    assert main(["preannotate", str(proj), "--all"]) == 0
    with ProjectStore.open(proj, readonly=True) as store:
        assert len(store.regions(doc.id)) == 2
    assert main(["preannotate", str(proj), "--docs", "99"]) == 1


def test_ocr_command_with_the_shipped_english_recognizer(tmp_path, capsys):
    """The real thing: shipped detector and PP-OCRv4 recognizer read a rendered receipt."""
    from hanji.models.weights import manifest

    if "ppocr_en_rec.pt" not in manifest():
        pytest.skip("the PP-OCRv4 recognizer is not shipped in this checkout")
    img = tmp_path / "receipt.png"
    write_page(img, ["TOTAL 12.50", "CASH 20.00"])
    assert main(["ocr", str(img), "--recognizer", "ppocr_en"]) == 0
    row = json.loads(capsys.readouterr().out.strip())
    texts = ["".join(r["text"].split()).upper() for r in row["regions"]]
    assert texts == ["TOTAL12.50", "CASH20.00"]
    assert all(r["score"] > 0.8 for r in row["regions"])
