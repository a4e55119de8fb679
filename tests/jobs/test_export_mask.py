"""Privacy masking on export: every format's files hold no full ID or card number with ``mask=True``
(`hanji export --mask-personal`), an unmasked export keeps them, and the project is not changed."""

from __future__ import annotations

import json
import re

import pytest

from hanji.cli import main as cli_main
from hanji.domain.model import KeyValue, Region
from hanji.domain.schemas import schema_entity_types
from hanji.formats import registry
from hanji.jobs.transfer import export_project
from hanji.store import ProjectStore
from helpers import png_bytes

RRN = "900101-1234568"  # a resident registration number
CARD = "4111 1111 1111 1111"  # a card number, printed in groups
CARD2 = "5500-0000-0000-0004"  # a card number only a key-value names (its region is not tagged)
NAME = "홍길동"


def box(y: float) -> list[tuple[float, float]]:
    return [(4, y), (300, y), (300, y + 20), (4, y + 20)]


def make(path):
    store = ProjectStore.create(path, schema_entity_types("default"))
    doc, _ = store.add_image_bytes("주민등록증.png", png_bytes(320, 200, text="주민등록증"))
    regs = store.add_regions(doc.id, [
        Region(box(4), text=f"주민등록번호 {RRN}", tags=["O", "B-resident_number"], status="confirmed",
               attrs={"words": [{"text": "주민등록번호"}, {"text": RRN}]}),
        Region(box(30), text=NAME, label="name", tags=["B-name"], status="confirmed", machine_text=NAME),
        Region(box(56), text="서울특별시 중구 세종대로 110", tags=["B-address"] + ["I-address"] * 3, status="confirmed"),
    ], record=False)
    store.set_keyvalues(doc.id, [KeyValue("resident_number", RRN, [regs[0].id]), KeyValue("name", NAME, [regs[1].id])],
                        record=False)
    store.update_document(doc.id, doc_type="id_card", status="done", record=False)
    card, _ = store.add_image_bytes("카드.png", png_bytes(320, 200, text="카드"))
    cregs = store.add_regions(card.id, [
        Region(box(4), text=CARD, tags=["B-card_number"] + ["I-card_number"] * 3, status="confirmed"),
        Region(box(30), text=f"카드 {CARD2}", status="confirmed"),
        Region(box(56), text="12/29", tags=["B-expiry"], status="confirmed"),
    ], record=False)
    store.set_keyvalues(card.id, [KeyValue("card_number", CARD, [cregs[0].id]),
                                  KeyValue("card_number", CARD2, [cregs[1].id]), KeyValue("expiry", "12/29")],
                        record=False)
    store.update_document(card.id, doc_type="credit_card", status="done", attrs={"note": f"holder card {CARD2}"},
                          record=False)
    return store


def written_text(out) -> str:
    files = [out] if out.is_file() else [p for p in sorted(out.rglob("*")) if p.is_file()]
    text = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files)
    return re.sub(r"\t(?:[BI]-\S+|O)(?=\n)", "", text)  # CoNLL: one token a line, its tag after a tab


def digits_of(s: str) -> str:
    return re.sub(r"\D", "", s)


def holds_number(text: str, number: str) -> bool:
    """The number's digits in a row, whatever the spacing, dashes or JSON escapes between them."""
    d = digits_of(number)
    return re.search(r"(?<!\d)" + r"[\s.\-]*".join(d) + r"(?!\d)", text) is not None


def snapshot(store):
    c = store.conn
    return [list(map(tuple, c.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()))
            for t in ("documents", "regions", "keyvalues")]


@pytest.mark.parametrize("fmt", registry.names())
def test_masked_export_holds_no_full_number_in_any_format(tmp_path, fmt):
    with make(tmp_path / "p.hanji") as store:
        before = snapshot(store)
        name = f"{fmt}.conll" if fmt == "conll" else f"{fmt}-out"
        plain = tmp_path / "plain" / name
        masked = tmp_path / "masked" / name
        plain.parent.mkdir()
        masked.parent.mkdir()
        export_project(store, fmt, plain)
        rep = export_project(store, fmt, masked, mask=True)
        after = snapshot(store)
    text, mtext = written_text(plain), written_text(masked)
    assert holds_number(text, RRN) and holds_number(text, CARD)  # an unmasked export keeps them
    for number in (RRN, CARD, CARD2):
        assert not holds_number(mtext, number), (fmt, number)
    assert NAME not in mtext
    assert "900101-1" in mtext or "9001011" in mtext  # the first digits stay
    assert "411111" in digits_of(mtext)
    assert before == after  # the project is unchanged
    assert rep.masked == 2 and "resident_number" in rep.personal and "masked" in rep.summary()


def test_masked_hanji_export_values(tmp_path):
    with make(tmp_path / "p.hanji") as store:
        export_project(store, "hanji", tmp_path / "m.jsonl", mask=True)
    docs = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    docs = [d for d in docs if "regions" in d]
    regions = [r for d in docs for r in d["regions"]]
    texts = [r["text"] for r in regions]
    assert "주민등록번호 900101-1******" in texts and "홍*동" in texts
    assert "4111 11** **** ****" in texts and "카드 5500-00**-****-****" in texts
    assert "12/29" in texts  # not personal: as it was
    assert "서울특별시 중구 세종대로 110" in texts  # address is not marked personal in the default schema
    kvs = {(kv["key"], kv["value"]) for d in docs for kv in d["keyvalues"]}
    assert ("resident_number", "900101-1******") in kvs and ("card_number", "5500-00**-****-****") in kvs
    assert [w["text"] for r in regions for w in r["attrs"].get("words", [])] == ["주민등록번호", "900101-1******"]


