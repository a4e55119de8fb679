"""The objects a project holds. Plain dataclasses; ids are the store's row ids (None before saving)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hanji.domain import geometry
from hanji.domain.text import nfc, tokens

REGION_KINDS = ("rect", "quad", "polygon")
# machine: proposed by a model, untouched; review: machine output with low confidence;
# edited: a person changed it but has not confirmed; confirmed: checked by a person;
# difficult: a person marked it unreadable / don't-care (ICDAR's ###).
REGION_STATUSES = ("machine", "review", "edited", "confirmed", "difficult")
HUMAN_STATUSES = ("edited", "confirmed", "difficult")
DOC_STATUSES = ("new", "preannotated", "in_progress", "done")


@dataclass
class Region:
    """A text region on a document image."""

    points: list[tuple[float, float]]
    kind: str = "quad"
    text: str = ""
    status: str = "edited"
    source: str = "human"
    confidence: float | None = None
    order: int | None = None
    label: str = ""  # region class: FUNSD question/answer/header/other, or a key-value key
    tags: list[str] = field(default_factory=list)  # BIO tag per whitespace token of ``text``
    machine_text: str | None = None  # the model's reading, kept apart from the human text
    attrs: dict[str, Any] = field(default_factory=dict)  # format-specific extras kept for round trips
    id: int | None = None
    doc_id: int | None = None

    def __post_init__(self) -> None:
        self.points = geometry.as_points(self.points)
        self.text = nfc(self.text)
        if self.kind not in REGION_KINDS:
            raise ValueError(f"region kind must be one of {REGION_KINDS}, got {self.kind!r}")
        if self.status not in REGION_STATUSES:
            raise ValueError(f"region status must be one of {REGION_STATUSES}, got {self.status!r}")
        if self.kind == "quad" and len(self.points) != 4:
            raise ValueError(f"a quad has 4 points, got {len(self.points)}")
        if self.kind == "rect" and len(self.points) not in (2, 4):
            raise ValueError(f"a rect has 2 or 4 points, got {len(self.points)}")
        if self.kind == "rect" and len(self.points) == 2:
            (x0, y0), (x1, y1) = self.points
            self.points = geometry.rect_points(x0, y0, x1, y1)
        if self.kind == "polygon" and len(self.points) < 3:
            raise ValueError(f"a polygon has at least 3 points, got {len(self.points)}")

    @property
    def human(self) -> bool:
        """True when a person made or touched this region (pre-annotation must leave it alone)."""
        return self.status in HUMAN_STATUSES

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return geometry.bbox(self.points)

    def token_tags(self) -> list[tuple[str, str]]:
        """``(token, tag)`` pairs; tags missing or misaligned after a text edit read as ``O``."""
        toks = tokens(self.text)
        tags = self.tags if len(self.tags) == len(toks) else ["O"] * len(toks)
        return list(zip(toks, tags))


@dataclass
class Document:
    """One image in a project."""

    name: str
    width: int
    height: int
    sha256: str
    status: str = "new"
    doc_type: str = ""
    path: str | None = None  # set when the image is linked in place instead of stored in the file
    attrs: dict[str, Any] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        self.name = nfc(self.name)
        if self.status not in DOC_STATUSES:
            raise ValueError(f"document status must be one of {DOC_STATUSES}, got {self.status!r}")


@dataclass
class Link:
    """A directed link between two regions of a document (FUNSD: question -> answer)."""

    src: int
    dst: int
    key: str = ""
    id: int | None = None
    doc_id: int | None = None


@dataclass
class KeyValue:
    """A field of a document: a key, its value, the regions it came from."""

    key: str
    value: str
    region_ids: list[int] = field(default_factory=list)
    source: str = "human"
    confidence: float | None = None
    id: int | None = None
    doc_id: int | None = None

    def __post_init__(self) -> None:
        self.key = nfc(self.key)
        self.value = nfc(self.value)


@dataclass
class EntityType:
    """An entity type of the project's label schema."""

    name: str
    color: str = "#4c9be8"
    key: str = ""  # the keyboard key that tags a span with it
    title: str = ""  # shown in the UI, e.g. 상호 for ``store_name``
    personal: bool = False  # carries personal data: masked on export when asked
    doc_type: str = ""  # '' means every document type


@dataclass
class Project:
    """What a project file holds, in memory: for formats and tests, not for the window."""

    documents: list[Document] = field(default_factory=list)
    regions: dict[int, list[Region]] = field(default_factory=dict)
    links: dict[int, list[Link]] = field(default_factory=dict)
    entity_types: list[EntityType] = field(default_factory=list)
