"""Per-person figures from who did what: throughput, time per document, rejection rate.

Time is *active* time: the gaps between one person's consecutive edits, a gap longer than
``idle`` seconds (a break, a night) counting as none; each gap is the time spent on the document of
the edit that ends it. Pure functions over the store's logs (:meth:`edit_log` rows
``(author, doc_id, at, label)`` and :meth:`review_log` rows ``(doc_id, action, author, labeler, at)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

IDLE = 300.0  # seconds without an edit after which the time is not counted


@dataclass
class Person:
    name: str
    edits: int = 0
    documents: set = field(default_factory=set)
    active: float = 0.0
    submitted: int = 0
    reviewed: int = 0  # decisions on this person's documents (accept or reject)
    rejected: int = 0
    decisions: int = 0  # decisions this person made as a reviewer
    per_doc: dict = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        hours = self.active / 3600
        times = sorted(self.per_doc.values())
        return {
            "user": self.name,
            "edits": self.edits,
            "documents": len(self.documents),
            "submitted": self.submitted,
            "active_hours": round(hours, 3),
            "documents_per_hour": round(len(self.documents) / hours, 2) if hours else None,
            "edits_per_hour": round(self.edits / hours, 1) if hours else None,
            # None, not 0, until there is a gap between two edits to measure
            "seconds_per_document": round(self.active / len(self.documents), 1) if self.documents and self.active
            else None,
            "median_seconds_per_document": round(times[len(times) // 2], 1) if times else None,
            "reviewed": self.reviewed,
            "rejected": self.rejected,
            "rejection_rate": round(self.rejected / self.reviewed, 4) if self.reviewed else None,
            "review_decisions": self.decisions,
        }


def per_person(edits: Iterable[tuple[str, int | None, float, str]],
               reviews: Iterable[tuple[int, str, str, str, float]] = (), idle: float = IDLE) -> list[dict[str, Any]]:
    """One row a person (by name; ``''`` is edits made before names were recorded)."""
    people: dict[str, Person] = {}

    def get(name: str) -> Person:
        return people.setdefault(name, Person(name))

    last: dict[str, float] = {}
    for author, doc_id, at, label in sorted(edits, key=lambda e: (e[0], e[2])):
        if label.startswith("review"):
            continue  # a submission or a decision is not labeling work
        p = get(author)
        p.edits += 1
        if doc_id is not None:
            p.documents.add(doc_id)
        prev = last.get(author)
        last[author] = at
        if prev is not None and 0 <= at - prev <= idle:
            p.active += at - prev
            if doc_id is not None:
                p.per_doc[doc_id] = p.per_doc.get(doc_id, 0.0) + at - prev
    for _doc, action, author, labeler, _at in reviews:
        if action == "submit":
            get(author).submitted += 1
        elif action in ("accept", "reject"):
            lab = get(labeler)
            lab.reviewed += 1
            lab.rejected += action == "reject"
            get(author).decisions += 1
    return [people[k].as_dict() for k in sorted(people)]
