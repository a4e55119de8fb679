"""BIO tagging: the document's text in reading order as tokens; select a span, press an entity key.

Each region is one line; its whitespace tokens carry the region's BIO tags. A span may run over
several regions (a two-line address): the tags are set over the document's token sequence and
written back region by region, as one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from hanji.domain.bio import set_span, spans_from_tags
from hanji.domain.model import EntityType
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.i18n import tr
from hanji.ui.session import Session


@dataclass
class Tok:
    region_id: int
    index: int  # token index within the region
    start: int  # character range in the view's text
    end: int
    tag: str


class TokenView(QPlainTextEdit):
    def __init__(self, pane):
        super().__init__(pane)
        self.pane = pane
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setObjectName("tokens")

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if self.pane.key_pressed(ev):
            return
        super().keyPressEvent(ev)


class TagsPane(QWidget, bridge.StoreBound):
    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.store = None
        self._unsub = None
        self.toks: list[Tok] = []
        self.types: list[EntityType] = []
        self.view = TokenView(self)
        f = self.view.font()
        f.setPointSize(f.pointSize() + 2)
        self.view.setFont(f)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        hint = QLabel(tr("Select tokens, then press an entity key (0 clears)."), self)
        hint.setStyleSheet("color:#888")
        hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.legend)
        lay.addWidget(hint)
        session.document_changed.connect(lambda _: self.reload())
        self.set_store(store)

    def set_store(self, store: ProjectStore | None) -> None:
        self.bind_store(store)
        self.reload()

    def _on_change(self, ch: Change) -> None:
        if ch.table == "entity_types" or (ch.table == "regions" and self.session.doc_id in ch.doc_ids):
            self.reload()

    def reload(self) -> None:
        self.toks = []
        self.types = self.store.entity_types() if self.store else []
        parts = []
        for e in self.types:
            if e.key:
                parts.append(f"<span style='background:{e.color};color:white;padding:1px 3px'>&nbsp;{e.key}&nbsp;</span>"
                             f"&nbsp;{e.title or e.name}")
        self.legend.setText("&nbsp;&nbsp; ".join(parts))
        if self.store is None or self.session.doc_id is None:
            self.view.setPlainText("")
            return
        lines, pos = [], 0
        for r in self.store.regions(self.session.doc_id):
            words = []
            for k, (tok, tag) in enumerate(r.token_tags()):
                if words:
                    pos += 1
                self.toks.append(Tok(r.id, k, pos, pos + len(tok), tag))
                words.append(tok)
                pos += len(tok)
            if not words:
                continue
            lines.append(" ".join(words))
            pos += 1  # the newline
        cur = self.view.textCursor()
        sel = (cur.selectionStart(), cur.selectionEnd())
        self.view.setPlainText("\n".join(lines))
        self._paint_tags()
        c = self.view.textCursor()
        n = len(self.view.toPlainText())
        c.setPosition(min(sel[0], n))
        c.setPosition(min(sel[1], n), QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(c)

    def _paint_tags(self) -> None:
        colors = {e.name: e.color for e in self.types}
        extras = []
        spans = spans_from_tags([t.tag for t in self.toks])
        for s in spans:
            fmt = QTextCharFormat()
            c = QColor(colors.get(s.label, "#999999"))
            c.setAlpha(110)
            fmt.setBackground(c)
            fmt.setToolTip(s.label)
            sel = QTextEdit.ExtraSelection()
            cur = self.view.textCursor()
            cur.setPosition(self.toks[s.start].start)
            cur.setPosition(self.toks[s.end - 1].end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor, sel.format = cur, fmt
            extras.append(sel)
        self.view.setExtraSelections(extras)

    def selected_tokens(self) -> tuple[int, int] | None:
        """``(start, end)`` token indices covered by the view's selection (or under the cursor)."""
        cur = self.view.textCursor()
        a, b = cur.selectionStart(), cur.selectionEnd()
        hit = [i for i, t in enumerate(self.toks) if t.end > a and t.start < b] if b > a else \
              [i for i, t in enumerate(self.toks) if t.start <= a <= t.end]
        if not hit:
            return None
        return hit[0], hit[-1] + 1

    def key_pressed(self, ev: QKeyEvent) -> bool:
        text = ev.text().lower()
        if not text or ev.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        if text == "0" or ev.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            return self.tag_selection(None)
        for e in self.types:
            if e.key and e.key.lower() == text:
                return self.tag_selection(e.name)
        return False

    def tag_selection(self, label: str | None) -> bool:
        rng = self.selected_tokens()
        if rng is None or self.store is None:
            return False
        tags = set_span([t.tag for t in self.toks], rng[0], rng[1], label)
        by_region: dict[int, list[str]] = {}
        for t, tag in zip(self.toks, tags):
            by_region.setdefault(t.region_id, []).append(tag)
        old: dict[int, list[str]] = {}
        for t in self.toks:
            old.setdefault(t.region_id, []).append(t.tag)
        changes = {rid: {"tags": tg} for rid, tg in by_region.items() if tg != old[rid]}
        if changes:
            self.store.update_regions(changes, label="tag")
        return True
