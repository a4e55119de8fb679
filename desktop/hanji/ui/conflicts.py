"""Merge conflicts in the window (issue 22): the open conflicts of merged work packages, each shown
side by side — ours (this project now) and theirs (the seat's version) on the same canvas style —
with keys to take one, the other, or edit by hand. Thin: the resolution is
:func:`hanji.jobs.packages.resolve` (one undoable step)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hanji.domain.model import Region
from hanji.errors import HanjiError
from hanji.ui import i18n
from hanji.ui.canvas.style import fill_color, region_color, region_style
from hanji.ui.i18n import tr

HIGHLIGHT = "#d81b60"

i18n.KO.update({
    "reading order changed on both sides": "읽기 순서가 양쪽에서 바뀜", "Merge conflicts": "병합 충돌", "Open a project first.": "먼저 프로젝트를 여세요.", "Ours — this project": "우리 쪽 — 이 프로젝트",
    "Theirs — seat": "상대 쪽 — 작업석", "Take ours (O)": "우리 쪽 채택 (O)", "Take theirs (T)": "상대 쪽 채택 (T)",
    "Edit in the window (E)": "창에서 직접 수정 (E)", "No open conflicts.": "열린 충돌이 없습니다.",
    "changed on both sides": "양쪽에서 수정됨", "deleted here, changed at the seat": "여기서 삭제, 작업석에서 수정",
    "deleted at the seat, changed here": "작업석에서 삭제, 여기서 수정",
    "added on both sides at the same place": "양쪽에서 같은 자리에 추가됨",
    "key-value changed on both sides": "키-값이 양쪽에서 수정됨", "document field changed on both sides":
        "문서 속성이 양쪽에서 수정됨", "removed here, worked on at the seat": "여기서 제거, 작업석에서 작업함",
    "removed at the seat, changed here": "작업석에서 제거, 여기서 수정", "a link to a region that is gone":
        "사라진 영역으로의 연결", "(none)": "(없음)", "(deleted)": "(삭제됨)", "text": "텍스트", "tags": "태그",
    "status": "상태", "label": "라벨", "links": "연결", "document": "문서", "region": "영역", "key": "키",
    "Took ours.": "우리 쪽을 채택했습니다.", "Took theirs.": "상대 쪽을 채택했습니다.",
    "Closed as edited by hand: edit the region in the window.": "직접 수정으로 닫았습니다: 창에서 영역을 고치세요.",
    "O: ours · T: theirs · E: edit in the window · ↑↓: next conflict":
        "O: 우리 쪽 · T: 상대 쪽 · E: 창에서 수정 · ↑↓: 다음 충돌",
})

KIND_TITLES = {
    "region": "changed on both sides", "region_deleted_in_base": "deleted here, changed at the seat",
    "region_deleted_in_package": "deleted at the seat, changed here",
    "overlap": "added on both sides at the same place", "keyvalue": "key-value changed on both sides",
    "document": "document field changed on both sides", "document_deleted_in_base": "removed here, worked on at the seat",
    "document_deleted_in_package": "removed at the seat, changed here", "link": "a link to a region that is gone",
    "order": "reading order changed on both sides",
}


class ConflictCanvas(QGraphicsView):
    """A document's image with its regions drawn as the canvas draws them (colour by entity, else
    status; fill by status) and the conflict's region outlined in a strong colour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QColor("#2b2b2e"))
        self.setMinimumSize(260, 200)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.shown: list[Region] = []
        self.highlight: Region | None = None
        self.focus: QRectF | None = None  # the part of the page shown: around the conflict

    def show_regions(self, image, regions: list[Region], colors: dict[str, str], highlight: Region | None,
                     focus: QRectF | None = None) -> None:
        sc = self.scene()
        sc.clear()
        self.shown, self.highlight, self.focus = list(regions), highlight, focus
        if image is not None and not image.isNull():
            from PySide6.QtGui import QPixmap

            sc.addPixmap(QPixmap.fromImage(image))
            sc.setSceneRect(QRectF(0, 0, image.width(), image.height()))
        for r in regions:
            color = region_color(r, colors)
            pen = QPen(QColor(color), 0)
            pen.setCosmetic(True)
            pen.setWidthF(1.5)
            sc.addPolygon(QPolygonF([QPointF(x, y) for x, y in r.points]), pen,
                          QBrush(fill_color((color, region_style(r)) if region_style(r) != "difficult"
                                            else (color, "edited"))))
        if highlight is not None:
            poly = QPolygonF([QPointF(x, y) for x, y in highlight.points])
            under = QPen(QColor("white"))
            under.setCosmetic(True)
            under.setWidthF(5.0)
            sc.addPolygon(poly, under)
            pen = QPen(QColor(HIGHLIGHT))
            pen.setCosmetic(True)
            pen.setWidthF(3.0)
            pen.setStyle(Qt.PenStyle.DashLine)
            sc.addPolygon(poly, pen, QBrush(QColor(216, 27, 96, 40)))
        self.fit()

    def fit(self) -> None:
        rect = self.focus if self.focus is not None else self.scene().sceneRect()
        if rect.isValid():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.fit()


