"""A project's field vocabulary corrects OCR slips in extracted values: one confusion from a frequent
word of the field is corrected; a known word, a rare word, a number, a word two confusions away and
Hangul are left alone; what was read stays visible."""

from __future__ import annotations

import pytest

from hanji.domain import KeyValue, Region
from hanji.domain.vocab import build_vocabulary, correct_value, correct_word

ADDRESSES = [
    "NO 12, JALAN TAMPOI, KAWASAN PERINDUSTRIAN TAMPOI, 81200 JOHOR BAHRU, JOHOR, MALAYSIA.",
    "LOT 3, JALAN BESAR, BANDAR BARU, 81200 JOHOR BAHRU, JOHOR",
    "7, JALAN PERMAS, BANDAR PERMAS JAYA, 81750 JOHOR BAHRU, MALAYSIA",
    "22, JALAN TAMPOI 3, KAWASAN PERINDUSTRIAN TAMPOI, 81200 JOHOR BAHRU",
    "1, JALAN SOLO, TAMAN MAIL, 81750 JOHOR BAHRU",  # SOLO and MAIL: once each
]


@pytest.fixture
def vocab():
    return build_vocabulary([("address", a) for a in ADDRESSES] + [("company", "KEDAI BANDAR SDN BHD")])


def test_a_slip_one_confusion_from_a_frequent_word_is_corrected(vocab):
    assert correct_value("address", "BANOAR BARU PERMAS JAYA", vocab)[0] == "BANDAR BARU PERMAS JAYA"
    assert correct_value("address", "JOHOR BAHRU, MALAYSLA.", vocab)[0] == "JOHOR BAHRU, MALAYSIA."
    value, fixes = correct_value("address", "15, JALAN TAMPOL 8,", vocab)
    assert value == "15, JALAN TAMPOI 8,"
    assert [(f.key, f.before, f.after) for f in fixes] == [("address", "TAMPOL", "TAMPOI")]
    assert correct_value("address", "Jaian Besar", vocab)[0] == "Jalan Besar"
    assert correct_value("address", "JaIAN", vocab)[0] == "JALAN"  # mixed case: as confirmed
    assert correct_value("address", "jaian", vocab)[0] == "jalan"
    assert correct_value("address", "8ANDAR 5ELANGOR", vocab)[0] == "BANDAR 5ELANGOR"  # SELANGOR unknown here


def test_known_rare_and_far_words_are_left_alone(vocab):
    fv = vocab.fields["address"]
    assert correct_word("SOLO", fv) == "SOLO"  # confirmed once: a real word, though one slip from nothing
    assert correct_word("MAIL", fv) == "MAIL"
    assert correct_word("BAHRV", fv) == "BAHRU"
    assert correct_word("BANOAL", fv) == "BANOAL"  # two confusions from BANDAR
    assert correct_word("PERINDUSTIAN", fv) == "PERINDUSTIAN"  # a letter lost is no confusion
    assert correct_word("SOLD", fv) == "SOLD"  # SOLO is held once: too rare to correct towards


def test_numbers_and_codes_are_left_alone(vocab):
    assert correct_value("address", "81760 JOHOR BAHRU", vocab)[0] == "81760 JOHOR BAHRU"
    assert correct_value("address", "NO 1Z, LOT 5", vocab)[0] == "NO 1Z, LOT 5"
    assert correct_word("8AND4R", vocab.fields["address"]) == "8AND4R"


def test_each_field_has_its_own_words_and_small_fields_none(vocab):
    assert correct_value("company", "BANOAR", vocab)[0] == "BANOAR"  # one company value: too few to learn from
    assert correct_value("total", "BANOAR", vocab)[0] == "BANOAR"
    assert correct_value("address", "BANOAR", None)[0] == "BANOAR"


def test_doubled_separators_collapse_unless_the_field_writes_them(vocab):
    value, fixes = correct_value("address", "PAGOH, LEBUHRAYA UTARA SELATAN., 84600", vocab)
    assert value == "PAGOH, LEBUHRAYA UTARA SELATAN, 84600"
    assert [(f.before, f.after) for f in fixes] == [(".,", ",")]
    assert correct_value("address", "12.,50 A...., B", vocab)[0] == "12.,50 A...., B"  # inside a number; leaders
    with_runs = build_vocabulary([("address", a) for a in ADDRESSES] + [("address", "NO.,1 JALAN.,")])
    assert correct_value("address", "SELATAN.,", with_runs)[0] == "SELATAN.,"


