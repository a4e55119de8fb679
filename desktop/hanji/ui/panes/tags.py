"""BIO tagging: the document's text in reading order as tokens; select a span, press an entity key.

Each region is one line; its whitespace tokens carry the region's BIO tags. A span may run over
several regions (a two-line address): the tags are set over the document's token sequence and
written back region by region, as one undo step.

Tags a model proposed (``attrs["tags_source"] == "machine"``, from "Propose tags and key-values")
are drawn lighter with a dashed underline; "Confirm proposed tags" turns them (and the document's
proposed key-values) into labels. Tagging by hand marks the regions it changes as a person's
(``tags_source="human"``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from hanji.domain.bio import set_span, spans_from_tags
from hanji.domain.model import EntityType
from hanji.domain.schemas import doc_types_of, types_for
from hanji.store.project import Change, ProjectStore
from hanji.ui import bridge
from hanji.ui.canvas.style import STATUS_COLORS, ink_for
from hanji.ui.i18n import doc_type_name, entity_name, plural, tr
from hanji.ui.session import Session


@dataclass
class Tok:
    region_id: int
    index: int  # token index within the region
    start: int  # character range in the view's text
    end: int
    tag: str
    proposed: bool = False  # a model's tag that no person confirmed yet


def _by_hand(attrs: dict) -> dict:
    """A region's attrs once a person tagged it: its tags are theirs, the model's scores go."""
    out = {k: v for k, v in attrs.items() if k != "tag_scores"}
    out["tags_source"] = "human"
    return out


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

    def event(self, ev) -> bool:
        if ev.type() == QEvent.Type.ToolTip:  # hovering a tagged token names its entity
            text = self.pane.tooltip_at(self.cursorForPosition(self.viewport().mapFrom(self, ev.pos())).position())
            if text:
                QToolTip.showText(ev.globalPos(), text, self, QRect())
            else:
                QToolTip.hideText()
            return True
        return super().event(ev)


class TagsPane(QWidget, bridge.StoreBound):
    def __init__(self, store: ProjectStore | None, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.toks: list[Tok] = []
        self.types: list[EntityType] = []  # the project's entity types
        self.shown: list[EntityType] = []  # those of the current document's type: the legend and the keys
        self.doc_type = QComboBox(self)
        self.doc_type.setObjectName("doc_type")
        self.doc_type.setToolTip(tr("Document type"))
        self.doc_type.activated.connect(self._doc_type_chosen)
        self.view = TokenView(self)
        f = self.view.font()
        f.setPointSize(f.pointSize() + 2)
        self.view.setFont(f)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        # the keys scroll past four lines: a receipt's twenty types must not squeeze the tokens away
        self.legend_area = QScrollArea(self)
        self.legend_area.setWidget(self.legend)
        self.legend_area.setWidgetResizable(True)
        self.legend_area.setFrameShape(QFrame.Shape.NoFrame)
        self.legend_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.legend_area.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.colour_note = QLabel(self)  # what a region's colour on the canvas means
        self.colour_note.setWordWrap(True)
        self.colour_note.setTextFormat(Qt.TextFormat.RichText)
        hint = QLabel(tr("Select tokens, then press an entity key (0 clears)."), self)
        hint.setStyleSheet("color:#888")
        hint.setWordWrap(True)
        self.proposals = QLabel(self)
        self.proposals.setObjectName("proposals")
        self.proposals.setWordWrap(True)
        self.confirm_button = QPushButton(tr("Confirm proposed tags"), self)
        self.confirm_button.setObjectName("confirm_tags")
        self.confirm_button.setToolTip(tr("The model's proposed tags and key-values of this document become labels"))
        self.confirm_button.clicked.connect(self.confirm_proposals)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.proposals, 1)
        row.addWidget(self.confirm_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel(tr("Document type"), self))
        top.addWidget(self.doc_type, 1)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        lay.addLayout(row)
        lay.addWidget(self.legend_area)
        lay.addWidget(self.colour_note)
        lay.addWidget(hint)
        session.document_changed.connect(lambda _: self.reload())
        self.set_store(store)

    def _on_change(self, ch: Change) -> None:
        if ch.table == "entity_types" or (ch.table in ("regions", "keyvalues", "documents")
                                          and self.session.doc_id in ch.doc_ids):
            self.reload()

    def reload(self) -> None:
        self.toks = []
        self.types = self.store.entity_types() if self.store else []
        doc = self.store.document(self.session.doc_id) if self.store and self.session.doc_id is not None else None
        self.shown = types_for(self.types, doc.doc_type if doc else "")
        self._fill_doc_types(doc.doc_type if doc else "")
        self.legend.setText(self.legend_html())
        self.colour_note.setText(self.colour_note_html())
        if self.store is None or self.session.doc_id is None:
            self.view.setPlainText("")
            self._show_proposals()
            return
        lines, pos = [], 0
        for r in self.store.regions(self.session.doc_id):
            words = []
            proposed = r.attrs.get("tags_source") == "machine"
            for k, (tok, tag) in enumerate(r.token_tags()):
                if words:
                    pos += 1
                self.toks.append(Tok(r.id, k, pos, pos + len(tok), tag, proposed and tag != "O"))
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
        self._show_proposals()
        c = self.view.textCursor()
        n = len(self.view.toPlainText())
        c.setPosition(min(sel[0], n))
        c.setPosition(min(sel[1], n), QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(c)

    def legend_html(self) -> str:
        """The entity keys and colours of this document's type, and what colour means on the canvas."""
        parts = []
        for e in self.shown:
            key = e.key or "·"
            name = html.escape(entity_name(e.name, e.title))
            parts.append(f"<span style='white-space:nowrap'>"  # a key and its name stay on one line
                         f"<span style='background:{e.color};color:{ink_for(e.color)};padding:1px 3px'>"
                         f"&nbsp;{html.escape(key)}&nbsp;</span>&nbsp;{name}</span>")
        return "&nbsp; ".join(parts)

    def colour_note_html(self) -> str:
        """What colour means on the canvas: a tagged region has its entity's, an untagged one its status's."""
        status = " ".join(f"<span style='white-space:nowrap'><span style='color:{STATUS_COLORS[s]}'>■</span>"
                          f"&nbsp;{tr(s)}</span>" for s in ("machine", "edited", "confirmed", "difficult"))
        return f"<span style='color:#888'>{tr('Region colour: entity when tagged, else status')}:</span> {status}"

    def _fill_doc_types(self, current: str) -> None:
        names: list[str] = []
        for e in self.types:
            for t in doc_types_of(e):
                if t not in names:
                    names.append(t)
        if current and current not in names:
            names.append(current)
        self.doc_type.blockSignals(True)
        self.doc_type.clear()
        self.doc_type.addItem(doc_type_name(""), "")
        for t in names:
            self.doc_type.addItem(doc_type_name(t), t)
        self.doc_type.setCurrentIndex(max(0, self.doc_type.findData(current)))
        self.doc_type.setEnabled(self.store is not None and self.session.doc_id is not None)
        self.doc_type.blockSignals(False)

    def _doc_type_chosen(self, index: int) -> None:
        """The document's type, set by hand (an undoable edit): the legend and keys follow it."""
        if self.store is None or self.session.doc_id is None:
            return
        value = self.doc_type.itemData(index) or ""
        if self.store.document(self.session.doc_id).doc_type != value:
            self.store.update_document(self.session.doc_id, doc_type=value)

    def tooltip_at(self, pos: int) -> str:
        """The entity of the token at character ``pos`` of the view ('' for an untagged token)."""
        titles = {e.name: entity_name(e.name, e.title) for e in self.types}
        for t in self.toks:
            if t.start <= pos < t.end or (pos == t.end and t.end > t.start):
                if t.tag[:2] not in ("B-", "I-"):
                    return ""
                name = titles.get(t.tag[2:], t.tag[2:])
                return f"{name} ({tr('proposed')})" if t.proposed else name
        return ""

    def proposed_spans(self) -> list[tuple[str, str, bool]]:
        """``(text, label, proposed)`` of each painted span, in reading order (what the view shows)."""
        text = self.view.toPlainText()
        return [(text[self.toks[a].start:self.toks[b - 1].end], label, proposed)
                for a, b, label, proposed in self._segments()]

    def _segments(self) -> list[tuple[int, int, str, bool]]:
        """Spans cut where proposed and confirmed tokens meet: ``(start, end, label, proposed)``."""
        out = []
        for s in spans_from_tags([t.tag for t in self.toks]):
            a = s.start
            for k in range(s.start + 1, s.end + 1):
                if k == s.end or self.toks[k].proposed != self.toks[a].proposed:
                    out.append((a, k, s.label, self.toks[a].proposed))
                    a = k
        return out

    def _paint_tags(self) -> None:
        colors = {e.name: e.color for e in self.types}
        titles = {e.name: entity_name(e.name, e.title) for e in self.types}
        extras = []
        for a, b, label, proposed in self._segments():
            fmt = QTextCharFormat()
            c = QColor(colors.get(label, "#999999"))
            if proposed:  # lighter, with a dashed underline in the entity's colour
                c.setAlpha(40)
                fmt.setFontUnderline(True)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(QColor(colors.get(label, "#999999")))
                fmt.setToolTip(f"{titles.get(label, label)} ({tr('proposed')})")
            else:
                c.setAlpha(110)
                fmt.setToolTip(titles.get(label, label))
            fmt.setBackground(c)
            sel = QTextEdit.ExtraSelection()
            cur = self.view.textCursor()
            cur.setPosition(self.toks[a].start)
            cur.setPosition(self.toks[b - 1].end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor, sel.format = cur, fmt
            extras.append(sel)
        self.view.setExtraSelections(extras)

    def _show_proposals(self) -> None:
        n = len({t.region_id for t in self.toks if t.proposed})
        kvs = (sum(1 for kv in self.store.keyvalues(self.session.doc_id) if kv.source == "machine")
               if self.store is not None and self.session.doc_id is not None else 0)
        self.confirm_button.setEnabled(bool(n or kvs))
        self.proposals.setText(f"{tr('Proposed')}: {plural(n, 'region', 'regions')}, "
                               f"{plural(kvs, 'key-value', 'key-values')} "
                               f"({tr('dashed')})" if n or kvs else "")

    def confirm_proposals(self) -> int:
        """The model's proposed tags and key-values of the document become labels (one undo step)."""
        if self.store is None or self.session.doc_id is None:
            return 0
        from hanji.jobs.propose import confirm

        return confirm(self.store, self.session.doc_id)

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
        for e in self.shown:  # the keys of this document's type
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
        attrs = {r.id: r.attrs for r in self.store.regions(self.session.doc_id)}
        changes = {rid: {"tags": tg, "attrs": _by_hand(attrs.get(rid, {}))}
                   for rid, tg in by_region.items() if tg != old[rid]}
        if changes:
            self.store.update_regions(changes, label="tag")
        return True
