"""The data engine over a project file: checks, statistics and their export, duplicates, likely
label errors, search and what to label next. Logic lives in ``hanji.quality``; these jobs read the
store, report progress, honour cancel and cache image fingerprints in the project (resumable)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hanji.domain.model import HUMAN_STATUSES, Document, KeyValue, Link, Region
from hanji.domain.text import nfc
from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.jobs.duplicates import FINGERPRINT_JOB, find_duplicates, fingerprints, keep_one  # noqa: F401 (offered here)
from hanji.quality import checks as checks_mod
from hanji.quality.checks import CheckOptions
from hanji.quality.columns import RegionPage
from hanji.quality.findings import Finding
from hanji.quality.label_errors import Reading, TagReading, rank_tags, rank_transcriptions
from hanji.quality.next import Candidate, rank_next
from hanji.quality.plots import PLOTS, draw_one, draw_overview
from hanji.quality.stats import Statistics
from hanji.store import ProjectStore

FORBIDDEN_KEY = "forbidden_words"  # meta: JSON list of words
CHARSET_KEY = "charset"  # meta: the recognizer charset as one string (else the shipped Korean one)

# a recognizer for likely-error ranking: (image, regions) -> [(text, confidence)] per region
Recognizer = Callable[[object, list[Region]], list[tuple[str, float]]]


# ----------------------------------------------------------------------------- settings
def forbidden_words(store: ProjectStore) -> list[str]:
    raw = store.meta(FORBIDDEN_KEY)
    if not raw:
        return []
    try:
        words = json.loads(raw)
    except json.JSONDecodeError as e:
        raise HanjiError(f"the forbidden word list is not valid JSON ({e})", store.path, f"meta {FORBIDDEN_KEY}") \
            from e
    return [nfc(str(w)) for w in words]


def set_forbidden_words(store: ProjectStore, words: Sequence[str]) -> None:
    clean = sorted({nfc(w).strip() for w in words if nfc(w).strip()})
    store.set_meta(FORBIDDEN_KEY, json.dumps(clean, ensure_ascii=False))


def recognizer_charset(store: ProjectStore) -> frozenset[str] | None:
    """The characters the project's recognizer reads: meta ``charset`` if set, else the shipped
    Korean recognizer's (KS X 1001 Hangul, ASCII, document symbols), else None."""
    own = store.meta(CHARSET_KEY)
    if own:
        return frozenset(nfc(own))
    try:
        from hanji.models.recognize.charset import korean_charset
    except ImportError:
        return None
    return frozenset(korean_charset())


def check_options(store: ProjectStore) -> CheckOptions:
    return CheckOptions(charset=recognizer_charset(store), forbidden_words=forbidden_words(store),
                        entity_names=frozenset(e.name for e in store.entity_types()))


def iter_documents(store: ProjectStore, progress: Progress = no_progress, cancel: CancelToken | None = None
                   ) -> Iterator[tuple[Document, list[Region], list[Link], list[KeyValue]]]:
    total = store.document_count()
    for i, item in enumerate(store.iter_annotated()):  # a page of documents at a time
        if cancel:
            cancel.check()
        progress(i, total, item[0].name)
        yield item
    progress(total, total, "")


# ----------------------------------------------------------------------------- checks
CHECK_PAGE = 2000  # documents a page for the checks (their regions measured together)


def run_checks(store: ProjectStore, names: Sequence[str] | None = None, options: CheckOptions | None = None,
               progress: Progress = no_progress, cancel: CancelToken | None = None) -> list[Finding]:
    """Every check (or the named ones) over every document; findings by check, then in document order.
    The regions are read as columns, a page of documents at a time (no Region object each)."""
    return checks_mod.run_pages(_check_pages(store, progress, cancel), options or check_options(store), names)


def _check_pages(store: ProjectStore, progress: Progress, cancel: CancelToken | None) -> Iterator[RegionPage]:
    total, done = store.document_count(), 0
    for docs, columns, links, kvs in store.iter_region_columns_by_document(page=CHECK_PAGE):
        for i, doc in enumerate(docs):
            progress(done + i, total, doc.name)
        if cancel:
            cancel.check()
        yield RegionPage.from_columns(docs, columns, links, kvs)
        done += len(docs)
    progress(total, total, "")


