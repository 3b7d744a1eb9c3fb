"""The selected code's definition, inclusion and exclusion criteria, example and memo.

Each field is committed (as one undoable ``EditCode``) when the researcher
leaves it; there is nothing to save.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.codebook import EditCode
from crosscase.domain.changes import Change, Kind
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext

FIELDS = (
    ("definition", "Definition", "What this code means, in a sentence or two"),
    ("inclusion", "Include", "When to use it"),
    ("exclusion", "Exclude", "When not to use it (and what to use instead)"),
    ("example", "Example", "A typical passage"),
)


class _Field(QPlainTextEdit):
    """A criterion's text box, as tall as its text (two to :attr:`MAX_LINES` lines).

    A definition is read far more often than it is written: the whole of it
    shows without scrolling, and a short one takes no more room than it needs.
    """

    MIN_LINES = 2
    MAX_LINES = 16

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        fm = self.fontMetrics()
        margin = int(self.document().documentMargin())
        width = self.viewport().width() - 2 * margin
        if width < 40:
            width = max(40, self.width() - 2 * margin - 2 * self.frameWidth() - 4)
        text = self.toPlainText() or self.placeholderText()
        used = fm.boundingRect(QRect(0, 0, width, 1 << 20),
                               int(Qt.TextFlag.TextWordWrap), text).height()
        lines = max(self.MIN_LINES, min(self.MAX_LINES, -(-used // fm.lineSpacing())))
        height = lines * fm.lineSpacing() + 2 * margin + 2 * self.frameWidth() + 2
        if self.minimumHeight() != height or self.maximumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._fit()


class CodeDetails(QWidget):
    memo_requested = Signal(str, int)
    segments_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context: ProjectContext | None = None
        self.code_id: int | None = None
        #: each field's text as last shown: what an edit of it is written over
        self.seen: dict[str, str] = {}

        self.swatch = QToolButton()
        self.swatch.setToolTip("Change the colour")
        self.swatch.setFixedSize(22, 22)
        self.swatch.clicked.connect(self._recolour)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Code name")
        f = QFont(self.name.font())
        f.setBold(True)
        self.name.setFont(f)
        self.name.editingFinished.connect(self._save_name)
        self.path = QLabel()
        self.path.setEnabled(False)
        self.path.setWordWrap(True)
        self.count = QLabel()
        self.count.setEnabled(False)

        self.fields: dict[str, _Field] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, hint in FIELDS:
            w = _Field(hint)
            w.installEventFilter(self)
            self.fields[key] = w
            form.addRow(label, w)

        self.memo_preview = QLabel()
        self.memo_preview.setWordWrap(True)
        self.memo_preview.setTextFormat(Qt.TextFormat.PlainText)
        memo_button = QPushButton("Code memo…")
        memo_button.clicked.connect(self._memo)
        segments_button = QPushButton("Coded segments")
        segments_button.clicked.connect(self._segments)

        top = QHBoxLayout()
        top.addWidget(self.swatch)
        top.addWidget(self.name, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(segments_button)
        buttons.addWidget(memo_button)
        buttons.addStretch(1)

        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addLayout(top)
        lay.addWidget(self.path)
        lay.addWidget(self.count)
        lay.addLayout(form)
        lay.addWidget(self.memo_preview)
        lay.addLayout(buttons)
        lay.addStretch(1)
        self.empty = QLabel("Select a code in the codebook to see and edit its definition.")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        lay.addWidget(self.empty)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._editors = [self.swatch, self.name, *self.fields.values(), memo_button,
                         segments_button]
        self.show_code(None)

    def set_context(self, context: ProjectContext | None) -> None:
        if self.context is not None:
            self.context.change_applied.disconnect(self.apply_change)
        self.context = context
        if context is not None:
            context.change_applied.connect(self.apply_change)
        self.show_code(None)

    def apply_change(self, change: Change) -> None:
        """Refresh when the code shown was edited, removed, or its coding count moved."""
        if self.code_id is None:
            return
        edited = change.ids(Kind.CODES)
        if (edited is None or self.code_id in edited or self.code_id in change.codes
                or change.ids(Kind.CODINGS) is None):
            self.refresh()

    def show_code(self, code_id: int | None) -> None:
        if code_id is not None and code_id < 0:
            code_id = None
        if code_id != self.code_id:
            self._commit_later()
        self.code_id = code_id
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        node = None
        if self.context is not None and self.code_id is not None:
            node = self.context.nodes.get(self.code_id)
        for w in self._editors:
            w.setVisible(node is not None)
        self.path.setVisible(node is not None)
        self.count.setVisible(node is not None)
        self.memo_preview.setVisible(bool(node and node.memo))
        self.empty.setVisible(node is None)
        if node is None:
            self.code_id = None
            return
        self.swatch.setStyleSheet(
            f"QToolButton {{ background: {node.color}; border: 1px solid "
            f"{QColor(node.color).darker(140).name()}; border-radius: 4px; }}"
        )
        if force or not self.name.hasFocus():
            self.name.setText(node.name)
            self.seen["name"] = node.name
        self.path.setText(node.path.replace("/", " › ") if node.parent else "Top-level code")
        for key, w in self.fields.items():
            if force or not w.hasFocus():
                value = getattr(node, key)
                self.seen[key] = value
                if w.toPlainText() != value:
                    w.setPlainText(value)  # also clears the modified flag
        self.memo_preview.setText(f"Memo: {node.memo}" if node.memo else "")
        assert self.context is not None
        from crosscase.services import codebook, rounds

        with self.context.project.session() as s:
            blind = rounds.blind_for(s, self.context.project.coder_name)
            n = codebook.counts(s, blind).get(node.id, 0)
        self.count.setText(f"{n} coding{'s' * (n != 1)}")

    # -- committing edits ----------------------------------------------------------
    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        if e.type() == QEvent.Type.FocusOut:
            for key, w in self.fields.items():
                if w is obj:
                    self._commit(key)
        return super().eventFilter(obj, e)

    def _commit(self, key: str) -> None:
        if self.context is None or self.code_id is None:
            return
        node = self.context.nodes.get(self.code_id)
        if node is None:
            return
        field = self.fields[key]
        if not field.document().isModified():
            return  # only what the researcher typed is committed
        field.document().setModified(False)
        value = field.toPlainText().strip()
        seen = self.seen.get(key, getattr(node, key))
        if value != seen:
            if self.context.push(EditCode(self.code_id, seen={key: seen}, **{key: value})):
                self.seen[key] = value

    def _commit_later(self) -> None:
        """Commit what was typed for the code being left, once the selection change is over.

        This runs inside the tree's selection change: rebuilding the codebook
        model right there would pull the current index from under the view.
        """
        if self.context is None or self.code_id is None:
            return
        changes = {}
        for key, field in self.fields.items():
            if field.document().isModified():
                field.document().setModified(False)
                changes[key] = field.toPlainText().strip()
        node = self.context.nodes.get(self.code_id)
        if node is None:
            return
        seen = {k: self.seen.get(k, getattr(node, k)) for k in changes}
        changes = {k: v for k, v in changes.items() if v != seen[k]}
        if changes:
            context, code_id = self.context, self.code_id
            seen = {k: seen[k] for k in changes}
            QTimer.singleShot(0, lambda: context.push(EditCode(code_id, seen=seen, **changes)))

    def _save_name(self) -> None:
        if self.context is None or self.code_id is None:
            return
        node = self.context.nodes.get(self.code_id)
        name = self.name.text().strip()
        seen = self.seen.get("name", node.name if node is not None else "")
        if node is None or not name or name == seen:
            return
        if self.context.push(EditCode(self.code_id, seen={"name": seen}, name=name)):
            self.seen["name"] = name
        else:
            self.name.setText(seen)

    def _recolour(self) -> None:
        if self.context is None or self.code_id is None:
            return
        node = self.context.nodes[self.code_id]
        colour = messages.ask_color(self, node.color, f"Colour of '{node.name}'")
        if colour and colour != node.color:
            self.context.push(EditCode(self.code_id, seen={"color": node.color}, color=colour))

    def _memo(self) -> None:
        if self.code_id is not None:
            self.memo_requested.emit("code", self.code_id)

    def _segments(self) -> None:
        if self.code_id is not None:
            self.segments_requested.emit(self.code_id)