def _region(v: dict[str, Any] | None, rid: int = -1) -> Region | None:
    if not v:
        return None
    from hanji.jobs.package_versions import region_from_version as build

    r = build(v)
    r.id = rid
    return r


def _detail(kind: str, v: Any) -> str:
    """What one side holds, in a few lines."""
    if v is None:
        return tr("(deleted)") if kind.startswith(("region", "document_deleted")) else tr("(none)")
    if isinstance(v, dict) and "text" in v:
        lines = [f"{tr('text')}: {v['text']}", f"{tr('status')}: {i18n.status_name(v['status'])}"]
        if v.get("tags"):
            lines.append(f"{tr('tags')}: {' '.join(v['tags'])}")
        if v.get("label"):
            lines.append(f"{tr('label')}: {v['label']}")
        if v.get("links"):
            lines.append(f"{tr('links')}: {len(v['links'])}")
        return "\n".join(lines)
    if isinstance(v, dict) and "regions" in v:
        return f"{tr('document')}: {v['doc']['name']} · {len(v['regions'])} {tr('region')}"
    if kind == "keyvalue":
        return "\n".join(f"{e[0]}: {e[1]}" for e in v) or tr("(none)")
    if kind == "order":
        return "  ".join(f"{tr('region')} {k} → {o}" for k, o in sorted(v.items(), key=lambda kv: int(kv[0])))
    return str(v)


