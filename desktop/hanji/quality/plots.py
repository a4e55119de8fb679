"""Plots of the dataset statistics, as :class:`hanji.quality.charts.Chart` specs drawn by our own
Pillow renderer: the PNG export writes them, the dashboard shows them at its own size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image

from hanji.quality.charts import Chart, render
from hanji.quality.stats import DatasetStats

STATUS_COLORS = {"new": "#bbbbbb", "preannotated": "#f4a261", "in_progress": "#4c9be8", "done": "#2a9d8f",
                 "machine": "#bbbbbb", "review": "#f4a261", "edited": "#4c9be8", "confirmed": "#2a9d8f",
                 "difficult": "#9b5de5"}
BLUE = "#4c9be8"


def _bars(counts: Counter, title: str, top: int = 12, colors: dict[str, str] | None = None,
          horizontal: bool = False) -> Chart:
    items = counts.most_common(top)
    return Chart(title, "hbars" if horizontal else "bars",
                 labels=[str(k) if k != "" else "(none)" for k, _ in items], values=[v for _, v in items],
                 colors=[(colors or {}).get(k, BLUE) for k, _ in items], show_values=horizontal)


def _hist(values: Sequence[float], title: str, xlabel: str, bins: int = 30) -> Chart:
    if not len(values):
        return Chart(title, "hist", xlabel=xlabel)
    counts, edges = np.histogram(np.asarray(values, dtype=np.float64), bins=bins)
    return Chart(title, "hist", values=[int(c) for c in counts], edges=[float(e) for e in edges], xlabel=xlabel)


def plot_documents(s: DatasetStats) -> Chart:
    return _bars(s.documents_by_status, f"Documents by status ({s.documents})", colors=STATUS_COLORS)


def plot_regions(s: DatasetStats) -> Chart:
    return _bars(s.regions_by_status, f"Regions by status ({s.regions})", colors=STATUS_COLORS)


def plot_entities(s: DatasetStats) -> Chart:
    return _bars(s.entities, f"Entities (BIO spans, {sum(s.entities.values())})", top=12, horizontal=True)


def plot_region_labels(s: DatasetStats) -> Chart:
    return _bars(s.region_labels, "Region labels", top=12, horizontal=True)


def plot_keyvalues(s: DatasetStats) -> Chart:
    return _bars(s.keyvalue_keys, f"Key-values ({sum(s.keyvalue_keys.values())})", top=12, horizontal=True)


def plot_doc_types(s: DatasetStats) -> Chart:
    return _bars(s.documents_by_type, "Documents by type", horizontal=True)


def plot_height(s: DatasetStats) -> Chart:
    return _hist(s.heights, "Region height", "pixels")


def plot_aspect(s: DatasetStats) -> Chart:
    return _hist([min(a, 40.0) for a in s.aspects], "Aspect ratio (width / height)", "ratio (capped at 40)")


def plot_text_length(s: DatasetStats) -> Chart:
    return _hist(s.text_lengths, "Text length", "characters")


def plot_char_classes(s: DatasetStats) -> Chart:
    return _bars(Counter({k: v for k, v in s.char_classes.items() if k != "space"}), "Characters by class")


def plot_progress(s: DatasetStats) -> Chart:
    prog = s.progress()
    return Chart("Labelling progress (regions confirmed)", "progress", labels=[p[0][5:] for p in prog],
                 values=[p[1] for p in prog], colors=["#bcd7f5"] * len(prog), line=[p[2] for p in prog],
                 line_color="#2a9d8f", legend=[("total", "#2a9d8f"), ("per day", "#bcd7f5")],
                 message="nothing confirmed yet")


def plot_missing(s: DatasetStats) -> Chart:
    title = "Characters the recognizer lacks"
    if s.charset_size == 0:
        return Chart(title, message="no recognizer charset")
    n = len(s.missing_chars)
    if n == 0:
        return Chart(f"{title} (0 of {len(s.chars)})", message="every labelled character\nis in the charset",
                     message_color="#2a9d8f")
    return _bars(Counter({f"{c} U+{ord(c):04X}": v for c, v in s.missing_chars.items()}),
                 f"{title} ({n} of {len(s.chars)})", top=12, horizontal=True)


PLOTS: dict[str, tuple[str, Callable[[DatasetStats], Chart]]] = {
    "documents": ("Documents by status", plot_documents),
    "doc_types": ("Documents by type", plot_doc_types),
    "regions": ("Regions by status", plot_regions),
    "progress": ("Labelling progress", plot_progress),
    "entities": ("Entity frequencies", plot_entities),
    "region_labels": ("Region label frequencies", plot_region_labels),
    "keyvalues": ("Key-value frequencies", plot_keyvalues),
    "missing_chars": ("Character coverage", plot_missing),
    "region_height": ("Region height", plot_height),
    "aspect_ratio": ("Aspect ratio", plot_aspect),
    "text_length": ("Text length", plot_text_length),
    "char_classes": ("Characters by class", plot_char_classes),
}


def charts(s: DatasetStats, names: Sequence[str] | None = None) -> list[Chart]:
    """The charts named (every one by default), in the dashboard's order."""
    return [PLOTS[name][1](s) for name in (names or list(PLOTS))]


def draw_overview(s: DatasetStats, width: int, height: int, scale: float = 1.5,
                  names: Sequence[str] | None = None, hits: list | None = None) -> Image.Image:
    """All plots in a grid, four a row."""
    return render(charts(s, names), width, height, cols=4, scale=scale, hits=hits)


def draw_one(s: DatasetStats, name: str, width: int, height: int, scale: float = 1.5) -> Image.Image:
    return render([PLOTS[name][1](s)], width, height, cols=1, scale=scale)
