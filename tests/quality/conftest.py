"""A small receipt project built in code, with problems planted on request."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from hanji.domain.model import KeyValue, Region
from hanji.domain.validators import brn_check_digit
from hanji.store import ProjectStore
from hanji.synth.fonts import korean_fonts

SHOPS = ["한지문구", "바다식당", "푸른약국", "하늘서점", "별빛카페"]
PLANTS = ("empty_text", "check_digit", "near_duplicate", "wrong_transcription")


def brn(prefix9: str) -> str:
    return f"{prefix9[:3]}-{prefix9[3:5]}-{prefix9[5:]}{brn_check_digit(prefix9)}"


def page(lines: list[str], size=(240, 200)) -> Image.Image:
    font = ImageFont.truetype(str(korean_fonts()[0]), 16)
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    for i, t in enumerate(lines):
        d.text((10, 10 + 30 * i), t, fill="black", font=font)
    return im


def encode(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def receipt_lines(i: int) -> list[str]:
    return [f"상호 {SHOPS[i % len(SHOPS)]}", f"합계 {(i + 1) * 1500:,}원", f"사업자 {brn(f'{120 + i}4567{i:02d}')}",
            f"2024.03.{i + 1:02d}"]


def add_receipt(store: ProjectStore, i: int, image_bytes: bytes | None = None, name: str | None = None):
    lines = receipt_lines(i)
    doc, added = store.add_image_bytes(name or f"receipt_{i}.png", image_bytes or encode(page(lines)))
    assert added
    regs = []
    for k, t in enumerate(lines):
        y = 10 + 30 * k
        toks = t.split()
        tags = ["O"] + (["B-store_name"] if k == 0 else ["B-total"] if k == 1 else ["B-business_number"]
                        if k == 2 else ["B-date"]) if len(toks) == 2 else ["B-date"]
        regs.append(Region([(8, y - 2), (200, y - 2), (200, y + 20), (8, y + 20)], text=t, status="confirmed",
                           machine_text=t, confidence=0.93 + 0.01 * (k % 3), order=k, tags=tags))
    store.add_regions(doc.id, regs)
    bn = lines[2].split()[1]
    store.set_keyvalues(doc.id, [
        KeyValue("store_name", SHOPS[i % len(SHOPS)], [regs[0].id]),
        KeyValue("total", lines[1].split()[1], [regs[1].id]),
        KeyValue("business_number", bn, [regs[2].id]),
        KeyValue("date", lines[3], [regs[3].id]),
    ])
    store.update_document(doc.id, status="done", doc_type="receipt")
    return doc, regs


def build(path, plants=()) -> ProjectStore:
    """Eight confirmed receipts; ``plants`` adds the named problems (see PLANTS)."""
    from hanji.domain.schemas import schema_entity_types

    store = ProjectStore.create(path, schema_entity_types("default"))
    docs = [add_receipt(store, i) for i in range(8)]
    if "empty_text" in plants:
        doc, regs = docs[1]
        store.update_region(regs[0].id, text="  ")
    if "check_digit" in plants:
        doc, _ = docs[2]
        kvs = store.keyvalues(doc.id)
        for kv in kvs:
            if kv.key == "business_number":
                last = int(kv.value[-1])
                kv.value = kv.value[:-1] + str((last + 1) % 10)
        store.set_keyvalues(doc.id, kvs)
    if "near_duplicate" in plants:
        im = page(receipt_lines(0)).resize((228, 190))
        add_receipt(store, 0, encode(im, "JPEG", quality=75), name="receipt_0_rescan.jpg")
    if "wrong_transcription" in plants:
        doc, regs = docs[4]
        store.update_region(regs[1].id, text="합게 7,500원")  # machine_text still reads 합계 7,500원
    return store


@pytest.fixture
def clean(tmp_path):
    s = build(tmp_path / "clean.hanji")
    yield s
    s.close()


@pytest.fixture
def planted(tmp_path):
    s = build(tmp_path / "planted.hanji", PLANTS)
    yield s
    s.close()