class ConflictView(QDialog):
    """The open conflicts: a list, ours and theirs side by side, keys O / T / E."""

    def __init__(self, store, window=None, parent=None):
        super().__init__(parent or window)
        self.setObjectName("conflicts.view")
        self.setWindowTitle(tr("Merge conflicts"))
        self.store, self.window_ = store, window
        self.items: list[dict[str, Any]] = []
        self.resize(1180, 640)
        root = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.list = QListWidget(split)
        self.list.setObjectName("conflicts.list")
        self.list.setMinimumWidth(300)
        self.list.currentRowChanged.connect(self._show)
        right = QWidget(split)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.head = QLabel(right)
        self.head.setObjectName("conflicts.head")
        self.head.setStyleSheet("QLabel { font-weight: 600; padding: 4px 0; }")
        rl.addWidget(self.head)
        sides = QHBoxLayout()
        self.canvas: dict[str, ConflictCanvas] = {}
        self.title: dict[str, QLabel] = {}
        self.detail: dict[str, QLabel] = {}
        for side, color in (("ours", "#1e88e5"), ("theirs", "#d81b60")):
            col = QVBoxLayout()
            t = QLabel(right)
            t.setStyleSheet(f"QLabel {{ color: white; background: {color}; padding: 3px 8px; border-radius: 3px; }}")
            c = ConflictCanvas(right)
            c.setObjectName(f"conflicts.{side}")
            d = QLabel(right)
            d.setWordWrap(True)
            d.setTextFormat(Qt.TextFormat.PlainText)
            d.setFixedHeight(96)
            d.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            d.setStyleSheet("QLabel { background: palette(base); padding: 6px; border: 1px solid palette(mid); }")
            col.addWidget(t)
            col.addWidget(c, 1)
            col.addWidget(d)
            sides.addLayout(col, 1)
            self.canvas[side], self.title[side], self.detail[side] = c, t, d
        rl.addLayout(sides, 1)
        buttons = QHBoxLayout()
        self.buttons = {}
        for key, text, fn in (("O", "Take ours (O)", lambda: self.take("ours")),
                              ("T", "Take theirs (T)", lambda: self.take("theirs")),
                              ("E", "Edit in the window (E)", self.edit)):
            b = QPushButton(tr(text), right)
            b.clicked.connect(fn)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
            self.buttons[key] = b
        self.keys = {Qt.Key.Key_O: lambda: self.take("ours"), Qt.Key.Key_T: lambda: self.take("theirs"),
                     Qt.Key.Key_E: self.edit}
        buttons.addStretch(1)
        self.hint = QLabel(tr("O: ours · T: theirs · E: edit in the window · ↑↓: next conflict"), right)
        self.hint.setStyleSheet("QLabel { color: palette(mid); }")
        buttons.addWidget(self.hint)
        rl.addLayout(buttons)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 860])
        root.addWidget(split, 1)
        self.message = QLabel(self)
        root.addWidget(self.message)
        # the keys go to the dialog wherever the focus is (the list would take letters as a search)
        for widget in (self.list, *self.canvas.values()):
            widget.installEventFilter(self)
        self.refresh()

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.KeyPress and self._key(ev):
            return True
        return super().eventFilter(obj, ev)

    def keyPressEvent(self, ev) -> None:
        if not self._key(ev):
            super().keyPressEvent(ev)

    def _key(self, ev) -> bool:
        fn = self.keys.get(ev.key())
        if fn is None or ev.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        fn()
        return True

    # ------------------------------------------------------------------ filling
    def refresh(self, select: int = 0) -> None:
        self.items = self.store.conflicts()
        names = {d.id: d.name for d in self.store.documents()} if self.items else {}
        self.list.blockSignals(True)
        self.list.clear()
        for c in self.items:
            text = f"#{c['id']} {names.get(c['doc_id'], c['doc_id'])} — {tr(KIND_TITLES.get(c['kind'], c['kind']))}"
            item = QListWidgetItem(text)
            item.setToolTip(_describe(c))
            self.list.addItem(item)
        self.list.blockSignals(False)
        for b in self.buttons.values():
            b.setEnabled(bool(self.items))
        if self.items:
            self.list.setCurrentRow(min(select, len(self.items) - 1))
            self._show(self.list.currentRow())
        else:
            self.head.setText(tr("No open conflicts."))
            for side in ("ours", "theirs"):
                self.canvas[side].scene().clear()
                self.detail[side].setText("")
                self.title[side].setText("")

    def current(self) -> dict[str, Any] | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show(self, row: int) -> None:
        if not (0 <= row < len(self.items)):
            return
        c = self.items[row]
        kind, doc_id = c["kind"], c["doc_id"]
        seat = self._seat(c)
        where = f" · {tr('region')} {c['target']}" if kind.startswith(("region", "overlap", "link")) else (
            f" · {tr('key')} {c['target']}" if kind == "keyvalue" else "")
        self.head.setText(f"#{c['id']} · {self._name(doc_id)} · {tr(KIND_TITLES.get(kind, kind))}{where}")
        self.head.setToolTip(_describe(c))
        self.title["ours"].setText(tr("Ours — this project"))
        self.title["theirs"].setText(f"{tr('Theirs — seat')} {seat}")
        try:
            from hanji.ui.canvas.scene import load_qimage

            image = load_qimage(self.store, doc_id)
            regions = self.store.regions(doc_id)
        except HanjiError:
            image, regions = None, []
        colors = {e.name: e.color for e in self.store.entity_types()}
        alive = {r.id: r for r in regions}
        target = int(c["target"]) if str(c["target"]).lstrip("-").isdigit() else None
        ours_hi = alive.get(target) if kind in ("region", "region_deleted_in_package", "overlap", "link") else None
        theirs_regions = list(regions)
        theirs_hi = None
        if kind in ("region", "region_deleted_in_base", "overlap"):
            theirs_hi = _region(c["theirs"])
            theirs_regions = [r for r in regions if r.id != target] + ([theirs_hi] if theirs_hi else [])
        elif kind == "region_deleted_in_package":
            theirs_regions = [r for r in regions if r.id != target]
            theirs_hi = _region(c["ours"]) if c["ours"] else None  # where it was (outlined, not drawn)
        focus = _focus([r for r in (ours_hi, theirs_hi) if r is not None], image)
        self.canvas["ours"].show_regions(image, regions, colors, ours_hi, focus)
        self.canvas["theirs"].show_regions(image, theirs_regions, colors, theirs_hi, focus)
        if kind == "document":
            self.detail["ours"].setText(f"{c['target']}: {c['ours']}")
            self.detail["theirs"].setText(f"{c['target']}: {c['theirs']}")
        elif kind == "keyvalue":
            self.detail["ours"].setText(f"{tr('key')} {c['target']}\n{_detail(kind, c['ours'])}")
            self.detail["theirs"].setText(f"{tr('key')} {c['target']}\n{_detail(kind, c['theirs'])}")
        else:
            self.detail["ours"].setText(_detail(kind, c["ours"]))
            self.detail["theirs"].setText(_detail(kind, c["theirs"]))

    def _name(self, doc_id: int) -> str:
        try:
            return self.store.document(doc_id).name
        except HanjiError:
            return str(doc_id)

    def _seat(self, c: dict[str, Any]) -> str:
        rec = self.store.package(c["package"]) if c.get("package") else None
        return rec["seat"] if rec else "?"

    # ------------------------------------------------------------------ keys
    def take(self, side: str) -> None:
        c = self.current()
        if c is None:
            return
        from hanji.jobs.packages import resolve

        row = self.list.currentRow()
        try:
            resolve(self.store, c["id"], side)
        except HanjiError as e:
            self.message.setText(str(e))
            return
        self.message.setText(tr("Took ours.") if side == "ours" else tr("Took theirs."))
        self.refresh(select=row)

    def edit(self) -> None:
        """Close the conflict as resolved by hand and show its region in the window to edit."""
        c = self.current()
        if c is None:
            return
        from hanji.jobs.packages import resolve

        row = self.list.currentRow()
        try:
            resolve(self.store, c["id"], "edited")
        except HanjiError as e:
            self.message.setText(str(e))
            return
        self.message.setText(tr("Closed as edited by hand: edit the region in the window."))
        if self.window_ is not None:
            target = int(c["target"]) if str(c["target"]).isdigit() else None
            alive = {r.id for r in self.store.regions(c["doc_id"])} if target is not None else set()
            self.window_._jump(c["doc_id"], target if target in alive else None)
        self.refresh(select=row)


def _focus(regions: list[Region], image) -> QRectF | None:
    """The same part of the page on both sides: the conflicting regions with room around them (a
    third of the page's width at least), or None for the whole page."""
    if not regions:
        return None
    xs = [x for r in regions for x, _ in r.points]
    ys = [y for r in regions for _, y in r.points]
    page_w = image.width() if image is not None and not image.isNull() else max(xs)
    w = max(max(xs) - min(xs), page_w / 3)
    h = max(max(ys) - min(ys), w / 2)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return QRectF(cx - w * 0.7, cy - h * 0.9, w * 1.4, h * 1.8)


def _describe(c: dict[str, Any]) -> str:
    from hanji.jobs.packages import describe

    return describe(c)


def show(w) -> ConflictView | None:
    """Review → Merge conflicts…: the view for the open project."""
    if w.store is None:
        w.statusBar().showMessage(tr("Open a project first."), 4000)
        return None
    view = ConflictView(w.store, window=w)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    w.conflict_view = view
    return view
