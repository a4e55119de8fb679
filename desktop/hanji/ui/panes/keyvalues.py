"""Key-values of the current document (editable) and its question → answer links.

"From tags and links" fills the table from the BIO spans (entity → its text) and the links
(key → answer text). Links are drawn on the canvas with the link tool (drag question → answer).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hanji.domain.bio import spans_from_tags
from hanji.domain.model import KeyValue
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.i18n import entity_name, tr
from hanji.ui.session import Session

CORRECTED_COLOR = "#b5651d"  # a proposed value whose OCR slip the project's vocabulary corrected


def corrected_readings(regions) -> dict[tuple[str, str], str]:
    """(key, corrected value) -> the value as read, from the regions' ``attrs["value_corrections"]``
    (``hanji.jobs.propose.propose``)."""
    out = {}
    for r in regions:
        for c in r.attrs.get("value_corrections") or ():
            if isinstance(c, dict) and {"key", "read", "value"} <= c.keys():
                out[(c["key"], c["value"])] = c["read"]
    return out


def derive_keyvalues(store: ProjectStore, doc_id: int) -> list[KeyValue]:
    """Key-values that the document's tags and links give, in reading order."""
    regions = store.regions(doc_id)
    seq = [(r.id, tok, tag) for r in regions for tok, tag in r.token_tags()]
    out = []
    for s in spans_from_tags([t[2] for t in seq]):
        part = seq[s.start:s.end]
        rids = list(dict.fromkeys(p[0] for p in part))
        out.append(KeyValue(key=s.label, value=" ".join(p[1] for p in part), region_ids=rids, source="tags"))
    texts = {r.id: r.text for r in regions}
    for lk in store.links(doc_id):
        out.append(KeyValue(key=lk.key or texts.get(lk.src, ""), value=texts.get(lk.dst, ""),
                            region_ids=[lk.src, lk.dst], source="links"))
    return out