def test_schema_flag_decides_what_is_masked(tmp_path):
    with make(tmp_path / "p.hanji") as store:
        addr = next(e for e in store.entity_types() if e.name == "address")
        addr.personal = True
        store.set_entity_type(addr, record=False)
        card = next(e for e in store.entity_types() if e.name == "card_number")
        card.personal = False
        store.set_entity_type(card, record=False)
        export_project(store, "hanji", tmp_path / "m.jsonl", mask=True)
    text = (tmp_path / "m.jsonl").read_text(encoding="utf-8")
    assert "세종대로" not in text and "서울특별시" in text  # the address keeps its first word only
    assert CARD in text  # no longer marked personal


def test_cli_mask_personal(tmp_path, capsys):
    make(tmp_path / "p.hanji").close()
    assert cli_main(["export", str(tmp_path / "p.hanji"), "--format", "ppocrlabel", str(tmp_path / "plain")]) == 0
    assert cli_main(["export", str(tmp_path / "p.hanji"), "-f", "ppocrlabel", str(tmp_path / "masked"),
                     "--mask-personal", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rep["masked"] == 2 and "card_number" in rep["personal"]
    assert holds_number(written_text(tmp_path / "plain"), RRN)
    masked = written_text(tmp_path / "masked")
    assert not any(holds_number(masked, n) for n in (RRN, CARD, CARD2)) and "900101-1" in masked


def _text_image(boxes: list[list[tuple[float, float]]]) -> bytes:
    """A white page with dark strokes inside each box."""
    import io

    from PIL import Image, ImageDraw

    im = Image.new("RGB", (320, 200), "white")
    d = ImageDraw.Draw(im)
    for b in boxes:
        x0, y0 = b[0]
        x1, y1 = b[2]
        for x in range(int(x0) + 6, int(x1) - 6, 9):
            d.line([(x, y0 + 5), (x + 4, y1 - 5)], fill=(20, 20, 20), width=2)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _images(out, size) -> list:
    from PIL import Image

    files = [out] if out.is_file() else sorted(out.rglob("*"))
    found = []
    for p in files:
        if p.is_file() and p.suffix.lower() in (".png", ".jpg", ".jpeg"):
            im = Image.open(p)
            if im.size == size:
                found.append(im.convert("RGB"))
    return found


@pytest.mark.parametrize("fmt", registry.names())
def test_masked_export_paints_over_personal_regions_in_images(tmp_path, fmt):
    import io

    import numpy as np
    from PIL import Image

    boxes = [box(4), box(30), box(56)]
    with ProjectStore.create(tmp_path / "p.hanji", schema_entity_types("default")) as store:
        doc, _ = store.add_image_bytes("주민등록증.png", _text_image(boxes))
        store.add_regions(doc.id, [
            Region(boxes[0], text=f"주민등록번호 {RRN}", tags=["O", "B-resident_number"], status="confirmed"),
            Region(boxes[1], text=NAME, label="name", tags=["B-name"], status="confirmed"),
            Region(boxes[2], text="서울특별시 중구 세종대로 110", tags=["B-address"] + ["I-address"] * 3,
                   status="confirmed"),
        ], record=False)
        store.update_document(doc.id, doc_type="id_card", status="done", record=False)
        original = np.asarray(Image.open(io.BytesIO(store.image_bytes(doc.id))).convert("RGB")).astype(int)
        name = f"{fmt}.conll" if fmt == "conll" else f"{fmt}-out"
        (tmp_path / "plain").mkdir()
        (tmp_path / "masked").mkdir()
        export_project(store, fmt, tmp_path / "plain" / name)
        export_project(store, fmt, tmp_path / "masked" / name, mask=True)
    plain = _images(tmp_path / "plain" / name, (320, 200))
    masked = _images(tmp_path / "masked" / name, (320, 200))
    if not plain:
        pytest.skip(f"{fmt} writes no page images")
    assert len(masked) == len(plain)
    for im in plain:
        assert (np.asarray(im).astype(int) == original).all()  # without mask=True the image is as it was
    for im in masked:
        px = np.asarray(im).astype(int)
        for b in boxes[:2]:  # the resident number's and the name's regions: no stroke left
            (x0, y0), (x1, y1) = b[0], b[2]
            assert original[int(y0):int(y1), int(x0):int(x1)].min() < 100
            assert px[int(y0):int(y1), int(x0):int(x1)].min() > 200
        (x0, y0), (x1, y1) = boxes[2][0], boxes[2][2]  # the address is not personal: untouched
        assert np.abs(px[int(y0) + 4:int(y1), int(x0):int(x1)] - original[int(y0) + 4:int(y1), int(x0):int(x1)]).max() == 0
        assert np.abs(px[90:] - original[90:]).max() == 0  # nor is anything below the regions
