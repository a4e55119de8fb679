"""The dataset checks, one small accumulator class each, listed in one registry.

Run them with :func:`run_checks` over ``(document, regions, links, keyvalues)`` tuples, or with
:func:`run_pages` over pages of columns (:class:`~hanji.quality.columns.RegionPage`, what
``hanji.jobs.quality`` reads from a project with progress and cancel), or feed them yourself
(``update`` per document or ``update_page`` per page, ``summary`` at the end). Findings come by
check (registry order), then in document and reading order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.quality.checks.base import Check, CheckOptions
from hanji.quality.checks.labels import (
    DanglingReferences,
    DoneTooEarly,
    InconsistentLabels,
    InvalidBio,
    KeyValueValidation,
)
from hanji.quality.checks.shapes import BadPolygon, OutsideImage, OverlappingDuplicates
from hanji.quality.checks.text import EmptyText, ForbiddenWords, OutsideCharset
from hanji.quality.columns import RegionPage
from hanji.quality.findings import Finding

REGISTRY: dict[str, type[Check]] = {c.name: c for c in (
    EmptyText, OutsideCharset, BadPolygon, OutsideImage, OverlappingDuplicates, InvalidBio, KeyValueValidation,
    InconsistentLabels, ForbiddenWords, DanglingReferences, DoneTooEarly,
)}

DocumentItem = tuple[Document, Sequence[Region], Sequence[Link], Sequence[KeyValue]]
PAGE = 1000  # documents measured together by run_checks


def make_checks(options: CheckOptions | None = None, names: Iterable[str] | None = None) -> list[Check]:
    """Instances of the named checks (all of them by default), in registry order."""
    wanted = list(REGISTRY) if names is None else list(names)
    unknown = [n for n in wanted if n not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}; the checks are {list(REGISTRY)}")
    return [REGISTRY[n](options) for n in REGISTRY if n in wanted]


def run_pages(pages: Iterable[RegionPage], options: CheckOptions | None = None,
              names: Iterable[str] | None = None) -> list[Finding]:
    checks = make_checks(options, names)
    for page in pages:
        for c in checks:
            c.update_page(page)
    return [f for c in checks for f in c.summary()]


def run_checks(items: Iterable[DocumentItem], options: CheckOptions | None = None,
               names: Iterable[str] | None = None) -> list[Finding]:
    it = iter(items)
    pages = iter(lambda: list(islice(it, PAGE)), [])
    return run_pages((RegionPage.from_items(chunk) for chunk in pages), options, names)


__all__ = ["REGISTRY", "Check", "CheckOptions", "Finding", "RegionPage", "make_checks", "run_checks", "run_pages"]
