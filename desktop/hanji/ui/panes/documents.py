"""The documents of the project: thumbnails, whole names (wrapped, never cut), status; filters by name,
status and document type; an empty project says how to fill it. Picking one opens it."""

from __future__ import annotations

import bisect

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from hanji.domain.model import Document
from hanji.errors import HanjiError
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.i18n import doc_type_name, status_name, tr
from hanji.ui.session import Session

THUMB = 72
PAGE = 200  # documents fetched at a time as the list scrolls
THUMB_CACHE = 2000  # thumbnails kept
DOC_ROLE = Qt.ItemDataRole.UserRole + 2  # the Document itself
CLAIM_ROLE = Qt.ItemDataRole.UserRole + 3  # who else holds the document (a shared project; ui/seats.py)
OUT_ROLE = Qt.ItemDataRole.UserRole + 4  # the seat of the work package the document is out in (hanji split)
NAME_FLAGS = Qt.TextFlag.TextWrapAnywhere  # a file name wraps anywhere: it is never cut
STATUS_COLORS = {"new": "#8e8e93", "preannotated": "#f5a623", "in_progress": "#0a84ff", "done": "#27ae60"}


class DocumentsModel(QAbstractListModel):
    """The documents of the filter (name, status, document type), by id, fetched a page at a time as
    the list scrolls (``canFetchMore``/``fetchMore``): a project of 100,000 documents shows its first
    rows at once, and a change to one document updates its one row (:meth:`refresh_ids`)."""

    def __init__(self, store: ProjectStore | None = None):
        super().__init__()
        self.store = store
        self.docs: list[Document] = []  # the rows fetched so far
        self.total = 0  # documents of the filter, fetched or not
        self.thumbs: dict[str, QPixmap] = {}
        self.text, self.status, self.doc_type = "", "", None
        self.claims: dict[int, str] = {}  # doc id -> the person another seat's claim names (ui/seats.py)
        self.out: dict[int, str] = {}  # doc id -> the seat of the work package it is checked out to (hanji split)

    # ------------------------------------------------------------------ the filter, in SQL
    def filter_args(self) -> dict:
        return {"status": self.status or None, "doc_type": self.doc_type, "name": self.text or None}

    def matches(self, d: Document) -> bool:
        return ((not self.text or self.text in d.name.casefold()) and (not self.status or d.status == self.status)
                and (self.doc_type is None or d.doc_type == self.doc_type))

    def reload(self) -> None:
        self.beginResetModel()
        self.docs, self.total = [], 0
        if self.store is not None:
            self.total = self.store.document_count(**self.filter_args())
            self.docs = self.store.document_page(0, PAGE, **self.filter_args())
        self.out = {}
        self.load_checkouts(d.id for d in self.docs)
        self.endResetModel()

    def load_checkouts(self, doc_ids) -> None:
        """Which of these documents are out in a work package (a page of rows, by their ids)."""
        ids = set(doc_ids)
        for i in ids:
            self.out.pop(i, None)
        if self.store is not None and ids and hasattr(self.store, "checkouts"):
            self.out.update({i: c["seat"] for i, c in self.store.checkouts(ids).items()})

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self.store is not None and len(self.docs) < self.total

    def fetchMore(self, parent=QModelIndex(), size: int = PAGE) -> None:
        if not self.canFetchMore(parent):
            return
        more = self.store.document_page(self.docs[-1].id if self.docs else 0, size, **self.filter_args())
        if not more:
            self.total = len(self.docs)
            return
        self.beginInsertRows(QModelIndex(), len(self.docs), len(self.docs) + len(more) - 1)
        self.docs.extend(more)
        self.load_checkouts(d.id for d in more)
        self.endInsertRows()

    def refresh_ids(self, doc_ids) -> None:
        """Documents added, changed or removed: their rows only (and the filter's count)."""
        self.load_checkouts(doc_ids)
        for doc_id in sorted(doc_ids):
            try:
                d = self.store.document(doc_id)
            except HanjiError:  # removed
                d = None
            row = self.row_of(doc_id)
            if d is not None and self.matches(d):
                if row >= 0:
                    self.docs[row] = d
                    ix = self.index(row, 0)
                    self.dataChanged.emit(ix, ix)
                    continue
                at = bisect.bisect_left([x.id for x in self.docs], doc_id)
                if at < len(self.docs) or len(self.docs) >= self.total:  # among the fetched rows: shown now
                    self.beginInsertRows(QModelIndex(), at, at)
                    self.docs.insert(at, d)
                    self.endInsertRows()
            elif row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.docs[row]
                self.endRemoveRows()
        self.total = self.store.document_count(**self.filter_args())

    def fetch_until(self, doc_id: int) -> None:
        """Fetch pages until ``doc_id``'s row is there (or every row is)."""
        size = PAGE
        while self.canFetchMore() and (not self.docs or self.docs[-1].id < doc_id):
            self.fetchMore(size=size)
            size *= 2  # a far jump: few queries

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.docs)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        d = self.docs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{d.name}\n{tr(d.status)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnail(d)
        if role == Qt.ItemDataRole.ForegroundRole:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{d.name} · {d.width}×{d.height} · {tr(d.status)}"
        if role == Qt.ItemDataRole.UserRole:
            return d.id
        if role == Qt.ItemDataRole.UserRole + 1:
            return d.name
        if role == DOC_ROLE:
            return d
        if role == CLAIM_ROLE:
            return self.claims.get(d.id)
        if role == OUT_ROLE:
            return self.out.get(d.id)
        if role == Qt.ItemDataRole.BackgroundRole:
            c = QColor(STATUS_COLORS.get(d.status, "#8e8e93"))
            c.setAlpha(28)
            return c
        return None

    def thumbnail(self, d: Document) -> QPixmap:
        """Decoded at thumbnail size on first paint (JPEG decodes scaled, so this is cheap)."""
        pm = self.thumbs.get(d.sha256)
        if pm is None:
            pm = QPixmap(THUMB, THUMB)
            pm.fill(QColor("#555"))
            try:
                data = QByteArray(self.store.image_bytes(d.id))
                buf = QBuffer(data)
                buf.open(QBuffer.OpenModeFlag.ReadOnly)
                reader = QImageReader(buf)
                s = QSize(d.width, d.height).scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio)
                reader.setScaledSize(s)
                img = reader.read()
                if not img.isNull():
                    pm = QPixmap.fromImage(img)
            except Exception:  # a missing linked image shows a grey tile; the canvas reports why
                pass
            if len(self.thumbs) >= THUMB_CACHE:
                self.thumbs.pop(next(iter(self.thumbs)))  # the oldest: memory bounded while scrolling far
            self.thumbs[d.sha256] = pm
        return pm

    def row_of(self, doc_id: int) -> int:
        """The row of a fetched document, else -1 (rows are by id: a binary search)."""
        at = bisect.bisect_left(self.docs, doc_id, key=lambda x: x.id)
        return at if at < len(self.docs) and self.docs[at].id == doc_id else -1


