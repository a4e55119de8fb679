"""The document image as a level-of-detail pyramid, so a 10,000 px scan pans and zooms smoothly.

Levels: each halving of the one above, and between two halvings a level at 1/√2 of the one above
(only images over 16,384 px a side are cut into tiles). A settled paint draws the coarsest level that
still has at least one image pixel per screen pixel. A zoom gesture's step draws the level nearest to
the screen's resolution (a mip-map's nearest level: at most 2^¼ = 1.19 times up or down), which the
settled paint 250 ms after the last step replaces with the sharp one. The bilinear rescale that a
zoom step pays for costs about twice as much when the level has twice the screen's resolution as when
it has about as much (more source pixels fetched for each screen pixel); the half steps and the
nearest level keep it near the cheap end.

While the view zooms, the regions are also taken out of the step: their translucent fills and their
outlines are painted once into a copy of each level below full size ("baked", on a worker thread,
again whenever the regions' shapes or colours change), and a zoom step that finds the bake up to date
draws the baked level and paints only the reading-order numbers over it. A baked outline is one level
pixel wide, antialiased, so on screen it is 0.84-1.19 px wide and smoothed by the rescale; the settled
frame paints crisp live outlines again. Blending the fills and stroking the outlines had cost a zoom
step with 200 regions in view about as much as rescaling the page.

The half-step levels and the bakes are built on background threads after the image or the regions
are set (QImage's scaling and QPainter on a QImage run without the GIL) and taken in by the first
paint after they are ready; until then the halvings and the live fills draw as before. Memory: the
half steps cost two thirds of the image again, the bakes one image more (levels below full size); a
level over EXTRA_LEVEL_PIXELS gets neither (for a 6,000 × 4,000 page: 128 MB of levels before, 288 MB).

The scene paints it as its background (``CanvasScene.drawBackground``), which the view caches as one
opaque pixmap that a pan scrolls in place. As an item with Qt's device-coordinate cache it cost more
than it saved: a fresh viewport-sized ARGB pixmap on every pan or zoom step, cleared, painted, then
alpha-blended.
"""

from __future__ import annotations

import atexit
import math
import threading
import time
from collections.abc import Callable, Hashable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

PYRAMID_MIN = 1024  # the pyramid stops at the first level whose longer side is at most this
# Each level is one pixmap unless a side exceeds TILE: drawing one smooth-scaled pixmap costs 10-40 %
# less than drawing its 1,024 px tiles (every tile sets up its own span fetches and clamps at its
# edges, which also shaded the seams). The raster engine's fixed-point coordinates reach 32,767 px.
TILE = 16384
HALF_STEP = 1 / math.sqrt(2)
# half steps and bakes only for levels of at most this many pixels (64 MB each): a 10,000 px scan's
# upper levels go without (zoom steps there rescale from the next level up, with live fills)
EXTRA_LEVEL_PIXELS = 16_000_000
BAKE_CHUNK = 256  # polygons a QPainter call in a bake
HALF_STEP_DELAY = 0.15  # seconds

_WORKERS: set[threading.Thread] = set()  # joined at exit: none may be inside Qt while it is torn down


def start_worker(target, *args, name: str) -> threading.Thread:
    """A daemon thread that the interpreter's exit waits for (none may be inside Qt at teardown)."""
    def run():
        try:
            target(*args)
        finally:
            _WORKERS.discard(threading.current_thread())

    t = threading.Thread(target=run, name=name, daemon=True)
    _WORKERS.add(t)
    t.start()
    return t


@atexit.register
def _join_workers() -> None:
    for t in list(_WORKERS):
        t.join(10)


# what a bake paints: per style, its fill colour (r, g, b, a) or None, its outline's (1 px) or None, and
# the polygons (image coordinates)
RGBA = tuple[int, int, int, int]
BakeSpec = Sequence[tuple[RGBA | None, RGBA | None, Sequence[Sequence[tuple[float, float]]]]]


