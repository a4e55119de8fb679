"""Plots of the dataset statistics, drawn on any matplotlib Figure (no pyplot, no backend):
the PNG export renders them with Agg, the dashboard with QtAgg."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from hanji.quality.stats import DatasetStats

STATUS_COLORS = {"new": "#bbbbbb", "preannotated": "#f4a261", "in_progress": "#4c9be8", "done": "#2a9d8f",
                 "machine": "#bbbbbb", "review": "#f4a261", "edited": "#4c9be8", "confirmed": "#2a9d8f",
                 "difficult": "#9b5de5"}


@lru_cache(maxsize=1)
def setup_fonts() -> str | None:
    """Let matplotlib draw Hangul: the shipped Nanum Gothic first, DejaVu Sans after it."""
    from matplotlib import font_manager, rcParams

    from hanji.resources import resource_path

    path = resource_path("fonts", "NanumGothic.ttf")
    if not path.exists():
        return None
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    rcParams["font.family"] = [name, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    return name


def _bars(ax, counts: Counter, title: str, top: int = 12, colors: dict[str, str] | None = None,
          horizontal: bool = False) -> None:
    items = counts.most_common(top)
    ax.set_title(title, fontsize=10)
    if not items:
        ax.text(0.5, 0.5, "nothing yet", ha="center", va="center", transform=ax.transAxes, color="#888")
        ax.set_xticks([])
        ax.set_yticks([])
        return
    names = [str(k) if k != "" else "(none)" for k, _ in items]
    vals = [v for _, v in items]
    col = [(colors or {}).get(k, "#4c9be8") for k, _ in items]
    if horizontal:
        ax.barh(names[::-1], vals[::-1], color=col[::-1])
        ax.tick_params(axis="y", labelsize=8)
    else:
        ax.bar(names, vals, color=col)
        ax.tick_params(axis="x", labelsize=8, rotation=30)
    ax.tick_params(labelsize=8)


def _hist(ax, values, title: str, xlabel: str, log: bool = False) -> None:
    ax.set_title(title, fontsize=10)
    if not values:
        ax.text(0.5, 0.5, "nothing yet", ha="center", va="center", transform=ax.transAxes, color="#888")
        return
    ax.hist(values, bins=30, color="#4c9be8", log=log)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.tick_params(labelsize=8)


def plot_documents(ax, s: DatasetStats) -> None:
    _bars(ax, s.documents_by_status, f"Documents by status ({s.documents})", colors=STATUS_COLORS)


def plot_regions(ax, s: DatasetStats) -> None:
    _bars(ax, s.regions_by_status, f"Regions by status ({s.regions})", colors=STATUS_COLORS)


def plot_entities(ax, s: DatasetStats) -> None:
    _bars(ax, s.entities, f"Entities (BIO spans, {sum(s.entities.values())})", top=12, horizontal=True)


def plot_region_labels(ax, s: DatasetStats) -> None:
    _bars(ax, s.region_labels, "Region labels", top=12, horizontal=True)


def plot_keyvalues(ax, s: DatasetStats) -> None:
    _bars(ax, s.keyvalue_keys, f"Key-values ({sum(s.keyvalue_keys.values())})", top=12, horizontal=True)


def plot_doc_types(ax, s: DatasetStats) -> None:
    _bars(ax, s.documents_by_type, "Documents by type", horizontal=True)


def plot_height(ax, s: DatasetStats) -> None:
    _hist(ax, s.heights, "Region height", "pixels")


def plot_aspect(ax, s: DatasetStats) -> None:
    _hist(ax, [min(a, 40.0) for a in s.aspects], "Aspect ratio (width / height)", "ratio (capped at 40)")


def plot_text_length(ax, s: DatasetStats) -> None:
    _hist(ax, s.text_lengths, "Text length", "characters")


def plot_char_classes(ax, s: DatasetStats) -> None:
    _bars(ax, Counter({k: v for k, v in s.char_classes.items() if k != "space"}), "Characters by class")


def plot_progress(ax, s: DatasetStats) -> None:
    ax.set_title("Labelling progress (regions confirmed)", fontsize=10)
    prog = s.progress()
    if not prog:
        ax.text(0.5, 0.5, "nothing confirmed yet", ha="center", va="center", transform=ax.transAxes, color="#888")
        return
    days = [p[0] for p in prog]
    ax.bar(range(len(days)), [p[1] for p in prog], color="#bcd7f5", label="per day")
    ax.plot(range(len(days)), [p[2] for p in prog], color="#2a9d8f", marker="o", label="total")
    step = max(1, (len(days) + 3) // 4)
    ax.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]], fontsize=8, rotation=30)
    ax.legend(fontsize=7, loc="upper left")
    ax.tick_params(labelsize=8)


def plot_missing(ax, s: DatasetStats) -> None:
    if s.charset_size == 0:
        ax.set_title("Characters the recognizer lacks", fontsize=10)
        ax.text(0.5, 0.5, "no recognizer charset", ha="center", va="center", transform=ax.transAxes, color="#888")
        return
    n = len(s.missing_chars)
    if n == 0:
        ax.set_title(f"Characters the recognizer lacks (0 of {len(s.chars)})", fontsize=10)
        ax.text(0.5, 0.5, "every labelled character\nis in the charset", ha="center", va="center",
                transform=ax.transAxes, color="#2a9d8f")
        ax.set_xticks([])
        ax.set_yticks([])
        return
    _bars(ax, Counter({f"{c} U+{ord(c):04X}": v for c, v in s.missing_chars.items()}),
          f"Characters the recognizer lacks ({n} of {len(s.chars)})", top=12, horizontal=True, colors=None)


PLOTS: dict[str, tuple[str, Callable]] = {
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


def draw_overview(fig, s: DatasetStats, names: list[str] | None = None) -> None:
    """All plots in a grid on ``fig`` (cleared first)."""
    setup_fonts()
    fig.clear()
    names = names or list(PLOTS)
    cols = 4
    rows = (len(names) + cols - 1) // cols
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        PLOTS[name][1](ax, s)
    fig.tight_layout()


def draw_one(fig, s: DatasetStats, name: str) -> None:
    setup_fonts()
    fig.clear()
    PLOTS[name][1](fig.add_subplot(1, 1, 1), s)
    fig.tight_layout()
