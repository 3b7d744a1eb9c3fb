"""Search the project, read the hits in context, and autocode the chosen hits to a code."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.base import Command
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.services import cases, codebook, search
from crosscase.services.coding import CodingSpec
from crosscase.services.search import Hit
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.workers import Task, run_task

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
HtmlRole = Qt.ItemDataRole.UserRole + 10


def _one_line(text: str) -> str:
    return " ".join(text.split())


class HitsModel(QAbstractTableModel):
    COLUMNS = ("", "Case", "Document", "Passage")

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Hit] = []
        self.checked: list[bool] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.checked = [True] * len(hits)
        self.endResetModel()

    def set_all(self, value: bool) -> None:
        self.checked = [value] * len(self.hits)
        if self.hits:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.hits) - 1, 0))

    def chosen(self) -> list[Hit]:
        return [h for h, c in zip(self.hits, self.checked, strict=True) if c]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        h = self.hits[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if self.checked[index.row()] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 1:
                return h.case
            if col == 2:
                return h.document
            if col == 3:
                return _one_line(f"…{h.before[-28:]}{h.text}{h.after}…")
        if role == HtmlRole and col == 3:
            before = html.escape(_one_line(h.before)[-28:])
            after = html.escape(_one_line(h.after)[:90])
            return f"…{before}<b><u>{html.escape(_one_line(h.text))}</u></b>{after}…"
        if role == Qt.ItemDataRole.ToolTipRole and col == 3:
            return html.escape(h.text[:600])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            self.checked[index.row()] = Qt.CheckState(value) == Qt.CheckState.Checked
            self.dataChanged.emit(index, index)
            return True
        return False


class HtmlDelegate(QStyledItemDelegate):
    """Paints a cell's ``HtmlRole`` text on one line (the hit in bold)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        markup = index.data(HtmlRole)
        if not markup:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(2)
        doc.setHtml(markup)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        ctx.palette.setColor(
            QPalette.ColorRole.Text,
            opt.palette.color(QPalette.ColorRole.HighlightedText if selected
                              else QPalette.ColorRole.Text),
        )
        painter.save()
        rect = opt.rect.adjusted(4, 0, -4, 0)
        painter.setClipRect(rect)
        painter.translate(rect.left(), rect.top() + (rect.height() - doc.size().height()) / 2)
        ctx.clip = QRectF(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        s = super().sizeHint(option, index)
        return QSize(s.width(), max(s.height(), option.fontMetrics.height() + 8))


class SearchView(QWidget):
    jump_requested = Signal(int, int, int)
    #: ask the window to choose a code for autocoding; it calls :meth:`autocode`
    choose_code_requested = Signal()

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._task: Task | None = None
        self.model = HitsModel()

        self.pattern = QLineEdit()
        self.pattern.setPlaceholderText("Search the project: words, a phrase, or a regular expression")
        self.pattern.setClearButtonEnabled(True)
        self.pattern.returnPressed.connect(self.run)
        self.regex = QCheckBox("Regular expression")
        self.scope = QComboBox()
        for s in search.SCOPES:
            self.scope.addItem({"match": "Just the words", "sentence": "Whole sentence",
                                "paragraph": "Whole paragraph", "turn": "Whole speaker turn"}[s], s)
        self.scope.setToolTip("How much text each hit covers when it is coded")
        self.case_box = QComboBox()
        self.go = QPushButton("Search")
        self.go.clicked.connect(self.run)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setItemDelegateForColumn(3, HtmlDelegate(self.table))
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._jump)
        self.table.activated.connect(self._jump)
        self.table.selectionModel().currentRowChanged.connect(self._preview)
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)

        self.status = QLabel()
        self.status.setEnabled(False)
        all_btn = QPushButton("Check all")
        all_btn.clicked.connect(lambda: self.model.set_all(True))
        none_btn = QPushButton("Check none")
        none_btn.clicked.connect(lambda: self.model.set_all(False))
        self.autocode_button = QPushButton("Code checked hits to…")
        self.autocode_button.setToolTip("Apply a code to every checked hit (one undoable step)")
        self.autocode_button.clicked.connect(self.choose_code_requested)

        row1 = QHBoxLayout()
        row1.addWidget(self.pattern, 1)
        row1.addWidget(self.go)
        row2 = QHBoxLayout()
        row2.addWidget(self.regex)
        row2.addWidget(QLabel("Code as:"))
        row2.addWidget(self.scope)
        row2.addWidget(QLabel("In:"))
        row2.addWidget(self.case_box)
        row2.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(all_btn)
        bottom.addWidget(none_btn)
        bottom.addWidget(self.autocode_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        context.cases_changed.connect(self._fill_cases)
        context.documents_changed.connect(self._fill_cases)
        self._fill_cases()
        self._update()

    def _fill_cases(self) -> None:
        current = self.case_box.currentData()
        self.case_box.clear()
        self.case_box.addItem("All cases", None)
        with self.context.project.session() as s:
            for cid, name in cases.case_names(s):
                self.case_box.addItem(name, cid)
        self.case_box.setCurrentIndex(max(0, self.case_box.findData(current)))

    def _update(self) -> None:
        self.autocode_button.setEnabled(bool(self.model.hits))

    # -- searching (off the GUI thread) -------------------------------------------------
    @property
    def searching(self) -> bool:
        """A search is running (off the GUI thread)."""
        return self._task is not None

    def run(self) -> None:
        text = self.pattern.text()
        if not text.strip() or self._task is not None:
            return
        project = self.context.project
        regex, scope, case = self.regex.isChecked(), self.scope.currentData(), self.case_box.currentData()

        def work() -> list[Hit]:
            pattern = search.compile_pattern(text, regex=regex)
            with project.session() as s:
                return search.search(s, pattern, scope=scope,
                                     case_ids=[case] if case else None, context=120)

        self.status.setText("Searching…")
        self.go.setEnabled(False)
        self._task = run_task(work, self._found, self._failed)

    def _found(self, hits: list[Hit]) -> None:
        self._task = None
        self.go.setEnabled(True)
        self.model.set_hits(hits)
        docs = len({h.document_id for h in hits})
        self.status.setText(
            f"{len(hits)} hit{'s' * (len(hits) != 1)} in {docs} document{'s' * (docs != 1)}"
            if hits else "No hits."
        )
        if hits:
            self.table.selectRow(0)
        else:
            self.preview.clear()
        self._update()

    def _failed(self, message: str) -> None:
        self._task = None
        self.go.setEnabled(True)
        self.status.setText(message)
        self._update()

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Block until the running search is done (tests and scripts)."""
        from crosscase.ui.workers import wait_for_tasks

        ok = wait_for_tasks(timeout_ms / 1000)
        QApplication.processEvents()
        return ok

    # -- reading -------------------------------------------------------------------------------
    def _preview(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.preview.clear()
            return
        h = self.model.hits[current.row()]
        text = (f"<p style='color:gray'>{html.escape(h.case)} · {html.escape(h.document)}</p>"
                f"<p>…{html.escape(h.before)}<b style='background-color:#f6d55c; color:#000'>"
                f"{html.escape(h.text)}</b>{html.escape(h.after)}…</p>")
        self.preview.setHtml(text.replace("\n", "<br/>"))

    def _jump(self, index: QModelIndex) -> None:
        if index.isValid():
            h = self.model.hits[index.row()]
            self.jump_requested.emit(h.document_id, h.start, h.end)

    # -- autocoding ------------------------------------------------------------------------------
    def autocode(self, code_id: int) -> int:
        """Code every checked hit with ``code_id``; returns the number of new codings."""
        hits = self.model.chosen()
        if not hits:
            self.status.setText("Check the hits to code first.")
            return 0
        node = self.context.nodes.get(code_id)
        cmd = ApplyCodings(
            [CodingSpec(h.document_id, code_id, h.start, h.end) for h in hits],
            label=f"Autocode {len(hits)} hits to '{node.name if node else code_id}'",
        )
        if not self.context.push(cmd):
            return 0
        self.context.code_used(code_id)
        done = len(cmd.ids)
        msg = f"Coded {done} hit{'s' * (done != 1)} to {node.path if node else code_id}."
        if cmd.skipped:
            msg += f" {cmd.skipped} already had that code."
        self.status.setText(msg)
        messages.status(self, msg)
        return done

    def autocode_new(self, path: str) -> int:
        """Create the code at ``path`` (``Parent/Child``) and code every checked hit with it.

        One undo step removes both the codings and the new code.
        """
        hits = self.model.chosen()
        if not hits:
            self.status.setText("Check the hits to code first.")
            return 0
        parent_path, _, name = path.strip().strip("/").rpartition("/")
        parent_id = None
        if parent_path:
            try:
                with self.context.project.session() as s:
                    parent_id = codebook.resolve(s, parent_path, self.context.nodes)
            except Exception as exc:  # noqa: BLE001
                messages.error(self, "New code", messages.describe(exc))
                return 0

        def apply(done: list[Command]) -> Command:
            created = done[0]
            assert isinstance(created, CreateCode) and created.id is not None
            return ApplyCodings([CodingSpec(h.document_id, created.id, h.start, h.end)
                                 for h in hits])

        commands = self.context.push_sequence(
            f"Autocode {len(hits)} hits to new code '{name}'",
            [lambda _done: CreateCode(name, parent_id), apply],
        )
        if not commands:
            return 0
        created, applied = commands[0], commands[-1]
        assert isinstance(created, CreateCode) and isinstance(applied, ApplyCodings)
        if created.id is not None:
            self.context.code_used(created.id)
        done = len(applied.ids)
        msg = f"Created {name} and coded {done} hit{'s' * (done != 1)} to it."
        self.status.setText(msg)
        messages.status(self, msg)
        return done