class ImageItem(QGraphicsItem):
    def __init__(self, image: QImage | None = None):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(-10)
        self.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self._w = self._h = 0
        self._levels: list[tuple[float, list[tuple[QRectF, QPixmap]]]] = []
        self.gesture = False  # a zoom gesture is under way (set by the view): nearest level, baked fills
        self._lock = threading.Lock()
        self._generation = 0  # set_image's count: work for an older image is dropped
        self._clean: list[tuple[float, QImage]] = []  # every level as a QImage (what bakes start from)
        self._half_steps: list[tuple[float, QImage]] | None = None  # built, not yet taken in
        self._builder: threading.Thread | None = None
        self._bake_generation = 0
        self._bake_wanted: Hashable | None = None
        self._bake_done: tuple[Hashable, list[tuple[float, QImage]]] | None = None  # built, not taken in
        self._baker: threading.Thread | None = None
        self._baked_key: Hashable | None = None
        self._baked: dict[float, QPixmap] = {}  # level scale -> that level with the fills painted in
        self.image = QImage()
        if image is not None:
            self.set_image(image)

    # ------------------------------------------------------------------ the pyramid
    def set_image(self, image: QImage, page: tuple[int, int] | None = None) -> None:
        """Show ``image``; with ``page`` (width, height), stretched over a page of that size (a
        stand-in picture for an image that cannot be shown)."""
        self.prepareGeometryChange()
        self.image = image
        self._w, self._h = page or (image.width(), image.height())
        self._levels = []
        with self._lock:
            self._generation += 1
            self._bake_generation += 1
            self._half_steps = self._bake_done = self._bake_wanted = None
            self._clean = []
        self._baked, self._baked_key = {}, None
        if image.isNull():
            return
        img, scale = image, image.width() / self._w if self._w else 1.0  # (below 1 for an overview)
        halvings = []
        while True:
            self._levels.append((scale, self._tiles(img)))
            halvings.append((scale, img))
            if max(img.width(), img.height()) <= PYRAMID_MIN:
                break
            img = img.scaled(max(1, img.width() // 2), max(1, img.height() // 2),
                             Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
            scale /= 2
        with self._lock:
            self._clean = list(halvings)
        if len(halvings) > 1 and page is None:  # (a stand-in or an overview is soon replaced: none for it)
            self._builder = start_worker(self._build_half_steps, self._generation, halvings[:-1], name="hanji-pyramid")
        else:
            self._builder = None

    def _build_half_steps(self, generation: int, halvings: list[tuple[float, QImage]]) -> None:
        """The levels at 1/√2 of each halving but the last (on a worker thread: QImages only), begun
        HALF_STEP_DELAY after the image is set (paging through documents builds none for the pages
        passed over)."""
        time.sleep(HALF_STEP_DELAY)
        out = []
        for scale, img in halvings:
            if self._superseded(generation, bake=False):
                return
            w, h = max(1, round(img.width() * HALF_STEP)), max(1, round(img.height() * HALF_STEP))
            if w * h > EXTRA_LEVEL_PIXELS:
                continue
            out.append((scale * w / img.width(), img.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                                             Qt.TransformationMode.SmoothTransformation)))
        with self._lock:
            if generation == self._generation:
                self._half_steps = out
                self._clean = sorted(self._clean + out, key=lambda lv: -lv[0])

    def _take_built(self) -> None:
        """Put the levels and bakes that the workers have finished into use (GUI thread: QPixmaps are
        made here)."""
        if self._half_steps is None and self._bake_done is None:
            return
        with self._lock:
            built, self._half_steps = self._half_steps, None
            baked, self._bake_done = self._bake_done, None
        if built:
            levels = self._levels + [(scale, self._tiles(img)) for scale, img in built]
            self._levels = sorted(levels, key=lambda lv: -lv[0])
        if baked is not None:
            key, images = baked
            self._baked_key, self._baked = key, {scale: QPixmap.fromImage(img) for scale, img in images}

    def wait_for_levels(self, timeout: float = 10.0) -> None:
        """Wait for the half-step levels and the latest bake, and take them in (tests, benchmarks)."""
        for worker in (self._builder, self._baker):
            if worker is not None:
                worker.join(timeout)
        self._take_built()

    def _tiles(self, img: QImage) -> list[tuple[QRectF, QPixmap]]:
        """A level's pixmaps with their places in image coordinates (one, unless a side exceeds TILE)."""
        sx, sy = img.width() / self._w, img.height() / self._h  # level pixels per image pixel
        if img.width() <= TILE and img.height() <= TILE:  # the image itself, not a copy of it
            return [(QRectF(0, 0, self._w, self._h), QPixmap.fromImage(img))]
        tiles = []
        for ty in range(0, img.height(), TILE):
            for tx in range(0, img.width(), TILE):
                w, h = min(TILE, img.width() - tx), min(TILE, img.height() - ty)
                pm = QPixmap.fromImage(img.copy(tx, ty, w, h))
                tiles.append((QRectF(tx / sx, ty / sy, w / sx, h / sy), pm))
        return tiles

    # ------------------------------------------------------------------ baked fills
    def request_bake(self, key: Hashable, spec: BakeSpec | Callable[[], BakeSpec]) -> None:
        """Paint the regions' fills and outlines ``spec`` (or what it returns, called on the worker)
        into a copy of every level below full size, on a worker thread. ``key`` names them (the
        layer's ``bake_key``); a request for the key already baked or being baked does nothing, and a
        new one supersedes a bake under way."""
        if self.image.isNull() or key == self._baked_key and self._bake_wanted is None:
            return
        with self._lock:
            if key == self._bake_wanted or self._bake_done is not None and self._bake_done[0] == key:
                return
            self._bake_generation += 1
            self._bake_wanted = key
            generation = self._bake_generation
        self._baker = start_worker(self._bake, generation, key, spec, self._builder, name="hanji-bake")

    def _superseded(self, generation: int, bake: bool = True) -> bool:
        """Whether a worker's bake (or half-step build, ``bake=False``) was asked for since."""
        with self._lock:
            return generation != (self._bake_generation if bake else self._generation)

    def _bake(self, generation: int, key: Hashable, spec: BakeSpec | Callable[[], BakeSpec],
              builder: threading.Thread | None) -> None:
        if builder is not None:
            builder.join()  # bake the half steps too
        if self._superseded(generation):
            return
        if callable(spec):
            spec = spec()
        # QPainter's fills and strokes hold the GIL: painted BAKE_CHUNK polygons a call, with the GIL
        # handed back between calls, they never stall the GUI thread for more than a few ms
        styles = []
        for fill, outline, polygons in spec:
            paths = []
            for k in range(0, len(polygons), BAKE_CHUNK):
                path = QPainterPath()
                path.setFillRule(Qt.FillRule.WindingFill)
                for pts in polygons[k:k + BAKE_CHUNK]:
                    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))
                    path.closeSubpath()
                paths.append(path)
            pen = None
            if outline is not None:
                pen = QPen(QColor(*outline), 1.0)
                pen.setCosmetic(True)
            styles.append((QColor(*fill) if fill is not None else None, pen, paths))
        with self._lock:
            levels = [(s, img) for s, img in self._clean
                      if s < 1.0 and img.width() * img.height() <= EXTRA_LEVEL_PIXELS and max(img.width(), img.height()) <= TILE]
        out = []
        for scale, img in levels:
            if self._superseded(generation):
                return
            baked = img.copy()
            p = QPainter(baked)
            p.scale(img.width() / self._w, img.height() / self._h)
            # as the layer paints them: the fills without antialiasing (the outlines cover their
            # edges), then the outlines, one level pixel wide, antialiased
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            for fill, _, paths in styles:
                for path in paths if fill is not None else ():
                    p.fillPath(path, fill)
                    time.sleep(0)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            for _, pen, paths in styles:
                for path in paths if pen is not None else ():
                    p.strokePath(path, pen)
                    time.sleep(0)
            p.end()
            out.append((scale, baked))
        with self._lock:
            if generation == self._bake_generation:
                self._bake_done = (key, out)
                self._bake_wanted = None

    def baked_for(self, key: Hashable | None) -> bool:
        """Whether the levels below full size are baked with the shapes named ``key``."""
        self._take_built()
        return key is not None and key == self._baked_key and bool(self._baked)

    # ------------------------------------------------------------------ painting
    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._w, self._h)

    def level_for(self, view_scale: float, nearest: bool = False) -> int:
        """Index of the coarsest level with scale >= the view's scale; with ``nearest``, of the level
        nearest to it on a log scale (a zoom step's)."""
        if not self._levels:
            return 0
        want = max(view_scale, 1e-6)
        if nearest:
            return min(range(len(self._levels)), key=lambda i: abs(math.log(self._levels[i][0] / want)))
        best = 0
        for i, (s, _) in enumerate(self._levels):
            if s >= want * 0.999:
                best = i
        return best

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        self.paint_rect(painter, option.exposedRect)

    def paint_rect(self, painter: QPainter, exposed: QRectF, shapes: Hashable | None = None) -> bool:
        """Paint the part of the image in ``exposed``. During a zoom gesture, when ``shapes`` (the
        layer's ``bake_key``) are baked, the level is drawn with them in it, and True is returned:
        the caller then leaves what is baked out."""
        if not self._levels:
            return False
        self._take_built()
        t = painter.worldTransform()
        view_scale = math.hypot(t.m11(), t.m12())
        scale, tiles = self._levels[self.level_for(view_scale, nearest=self.gesture)]
        baked = self.gesture and shapes is not None and shapes == self._baked_key and scale in self._baked
        if baked:
            tiles = [(QRectF(0, 0, self._w, self._h), self._baked[scale])]
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, view_scale < 2.0)
        # tiles meet on shared edges: without antialiasing their edges rasterise edge to edge (no seams)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for rect, pm in tiles:
            if rect.intersects(exposed):
                painter.drawPixmap(rect, pm, QRectF(pm.rect()))
        return baked
