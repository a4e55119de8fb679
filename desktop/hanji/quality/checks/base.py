"""What every check shares: the options it reads, and the accumulator protocol.

A check is fed a page of documents at a time with ``update_page(page)`` (a
:class:`~hanji.quality.columns.RegionPage`: the regions as columns, measured together) and gives
its findings with ``summary()``. ``update(document, regions, links, keyvalues)`` feeds it one
document as domain objects (a page of one). Per-document checks flag as they go, in document and
reading order; project-wide checks (inconsistent labels) collect in ``update_page`` and decide in
``summary``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.quality.columns import RegionPage
from hanji.quality.findings import Finding


@dataclass
class CheckOptions:
    """Project settings the checks read. Empty ``charset`` / ``forbidden_words`` switch those checks off."""

    charset: frozenset[str] | None = None  # characters the recognizer can read
    forbidden_words: list[str] = field(default_factory=list)
    entity_names: frozenset[str] = frozenset()  # the project's entity types; empty: not checked
    overlap_iou: float = 0.8  # two regions overlapping this much are one region labelled twice
    min_area: float = 1.0  # polygons smaller than this (px²) are degenerate
    inconsistent_min_count: int = 3  # a text must be labelled this often before labels are compared


class Check:
    """Base class of a check. Subclasses set ``name`` and ``title`` and override ``update_page``."""

    name = ""
    title = ""
    level = "warning"

    def __init__(self, options: CheckOptions | None = None):
        self.options = options or CheckOptions()
        self.findings: list[Finding] = []
        self.documents = 0

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        self.update_page(RegionPage.from_items([(document, regions, links, keyvalues)]))

    def update_page(self, page: RegionPage) -> None:
        raise NotImplementedError

    def summary(self) -> list[Finding]:
        return list(self.findings)

    def flag(self, document: Document, message: str, region: Region | int | None = None,
             level: str | None = None) -> None:
        rid = region.id if isinstance(region, Region) else region
        self.findings.append(Finding(self.name, document.id if document.id is not None else -1, document.name,
                                     message, rid, level or self.level))

    def flag_region(self, page: RegionPage, k: int, message: str, level: str | None = None) -> None:
        """A finding on region ``k`` of ``page`` (in its document)."""
        self.flag(page.documents[int(page.doc[k])], message, page.ids[k], level)


def region_name(region: Region) -> str:
    """How a message names a region: its text, or its place when it has none
    (:meth:`RegionPage.region_name` for a region of a page)."""
    t = region.text.strip()
    if t:
        return repr(t if len(t) <= 30 else t[:29] + "…")
    x0, y0, _, _ = region.bbox
    return f"the region at ({x0:.0f}, {y0:.0f})"
