"""Checks on the geometry of regions: bad polygons, regions outside the image, duplicates."""

from __future__ import annotations

from collections.abc import Sequence

from hanji.domain import geometry
from hanji.domain.model import Document, KeyValue, Link, Region
from hanji.quality.checks.base import Check, region_name


class BadPolygon(Check):
    """Degenerate shapes (no area, repeated points) and self-intersecting polygons (a bow-tie quad)."""

    name = "polygon"
    title = "Degenerate or self-intersecting shapes"
    level = "error"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        for r in regions:
            if len(set(r.points)) >= 4 and not geometry.is_simple(r.points):  # first: a bow-tie has no net area
                self.flag(document, f"{region_name(r)} is self-intersecting (its edges cross; the corners are "
                                    "out of order)", r)
            elif geometry.is_degenerate(r.points, self.options.min_area):
                self.flag(document, f"{region_name(r)} is degenerate (area {geometry.area(r.points):.1f} px², "
                                    f"{len(set(r.points))} distinct points)", r)


class OutsideImage(Check):
    """Regions with points outside the image."""

    name = "outside_image"
    title = "Regions outside the image"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        w, h = document.width, document.height
        for r in regions:
            if not geometry.inside_image(r.points, w, h):
                x0, y0, x1, y1 = r.bbox
                self.flag(document, f"{region_name(r)} reaches outside the {w}×{h} image "
                                    f"(box {x0:.0f},{y0:.0f}–{x1:.0f},{y1:.0f})", r)


class OverlappingDuplicates(Check):
    """Two regions covering (almost) the same place: one text labelled twice."""

    name = "overlap"
    title = "Heavily overlapping regions"

    def update(self, document: Document, regions: Sequence[Region], links: Sequence[Link] = (),
               keyvalues: Sequence[KeyValue] = ()) -> None:
        boxes = sorted(((r.bbox, r) for r in regions), key=lambda t: t[0][0])
        for i, (a, ra) in enumerate(boxes):
            for b, rb in boxes[i + 1:]:
                if b[0] >= a[2]:  # sorted by x0: nothing further right can overlap
                    break
                if b[1] >= a[3] or a[1] >= b[3]:
                    continue
                iou = geometry.iou(ra.points, rb.points)
                if iou >= self.options.overlap_iou:
                    self.flag(document, f"{region_name(rb)} overlaps {region_name(ra)} (IoU {iou:.2f}): "
                                        "the same text labelled twice?", rb)
