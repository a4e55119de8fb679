"""The OCR pipeline: detect text lines, crop and straighten each, recognize them in batches, put
them in reading order. Returns domain :class:`~hanji.domain.model.Region` objects.

    ocr = OcrPipeline(recognizer="ko")
    regions = ocr.page(rgb)        # [Region(points, text, confidence, status machine|review, ...)]
    regions = ocr.line(rgb)        # the whole image as one line

The recognizer is anything with ``predict(list_of_HxWx3_uint8) -> [(text, score)]`` (built by
:mod:`hanji.models.zoo` when first used from a name, or an object). Build pipelines with
``zoo.pipeline()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from hanji import imaging
from hanji.domain import geometry
from hanji.domain.model import Region
from hanji.domain.order import order_regions, reading_order
from hanji.errors import HanjiError

DETECTOR_NAME = "ppocrv4_det"


class LineRecognizer(Protocol):
    def predict(self, crops: list[np.ndarray]) -> list[tuple[str, float]]: ...


def load_image(path: str | Path) -> np.ndarray:
    """An image file as an HxWx3 uint8 RGB array (pixels as stored: no EXIF rotation, like the project)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise HanjiError(f"cannot read the image: {e.strerror}", path) from e
    return imaging.decode(data, path)


# The margin (along the line, across it; fractions of the line's height, each side) that a box
# drawn close around its text is read with: the recognizer learned lines with paper around the
# glyphs (a third of the text's height across, more along), and a box cut at the ink's edge read
# 4.76 % CER on the realistic validation pages (training fonts and text, seed 31, true boxes)
# against 3.49 % with (0.25, 0.25). The detector's boxes carry their own margin (DB's unclip:
# 1.28x the tight box's height) and are read as found (0.1 / 0.05 more read 3.94 -> 3.95 %).
BOX_MARGIN = (0.25, 0.25)


# Latin lines are read with the detector's box moved out at the line's end by this share of the line's
# height: DB's box cuts a line-final comma or full stop (small, low ink) off, and SROIE's addresses end
# their lines with them. On the detector's lines of SROIE's 38 training receipts matched to a true
# line (1,996), a true final ',' or '.' read 61 -> 74 of 86 times, a wrong final one 16 -> 25 times,
# CER (spaces removed, case ignored) 0.0283 -> 0.0284; on a development fold of those receipts key
# fields end to end 0.689 -> 0.724 (0.45 read the same as 0.3; a margin at both ends, 0.15, 70 of 86
# kept, 23 wrong). Korean lines are read as found.
LATIN_LINE_END = 0.3


def extend_line_end(points: Sequence[tuple[float, float]], share: float) -> list[tuple[float, float]]:
    """A horizontal quad with its right edge moved out along the line by ``share`` of its height; other
    shapes (polygons, upright lines) as given."""
    if not share or len(points) != 4:
        return [tuple(p) for p in points]
    tl, tr, br, bl = (np.asarray(p, float) for p in geometry.order_quad(geometry.as_points(points)))
    w, h = float(np.linalg.norm(tr - tl)), float(np.linalg.norm(bl - tl))
    if w <= 0 or h >= 1.5 * w:
        return [tuple(p) for p in points]
    d = share * h * (tr - tl) / w
    return [tuple(map(float, c)) for c in (tl, tr + d, br + d, bl)]


def read_margin(region: Region) -> tuple[float, float]:
    """The margin a region is read with: none for a detector's box nobody touched (it already has
    the detector's margin), :data:`BOX_MARGIN` for a box a person drew or touched, or imported."""
    return (0.0, 0.0) if region.source.startswith("model:") and not region.human else BOX_MARGIN