def test_hangul_is_left_alone():
    v = build_vocabulary([("address", "서울특별시 강남구 테헤란로 12")] * 6 + [("store_name", "한빛 마트")] * 6)
    for key, text in (("address", "부산광역시 해운대구 테헤란루 99"), ("store_name", "한빚 마트"), ("address", "서울특벌시")):
        assert correct_value(key, text, v) == (text, [])


def test_a_whole_value_a_few_slips_from_a_confirmed_one_becomes_it_but_never_another_number():
    v = build_vocabulary([("address", a) for a in ADDRESSES] + [("address", "서울특별시 강남구 테헤란로 12")] * 5)
    read = "NO 12, JALAN TAMPOI, KAWASAN PERINDUSTIAN TAMPOI, 81200 J0HOR BAHRU, JOHOR. MALAYSIA."
    value, fixes = correct_value("address", read, v)
    assert value == ADDRESSES[0] and fixes[-1].before != fixes[-1].after
    assert correct_value("address", "7, JALAN PERMAS, BANDAR PERMAS JAYA, S1750 JOHOR BAHRU, MALAYSIA", v)[0] == \
        ADDRESSES[2]  # a letter read for a digit
    assert correct_value("address", "서울특별시 강남구 테헤란루 12", v)[0] == "서울특별시 강남구 테헤란로 12"
    # another number is another place; a value far from every confirmed one stays as read
    for text in ("NO 13, JALAN TAMPOI, KAWASAN PERINDUSTRIAN TAMPOI, 81200 JOHOR BAHRU, JOHOR, MALAYSIA.",
                 "서울특별시 강남구 테헤란로 13", "99, JALAN KUNING, TAMAN PELANGI, 80400 JOHOR BAHRU"):
        assert correct_value("address", text, v)[0] == text


def test_propose_corrects_against_the_projects_confirmed_keyvalues(tmp_path):
    import io

    from PIL import Image

    from hanji.jobs.propose import propose
    from hanji.store import ProjectStore

    class Predictor:
        doc_types = ["receipt"]

        def predict(self, regions, doc_type=None, ordered=False):
            from types import SimpleNamespace

            tags = [["I-address"] * len(r.text.split()) for r in regions]
            tags[0][0] = "B-address"
            return SimpleNamespace(doc_type="receipt", type_scores={"receipt": 1.0}, order=list(range(len(regions))),
                                   tags=tags, scores=[[0.9] * len(t) for t in tags])

    def png(width):
        buf = io.BytesIO()
        Image.new("RGB", (width, 100), "white").save(buf, format="PNG")
        return buf.getvalue()

    store = ProjectStore.create(tmp_path / "p.hanji")
    for n, a in enumerate(ADDRESSES):  # confirmed key-values (as a key file brings them)
        doc, _ = store.add_image_bytes(f"k{n}.png", png(200 + n))
        store.set_keyvalues(doc.id, [KeyValue("address", a)])
    doc, _ = store.add_image_bytes("new.png", png(100))
    store.add_regions(doc.id, [Region(points=[(5, 5), (150, 5), (150, 25), (5, 25)], text="BANOAR BARU,"),
                               Region(points=[(5, 40), (150, 40), (150, 60), (5, 60)], text="81200 JOHOR")])
    propose(store, [doc.id], predictor=Predictor())
    (kv,) = store.keyvalues(doc.id)
    assert kv.value == "BANDAR BARU, 81200 JOHOR" and kv.source == "machine"
    first, second = store.regions(doc.id)
    assert first.text == "BANOAR BARU,"  # the region keeps what was read, and says what was changed
    assert first.attrs["value_corrections"] == [{"key": "address", "read": "BANOAR BARU, 81200 JOHOR",
                                                 "value": "BANDAR BARU, 81200 JOHOR"}]
    assert "value_corrections" not in second.attrs
    propose(store, [doc.id], predictor=Predictor(), vocab=False, resume=False)
    assert store.keyvalues(doc.id)[0].value == "BANOAR BARU, 81200 JOHOR"
    assert "value_corrections" not in store.regions(doc.id)[0].attrs
    store.close()


def test_words_glued_together_are_corrected_piece_by_piece(vocab):
    fv = vocab.fields["address"]
    assert correct_word("JaianTampoi", fv) == "JalanTampoi"
    assert correct_word("KAWASANPERINDUSTRLAN", fv) == "KAWASANPERINDUSTRIAN"
    assert correct_word("81200JohorBahru", fv) == "81200JohorBahru"  # nothing off: left as read
    assert correct_word("JALANTAMPAI", fv) == "JALANTAMPAI"  # A for O is no confusion listed
    assert correct_word("SOLOBANOAR", fv) == "SOLOBANOAR"  # SOLO is too rare to split on
