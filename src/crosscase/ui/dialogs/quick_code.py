"""The quick-code palette (Ctrl+K): type a few letters of a code, read its definition, Enter.

It also serves as the code chooser wherever one code must be picked (merge
target, autocode target). Typing a name that matches nothing offers to create
that code (``Parent/Child`` creates a sub-code).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crosscase.services import codebook
from crosscase.services.codebook import CodeNode
from crosscase.ui.models.codebook_model import color_icon

NEW_CODE = -1


class QuickCodePalette(QDialog):
    #: a code was chosen (id)
    chosen = Signal(int)
    #: a new code was asked for (its path, as typed)
    create_requested = Signal(str)

    def __init__(
        self,
        nodes: dict[int, CodeNode],
        parent: QWidget | None = None,
        *,
        title: str = "Code selection",
        prompt: str = "Type to find a code; Enter applies it",
        exclude: set[int] | None = None,
        recent: list[int] | None = None,
        allow_create: bool = True,
        avoid: QRect | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.nodes = {k: v for k, v in nodes.items() if k not in (exclude or set())}
        self.recent = [c for c in (recent or []) if c in self.nodes]
        self.allow_create = allow_create
        #: the selected text, in global coordinates: the palette is placed clear of it
        self.avoid = avoid
        self.resize(560, 460)

        self.prompt = QLabel(prompt)
        self.prompt.setEnabled(False)
        self.search = QLineEdit()
        self.search.setPlaceholderText("e.g. co-d, trading, word of mouth")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(False)
        self.definition = QLabel()
        self.definition.setWordWrap(True)
        self.definition.setTextFormat(Qt.TextFormat.RichText)
        self.definition.setMinimumHeight(90)
        self.definition.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.definition.setContentsMargins(4, 6, 4, 4)

        lay = QVBoxLayout(self)
        lay.addWidget(self.prompt)
        lay.addWidget(self.search)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.definition)

        self.search.textChanged.connect(self.refilter)
        self.search.installEventFilter(self)
        self.list.currentRowChanged.connect(self._show_definition)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.refilter("")

    # -- filtering -----------------------------------------------------------------
    def refilter(self, text: str) -> None:
        self.list.clear()
        text = text.strip()
        if text:
            ids = codebook.fuzzy_rank(text, self.nodes)
        else:
            ids = self.recent + [c for c in self.nodes if c not in self.recent]
        for cid in ids:
            node = self.nodes[cid]
            label = node.path.replace("/", " › ")
            if not text and cid in self.recent:
                label += f"    · recent {self.recent.index(cid) + 1}"
            item = QListWidgetItem(color_icon(node.color), label)
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.list.addItem(item)
        exact = any(n.path.casefold() == text.casefold() or n.name.casefold() == text.casefold()
                    for n in self.nodes.values())
        if text and self.allow_create and not exact:
            item = QListWidgetItem(f"+ New code “{text}”")
            item.setData(Qt.ItemDataRole.UserRole, NEW_CODE)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.definition.setText("<i>No code matches.</i>")

    def current_code(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _show_definition(self, row: int) -> None:
        cid = self.current_code()
        if cid is None:
            self.definition.setText("")
            return
        if cid == NEW_CODE:
            self.definition.setText(
                f"Creates the code <b>{_esc(self.search.text().strip())}</b> "
                "(use / for a sub-code: Parent/Child)."
            )
            return
        n = self.nodes[cid]
        html = f"<b>{_esc(n.path)}</b>"
        html += f"<br/>{_esc(n.definition)}" if n.definition else "<br/><i>No definition yet.</i>"
        if n.inclusion:
            html += f"<br/><span style='color:gray'>Include:</span> {_esc(n.inclusion)}"
        if n.exclusion:
            html += f"<br/><span style='color:gray'>Exclude:</span> {_esc(n.exclusion)}"
        self.definition.setText(html)

    # -- placement -----------------------------------------------------------------------
    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        if self.avoid is not None:
            self.move(self._clear_of(self.avoid))
        self.search.setFocus()

    def _clear_of(self, avoid: QRect) -> QPoint:
        """A top-left for the palette that keeps ``avoid`` (the selected text) visible."""
        screen = QGuiApplication.screenAt(avoid.center()) or self.screen()
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        # the frame's size is known once shown; before that, allow for a title bar
        w = max(frame.width(), self.width())
        h = max(frame.height(), self.height() + 32)
        gap = 12

        def clamp(v: int, lo: int, hi: int) -> int:
            return max(lo, min(v, max(lo, hi)))

        x = clamp(avoid.left(), area.left(), area.right() - w)
        y = clamp(avoid.top(), area.top(), area.bottom() - h)
        candidates = [
            QPoint(x, avoid.bottom() + gap),            # below
            QPoint(x, avoid.top() - gap - h),            # above
            QPoint(avoid.right() + gap, y),              # right
            QPoint(avoid.left() - gap - w, y),           # left
        ]
        for p in candidates:
            if area.contains(QRect(p, QSize(w, h))):
                return p
        # nothing fits whole: take the side with the most room, clamped to the screen
        below, above = area.bottom() - avoid.bottom(), avoid.top() - area.top()
        p = candidates[0] if below >= above else candidates[1]
        return QPoint(p.x(), clamp(p.y(), area.top(), area.bottom() - h))

    # -- keys --------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        if obj is self.search and e.type() == QEvent.Type.KeyPress:
            assert isinstance(e, QKeyEvent)
            key = e.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self.list.setFocus()
                self.list.keyPressEvent(e)
                self.search.setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # the dialog has no default button: Enter in the search applies the code
                self.accept()
                return True
        return super().eventFilter(obj, e)

    def accept(self) -> None:
        cid = self.current_code()
        if cid is None:
            return
        super().accept()
        if cid == NEW_CODE:
            self.create_requested.emit(self.search.text().strip())
        else:
            self.chosen.emit(cid)


def choose_code(
    parent: QWidget,
    nodes: dict[int, CodeNode],
    on_chosen: Callable[[int], object],
    *,
    title: str,
    prompt: str,
    exclude: set[int] | None = None,
    recent: list[int] | None = None,
    on_create: Callable[[str], object] | None = None,
) -> QuickCodePalette:
    """Open the palette as a chooser; calls ``on_chosen`` with the id.

    With ``on_create``, a name that matches no code is offered as a new code and
    ``on_create`` gets the typed path; without it the palette only chooses.
    """
    dlg = QuickCodePalette(nodes, parent, title=title, prompt=prompt, exclude=exclude,
                           recent=recent, allow_create=on_create is not None)
    dlg.chosen.connect(on_chosen)
    if on_create is not None:
        dlg.create_requested.connect(on_create)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