def crop_region(rgb: np.ndarray, points: Sequence[tuple[float, float]],
                margin: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """The upright crop of a region: a quad is straightened by a perspective warp, a polygon by
    its smallest rotated rectangle; a crop 1.5x taller than wide is turned to lie horizontal.
    ``margin``: ``(along, across)`` the text, fractions of the line's height added on each side
    (:data:`BOX_MARGIN` for a box drawn close around its text); outside the image the edge repeats."""
    pts = geometry.as_points(points)
    if len(pts) == 2:
        pts = geometry.rect_points(*pts[0], *pts[1])
    quad = geometry.order_quad(pts) if len(pts) == 4 else geometry.min_area_quad(pts)
    w, h = geometry.quad_size(quad)
    upright = not (h >= 1.5 * w and w > 0)
    if margin[0] or margin[1]:
        quad = _widen(quad, *(margin if upright else margin[::-1]), h if upright else w)
        w, h = geometry.quad_size(quad)
    crop = imaging.warp_quad(rgb, quad, (w, h))
    if not upright:
        crop = np.ascontiguousarray(np.rot90(crop))
    return crop


def _widen(quad, fx: float, fy: float, size: float) -> list[tuple[float, float]]:
    """A clockwise quad moved out by ``fx * size`` along its top edge's direction and ``fy * size``
    along its left edge's, at each side."""
    q = np.asarray(quad, float)
    tl, tr, br, bl = q
    ux, uy = (tr - tl) + (br - bl), (bl - tl) + (br - tr)
    ux = ux / max(np.linalg.norm(ux), 1e-9)
    uy = uy / max(np.linalg.norm(uy), 1e-9)
    dx, dy = fx * size * ux, fy * size * uy
    return [tuple(map(float, c)) for c in (tl - dx - dy, tr + dx - dy, br + dx + dy, bl - dx + dy)]


class OcrPipeline:
    """Detector + recognizer + reading order.

    ``low_confidence``: text read with less confidence is marked ``review``; ``min_score``: lines
    read with less confidence than this, or read as nothing, are dropped (page mode only);
    ``read_pieces``: the detector's letter-spaced merge reads the pieces it would join and joins
    only Hangul (:func:`~hanji.models.detect.merge.hangul_join`); off, it decides on geometry alone.
    ``line_end``: in page mode each detector box is read with its line's end moved out by this share of
    its height (:func:`extend_line_end`; the region keeps the detector's box); None, the default:
    :data:`LATIN_LINE_END` for a Latin recognizer, 0 for a Korean one.
    """

    def __init__(self, detector: Any = None, recognizer: str | LineRecognizer | None = "ko",
                 low_confidence: float = 0.8, min_score: float = 0.0, device: str | None = None,
                 direction: Any = True) -> None:
        self._detector = detector
        self._recognizer = recognizer
        self._direction = direction  # True: the shipped classifier, loaded when first needed; None/False: off
        self.device = device
        self.low_confidence = low_confidence
        self.min_score = min_score
        self.read_pieces = True
        self.line_end: float | None = None  # None: LATIN_LINE_END for a Latin recognizer, 0 for a Korean one

    # -------------------------------------------------------------------- parts, loaded lazily
    @property
    def detector(self):
        if self._detector is None:
            from hanji.models import zoo

            self._detector = zoo.detector(self.device)
        return self._detector

    @property
    def recognizer(self) -> LineRecognizer:
        if self._recognizer is None:
            raise HanjiError("no recognizer was given to the OCR pipeline")
        if isinstance(self._recognizer, str):
            from hanji.models import zoo

            self._recognizer = zoo.recognizer(self._recognizer, self.device)
        return self._recognizer

    @property
    def direction(self):
        """The line direction classifier, or None when the pipeline does not turn lines."""
        if self._direction is True:
            from hanji.models import zoo

            self._direction = zoo.direction_classifier(self.device)
        return self._direction or None

    @property
    def recognizer_name(self) -> str:
        r = self._recognizer
        if isinstance(r, str):
            return r
        return str(getattr(r, "name", type(r).__name__))

    @property
    def source(self) -> str:
        return f"model:{DETECTOR_NAME}+{self.recognizer_name}"

    # -------------------------------------------------------------------- steps
    def detect(self, rgb: np.ndarray) -> list[Region]:
        """Text regions without text, in reading order (``attrs['det_score']`` holds the box score)."""
        from hanji.models.detect import as_rgb

        rgb = as_rgb(rgb)
        regions = [Region(points=d.points, kind=d.kind, text="", status="machine", source=f"model:{DETECTOR_NAME}",
                          confidence=round(float(d.score), 4), attrs={"det_score": round(float(d.score), 4)})
                   for d in self._detections(rgb)]
        return order_regions(regions)

    def _detections(self, rgb: np.ndarray) -> list:
        """The detector's output on ``rgb``; its letter-spaced merge reads the pieces with our
        recognizer when it can (a detector with a ``merge`` rule, a recognizer given)."""
        det = self.detector
        if not (self.read_pieces and self._recognizer is not None and getattr(det, "merge", None) is not None):
            return det.detect(rgb)

        rec = self.recognizer
        greedy = {"prior": False} if getattr(rec, "prior", None) is not None else {}  # the script is all it needs

        def read(shapes) -> list[str]:
            return [str(t) for t, _ in rec.predict([crop_region(rgb, s) for s in shapes], **greedy)]

        return det.detect(rgb, read=read)

    def read(self, rgb: np.ndarray, shapes: Sequence[Sequence[tuple[float, float]]],
             margin: tuple[float, float] = (0.0, 0.0)) -> list[tuple[str, float]]:
        """Recognize the text of each shape (one batch for all crops); ``margin`` as :func:`crop_region`'s."""
        return self.read_turned(rgb, shapes, margin)[0]

    def _predict(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        if not crops:
            return []
        out = self.recognizer.predict(crops)
        if len(out) != len(crops):
            raise RuntimeError(f"the recognizer returned {len(out)} readings for {len(crops)} crops")
        return [(str(t), float(s)) for t, s in out]

    def read_turned(self, rgb: np.ndarray, shapes: Sequence[Sequence[tuple[float, float]]],
                    margin: tuple[float, float] = (0.0, 0.0)) -> tuple[list[tuple[str, float]], list[bool]]:
        """Readings of each shape and whether its text was upside down.

        A line the direction classifier calls upside down is read both ways and the reading the
        recognizer is surer of wins (the classifier alone flips ~10% of upright Hangul lines; the
        check brings that to none). When most such lines were indeed upside down and they are a
        quarter of the page or more, the page is taken to be upside down and every line is
        checked the same way."""
        if not shapes:
            return [], []
        from hanji.models import threads
        from hanji.models.device import is_cpu

        crops = [crop_region(rgb, s, margin) for s in shapes]
        clf = self.direction
        # the classifier's pass on a worker of its own while the recognizer's batches go to the others
        directions = threads.submit(clf.predict, crops) if clf is not None and is_cpu(getattr(clf, "device", "cpu")) else None
        readings = self._predict(crops)
        turned = [False] * len(crops)
        if clf is None:
            return readings, turned

        def check(idx: list[int]) -> int:
            flipped = self._predict([np.ascontiguousarray(crops[i][::-1, ::-1]) for i in idx])
            n = 0
            for i, (t, sc) in zip(idx, flipped):
                if sc > readings[i][1]:
                    readings[i], turned[i] = (t, sc), True
                    n += 1
            return n

        found = directions.result() if directions is not None else clf.predict(crops)
        flagged = [i for i, (angle, score) in enumerate(found) if angle == 180 and score >= clf.threshold]
        n = check(flagged)
        if flagged and n * 2 > len(flagged) and n * 4 >= len(crops):
            seen = set(flagged)
            check([i for i in range(len(crops)) if i not in seen])
        return readings, turned

    def _fill(self, region: Region, text: str, score: float) -> Region:
        region.text = text
        region.machine_text = region.text
        region.confidence = round(score, 4)
        region.status = "review" if score < self.low_confidence else "machine"
        region.source = self.source
        return region

    # -------------------------------------------------------------------- whole jobs
    def page(self, rgb: np.ndarray) -> list[Region]:
        """Find, read and order the text of a page."""
        from hanji.models.detect import as_rgb

        rgb = as_rgb(rgb)
        regions = self.detect(rgb)
        end = self.line_end if self.line_end is not None else (
            0.0 if getattr(self.recognizer, "korean", True) else LATIN_LINE_END)
        readings, turned = self.read_turned(rgb, [extend_line_end(r.points, end) for r in regions])
        out = []
        for r, (text, score), t in zip(regions, readings, turned):
            if not text.strip() or score < self.min_score:
                continue
            if t:
                r.attrs["upside_down"] = True
                if len(r.points) == 4:  # the first point is the text's top-left, clockwise
                    r.points = list(r.points[2:]) + list(r.points[:2])
            out.append(self._fill(r, text, score))
        if out and sum(bool(r.attrs.get("upside_down")) for r in out) * 2 > len(out):  # an upside-down page is read from its bottom right
            h, w = rgb.shape[:2]
            idx = reading_order([[(w - x, h - y) for x, y in r.points] for r in out])
            out = [out[i] for i in idx]
            for k, r in enumerate(out):
                r.order = k
            return out
        return order_regions(out)

    def pages(self, images: Sequence[np.ndarray]) -> list[list[Region]]:
        return [self.page(im) for im in images]

    def line(self, rgb: np.ndarray) -> list[Region]:
        """The whole image read as one text line."""
        from hanji.models.detect import as_rgb

        rgb = as_rgb(rgb)
        h, w = rgb.shape[:2]
        (text, score), = self.recognizer.predict([rgb])
        region = Region(points=geometry.rect_points(0, 0, w, h), kind="quad", order=0)
        return [self._fill(region, str(text), float(score))]

    def reread(self, rgb: np.ndarray, region: Region) -> tuple[str, float]:
        """Recognize one region again (after its box was moved, or a person drew it). A box a
        person drew or touched is read with :data:`BOX_MARGIN` around it; a detector's box as it is."""
        (text, score), = self.read(rgb, [region.points], read_margin(region))
        return text, score

    def detect_in_box(self, rgb: np.ndarray, box: Sequence[tuple[float, float]], read: bool = True,
                      margin: float = 4.0) -> list[Region]:
        """Find (and read) text inside a drawn box only; coordinates stay those of the whole image."""
        from hanji.models.detect import as_rgb

        rgb = as_rgb(rgb)
        h, w = rgb.shape[:2]
        x0, y0, x1, y1 = geometry.bbox(geometry.as_points(box))
        x0, y0 = int(max(0, np.floor(x0 - margin))), int(max(0, np.floor(y0 - margin)))
        x1, y1 = int(min(w, np.ceil(x1 + margin))), int(min(h, np.ceil(y1 + margin)))
        if x1 - x0 < 4 or y1 - y0 < 4:
            return []
        sub = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        # pad the crop with its border colour so lines touching the box edge are still found whole
        pad = 16
        sub = np.pad(sub, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
        regions = []
        for d in self._detections(sub):
            pts = [(min(max(x - pad + x0, x0), x1), min(max(y - pad + y0, y0), y1)) for x, y in d.points]
            if geometry.is_degenerate(pts):
                continue
            regions.append(Region(points=pts, kind=d.kind, text="", status="machine", source=f"model:{DETECTOR_NAME}",
                                  confidence=round(float(d.score), 4),
                                  attrs={"det_score": round(float(d.score), 4)}))
        if read and regions:
            readings = self.read(rgb, [r.points for r in regions])
            regions = [self._fill(r, t, s) for r, (t, s) in zip(regions, readings) if t.strip()]
        return order_regions(regions)
