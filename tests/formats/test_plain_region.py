"""The Hanji JSONL reader builds a region in the shape Hanji writes at once (``plain_region``) and
checks anything else field by field: both ways must give the same region, and anything the checked
way refuses must never be taken at once (issue 20: the import's speed, not its answers)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hanji.errors import HanjiError
from hanji.formats.base import SHAPE_ERRORS, Sample, check_types, make_region, plain_region, points_of
from hanji.formats.hanji_jsonl import parse_document

CHOICES = {
    "kind": ["quad", "polygon", "rect", "circle", 3, None],
    "points": [[[1, 2], [3, 2], [3, 4], [1, 4]], [[1.5, 2.25], [30.125, 2], [30, 4.5], [1, 4]],
               [[0, 0], [5, 0], [5, 5]], [[0, 0], [5, 5]], [1, 2, 3, 4, 5, 6, 7, 8], [["1", "2"], [3, 2], [3, 4], [1, 4]],
               [[True, 2], [3, 2], [3, 4], [1, 4]], [[1, 2, 3], [3, 2], [3, 4], [1, 4]], "1234", [],
               [[float("inf"), 2], [3, 2], [3, 4], [1, 4]], [[float("nan"), 2], [3, 2], [3, 4], [1, 4]],
               [[1e308, 1e308], [1e308, 2], [3, 4], [1, 4]], [[10**400, 2], [3, 2], [3, 4], [1, 4]], [[None, 2], [3, 2], [3, 4], [1, 4]],
               ["ab", [3, 2], [3, 4], [1, 4]], [(1, 2), (3, 2), (3, 4), (1, 4)], None],
    "text": ["합계 1,000", "", "\u1112\u1161\u11ab", 5, None, ["x"]],
    "status": ["confirmed", "machine", "edited", "bogus", 1, None],
    "source": ["human", "model", 3, None],
    "confidence": [None, 0.5, 1, True, "0.5"],
    "order": [None, 0, 7, 1.5, True, "1"],
    "label": ["", "question", 2, None],
    "tags": [[], ["B-total", "O"], None, "BO", [1], ("O",)],
    "machine_text": [None, "합계", 3],
    "attrs": [{}, {"a": 1}, None, [("a", 1)], "x"],
}


def checked(r):
    """The checked way: parse_document's fields, then the import's type checks; a HanjiError or shape error."""
    f, w = Path("x.jsonl"), "line 2, region 1"
    region = make_region(
        f, w, points=points_of(r.get("points"), f, w), kind=r.get("kind", "quad"), text=r.get("text", ""),
        status=r.get("status", "edited"), source=r.get("source", "human"), confidence=r.get("confidence"),
        order=r.get("order"), label=r.get("label", ""), tags=list(r.get("tags") or []),
        machine_text=r.get("machine_text"), attrs=dict(r.get("attrs") or {}))
    check_types(Sample(name="x", regions=[region]), w)
    return region


@pytest.mark.parametrize("seed", range(4))
def test_a_region_taken_at_once_is_the_checked_region(seed):
    rng = random.Random(seed)
    fast = 0
    for _ in range(3000):
        r = {k: v[rng.randrange(3)] for k, v in CHOICES.items() if rng.random() < 0.9}  # the first three: good
        r["kind"] = "polygon" if len(r.get("points") or ()) == 3 else "quad"
        for k in rng.sample(sorted(CHOICES), rng.choice((0, 0, 1, 2))):  # then a field or two of any value
            r[k] = rng.choice(CHOICES[k])
        try:
            want = checked(r)
        except (HanjiError, *SHAPE_ERRORS):
            want = None
        got = plain_region(r)
        if got is None:
            continue
        fast += 1
        assert want is not None, r  # the checked way refuses it: never taken at once
        assert got.__dict__ == want.__dict__, r
    assert fast > 100  # the usual shapes do go the quick way


def test_a_bad_region_is_still_named_by_its_line_and_number():
    with pytest.raises(HanjiError) as e:
        parse_document({"name": "a", "image_base64": "aGk=", "regions": [
            {"points": [[1, 2], [3, 2], [3, 4], [1, 4]]}, {"points": [[1, 2], [3, 2], [3, 4]], "kind": "quad"}]},
            Path("x.jsonl"), "line 7")
    assert "line 7, region 2" in str(e.value) and "4 points" in str(e.value)
