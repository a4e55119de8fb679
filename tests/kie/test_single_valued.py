"""A single-valued field (total, date) tagged on several regions keeps one: the best-scoring span
whose value passes the field's validator, in the key-values and in the tags alike."""

from __future__ import annotations

from types import SimpleNamespace

from hanji.domain.fields import FieldSpan, drop_spans, field_spans, keyvalues_from_spans, pick_spans
from hanji.domain.model import Region


def reg(y: float, text: str) -> Region:
    return Region(points=[(5, y), (300, y), (300, y + 18), (5, y + 18)], text=text, status="machine")


def test_pick_spans_prefers_a_valid_value_then_the_score():
    spans = [FieldSpan("total", "TOTAL", [0], 0.99), FieldSpan("total", "9.00", [1], 0.7),
             FieldSpan("total", "12.50", [2], 0.8), FieldSpan("date", "25/12/2018", [3], 0.6),
             FieldSpan("date", "8:13", [4], 0.9), FieldSpan("item_name", "TEA", [5], 0.5),
             FieldSpan("item_name", "BUN", [6], 0.4)]
    got = pick_spans(spans, "sroie")
    assert [(s.key, s.text) for s in got] == [("total", "12.50"), ("date", "25/12/2018"), ("item_name", "TEA"),
                                              ("item_name", "BUN")]
    kvs = keyvalues_from_spans(spans, "sroie")
    assert [(kv.key, kv.value) for kv in kvs] == [(s.key, s.text) for s in got]
    # when no candidate is valid the best-scoring one stays (a person sees the validator's flag)
    only_bad = [FieldSpan("total", "TOTAL", [0], 0.5), FieldSpan("total", "AMOUNT", [1], 0.9)]
    assert [s.text for s in pick_spans(only_bad)] == ["AMOUNT"]
    # a field without a validator: the best score, the first on a tie
    names = [FieldSpan("company", "A SDN BHD", [0], 0.8), FieldSpan("company", "B SDN BHD", [1], 0.8)]
    assert [s.text for s in pick_spans(names, "sroie")] == ["A SDN BHD"]


def test_drop_spans_clears_the_losers_tags():
    regions = [reg(0, "TOTAL RM9.00"), reg(20, "CASH 10.00"), reg(40, "ROUNDING TOTAL 9.00")]
    tags = [["B-total", "I-total"], ["O", "B-total"], ["O", "O", "B-total"]]
    spans = field_spans(regions, tags)
    assert [(s.start, s.end) for s in spans] == [(0, 2), (3, 4), (6, 7)]
    assert drop_spans(tags, spans[1:]) == [["B-total", "I-total"], ["O", "O"], ["O", "O", "O"]]


class _Tagger:
    """Tags every line with a number as ``total`` (score from the line), the first line as a company."""

    doc_types = ["sroie"]

    def predict(self, regions, doc_type=None):
        tags, scores = [], []
        for k, r in enumerate(regions):
            toks = r.text.split()
            if k == 0:
                tags.append(["B-company"] + ["I-company"] * (len(toks) - 1))
            else:
                tags.append(["O"] * (len(toks) - 1) + ["B-total"])
            scores.append([{"TOTAL": 0.6, "CHANGE": 0.95, "CASH": 0.9}.get(toks[0], 0.8)] * len(toks))
        return SimpleNamespace(doc_type="sroie", type_scores={"sroie": 1.0}, order=list(range(len(regions))),
                               tags=tags, scores=scores)


def test_extract_and_propose_keep_one_total(tmp_path):
    import io

    from PIL import Image

    from hanji.jobs.extract import extract_regions
    from hanji.jobs.propose import propose
    from hanji.store import ProjectStore

    regions = [reg(0, "KEDAI MAJU SDN BHD"), reg(20, "TOTAL 9.00"), reg(40, "CASH 10.00"), reg(60, "CHANGE -"),
               reg(80, "TOTAL QTY 3")]
    res = extract_regions(regions, "sroie", _Tagger(), fill_min_prob=0)
    # CHANGE scores highest but '-' is no amount; CASH next and valid (a tagger's mistake that stays)
    assert res["fields"]["total"] == "10.00"
    assert [r["key"] for r in res["regions"]] == ["company", "", "total", "", ""]
    assert sum(t == "B-total" for r in res["regions"] for t in r["tags"]) == 1
    assert [kv.key for kv in res["keyvalues"]].count("total") == 1

    store = ProjectStore.create(tmp_path / "p.hanji")
    buf = io.BytesIO()
    Image.new("RGB", (320, 120), "white").save(buf, "PNG")
    doc, _ = store.add_image_bytes("r.png", buf.getvalue())
    store.add_regions(doc.id, regions)
    store.update_document(doc.id, doc_type="sroie")
    propose(store, predictor=_Tagger())
    saved = store.regions(doc.id)
    assert [r.label for r in saved] == ["company", "", "total", "", ""]
    assert sum(t == "B-total" for r in saved for t in r.tags) == 1
    assert [(kv.key, kv.value) for kv in store.keyvalues(doc.id)] == [("company", "KEDAI MAJU SDN BHD"),
                                                                       ("total", "10.00")]
    store.close()