class DocumentFilter(QSortFilterProxyModel):
    """Documents whose name contains the text, of the status and the document type chosen ('' any).
    The filtering itself is the source model's query (only rows of the filter are fetched); this
    proxy passes rows through and keeps the view's interface."""

    def __init__(self, parent=None):
        super().__init__(parent)

    @property
    def text(self) -> str:
        return self.sourceModel().text

    @property
    def status(self) -> str:
        return self.sourceModel().status

    @property
    def doc_type(self) -> str | None:
        return self.sourceModel().doc_type

    def set(self, text: str | None = None, status: str | None = None, doc_type: str | None = None) -> None:
        m = self.sourceModel()
        new = (text.casefold() if text is not None else m.text, status if status is not None else m.status,
               doc_type if doc_type != "*" else None)
        if new != (m.text, m.status, m.doc_type):
            m.text, m.status, m.doc_type = new
            m.reload()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        return True


class DocumentDelegate(QStyledItemDelegate):
    """A row: the thumbnail, the whole file name wrapped to the width left beside it, the status below."""

    def __init__(self, view: QListView):
        super().__init__(view)
        self.view = view

    def text_width(self) -> int:
        return max(40, self.view.viewport().width() - 2 * self.view.spacing() - THUMB - 14)

    def name_rect(self, option, name: str) -> QRect:
        fm = option.fontMetrics
        return fm.boundingRect(QRect(0, 0, self.text_width(), 10000), int(NAME_FLAGS), name)

    def sizeHint(self, option, index) -> QSize:
        h = self.name_rect(option, index.data(Qt.ItemDataRole.UserRole + 1) or "").height()
        return QSize(self.view.viewport().width() - 2 * self.view.spacing(),
                     max(THUMB + 6, h + option.fontMetrics.height() + 10))

    def paint(self, painter, option, index) -> None:
        d = index.data(DOC_ROLE)
        if d is None:
            return super().paint(painter, option, index)
        painter.save()
        r = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        painter.fillRect(r, pal.highlight() if selected else index.data(Qt.ItemDataRole.BackgroundRole))
        pm = index.data(Qt.ItemDataRole.DecorationRole)
        if pm is not None:
            painter.drawPixmap(r.x() + 3 + (THUMB - pm.width()) // 2, r.y() + 3 + (THUMB - pm.height()) // 2, pm)
        x = r.x() + THUMB + 10
        name = self.name_rect(option, d.name)
        painter.setPen(pal.highlightedText().color() if selected else pal.text().color())
        painter.drawText(QRect(x, r.y() + 4, self.text_width(), name.height()), int(NAME_FLAGS), d.name)
        status = status_name(d.status) + (f" · {doc_type_name(d.doc_type)}" if d.doc_type else "")
        holder = index.data(CLAIM_ROLE)
        if holder:
            status = f"{tr('{holder} editing').format(holder=holder)} · {status}"
        seat = index.data(OUT_ROLE)
        if seat:
            status = f"{tr('out to {seat}').format(seat=seat)} · {status}"
        painter.setPen(pal.highlightedText().color() if selected else QColor("#777"))
        painter.drawText(QRect(x, r.y() + 6 + name.height(), self.text_width(), option.fontMetrics.height()),
                         int(Qt.AlignmentFlag.AlignLeft), option.fontMetrics.elidedText(
                             status, Qt.TextElideMode.ElideRight, self.text_width()))
        painter.restore()


class DocumentsPane(QWidget, bridge.StoreBound):
    add_images_requested = Signal()  # the empty project's buttons: the window runs the dialogs
    import_requested = Signal()

    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._syncing = False
        self.model = DocumentsModel()
        self.proxy = DocumentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(tr("Filter by name"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda t: self._filter(text=t))
        self.status_filter = QComboBox(self)
        self.status_filter.addItem(tr("All statuses"), "")
        for st in ("new", "preannotated", "in_progress", "done"):
            self.status_filter.addItem(status_name(st), st)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._filter())
        self.type_filter = QComboBox(self)
        for combo in (self.status_filter, self.type_filter):  # narrow enough for a small screen's dock
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
        self.type_filter.currentIndexChanged.connect(lambda _i: self._filter())
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.view.setIconSize(QSize(THUMB, THUMB))
        self.view.setSpacing(2)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-wrap their names at a new width
        self.view.setItemDelegate(DocumentDelegate(self.view))
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.empty = QWidget(self)  # an empty project says what to do
        self.empty.setObjectName("empty_project")
        el = QVBoxLayout(self.empty)
        el.setContentsMargins(6, 12, 6, 6)
        self.empty_text = QLabel(tr("No documents yet. Add scans or photos of documents, or import a "
                                    "dataset you already have (PPOCRLabel, labelme, FUNSD, …)."), self.empty)
        self.empty_text.setWordWrap(True)
        add = QPushButton(tr("Add images…"), self.empty)
        add.clicked.connect(self.add_images_requested)
        imp = QPushButton(tr("Import…"), self.empty)
        imp.clicked.connect(self.import_requested)
        el.addWidget(self.empty_text)
        el.addWidget(add)
        el.addWidget(imp)
        el.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.filter)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status_filter, 1)
        row.addWidget(self.type_filter, 1)
        lay.addLayout(row)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.empty, 1)
        session.document_changed.connect(self._select_doc)
        self.set_store(store)

    def set_store(self, store: ProjectStore | None) -> None:
        self.bind_store(store)
        self.model.store = store
        self.model.thumbs.clear()
        self._reload()
        self._select_doc(self.session.doc_id)

    def _reload(self) -> None:
        self.model.reload()
        self._fill_types()
        self._filter()
        self._show_empty()

    def _fill_types(self) -> None:
        types = sorted(self.store.document_types()) if self.store is not None else []
        current = self.type_filter.currentData()
        self.type_filter.blockSignals(True)
        self.type_filter.clear()
        self.type_filter.addItem(tr("All types"), "*")
        for t in types:
            self.type_filter.addItem(doc_type_name(t) if t else tr("(no type)"), t)
        self.type_filter.setCurrentIndex(max(0, self.type_filter.findData(current)))
        self.type_filter.blockSignals(False)

    def _show_empty(self) -> None:
        some = self.store is not None and (bool(self.model.docs) or self.store.document_count() > 0)
        empty = self.store is not None and not some
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)
        for w in (self.filter, self.status_filter, self.type_filter):
            w.setEnabled(some)

    def _filter(self, text: str | None = None) -> None:
        self.proxy.set(text=text, status=self.status_filter.currentData() or "",
                       doc_type=self.type_filter.currentData() if self.type_filter.count() else "*")

    def visible_ids(self) -> list[int]:
        """Document ids in the order shown (after the filter), fetched or not: one query of ids."""
        if self.store is None:
            return []
        return self.store.document_ids(**self.model.filter_args())

    def next_id(self, doc_id: int | None, step: int = 1, skip_done: bool = False) -> int | None:
        """The document ``step`` rows after (before) ``doc_id`` in the list (the first one when
        ``doc_id`` is not in it; None past the end), by one indexed query, not the list of ids."""
        if self.store is None:
            return None
        args = self.model.filter_args()
        cur = None
        if doc_id is not None:
            try:
                cur = self.store.document(doc_id)
            except HanjiError:
                cur = None
        if cur is None or not self.model.matches(cur):
            return self.store.neighbour_id(0, 1, not_status="done" if skip_done else None, **args)
        return self.store.neighbour_id(doc_id, step, not_status="done" if skip_done else None, **args)

    def _on_change(self, ch: Change) -> None:
        if ch.table != "documents":
            return
        self._syncing = True
        try:
            if len(ch.doc_ids) > PAGE or not ch.doc_ids:
                self._reload()
            else:
                self.model.refresh_ids(ch.doc_ids)
                known = {self.type_filter.itemData(i) for i in range(self.type_filter.count())}
                if ch.reason != "edit" or any(d.doc_type not in known for d in self.model.docs
                                              if d.id in ch.doc_ids):
                    self._fill_types()
                self._show_empty()
            self._select_doc(self.session.doc_id)
        finally:
            self._syncing = False

    def _on_current(self, cur: QModelIndex, prev: QModelIndex) -> None:
        if self._syncing or not cur.isValid():
            return
        self.session.set_document(cur.data(Qt.ItemDataRole.UserRole))

    def _select_doc(self, doc_id) -> None:
        if doc_id is not None and self.store is not None and self.model.row_of(doc_id) < 0:
            try:
                if self.model.matches(self.store.document(doc_id)):
                    self.model.fetch_until(doc_id)
            except HanjiError:
                pass
        row = self.model.row_of(doc_id) if doc_id is not None else -1
        idx = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        was, self._syncing = self._syncing, True
        try:
            if idx.isValid():
                self.view.setCurrentIndex(idx)
                self.view.scrollTo(idx)
            else:
                self.view.clearSelection()
        finally:
            self._syncing = was