class KeyValuesPane(QWidget, bridge.StoreBound):
    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._syncing = False
        self.kv_ids: list[int] = []
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([tr("Key"), tr("Value"), tr("Source")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(self._on_edit)
        self.links = QTableWidget(0, 3, self)
        self.links.setHorizontalHeaderLabels([tr("Key"), tr("Question"), tr("Answer")])
        self.links.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.links.verticalHeader().setVisible(False)
        self.links.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.links.itemChanged.connect(self._on_link_edit)
        add, rem, derive = QPushButton(tr("Add")), QPushButton(tr("Remove")), QPushButton(tr("From tags and links"))
        add.clicked.connect(self.add_row)
        rem.clicked.connect(self.remove_rows)
        derive.clicked.connect(self.fill_from_tags)
        unlink = QPushButton(tr("Remove"))
        unlink.clicked.connect(self.remove_links)
        row = QHBoxLayout()  # two rows of buttons: one row would hold the dock wider than the canvas can spare
        for b in (add, rem):
            row.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.table, 3)
        lay.addLayout(row)
        lay.addWidget(derive)
        lay.addWidget(QLabel(tr("Links")))
        lay.addWidget(self.links, 2)
        lay.addWidget(unlink, 0, Qt.AlignmentFlag.AlignRight)
        session.document_changed.connect(lambda _: self.reload())
        self.set_store(store)

    def _on_change(self, ch: Change) -> None:
        if ch.table in ("keyvalues", "links", "regions") and self.session.doc_id in ch.doc_ids:
            self.reload()

    def reload(self) -> None:
        self._syncing = True
        try:
            self.table.setRowCount(0)
            self.links.setRowCount(0)
            if self.store is None or self.session.doc_id is None:
                return
            kvs = self.store.keyvalues(self.session.doc_id)
            regions = self.store.regions(self.session.doc_id)
            read = corrected_readings(regions)
            self.table.setRowCount(len(kvs))
            self._names = {e.name: entity_name(e.name, e.title) for e in self.store.entity_types()}
            for i, kv in enumerate(kvs):
                key = QTableWidgetItem(self._names.get(kv.key, kv.key))  # the schema's display name
                key.setToolTip(kv.key)
                self.table.setItem(i, 0, key)
                value = QTableWidgetItem(kv.value)
                was = read.get((kv.key, kv.value))
                if was is not None and kv.source == "machine":  # a proposal the vocabulary corrected
                    value.setToolTip(tr("Read as “{read}”; corrected against the project's confirmed values")
                                     .format(read=was))
                    value.setForeground(QColor(CORRECTED_COLOR))
                    f = value.font()
                    f.setItalic(True)
                    value.setFont(f)
                self.table.setItem(i, 1, value)
                src = QTableWidgetItem(tr(kv.source))
                src.setFlags(src.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(i, 2, src)
                self.table.item(i, 0).setData(Qt.ItemDataRole.UserRole, kv)
            texts = {r.id: r.text for r in regions}
            lks = self.store.links(self.session.doc_id)
            self.links.setRowCount(len(lks))
            for i, lk in enumerate(lks):
                k = QTableWidgetItem(lk.key)
                k.setData(Qt.ItemDataRole.UserRole, lk)
                self.links.setItem(i, 0, k)
                for c, rid in ((1, lk.src), (2, lk.dst)):
                    it = QTableWidgetItem(texts.get(rid, str(rid)))
                    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.links.setItem(i, c, it)
        finally:
            self._syncing = False

    def rows(self) -> list[KeyValue]:
        out = []
        for i in range(self.table.rowCount()):
            k, v = self.table.item(i, 0), self.table.item(i, 1)
            old = k.data(Qt.ItemDataRole.UserRole) if k else None
            key = self._key_of(k.text(), old) if k else ""
            out.append(KeyValue(key=key, value=v.text() if v else "",
                                region_ids=list(old.region_ids) if old else [],
                                source="human" if old is None or (key, v.text()) != (old.key, old.value)
                                else old.source,
                                confidence=old.confidence if old else None))
        return out

    def _key_of(self, text: str, old: KeyValue | None) -> str:
        """The key id behind a key cell's text (its display name, or an id or name typed by hand)."""
        names = getattr(self, "_names", {})
        if old is not None and text == names.get(old.key, old.key):
            return old.key
        return next((n for n, shown in names.items() if shown == text), text)

    def _save(self, kvs: list[KeyValue], label: str = "key-values") -> None:
        if self.store is not None and self.session.doc_id is not None:
            self.store.set_keyvalues(self.session.doc_id, kvs, label=label)

    def _on_edit(self, item) -> None:
        if not self._syncing:
            self._save(self.rows())

    def add_row(self) -> None:
        self._save(self.rows() + [KeyValue(key="key", value="")])

    def remove_rows(self) -> None:
        drop = {i.row() for i in self.table.selectedIndexes()}
        self._save([kv for i, kv in enumerate(self.rows()) if i not in drop])

    def fill_from_tags(self) -> None:
        if self.store is None or self.session.doc_id is None:
            return
        derived = derive_keyvalues(self.store, self.session.doc_id)
        keys = {kv.key for kv in derived}
        kept = [kv for kv in self.rows() if kv.source == "human" and kv.key not in keys]
        self._save(kept + derived, label="key-values from tags")

    def _on_link_edit(self, item) -> None:
        if self._syncing or item.column() != 0:
            return
        lk = item.data(Qt.ItemDataRole.UserRole)
        if lk is None or lk.key == item.text():
            return
        with self.store.group("link key"):
            self.store.delete_link(lk.id)
            self.store.add_link(lk.src, lk.dst, key=item.text())

    def remove_links(self) -> None:
        rows = sorted({i.row() for i in self.links.selectedIndexes()})
        lks = [self.links.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]
        if lks:
            with self.store.group("unlink"):
                for lk in lks:
                    self.store.delete_link(lk.id)
