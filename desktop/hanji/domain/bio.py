"""BIO tags over a document's tokens, and the entity spans they stand for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Tokens ``start`` (inclusive) to ``end`` (exclusive) of a token sequence carry ``label``."""

    label: str
    start: int
    end: int


def spans_from_tags(tags: list[str]) -> list[Span]:
    """Entity spans from BIO tags. A stray ``I-X`` (no ``B-X`` before it) starts a span, as seqeval does."""
    spans: list[Span] = []
    label, start = None, 0
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, name = tag.partition("-")
        if prefix == "I" and label == name:
            continue
        if label is not None:
            spans.append(Span(label, start, i))
            label = None
        if prefix in ("B", "I") and name:
            label, start = name, i
    return spans


def tags_from_spans(spans: list[Span], length: int) -> list[str]:
    tags = ["O"] * length
    for s in spans:
        for i in range(s.start, s.end):
            tags[i] = ("B-" if i == s.start else "I-") + s.label
    return tags


def invalid_positions(tags: list[str]) -> list[int]:
    """Positions of ``I-X`` tags that do not follow ``B-X`` or ``I-X``, and of malformed tags."""
    bad = []
    prev = "O"
    for i, tag in enumerate(tags):
        prefix, _, name = tag.partition("-")
        if tag != "O" and (prefix not in ("B", "I") or not name):
            bad.append(i)
        elif prefix == "I":
            pprefix, _, pname = prev.partition("-")
            if pprefix not in ("B", "I") or pname != name:
                bad.append(i)
        prev = tag
    return bad


def set_span(tags: list[str], start: int, end: int, label: str | None) -> list[str]:
    """Tag tokens ``start..end`` with ``label`` (``None`` clears them), repairing neighbours."""
    out = list(tags)
    for i in range(start, end):
        out[i] = "O" if label is None else ("B-" if i == start else "I-") + label
    if end < len(out) and out[end].startswith("I-"):
        name = out[end][2:]
        out[end] = "B-" + name
    return out


def entity_of(tags: list[str]) -> str:
    """The entity a region's tags give it: the label of most of its tagged tokens ('' when none is tagged)."""
    counts: dict[str, int] = {}
    for s in spans_from_tags(tags):
        counts[s.label] = counts.get(s.label, 0) + (s.end - s.start)
    return max(counts, key=lambda k: counts[k]) if counts else ""