# ----------------------------------------------------------------------------- statistics
def statistics(store: ProjectStore, progress: Progress = no_progress, cancel: CancelToken | None = None):
    acc = Statistics(recognizer_charset(store))
    # counts by the database; each region's size, text and tags streamed without making Region objects
    acc.add_counts(store.group_counts("documents", "status"), store.group_counts("documents", "doc_type"),
                   store.group_counts("regions", "status"), store.group_counts("regions", "kind"),
                   store.group_counts("regions", "label"), store.group_counts("keyvalues", "key"),
                   store.row_count("links"))
    total, done = store.row_count("regions"), 0
    for points, texts, tags in store.iter_region_columns(page=CHECK_PAGE):
        if cancel:
            cancel.check()
        acc.add_regions(points, texts, tags)
        done += len(texts)
        progress(done, total, "")
    acc.add_confirmed_times(store.region_times("confirmed"))
    return acc.summary()


def export_csv(stats, folder: str | Path) -> list[Path]:
    """One CSV file per statistics table (UTF-8 with BOM so spreadsheet programs read Hangul)."""
    folder = _folder(folder)
    out = []
    tables = stats.tables(regions=False)
    tables["regions"] = (["width", "height", "aspect_ratio", "text_length"], stats.region_rows())  # as made
    for name, (header, rows) in tables.items():
        p = folder / f"{name}.csv"
        try:
            with open(p, "w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f, lineterminator="\r\n")
                w.writerow(header)
                w.writerows(rows)
        except OSError as e:
            raise HanjiError(f"cannot write the CSV file: {e.strerror or e}", p) from e
        out.append(p)
    return out


def export_png(stats, folder: str | Path, dpi: int = 110, names: Sequence[str] | None = None) -> list[Path]:
    """``overview.png`` with every plot (15 x 11 inches), and one PNG per plot (6 x 4 inches; or per
    plot named in ``names``), drawn by ``hanji.quality.charts`` at ``dpi``."""
    folder = _folder(folder)
    out = []
    scale = dpi / 72
    p = folder / "overview.png"
    _save_png(draw_overview(stats, 15 * dpi, 11 * dpi, scale), p, dpi)
    out.append(p)
    for name in PLOTS if names is None else names:
        p = folder / f"{name}.png"
        _save_png(draw_one(stats, name, 6 * dpi, 4 * dpi, scale), p, dpi)
        out.append(p)
    return out


def _save_png(img, path: Path, dpi: int) -> None:
    try:
        img.save(path, "PNG", dpi=(dpi, dpi))
    except OSError as e:
        raise HanjiError(f"cannot write the PNG file: {e.strerror or e}", path) from e


def _folder(folder: str | Path) -> Path:
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise HanjiError(f"cannot make the folder: {e.strerror}", folder) from e
    return folder


# ----------------------------------------------------------------------------- duplicates
# fingerprints kept in the project and the groups found with them: hanji.jobs.duplicates (offered here too)


# ----------------------------------------------------------------------------- likely label errors
def likely_label_errors(store: ProjectStore, recognizer: Recognizer | None = None, progress: Progress = no_progress,
                        cancel: CancelToken | None = None):
    """Confirmed transcriptions ranked by disagreement with the model (``label_errors.Suspect``).

    The model's reading is the region's ``machine_text``/``confidence`` kept from pre-annotation,
    or, when ``recognizer`` is given, a fresh reading of each confirmed region.
    """
    readings: list[Reading] = []
    for doc, regions, _, _ in iter_documents(store, progress, cancel):
        confirmed = [r for r in regions if r.status == "confirmed"]
        if not confirmed:
            continue
        if recognizer is not None:
            from PIL import Image

            with Image.open(io.BytesIO(store.image_bytes(doc.id))) as im:
                got = recognizer(im.convert("RGB"), confirmed)
            pairs = [(r, t, c) for r, (t, c) in zip(confirmed, got)]
        else:
            pairs = [(r, r.machine_text, r.confidence) for r in confirmed
                     if r.machine_text is not None and r.confidence is not None]
        readings.extend(Reading(doc.id, r.id, r.text, nfc(t), float(c)) for r, t, c in pairs)
    return rank_transcriptions(readings)


def model_recognizer(name: str = "ko", path: str | Path | None = None, device=None) -> Recognizer:
    """A recognizer of the model zoo (or a weights file) as ``likely_label_errors`` wants it:
    ``(image, regions) -> [(text, confidence)]``, regions cropped upright (with the margin the
    pipeline reads such a box with, :func:`~hanji.models.pipeline.read_margin`) and read in batches."""
    from hanji.models import zoo
    from hanji.models.pipeline import crop_region, read_margin

    rec = zoo.recognizer(name, device, path=path)

    def read(image, regions: list[Region]) -> list[tuple[str, float]]:
        rgb = np.asarray(image.convert("RGB"))
        return [(nfc(t), float(c)) for t, c in rec.predict([crop_region(rgb, r.points, read_margin(r)) for r in regions])]

    return read


def likely_tag_errors(store: ProjectStore, progress: Progress = no_progress, cancel: CancelToken | None = None):
    """BIO tags against the tagger's, where the tagger's are kept on the region
    (``attrs['machine_tags']`` and ``attrs['machine_tag_confidences']``, one per token)."""
    readings = []
    for doc, regions, _, _ in iter_documents(store, progress, cancel):
        for r in regions:
            mt, mc = r.attrs.get("machine_tags"), r.attrs.get("machine_tag_confidences")
            if not r.human or not r.tags or not mt or not mc or not (len(mt) == len(mc) == len(r.tags)):
                continue
            toks = r.text.split()
            readings.extend(TagReading(doc.id, r.id, tok, g, p, float(c))
                            for tok, g, p, c in zip(toks, r.tags, mt, mc))
    return rank_tags(readings)


# ----------------------------------------------------------------------------- what to label next
def next_documents(store: ProjectStore, n: int = 10, diversity: bool = True, progress: Progress = no_progress,
                   cancel: CancelToken | None = None):
    """Unlabelled documents (no region a person touched, not done) ranked by model uncertainty and,
    with ``diversity``, by how unlike the labelled ones they look (``next.Pick``)."""

    fps = fingerprints(store, progress, cancel) if diversity else {}
    candidates, labelled = [], []
    for doc, readings in store.iter_readings():  # (status, confidence) of each region: no Region objects
        if cancel:
            cancel.check()
        fp = fps.get(doc.id)
        feats = np.unpackbits(np.frombuffer(bytes.fromhex(fp.phash), np.uint8)).astype(bool) if fp else None
        if doc.status == "done" or any(st in HUMAN_STATUSES for st, _ in readings):
            if feats is not None:
                labelled.append(feats)
            continue
        confs = [c for st, c in readings if c is not None]
        candidates.append(Candidate(doc.id, doc.name, confs, feats))
    if diversity and any(c.features is None for c in candidates):
        for c in candidates:
            c.features = None
    return rank_next(candidates, np.stack(labelled) if labelled and diversity else None, n)


# ----------------------------------------------------------------------------- search
@dataclass(frozen=True)
class SearchHit:
    kind: str  # region | keyvalue
    doc_id: int
    document: str
    region_id: int | None
    text: str
    key: str = ""  # the key of a key-value hit, the label of a region hit

    def as_dict(self) -> dict:
        return {"kind": self.kind, "document": self.document, "doc_id": self.doc_id,
                "region_id": self.region_id, "text": self.text, "key": self.key}


def search(store: ProjectStore, query: str, limit: int = 100) -> list[SearchHit]:
    """Transcriptions and key-values containing ``query`` (Hangul substrings match)."""
    return _hits(store, store.search(query, limit), store.search_keyvalues(query, limit), limit)


def _hits(store: ProjectStore, regions: list[Region], kvs: list[KeyValue], limit: int) -> list[SearchHit]:
    names = store.document_names([r.doc_id for r in regions] + [kv.doc_id for kv in kvs])
    hits = [SearchHit("region", r.doc_id, names[r.doc_id], r.id, r.text, r.label) for r in regions]
    hits += [SearchHit("keyvalue", kv.doc_id, names[kv.doc_id], kv.region_ids[0] if kv.region_ids else None,
                       kv.value, kv.key) for kv in kvs]
    hits.sort(key=lambda h: (h.doc_id, h.kind != "region"))
    return hits[:limit]


class Searcher:
    """Search for a window that asks many questions: every query is answered by the store's
    indexes (trigrams from three characters, character pairs below), nothing copied into memory."""

    def __init__(self, store: ProjectStore):
        self.store = store

    def search(self, query: str, limit: int = 100) -> list[SearchHit]:
        return search(self.store, query, limit)


def document_text(store: ProjectStore, doc_id: int) -> str:
    """A document's transcription in reading order, one region a line (for the clipboard)."""
    return "\n".join(r.text for r in store.regions(doc_id) if r.text.strip())
