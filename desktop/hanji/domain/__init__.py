"""Plain dataclasses and pure functions. No I/O, no Qt, no torch."""

from hanji.domain.model import (
    DOC_STATUSES,
    REGION_KINDS,
    REGION_STATUSES,
    Document,
    EntityType,
    KeyValue,
    Link,
    Project,
    Region,
)
from hanji.domain.text import nfc

__all__ = [
    "DOC_STATUSES",
    "REGION_KINDS",
    "REGION_STATUSES",
    "Document",
    "EntityType",
    "KeyValue",
    "Link",
    "Project",
    "Region",
    "nfc",
]
