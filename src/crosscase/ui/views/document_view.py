"""Reading and coding one document: highlights in the text, coding stripes beside it.

The text sits in a read-only ``QPlainTextEdit`` (fast for long transcripts).
Codings are stored in code points; Qt counts UTF-16 units. Every position
goes through the document's :class:`~crosscase.domain.offsets.OffsetMap`,
both ways, and nowhere else.

Highlights are ``ExtraSelection`` s for the codings near the visible part
of the text only, rebuilt on scroll: their cost does not grow with the
number of codings in the document. Overlapping codings stay visible because
each tint is translucent (two codes blend darker), the code chosen in the
codebook is underlined, and every coding has its own stripe in the margin.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
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

from crosscase.domain.offsets import OffsetMap
from crosscase.services import documents
from crosscase.services.codebook import CodeNode
from crosscase.services.documents import DocumentInfo
from crosscase.ui import theme
from crosscase.ui.context import ProjectContext
from crosscase.ui.models.codebook_model import CODE_MIME, read_codes, span_mime

MAX_LANES = 10
#: codings longer than this (UTF-16 units) are always checked for visibility
LONG_SPAN = 4000
#: characters above and below the visible text that get highlights too
HIGHLIGHT_SLACK = 6000

#: a speaker label opening a paragraph of a transcript
SPEAKER = re.compile(r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?([A-Z][\w.’' -]{0,30}?:)(?=\s)")

HIGHLIGHT_ALL, HIGHLIGHT_SELECTED, HIGHLIGHT_NONE = "all", "selected", "none"


@dataclass
class Span:
    """A coding as the viewer shows it: code points and the UTF-16 positions."""

    id: int
    code_id: int
    start: int
    end: int
    u16s: int
    u16e: int
    memo: str
    lane: int = 0


def assign_lanes(spans: list[Span]) -> int:
    """Give overlapping codings different stripe lanes; returns the number of lanes."""
    ends: list[int] = []
    for sp in sorted(spans, key=lambda s: (s.u16s, -s.u16e, s.id)):
        for lane, end in enumerate(ends):
            if end <= sp.u16s:
                ends[lane] = sp.u16e
                sp.lane = lane
                break
        else:
            if len(ends) < MAX_LANES:
                sp.lane = len(ends)
                ends.append(sp.u16e)
            else:  # crowded: share the lane that frees soonest
                lane = min(range(len(ends)), key=ends.__getitem__)
                sp.lane = lane
                ends[lane] = max(ends[lane], sp.u16e)
    return len(ends)


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


class StripeMargin(QWidget):
    """Coding stripes: one solid bar per coding in its code's colour, named beside it.

    As in a code margin: every coding is a bar beside the lines it covers;
    codings that overlap sit side by side in lanes. Each bar carries its
    code's name, written along the bar when the bar is long enough, or across
    the margin beside a short bar when the lanes to its right are free there.
    Names are drawn in the code's hue, darkened (or, in the dark palette,
    lightened) until they read on the margin.
    """

    BAR = 5
    PAD = 6
    GAP = 3
    #: shortest room (px) worth an elided name; less shows the bar alone
    MIN_LABEL = 34

    def __init__(self, view: DocumentView, editor: Editor) -> None:
        super().__init__(editor)
        self.view = view
        self.editor = editor
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._hits: list[tuple[QRect, Span]] = []
        #: the names on screen after the last paint: (coding id, text, along the bar?)
        self.shown_labels: list[tuple[int, str, bool]] = []
        self.label_font = QFont(self.font())
        self.text_h = 13
        self.lane = 24
        self.pitch = 24
        self.set_label_font(QFont(self.font()))

    def set_label_font(self, base: QFont) -> None:
        """Names in the interface font, at its size (never below 8 pt)."""
        f = QFont(base)
        size = base.pointSizeF() if base.pointSizeF() > 0 else 9.0
        f.setPointSizeF(max(8.0, size))
        self.label_font = f
        self.text_h = QFontMetrics(f).height()
        # a lane: the bar, a gap, one line of text set along the bar, a gap
        self.lane = self.BAR + self.GAP + self.text_h + 4
        self.pitch = self.lane

    def width_limits(self) -> tuple[int, int]:
        """Narrowest and widest the margin gets, in step with the font size."""
        return int(12.5 * self.text_h), 13 * self.text_h

    def lanes_width(self, lanes: int) -> int:
        """The margin's width for ``lanes`` lanes; narrows the lanes when they must share."""
        lo, hi = self.width_limits()
        lanes = max(1, lanes)
        want = self.PAD * 2 + lanes * self.lane
        width = max(lo, min(hi, want))
        self.pitch = self.lane if want <= hi else max(self.BAR + 3, (hi - self.PAD * 2) // lanes)
        return width

    def sizeHint(self) -> QSize:
        return QSize(self.lanes_width(self.view.lanes), 100)

    def paintEvent(self, e: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        bg = pal.color(pal.ColorRole.Window)
        p.fillRect(self.rect(), bg)
        p.setPen(QPen(pal.color(pal.ColorRole.Mid), 1))
        p.drawLine(0, 0, 0, self.height())
        self._hits = []
        self.shown_labels = []
        view = self.view
        if view.document_id is None:
            p.end()
            return
        nodes = view.nodes
        h = self.height()
        w = self.width()
        th = self.text_h
        fm = QFontMetrics(self.label_font)
        pitch = self.pitch
        if pitch >= self.lane:
            gap, bar_w = self.GAP, self.BAR
        else:  # crowded: thinner bars and gaps, so that names still fit along them
            gap = 2
            bar_w = min(self.BAR, max(3, pitch - th - gap - 1))
        labelled_lanes = pitch >= bar_w + gap + th
        dark = theme.is_dark()
        text_colour = pal.color(pal.ColorRole.Text)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)

        stripes = []  # (span, node, colour, bar rect)
        obstacles: list[QRectF] = []
        for sp, (y1, y2) in view.visible_stripes():
            node = nodes.get(sp.code_id)
            colour = QColor(node.color if node else "#888888")
            x = self.PAD + sp.lane * pitch
            top, bottom = max(y1, -4.0), min(y2, h + 4.0)
            bar = QRectF(x, top + 1, bar_w, max(3.0, bottom - top - 2))
            stripes.append((sp, node, colour, bar))
            obstacles.append(bar.adjusted(-1, -1, 1, 1))

        # the code chosen in the codebook: a soft band behind its lanes
        band_alpha = 70 if dark else 48
        for sp, _node, colour, bar in stripes:
            if view.emphasised is not None and sp.code_id == view.emphasised:
                band = QColor(colour)
                band.setAlpha(band_alpha)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(band)
                p.drawRoundedRect(QRectF(bar.left() - 3, bar.top() - 1, pitch - 1, bar.height() + 2),
                                  3, 3)

        # names: along the bar where the whole name fits; otherwise across the
        # margin beside the bar where that shows more of it
        labels: list[tuple[Span, str, QRectF, bool, QColor]] = []

        def room_across(x0: float, band_top: float, lines: int = 1) -> float:
            limit = w - 4.0
            for ob in obstacles:
                if ob.bottom() <= band_top or ob.top() >= band_top + lines * th:
                    continue
                if ob.right() <= x0:
                    continue
                limit = min(limit, ob.left() - 3)
            return limit - x0

        def room_along(column: QRectF) -> float:
            end = column.bottom()
            for ob in obstacles:
                if ob.intersects(column):
                    if ob.top() <= column.top():
                        return 0.0
                    end = min(end, ob.top() - 3)
            return end - column.top()

        pending = []
        for sp, node, colour, bar in stripes:
            if node is None:
                continue
            full = fm.horizontalAdvance(node.name)
            start = max(bar.top(), 0.0) + 3
            column = QRectF(bar.right() + gap, start, th, bar.bottom() - start - 2)
            if labelled_lanes and column.height() >= full:
                rect = QRectF(column.left(), start, th, full)
                obstacles.append(rect)
                labels.append((sp, node.name, rect, True, colour))
            else:
                pending.append((sp, node, colour, bar, column, full))
        pending.sort(key=lambda item: item[3].top())
        for sp, node, colour, bar, column, full in pending:
            vis_top, vis_bottom = max(bar.top(), 0.0), min(bar.bottom(), float(h))
            if vis_bottom - vis_top < th + 2:  # a short bar: the name beside its middle
                band_top = (vis_top + vis_bottom - th) / 2
            else:
                band_top = vis_top
            x0 = bar.right() + gap + 1
            across = room_across(x0, band_top)
            along = room_along(column) if labelled_lanes else 0.0
            text = node.name
            if across >= full or (across >= along and across >= self.MIN_LABEL):
                rect = QRectF(x0, band_top, min(full, across), th)
                vertical = False
                if across < full and vis_bottom - band_top >= 2 * th + 2:
                    # a bar of a few lines: the name on two lines beside it
                    two = room_across(x0, band_top, 2)
                    wrapped = _two_lines(fm, node.name, int(two)) if two >= self.MIN_LABEL else None
                    if wrapped is not None:
                        text = wrapped
                        used = max(fm.horizontalAdvance(line) for line in wrapped.split("\n"))
                        rect = QRectF(x0, band_top, used, 2 * th)
                if "\n" not in text and across < full:
                    text = fm.elidedText(node.name, Qt.TextElideMode.ElideRight, int(rect.width()))
            elif along >= self.MIN_LABEL:
                rect = QRectF(column.left(), column.top(), th, min(full, along))
                vertical = True
                text = fm.elidedText(node.name, Qt.TextElideMode.ElideRight, int(rect.height()))
            else:
                continue
            obstacles.append(rect)
            labels.append((sp, text, rect, vertical, colour))

        # bars, then names, then the marks of the chosen coding and of memos
        for sp, _node, colour, bar in stripes:
            if theme.contrast(colour, bg) < (2.4 if dark else 1.8):
                # a pale code on a light margin, a deep one on a dark margin: an edge
                edge = colour.lighter(170) if dark else colour.darker(135)
                p.setPen(QPen(edge, 1))
            else:
                p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(bar.adjusted(0.5, 0.5, -0.5, -0.5), 1.5, 1.5)
            self._hits.append((QRect(int(bar.left()) - 2, int(bar.top()),
                                     max(pitch, bar_w + 4), int(bar.height())), sp))
        p.setFont(self.label_font)
        for sp, text, rect, vertical, colour in labels:
            under = bg
            if vertical and view.emphasised is not None and sp.code_id == view.emphasised:
                under = _blend(bg, colour, band_alpha / 255)  # set on the band
            p.setPen(theme.readable_on(colour, under, 6.0))
            if vertical:
                p.save()
                p.translate(rect.right(), rect.top())
                p.rotate(90)
                p.drawText(QRectF(0, 0, rect.height(), rect.width()),
                           int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
                p.restore()
            else:
                p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), text)
            self._hits.append((rect.toAlignedRect(), sp))
            self.shown_labels.append((sp.id, text, vertical))
        for sp, _node, _colour, bar in stripes:
            if sp.id == view.selected_coding:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(text_colour, 1.5))
                p.drawRoundedRect(bar.adjusted(-2.5, -2.5, 2.5, 2.5), 3, 3)
            if sp.memo:
                p.setPen(QPen(pal.color(pal.ColorRole.Base), 1))
                p.setBrush(text_colour)
                d = bar_w + 3
                p.drawEllipse(QRectF(bar.center().x() - d / 2, bar.top() - 1, d, d))
        p.end()

    def span_at(self, pos: QPoint) -> Span | None:
        for rect, sp in reversed(self._hits):
            if rect.contains(pos):
                return sp
        return None

    def mousePressEvent(self, e: QMouseEvent) -> None:
        sp = self.span_at(e.position().toPoint())
        if e.button() == Qt.MouseButton.LeftButton:
            self.view.select_coding(sp.id if sp else None)
        elif e.button() == Qt.MouseButton.RightButton and sp is not None:
            self.view.select_coding(sp.id)
            self.view.context_menu_requested.emit(e.globalPosition().toPoint(), sp.u16s)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            sp = self.span_at(e.pos())  # type: ignore[attr-defined]
            if sp is not None:
                QToolTip.showText(e.globalPos(), self.view.coding_tooltip([sp], hint=True), self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(e)


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

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.document_id: int | None = None
        self.info: DocumentInfo | None = None
        self.offsets = OffsetMap("")
        self.spans: list[Span] = []
        self._short: list[Span] = []
        self._short_starts: list[int] = []
        self._long: list[Span] = []
        self.lanes = 1
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
        head.addWidget(self.highlight_box)
        head.addWidget(self.memo_button)

        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(0)
        self.layout_.addLayout(head)
        self.editor: Editor = self._make_editor(plain=False)
        self.margin = StripeMargin(self, self.editor)
        self.layout_.addWidget(self.editor, 1)

        context.codings_changed.connect(self.reload_codings)
        context.codes_changed.connect(self._codes_changed)
        context.documents_changed.connect(self._documents_changed)
        context.memos_changed.connect(self._memos_changed)
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
        for sig, slot in ((self.context.codings_changed, self.reload_codings),
                          (self.context.codes_changed, self._codes_changed),
                          (self.context.documents_changed, self._documents_changed),
                          (self.context.memos_changed, self._memos_changed)):
            try:
                sig.disconnect(slot)
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
            rows = documents.document_codings(s, document_id)
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
            rows = documents.document_codings(s, self.document_id)
        self._set_codings(rows)
        self._update_header()

    def _set_codings(self, rows: list[documents.CodingRow]) -> None:
        """Show ``rows``; after a small change only the changed codings are touched."""
        old = {sp.id: sp for sp in self.spans}
        to16 = self.offsets.to_utf16
        spans: list[Span] = []
        added: list[Span] = []
        for r in rows:
            sp = old.get(r.id)
            if sp is None or sp.start != r.start or sp.end != r.end or sp.code_id != r.code_id:
                sp = Span(r.id, r.code_id, r.start, r.end, to16(r.start), to16(r.end), r.memo)
                added.append(sp)
            elif sp.memo != r.memo:
                sp.memo = r.memo
            spans.append(sp)
        if len(added) <= 20 and len(spans) - len(added) + 20 >= len(old) and self.spans:
            self._place_in_lanes(spans, added)
        else:
            self.lanes = assign_lanes(spans)
        self.spans = spans
        self._long = [s for s in spans if s.u16e - s.u16s > LONG_SPAN]
        self._short = sorted((s for s in spans if s.u16e - s.u16s <= LONG_SPAN),
                             key=lambda s: s.u16s)
        self._short_starts = [s.u16s for s in self._short]
        if self.selected_coding is not None and self.selected_coding not in {s.id for s in spans}:
            self.selected_coding = None
            self.coding_selected.emit(-1)
        self.place_margin()
        self._highlighted = None
        self.refresh_highlights()
        self.margin.update()

    def _place_in_lanes(self, spans: list[Span], added: list[Span]) -> None:
        """Give a few new codings free lanes without moving the stripes already shown."""
        fresh = {id(s) for s in added}
        placed = [s for s in spans if id(s) not in fresh]
        for sp in added:
            taken = {o.lane for o in placed if o.u16s < sp.u16e and sp.u16s < o.u16e}
            lane = next((i for i in range(MAX_LANES) if i not in taken), MAX_LANES - 1)
            sp.lane = lane
            placed.append(sp)
        self.lanes = max([self.lanes if spans else 1] + [s.lane + 1 for s in added])

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

    def _codes_changed(self) -> None:
        if self.document_id is not None:
            self.reload_codings()

    def _documents_changed(self) -> None:
        if self.document_id is None:
            return
        with self.context.project.session() as s:
            if not documents.document_exists(s, self.document_id):
                self.closed.emit()

    def _memos_changed(self) -> None:
        if self.document_id is None:
            return
        with self.context.project.session() as s:
            self.info = documents.document_info(s, self.document_id)
        self._update_header()

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
        i = bisect_left(self._short_starts, lo - LONG_SPAN)
        j = bisect_left(self._short_starts, hi + 1)
        out = [s for s in self._short[i:j] if s.u16e > lo]
        out.extend(s for s in self._long if s.u16s <= hi and s.u16e > lo)
        return out

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
        return next((s for s in self.spans if s.id == coding_id), None)

    def spans_at(self, u16: int) -> list[Span]:
        return [s for s in self.spans_between(u16, u16) if s.u16s <= u16 < s.u16e]

    def step_coding(self, forward: bool) -> None:
        """Select the next (or previous) coding after the cursor, for keyboard users."""
        if not self.spans:
            return
        order = sorted(self.spans, key=lambda s: (s.u16s, s.lane, s.id))
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


def _blend(under: QColor, over: QColor, alpha: float) -> QColor:
    """``over`` laid on ``under`` at ``alpha`` (0..1), as the painter composes it."""
    return QColor(*(round(u + (o - u) * alpha) for u, o in (
        (under.red(), over.red()), (under.green(), over.green()), (under.blue(), over.blue()))))


def _two_lines(fm: QFontMetrics, text: str, width: int) -> str | None:
    """``text`` broken between words onto two lines of ``width`` px (the second elided)."""
    words = text.split()
    for i in range(len(words) - 1, 0, -1):
        first = " ".join(words[:i])
        if fm.horizontalAdvance(first) <= width:
            rest = fm.elidedText(" ".join(words[i:]), Qt.TextElideMode.ElideRight, width)
            return f"{first}\n{rest}"
    return None


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
