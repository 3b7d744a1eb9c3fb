"""The stripe margin beside a document's text: one bar per coding, in lanes, with names.

Drawn from the document view's laid-out spans (see :mod:`crosscase.domain.lanes`):
only the stripes of the visible text are painted, so its cost does not grow
with the number of codings. Clicking a bar selects its coding; a right-click
asks for the coding's menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from crosscase.domain.lanes import Span
from crosscase.ui import theme

if TYPE_CHECKING:
    from crosscase.ui.views.document_view import DocumentView, Editor


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
        #: the memo marks after the last paint: (coding id, where)
        self.memo_marks: list[tuple[int, QRectF]] = []
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
        self.memo_marks = []
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
        if view.column_split is not None:  # two coders side by side: a rule between columns
            x_split = self.PAD + view.column_split * pitch - 2
            p.setPen(QPen(pal.color(pal.ColorRole.Mid), 1, Qt.PenStyle.DashLine))
            p.drawLine(x_split, 0, x_split, h)

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

        def free_slot(x0: float, y0: float, full: float) -> QRectF | None:
            """The nearest row to ``y0`` with room for a name right of every bar in it."""
            step = th + 1
            rows = sorted(range(-8, 9), key=lambda i: (abs(i), -i))
            for i in rows:
                y = y0 + i * step
                if y < 0 or y + th > h:
                    continue
                x, moved = x0, True
                while moved:
                    moved = False
                    for ob in obstacles:
                        if (ob.bottom() > y and ob.top() < y + th
                                and ob.left() < x + self.MIN_LABEL and ob.right() > x):
                            x, moved = ob.right() + 3, True
                room = room_across(x, y)
                if room >= self.MIN_LABEL:
                    return QRectF(x, y, min(full + 2, room), th)
            return None

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
                # no room beside or along its bar (short codings overlapping on one line):
                # the name goes to the nearest free row past the bars, in the code's colour
                slot = free_slot(x0, band_top, full)
                if slot is None:
                    continue
                rect, vertical = slot, False
                text = fm.elidedText(node.name, Qt.TextElideMode.ElideRight, int(rect.width()))
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
                # a ring on the bar's head, light inside and dark around with a dark
                # centre: it shows on any code colour, in either palette
                d = max(bar_w + 6.0, round(th * 0.8))
                mark = QRectF(bar.center().x() - d / 2, max(bar.top() - 2, 0.0), d, d)
                p.setPen(QPen(text_colour, 1.6))
                p.setBrush(pal.color(pal.ColorRole.Base))
                p.drawEllipse(mark)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(text_colour)
                c = d * 0.36
                p.drawEllipse(QRectF(mark.center().x() - c / 2, mark.center().y() - c / 2, c, c))
                self.memo_marks.append((sp.id, mark))
                self._hits.append((mark.toAlignedRect(), sp))
        p.end()

    def hit_rects(self, coding_id: int) -> list[QRect]:
        """Where the last paint put ``coding_id``: its bar first, then its name (if shown)."""
        return [QRect(rect) for rect, sp in self._hits if sp.id == coding_id]

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
