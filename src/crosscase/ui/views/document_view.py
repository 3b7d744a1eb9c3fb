"""Reading and coding one document: highlights in the text, coding stripes beside it.

The text sits in a read-only ``QPlainTextEdit`` (fast for long transcripts).
Codings are stored in code points; Qt counts UTF-16 units. Every position
goes through the document's :class:`~crosscase.domain.offsets.OffsetMap`,
both ways, and nowhere else.

Highlights are ``ExtraSelection`` s for the codings near the visible part
of the text only, rebuilt on scroll: their cost does not grow with the
number of codings in the document. Overlapping codings stay visible because
each tint is translucent (two codes blend darker), the code chosen in the
codebook is underlined, and every coding has its own stripe in the margin
(:mod:`crosscase.ui.views.stripe_margin`), in lanes laid out by
:mod:`crosscase.domain.lanes`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from crosscase.domain.changes import Change, Kind
from crosscase.domain.lanes import MAX_LANES, Span, SpanLayout, assign_lanes
from crosscase.domain.offsets import OffsetMap
from crosscase.services import coders, documents, rounds
from crosscase.services.codebook import CodeNode
from crosscase.services.documents import DocumentInfo
from crosscase.ui import theme
from crosscase.ui.context import ProjectContext
from crosscase.ui.models.codebook_model import CODE_MIME, read_codes, span_mime
from crosscase.ui.views.stripe_margin import StripeMargin

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: characters above and below the visible text that get highlights too
HIGHLIGHT_SLACK = 6000

#: a speaker label opening a paragraph of a transcript
SPEAKER = re.compile(r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?([A-Z][\w.’' -]{0,30}?:)(?=\s)")

HIGHLIGHT_ALL, HIGHLIGHT_SELECTED, HIGHLIGHT_NONE = "all", "selected", "none"


class _EditorBehaviour:
    """What both text widgets share: selection drags, code drops, menus, keys, tooltips.

    Mixed into a ``QTextEdit`` (typical documents: paragraph spacing, comfortable
    line height) or a ``QPlainTextEdit`` (very long texts, where its lazy
    layout keeps opening instant).
    """

    view: DocumentView

    def _setup(self, view: DocumentView) -> None:
        self.view = view
        ed = self  # type: ignore[assignment]
        ed.setReadOnly(True)  # type: ignore[attr-defined]
        ed.setTextInteractionFlags(  # type: ignore[attr-defined]
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        ed.setAcceptDrops(True)  # type: ignore[attr-defined]
        ed.setMouseTracking(True)  # type: ignore[attr-defined]
        ed.setFrameShape(QFrame.Shape.NoFrame)  # type: ignore[attr-defined]

    def createMimeDataFromSelection(self) -> QMimeData:
        mime = super().createMimeDataFromSelection()  # type: ignore[misc]
        span = self.view.selection_span()
        if span is None or self.view.document_id is None:
            return mime
        return span_mime(self.view.document_id, span[0], span[1], mime.text())

    # drops of codes onto the text code the current selection
    def dragEnterEvent(self, e: QDragEnterEvent) -> None:
        if e.mimeData().hasFormat(CODE_MIME):
            e.acceptProposedAction()
        else:
            super().dragEnterEvent(e)  # type: ignore[misc]

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:
        if e.mimeData().hasFormat(CODE_MIME):
            e.acceptProposedAction()
        else:
            super().dragMoveEvent(e)  # type: ignore[misc]

    def dropEvent(self, e: QDropEvent) -> None:
        codes = read_codes(e.mimeData())
        if codes:
            e.setDropAction(Qt.DropAction.CopyAction)
            e.accept()
            for cid in codes:
                self.view.code_dropped.emit(cid)
        else:
            super().dropEvent(e)  # type: ignore[misc]

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:
        pos = self.cursorForPosition(e.pos()).position()  # type: ignore[attr-defined]
        self.view.context_menu_requested.emit(e.globalPos(), pos)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if (
            e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and not e.modifiers()
            and self.view.selected_coding is not None
        ):
            self.view.delete_pressed.emit()
            return
        if e.key() == Qt.Key.Key_Escape and self.view.selected_coding is not None:
            self.view.select_coding(None)
            return
        super().keyPressEvent(e)  # type: ignore[misc]

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            vp_pos = self.viewport().mapFrom(self, e.pos())  # type: ignore[attr-defined]
            pos = self.cursorForPosition(vp_pos).position()  # type: ignore[attr-defined]
            tip = self.view.tooltip_at(pos)
            if tip:
                QToolTip.showText(e.globalPos(), tip, self)  # type: ignore[attr-defined,arg-type]
            else:
                QToolTip.hideText()
            return True
        return super().event(e)  # type: ignore[misc]

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)  # type: ignore[misc]
        self.view.place_margin()

    def centre_cursor(self) -> None:
        raise NotImplementedError


class PlainEditor(_EditorBehaviour, QPlainTextEdit):
    def __init__(self, view: DocumentView) -> None:
        QPlainTextEdit.__init__(self, view)
        self._setup(view)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)

    def centre_cursor(self) -> None:
        self.centerCursor()

    def format_text(self) -> None:
        """Plain layout: nothing to add (QPlainTextEdit ignores block spacing)."""


class RichEditor(_EditorBehaviour, QTextEdit):
    def __init__(self, view: DocumentView) -> None:
        QTextEdit.__init__(self, view)
        self._setup(view)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setAcceptRichText(False)

    def centre_cursor(self) -> None:
        rect = self.cursorRect()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.center().y() - self.viewport().height() // 2)

    def format_text(self) -> None:
        """Paragraph spacing and a comfortable line height, as in a word processor."""
        cur = QTextCursor(self.document())
        cur.select(QTextCursor.SelectionType.Document)
        fmt = QTextBlockFormat()
        fmt.setLineHeight(128, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        fmt.setBottomMargin(QFontMetrics(self.font()).height() * 0.55)
        cur.mergeBlockFormat(fmt)
        # speaker labels in bold: a format only, the text and its positions are unchanged
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.DemiBold)
        doc = self.document()
        block = doc.begin()
        while block.isValid():
            m = SPEAKER.match(block.text())
            if m:
                label = QTextCursor(doc)
                label.setPosition(block.position() + m.start(1))
                label.setPosition(block.position() + m.end(1), QTextCursor.MoveMode.KeepAnchor)
                label.mergeCharFormat(bold)
            block = block.next()


Editor = PlainEditor | RichEditor
#: texts longer than this (characters) open in the plain widget, for speed
PLAIN_ABOVE = 400_000


class DocumentView(QWidget):
    """One open document with its codings."""

    #: a coding was chosen (id) or unchosen (-1)
    coding_selected = Signal(int)
    #: (global position, UTF-16 position in the text)
    context_menu_requested = Signal(QPoint, int)
    delete_pressed = Signal()
    #: a code was dropped on the text: code the selection with it
    code_dropped = Signal(int)
    #: the document is gone from the project
    closed = Signal()
    memo_requested = Signal()
    #: the codings were read again from the project (once per change that affects them)
    codings_reloaded = Signal()

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.document_id: int | None = None
        self.info: DocumentInfo | None = None
        self.offsets = OffsetMap("")
        #: the document's codings as stripes: spans, lanes, range look-ups
        self.span_layout = SpanLayout()
        self.selected_coding: int | None = None
        self.emphasised: int | None = None
        self.mode = HIGHLIGHT_ALL
        self._highlighted: tuple[int, int] | None = None

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        tf = QFont(self.title.font())
        tf.setBold(True)
        tf.setPointSizeF(tf.pointSizeF() + 1)
        self.title.setFont(tf)
        self.subtitle = QLabel()
        self.subtitle.setForegroundRole(self.subtitle.foregroundRole())
        self.highlight_box = QComboBox()
        self.highlight_box.addItem("Highlight all codes", HIGHLIGHT_ALL)
        self.highlight_box.addItem("Highlight selected code", HIGHLIGHT_SELECTED)
        self.highlight_box.addItem("No highlights", HIGHLIGHT_NONE)
        self.highlight_box.setToolTip("Which codings are tinted in the text (stripes always show)")
        self.highlight_box.currentIndexChanged.connect(self._mode_changed)
        #: whose codings show: everyone's, mine, one coder's, or two side by side
        self.coder_box = QComboBox()
        self.coder_box.setObjectName("coderFilter")
        self.coder_box.setToolTip("Whose codings show; two coders side by side put their "
                                  "stripes in two columns (left: the first)")
        # as wide as a short name, never as the longest pair of names: a long entry
        # must not widen the window past a laptop's screen (its list still shows it whole)
        self.coder_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.coder_box.setMinimumContentsLength(12)
        self.coder_box.currentIndexChanged.connect(lambda _i: self.reload_codings())
        #: with two coders side by side, the first lane of the second coder's column
        self.column_split: int | None = None
        self._pair: list[int | None] = []
        self._coder_of: dict[int, int | None] = {}
        #: codings hidden because their coder codes this document blind (or is filtered out)
        self.hidden_codings = 0
        self.memo_button = QToolButton()
        self.memo_button.setText("Document memo")
        self.memo_button.setToolTip("Write or read the memo on this document")
        self.memo_button.clicked.connect(self.memo_requested)

        head = QHBoxLayout()
        head.setContentsMargins(12, 8, 8, 6)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        head.addLayout(names, 1)
        head.addWidget(self.coder_box)
        head.addWidget(self.highlight_box)
        head.addWidget(self.memo_button)

        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(0)
        self.layout_.addLayout(head)
        self.editor: Editor = self._make_editor(plain=False)
        self.margin = StripeMargin(self, self.editor)
        self.layout_.addWidget(self.editor, 1)

        context.change_applied.connect(self.apply_change)
        self.apply_font()

    def _make_editor(self, plain: bool) -> Editor:
        editor: Editor = PlainEditor(self) if plain else RichEditor(self)
        editor.document().setDocumentMargin(16)
        editor.verticalScrollBar().valueChanged.connect(self._scrolled)
        editor.viewport().installEventFilter(self)
        return editor

    def _use_editor(self, plain: bool) -> None:
        if isinstance(self.editor, PlainEditor) == plain:
            return
        old = self.editor
        self.editor = self._make_editor(plain)
        self.margin.setParent(self.editor)
        self.margin.editor = self.editor
        self.margin.show()
        self.layout_.replaceWidget(old, self.editor)
        old.deleteLater()
        self.apply_font()

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        # whenever the text repaints (scroll, selection, layout), the stripes follow
        if e.type() == QEvent.Type.Paint and obj is self.editor.viewport():
            self.margin.update()
        return super().eventFilter(obj, e)

    def detach(self) -> None:
        """Stop following the project (the tab is closing; deletion comes later)."""
        try:
            self.context.change_applied.disconnect(self.apply_change)
        except (RuntimeError, TypeError):
            pass  # already disconnected
        self.document_id = None

    # -- loading -------------------------------------------------------------------
    @property
    def nodes(self) -> dict[int, CodeNode]:
        return self.context.nodes

    def load(self, document_id: int) -> None:
        with self.context.project.session() as s:
            info = documents.document_info(s, document_id)
            self._fill_coders(s)
            rows = self._visible(s, document_id, documents.document_codings(s, document_id))
        self.document_id = document_id
        self.info = info
        self.offsets = OffsetMap(info.text)
        self.selected_coding = None
        self._highlighted = None
        self._use_editor(plain=len(info.text) > PLAIN_ABOVE)
        self.editor.setPlainText(info.text)
        self.editor.format_text()
        self._set_codings(rows)
        self._update_header()
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)

    def reload_codings(self) -> None:
        if self.document_id is None:
            return
        with self.context.project.session() as s:
            if not documents.document_exists(s, self.document_id):
                self.closed.emit()
                return
            self._fill_coders(s)
            rows = self._visible(s, self.document_id,
                                 documents.document_codings(s, self.document_id))
        self._set_codings(rows)
        self._update_header()
        self.codings_reloaded.emit()

    # -- whose codings show ------------------------------------------------------------
    def _fill_coders(self, session: Session) -> None:
        """The coder choices: everyone, mine, each coder, and mine beside each other's."""
        me = self.context.project.coder_name
        names = [c.name for c in coders.listing(session)]
        items: list[tuple[str, object]] = [("All coders", ("all",)), ("Only mine", ("mine",))]
        items += [(n, ("coder", n)) for n in names]
        items += [(f"{me} | {n} side by side", ("pair", me, n)) for n in names if n != me]
        if [self.coder_box.itemText(i) for i in range(self.coder_box.count())] == [
                t for t, _ in items]:
            return
        current = self.coder_box.currentData()
        self.coder_box.blockSignals(True)
        self.coder_box.clear()
        for text, data in items:
            self.coder_box.addItem(text, data)
        found = self.coder_box.findData(current)
        self.coder_box.setCurrentIndex(max(0, found))
        self.coder_box.blockSignals(False)

    def _visible(self, session: Session, document_id: int,
                 rows: list[documents.CodingRow]) -> list[documents.CodingRow]:
        """The codings this view shows: the coder filter, and blind coding (a coder of an
        open reliability round sees only their own codings in its documents)."""
        blind = rounds.blind_for(session, self.context.project.coder_name)
        choice = self.coder_box.currentData() or ("all",)
        ids = {n: coders.find(session, n) for n in (
            [self.context.project.coder_name] if choice[0] == "mine" else list(choice[1:]))}
        self._coder_of = coders.coding_coders(session, document_id)
        wanted = None if choice[0] == "all" else set(ids.values())
        kept = [r for r in rows
                if not blind.hides(document_id, self._coder_of.get(r.id))
                and (wanted is None or self._coder_of.get(r.id) in wanted)]
        self._pair = [ids[n] for n in choice[1:]] if choice[0] == "pair" else []
        self.hidden_codings = len(rows) - len(kept)
        return kept

    @property
    def spans(self) -> list[Span]:
        """The document's codings, as laid out beside the text."""
        return self.span_layout.spans

    @property
    def lanes(self) -> int:
        """Stripe lanes in use."""
        return self.span_layout.lanes

    def _set_codings(self, rows: list[documents.CodingRow]) -> None:
        """Show ``rows``; after a small change only the changed codings are touched."""
        self.span_layout.update(rows, self.offsets.to_utf16)
        self.column_split = None
        pair, coder_of = self._pair, self._coder_of
        if len(pair) == 2:  # two coders side by side: each coder's stripes in a column
            left = [sp for sp in self.spans if coder_of.get(sp.id) == pair[0]]
            right = [sp for sp in self.spans if coder_of.get(sp.id) == pair[1]]
            split = assign_lanes(left, MAX_LANES // 2) if left else 1
            lanes = assign_lanes(right, MAX_LANES // 2) if right else 1
            for sp in right:
                sp.lane += split
            self.span_layout.lanes = split + lanes
            self.column_split = split
        if self.selected_coding is not None and self.span_layout.get(self.selected_coding) is None:
            self.selected_coding = None
            self.coding_selected.emit(-1)
        self.place_margin()
        self._highlighted = None
        self.refresh_highlights()
        self.margin.update()

    def _update_header(self) -> None:
        if self.info is None:
            return
        self.title.setText(self.info.name)
        n = len(self.spans)
        memo = " · has a memo" if self.info.memo else ""
        self.subtitle.setText(
            f"{self.info.case} · {self.info.words:,} words · {n} coding{'s' * (n != 1)}{memo}"
        )
        self.memo_button.setText("Document memo ✎" if self.info.memo else "Document memo")

    def apply_change(self, change: Change) -> None:
        """Follow one command's change: only what it did to this document is redone.

        Its codings are read again once, and only when the change says they
        moved (a coding added, removed, edited or given a memo here, a code
        deleted or merged that had codings here). A code renamed or recoloured
        repaints the tints and stripes from the codebook, with no query. The
        header is read again when this document (its name, memo) or a case
        changed; a document that is gone closes the view.
        """
        doc = self.document_id
        if doc is None:
            return
        doc_ids = change.ids(Kind.DOCUMENTS)
        if doc_ids is None or doc in doc_ids or change.touches(Kind.CASES):
            with self.context.project.session() as s:
                if not documents.document_exists(s, doc):
                    self.closed.emit()
                    return
                self.info = documents.document_info(s, doc)
            self._update_header()
        if change.affects_document(doc):
            self.reload_codings()
            return
        codes = change.ids(Kind.CODES)  # empty when no code changed
        if codes is None or any(sp.code_id in codes for sp in self.spans):
            self.repaint_codings()

    def repaint_codings(self) -> None:
        """Draw the tints and stripes again (a code's colour or name changed)."""
        self._highlighted = None
        self.refresh_highlights()
        self.margin.update()

    def apply_font(self) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.editor.setFont(theme.reading_font(app))
            if self.document_id is not None:
                self.editor.format_text()
        self.margin.set_label_font(QFont(self.font()))
        self.place_margin()

    # -- geometry and painting -------------------------------------------------------
    def place_margin(self) -> None:
        lanes = self.lanes if self.spans else 1
        width = self.margin.lanes_width(min(lanes, MAX_LANES))
        self.editor.setViewportMargins(0, 0, width, 0)
        vp = self.editor.viewport().geometry()
        self.margin.setGeometry(QRect(vp.right() + 1, vp.top(), width, vp.height()))

    def _scrolled(self) -> None:
        self.refresh_highlights()

    def visible_range(self) -> tuple[int, int]:
        """UTF-16 positions of the first and last character on screen."""
        ed = self.editor
        start = ed.cursorForPosition(QPoint(0, 0)).position()
        vp = ed.viewport()
        end = ed.cursorForPosition(QPoint(vp.width() - 1, vp.height() - 1)).position()
        return start, max(start, end)

    def spans_between(self, lo: int, hi: int) -> list[Span]:
        """Codings that overlap [lo, hi] (UTF-16), in stripe order."""
        return self.span_layout.between(lo, hi)

    def _line_top(self, pos: int, bottom: bool) -> float:
        cur = QTextCursor(self.editor.document())
        cur.setPosition(pos)
        rect = self.editor.cursorRect(cur)
        return float(rect.bottom() + 1) if bottom else float(rect.top())

    def visible_stripes(self) -> list[tuple[Span, tuple[float, float]]]:
        if not self.spans:
            return []
        lo, hi = self.visible_range()
        h = self.margin.height()
        out = []
        for sp in self.spans_between(lo, hi):
            y1 = -10.0 if sp.u16s < lo else self._line_top(sp.u16s, False)
            last = max(sp.u16s, sp.u16e - 1)
            y2 = h + 10.0 if last > hi else self._line_top(last, True)
            out.append((sp, (y1, y2)))
        return out

    def refresh_highlights(self, force: bool = False) -> None:
        """Tint the codings around the visible text (only those: cheap at any size)."""
        if self.document_id is None:
            self.editor.setExtraSelections([])
            return
        lo, hi = self.visible_range()
        window = (max(0, lo - HIGHLIGHT_SLACK), hi + HIGHLIGHT_SLACK)
        if not force and self._highlighted is not None:
            a, b = self._highlighted
            if a <= lo and hi <= b:
                return  # the tints already cover what is on screen
        self._highlighted = window
        self.editor.setExtraSelections(self._selections(*window))

    def _selections(self, lo: int, hi: int) -> list[QTextEdit.ExtraSelection]:
        doc = self.editor.document()
        nodes = self.nodes
        dark = theme.is_dark()
        out: list[QTextEdit.ExtraSelection] = []
        chosen: list[QTextEdit.ExtraSelection] = []
        for sp in self.spans_between(lo, hi):
            emph = self.emphasised is not None and sp.code_id == self.emphasised
            is_chosen = sp.id == self.selected_coding
            if self.mode == HIGHLIGHT_NONE and not is_chosen:
                continue
            if self.mode == HIGHLIGHT_SELECTED and not (emph or is_chosen):
                continue
            node = nodes.get(sp.code_id)
            colour = QColor(node.color if node else "#888888")
            fmt = QTextCharFormat()
            tint = QColor(colour)
            if is_chosen:
                tint.setAlpha(150 if dark else 120)
            elif emph:
                tint.setAlpha(120 if dark else 95)
            else:
                tint.setAlpha(72 if dark else 52)
            fmt.setBackground(tint)
            if emph or is_chosen:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(colour.lighter(130) if dark else colour.darker(115))
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(doc)
            cur.setPosition(sp.u16s)
            cur.setPosition(sp.u16e, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur  # type: ignore[attr-defined]
            sel.format = fmt  # type: ignore[attr-defined]
            (chosen if is_chosen else out).append(sel)
        return self._speaker_selections(lo, hi) + out + chosen  # chosen coding on top

    def _speaker_selections(self, lo: int, hi: int) -> list[QTextEdit.ExtraSelection]:
        """Speaker labels at the start of a paragraph ("P2:", "Interviewer:") in colour."""
        doc = self.editor.document()
        block = doc.findBlock(lo)
        end = doc.findBlock(min(hi, max(0, doc.characterCount() - 1)))
        out: list[QTextEdit.ExtraSelection] = []
        bold = QTextCharFormat()  # a selection cannot change the layout: colour, not weight
        pal = self.editor.palette()
        bold.setForeground(pal.color(pal.ColorRole.Link))
        while block.isValid():
            m = SPEAKER.match(block.text())
            if m:
                sel = QTextEdit.ExtraSelection()
                cur = QTextCursor(doc)
                cur.setPosition(block.position() + m.start(1))
                cur.setPosition(block.position() + m.end(1), QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cur  # type: ignore[attr-defined]
                sel.format = bold  # type: ignore[attr-defined]
                out.append(sel)
            if block == end:
                break
            block = block.next()
        return out

    def _mode_changed(self) -> None:
        self.mode = self.highlight_box.currentData()
        self._highlighted = None
        self.refresh_highlights()

    def set_emphasised(self, code_id: int | None) -> None:
        if code_id == self.emphasised:
            return
        self.emphasised = code_id
        self._highlighted = None
        self.refresh_highlights()
        self.margin.update()

    # -- selection -------------------------------------------------------------------
    def selection_span(self) -> tuple[int, int] | None:
        """The selected text as a code-point span, or None when nothing is selected."""
        cur = self.editor.textCursor()
        if not cur.hasSelection() or self.document_id is None:
            return None
        start, end = self.offsets.span_from_utf16(cur.selectionStart(), cur.selectionEnd())
        return (start, end) if end > start else None

    def selection_rect(self) -> QRect | None:
        """Where the selected text is drawn, in global screen coordinates (None: no selection).

        A selection over several lines covers the viewport's width between its first and
        last line, so a popup placed outside it leaves every selected word readable.
        """
        cur = self.editor.textCursor()
        if not cur.hasSelection():
            return None
        first, last = QTextCursor(cur), QTextCursor(cur)
        first.setPosition(cur.selectionStart())
        last.setPosition(cur.selectionEnd())
        a, b = self.editor.cursorRect(first), self.editor.cursorRect(last)
        rect = a.united(b)
        if a.top() != b.top():
            rect.setLeft(0)
            rect.setRight(self.editor.viewport().width())
        rect = rect.intersected(self.editor.viewport().rect()) or rect
        top_left = self.editor.viewport().mapToGlobal(rect.topLeft())
        return QRect(top_left, rect.size())

    def selected_text(self) -> str:
        span = self.selection_span()
        if span is None or self.info is None:
            return ""
        return self.info.text[span[0]:span[1]]

    def select_span(self, start: int, end: int, centre: bool = True) -> None:
        """Select code points ``start``..``end`` and scroll them into view."""
        n = self.offsets.length
        start, end = max(0, min(start, n)), max(0, min(end, n))
        a, b = self.offsets.span_to_utf16(start, end)
        cur = QTextCursor(self.editor.document())
        cur.setPosition(b)
        self.editor.setTextCursor(cur)
        if centre:
            self.editor.centre_cursor()
        cur.setPosition(a)
        cur.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cur)
        if centre:
            self.editor.ensureCursorVisible()
        self.refresh_highlights()

    def select_coding(self, coding_id: int | None, select_text: bool = True) -> None:
        self.selected_coding = coding_id
        sp = self.span(coding_id) if coding_id is not None else None
        if sp is not None and select_text:
            self.select_span(sp.start, sp.end, centre=False)
            self.editor.ensureCursorVisible()
        self._highlighted = None
        self.refresh_highlights()
        self.margin.update()
        self.coding_selected.emit(coding_id if sp is not None else -1)

    def span(self, coding_id: int | None) -> Span | None:
        return self.span_layout.get(coding_id)

    def spans_at(self, u16: int) -> list[Span]:
        return self.span_layout.at(u16)

    def step_coding(self, forward: bool) -> None:
        """Select the next (or previous) coding after the cursor, for keyboard users."""
        if not self.spans:
            return
        order = self.span_layout.in_order()
        cur = self.span(self.selected_coding)
        if cur is None:
            pos = self.editor.textCursor().selectionStart()
            nxt = next((s for s in order if s.u16s >= pos), order[0]) if forward else next(
                (s for s in reversed(order) if s.u16s < pos), order[-1])
        else:
            i = order.index(cur)
            nxt = order[(i + (1 if forward else -1)) % len(order)]
        self.select_coding(nxt.id)

    # -- explanations --------------------------------------------------------------
    def coding_tooltip(self, spans: list[Span], hint: bool = False) -> str:
        nodes = self.nodes
        parts = []
        for sp in spans:
            node = nodes.get(sp.code_id)
            colour = node.color if node else "#888"
            name = _esc(node.path if node else "?")
            part = (f"<div><span style='color:{colour}'>■</span> <b>{name}</b>"
                    f" <span style='color:gray'>({sp.end - sp.start} characters)</span>")
            if sp.memo:
                part += f"<br/><i>Memo:</i> {_esc(sp.memo[:400])}"
            parts.append(part + "</div>")
        if hint:
            parts.append("<div style='color:gray'>Click to select · Delete removes · "
                         "right-click for more</div>")
        return "".join(parts)

    def tooltip_at(self, u16: int) -> str:
        spans = self.spans_at(u16)
        return self.coding_tooltip(spans) if spans else ""


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
