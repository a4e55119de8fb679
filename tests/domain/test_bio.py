from hypothesis import given
from hypothesis import strategies as st

from hanji.domain import Region
from hanji.domain.bio import Span, invalid_positions, set_span, spans_from_tags, tags_from_spans

LABELS = st.sampled_from(["store_name", "date", "total"])


def test_spans_from_tags():
    tags = ["B-store_name", "I-store_name", "O", "B-total", "B-total", "I-date"]
    assert spans_from_tags(tags) == [Span("store_name", 0, 2), Span("total", 3, 4), Span("total", 4, 5),
                                     Span("date", 5, 6)]
    assert invalid_positions(tags) == [5]
    assert invalid_positions(["O", "I-x", "B-y", "I-y", "X-z"]) == [1, 4]


@given(st.lists(st.tuples(LABELS, st.integers(1, 3)), max_size=6), st.integers(0, 3))
def test_spans_round_trip(parts, gap):
    spans, pos = [], 0
    for label, n in parts:
        pos += gap
        spans.append(Span(label, pos, pos + n))
        pos += n
    tags = tags_from_spans(spans, pos + 1)
    assert spans_from_tags(tags) == spans
    assert invalid_positions(tags) == []


def test_set_span_repairs_following_inside_tag():
    tags = ["B-total", "I-total", "I-total"]
    assert set_span(tags, 0, 2, "date") == ["B-date", "I-date", "B-total"]
    assert set_span(tags, 0, 1, None) == ["O", "B-total", "I-total"]


def test_region_token_tags_realign_after_text_edit():
    r = Region([(0, 0), (1, 0), (1, 1), (0, 1)], text="합계 12,000원", tags=["O", "B-total"])
    assert r.token_tags() == [("합계", "O"), ("12,000원", "B-total")]
    r.text = "총 합계 12,000원"
    assert [t for _, t in r.token_tags()] == ["O", "O", "O"]
