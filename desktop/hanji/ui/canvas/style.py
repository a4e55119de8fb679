"""How regions look on the canvas: their colours (entity type, else status), fills and outline styles,
and what a bake of them paints (``ImageItem.request_bake``)."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QColor

from hanji.domain.model import Region

STATUS_COLORS = {"machine": "#f5a623", "review": "#e94e77", "edited": "#4a90e2", "confirmed": "#27ae60",
                 "difficult": "#8a8a8a"}


def region_color(r: Region, entity_colors: dict[str, str]) -> str:
    """A region's colour: its entity type (label, then first tagged entity), else its status."""
    if r.status == "difficult":
        return STATUS_COLORS["difficult"]
    if r.label and r.label in entity_colors:
        return entity_colors[r.label]
    for t in r.tags:
        if t[:2] in ("B-", "I-") and t[2:] in entity_colors:
            return entity_colors[t[2:]]
    return STATUS_COLORS.get(r.status, "#4a90e2")


def ink_for(color: str) -> str:
    """Black or white, whichever reads better on ``color`` (white on a pale entity colour does not)."""
    c = QColor(color)
    luma = 0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF()
    return "#1d1d1f" if luma > 0.62 else "#ffffff"


FILL_ALPHA = {"confirmed": 40, "machine": 22, "difficult": 70, "edited": 32}
BAKED_STYLES = ("confirmed", "machine", "edited")  # solid fills bake; "difficult" is a hatch in screen space


def fill_color(key: tuple[str, str]) -> QColor:
    """The translucent fill of a region drawn in ``key`` = (colour, style)."""
    c = QColor(key[0])
    c.setAlpha(FILL_ALPHA[key[1]])
    return c


def bake_spec(shapes: list[tuple[tuple[str, str], list[tuple[float, float]]]]) -> list[tuple]:
    """``RegionLayer.bake_shapes`` as a bake wants them (``ImageItem.request_bake``): per style, the
    fill colour (r, g, b, a; None for a hatch, which stays live), the outline's, and the polygons."""
    by_key: dict[tuple[str, str], list] = defaultdict(list)
    for key, points in shapes:
        by_key[key].append(points)
    return [(fill_color(key).getRgb() if key[1] in BAKED_STYLES else None, QColor(key[0]).getRgb(), polygons)
            for key, polygons in by_key.items()]


def region_style(r: Region) -> str:
    """How a region is drawn: "confirmed", "machine" (also "review"), "difficult" or "edited"."""
    if r.status == "confirmed":
        return "confirmed"
    if r.status in ("machine", "review"):
        return "machine"
    if r.status == "difficult":
        return "difficult"
    return "edited"
