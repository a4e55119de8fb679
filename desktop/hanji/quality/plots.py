"""Plots of the dataset statistics, as :class:`hanji.quality.charts.Chart` specs drawn by our own
Pillow renderer: the PNG export writes them, the dashboard shows them at its own size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from hanji.quality.charts import Chart, render
from hanji.quality.stats import DatasetStats

STATUS_COLORS = {"new": "#bbbbbb", "preannotated": "#f4a261", "in_progress": "#4c9be8", "done": "#2a9d8f",
                 "machine": "#bbbbbb", "review": "#f4a261", "edited": "#4c9be8", "confirmed": "#2a9d8f",
                 "difficult": "#9b5de5"}
BLUE = "#4c9be8"


def _same(text: str) -> str:
    return text


def _same_label(kind: str, key: str) -> str:
    return key


@dataclass(frozen=True)
class Naming:
    """How the charts name things: ``text`` translates titles and messages, ``label(kind, key)`` gives
    the display name of a category (kind ``status``, ``doc_type``, ``entity``, ``key``). The default
    keeps the English titles and the internal ids (the CSV/PNG export)."""

    text: Callable[[str], str] = field(default=_same)
    label: Callable[[str, str], str] = field(default=_same_label)


PLAIN = Naming()


def _bars(counts: Counter, title: str, top: int = 12, colors: dict[str, str] | None = None,
          horizontal: bool = False, n: Naming = PLAIN, kind: str = "") -> Chart:
    items = counts.most_common(top)
    return Chart(title, "hbars" if horizontal else "bars",
                 labels=[(n.label(kind, str(k)) if kind else str(k)) if k != "" else n.text("(none)")
                         for k, _ in items], values=[v for _, v in items],
                 colors=[(colors or {}).get(k, BLUE) for k, _ in items], show_values=horizontal)


def _hist(values: Sequence[float], title: str, xlabel: str, bins: int = 30, n: Naming = PLAIN) -> Chart:
    title, xlabel = n.text(title), n.text(xlabel)
    if not len(values):
        return Chart(title, "hist", xlabel=xlabel)
    counts, edges = np.histogram(np.asarray(values, dtype=np.float64), bins=bins)
    return Chart(title, "hist", values=[int(c) for c in counts], edges=[float(e) for e in edges], xlabel=xlabel)


def plot_documents(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _bars(s.documents_by_status, f"{n.text('Documents by status')} ({s.documents})", colors=STATUS_COLORS,
                 n=n, kind="status")


def plot_regions(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _bars(s.regions_by_status, f"{n.text('Regions by status')} ({s.regions})", colors=STATUS_COLORS,
                 n=n, kind="status")


def plot_entities(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _bars(s.entities, f"{n.text('Entities (BIO spans)')} ({sum(s.entities.values())})", top=12,
                 horizontal=True, n=n, kind="entity")


def plot_region_labels(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _bars(s.region_labels, n.text("Region labels"), top=12, horizontal=True, n=n, kind="entity")


def plot_keyvalues(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _bars(s.keyvalue_keys, f"{n.text('Key-values')} ({sum(s.keyvalue_keys.values())})", top=12,
                 horizontal=True, n=n, kind="key")


def plot_doc_types(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _bars(s.documents_by_type, n.text("Documents by type"), horizontal=True, n=n, kind="doc_type")


def plot_height(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _hist(s.heights, "Region height", "pixels", n=n)


def plot_aspect(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _hist(np.minimum(np.asarray(s.aspects, dtype=np.float64), 40.0), "Aspect ratio (width / height)",
                 "ratio (capped at 40)", n=n)


def plot_text_length(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _hist(s.text_lengths, "Text length", "characters", n=n)


def plot_char_classes(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    return _bars(Counter({k: v for k, v in s.char_classes.items() if k != "space"}), n.text("Characters by class"),
                 n=n, kind="char_class")


def plot_progress(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    prog = s.progress()
    return Chart(n.text("Labelling progress (regions confirmed)"), "progress", labels=[p[0][5:] for p in prog],
                 values=[p[1] for p in prog], colors=["#bcd7f5"] * len(prog), line=[p[2] for p in prog],
                 line_color="#2a9d8f", legend=[(n.text("total"), "#2a9d8f"), (n.text("per day"), "#bcd7f5")],
                 message=n.text("nothing confirmed yet"))


def plot_missing(s: DatasetStats, n: Naming = PLAIN) -> Chart:
    title = n.text("Characters the recognizer lacks")
    if s.charset_size == 0:
        return Chart(title, message=n.text("no recognizer charset"))
    k = len(s.missing_chars)
    if k == 0:
        return Chart(f"{title} (0 / {len(s.chars)})", message=n.text("every labelled character\nis in the charset"),
                     message_color="#2a9d8f")
    return _bars(Counter({f"{c} U+{ord(c):04X}": v for c, v in s.missing_chars.items()}),
                 f"{title} ({k} / {len(s.chars)})", top=12, horizontal=True)


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


def charts(s: DatasetStats, names: Sequence[str] | None = None, naming: Naming = PLAIN) -> list[Chart]:
    """The charts named (every one by default), in the dashboard's order, named by ``naming``."""
    return [PLOTS[name][1](s, naming) for name in (names or list(PLOTS))]


def draw_overview(s: DatasetStats, width: int, height: int, scale: float = 1.5,
                  names: Sequence[str] | None = None, hits: list | None = None) -> Image.Image:
    """All plots in a grid, four a row."""
    return render(charts(s, names), width, height, cols=4, scale=scale, hits=hits)


def draw_one(s: DatasetStats, name: str, width: int, height: int, scale: float = 1.5) -> Image.Image:
    return render([PLOTS[name][1](s)], width, height, cols=1, scale=scale)
