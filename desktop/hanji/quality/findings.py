"""A finding: one problem a check found, pointing at a document and (usually) a region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    check: str  # the registry name of the check that found it
    doc_id: int
    document: str  # the document's name, for people
    message: str
    region_id: int | None = None
    level: str = "warning"  # warning | error

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``hanji check --json`` (a stable contract)."""
        return {"check": self.check, "document": self.document, "doc_id": self.doc_id,
                "region_id": self.region_id, "message": self.message}
