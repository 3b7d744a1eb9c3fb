"""The coding query builder: pick codes, operators and filters, see the expression
they make (and edit it), run it off the GUI thread, read the results grouped by
case with their context, and keep a result as a new code or the query by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crosscase.analysis import query
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import CrosscaseError
from crosscase.services import attributes, cases
from crosscase.ui.context import ProjectContext
from crosscase.ui.workers import Task, run_task

#: characters of context shown either side of a result
CONTEXT = 80
#: the operators offered, and the text each adds
OPERATOR_CHOICES = [
    ("AND: the overlap", "AND"), ("OR: either", "OR"), ("NOT: the first without the second", "NOT"),
    ("NEAR/N words", "NEAR"), ("SAME paragraph", "SAME paragraph"), ("SAME turn", "SAME turn"),
    ("SAME document", "SAME document"), ("FOLLOWED BY", "FOLLOWED BY"),
]
_PLAIN_NAME = re.compile(r"[^\W\d]\w*")


def attribute_term(scope: str, name: str, *, shared: bool) -> str:
    """An attribute as WHERE writes it: bare when it is one word, else in quotes;
    with its scope (``participant:role``) when another kind has the same name."""
    word = name if _PLAIN_NAME.fullmatch(name) and name.upper() not in (
        *query.OPERATORS, "FOLLOWED", "IN", "WHERE", "BY") else query.quote(name)
    return f"{scope}:{word}" if shared else word


@dataclass
class Found:
    """A result, with the text either side of it, for the tree."""

    document_id: int
    case: str
    start: int
    end: int
    text: str
    before: str
    after: str
    citation: str


def _run(project: Any, expr: str) -> tuple[str, list[Found]] | query.QueryError:
    """Worker: the query's results with context, or the mistake (plain values only)."""
    from sqlalchemy import select

    from crosscase.db.models import Document

    try:
        with project.session() as s:
            from crosscase.services import rounds

            query.check(s, expr)
            # a coder of an open reliability round reads only their own codings there
            result = query.run(s, expr, blind=rounds.blind_for(s, project.coder_name))
            docs = sorted({g.document_id for g in result.segments})
            texts = dict(s.execute(select(Document.id, Document.text)
                                   .where(Document.id.in_(docs))).all()) if docs else {}
    except query.QueryError as exc:
        return exc
    out = []
    for g in result.segments:
        body = texts.get(g.document_id) or ""
        out.append(Found(g.document_id, g.case, g.start, g.end, g.text,
                         body[max(0, g.start - CONTEXT):g.start], body[g.end:g.end + CONTEXT],
                         g.citation()))
    return expr, out


class QueryView(QWidget):
    #: go to a result: document, start, end (code points)
    jump_requested = Signal(int, int, int)
    #: a run finished (for tests and the status bar): number of results
    finished = Signal(int)

    def __init__(self, context: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.results: list[Found] = []
        self.ran: str = ""
        self._task: Task | None = None

        self.code_box = QComboBox()
        self.code_box.setObjectName("query-code")
        self.code_box.setToolTip("A code to add to the query")
        self.op_box = QComboBox()
        self.op_box.setObjectName("query-operator")
        for label, op in OPERATOR_CHOICES:
            self.op_box.addItem(label, op)
        self.near = QSpinBox()
        self.near.setRange(0, 10_000)
        self.near.setValue(10)
        self.near.setPrefix("N = ")
        self.near.setToolTip("Words for NEAR/N")
        self.add_code = QPushButton("&Add code")
        self.add_code.clicked.connect(self._add_code)
        self.case_box = QComboBox()
        self.case_box.setObjectName("query-case")
        self.add_case = QPushButton("Only this &case")
        self.add_case.clicked.connect(self._add_case)
        self.sub_codes = QCheckBox("with sub-codes")
        self.sub_codes.setObjectName("query-sub-codes")
        self.sub_codes.setToolTip('The code and all its sub-codes: "CODE"/*')
        self.sub_cases = QCheckBox("with sub-cases")
        self.sub_cases.setObjectName("query-sub-cases")
        self.sub_cases.setToolTip('The case and all its sub-cases: IN case:"NAME"/*')
        self.attr_box = QComboBox()
        self.attr_box.setObjectName("query-attribute")
        self.attr_box.setToolTip("A case, document or participant attribute to filter on")
        self.attr_op = QComboBox()
        self.attr_op.setObjectName("query-attribute-op")
        self.attr_op.addItem("=", "=")
        self.attr_op.addItem("\u2260", "!=")
        self.attr_value = QLineEdit()
        self.attr_value.setObjectName("query-attribute-value")
        self.attr_value.setPlaceholderText("value, e.g. manager")
        self.attr_value.returnPressed.connect(self._add_where)
        self.add_where = QPushButton("&Where")
        self.add_where.setToolTip("Keep what the query finds where the attribute has this value")
        self.add_where.clicked.connect(self._add_where)
        self.coder_box = QComboBox()
        self.coder_box.setObjectName("query-coder")
        self.coder_box.setToolTip("Read only this coder's codings")
        self.add_coder = QPushButton("&By coder")
        self.add_coder.clicked.connect(self._add_coder)
        self.expression = QLineEdit()
        self.expression.setObjectName("query-expression")
        self.expression.setPlaceholderText('"Hybridity/Trading income" AND "Tensions"  '
                                           '(type, or build it with the buttons)')
        self.expression.returnPressed.connect(self.run)
        self.run_button = QPushButton("&Run")
        self.run_button.clicked.connect(self.run)
        self.error = QLabel()
        self.error.setObjectName("query-error")
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.error.setFont(mono)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.summary = QLabel("Build a query, then Run (Enter).")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Result", "Where"])
        # the result takes the width, its citation what it needs
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(self._activated)
        self.name = QLineEdit()
        self.name.setObjectName("query-name")
        self.name.setPlaceholderText("name for a new code or a saved query")
        self.save_code = QPushButton("Save as c&ode")
        self.save_code.setToolTip("Code every result with a new code (one undoable step)")
        self.save_code.clicked.connect(self.save_as_code)
        self.save_query = QPushButton("Sa&ve query")
        self.save_query.clicked.connect(self.save_named)
        self.saved_box = QComboBox()
        self.saved_box.setObjectName("query-saved")
        self.saved_box.setToolTip("Saved queries: choose one to load it")
        self.saved_box.activated.connect(self._load_saved)

        build = QHBoxLayout()
        for w in (QLabel("Code"), self.code_box, self.sub_codes, self.op_box, self.near,
                  self.add_code, self.case_box, self.sub_cases, self.add_case):
            build.addWidget(w)
        build.setStretch(1, 3)
        filters = QHBoxLayout()
        for f in (QLabel("Attribute"), self.attr_box, self.attr_op, self.attr_value,
                  self.add_where, QLabel("Coder"), self.coder_box, self.add_coder):
            filters.addWidget(f)
        filters.setStretch(1, 2)
        filters.setStretch(3, 2)
        filters.setStretch(6, 1)
        line = QHBoxLayout()
        line.addWidget(self.expression, 1)
        line.addWidget(self.run_button)
        keep = QHBoxLayout()
        for kept in (self.name, self.save_code, self.save_query, QLabel("Saved"), self.saved_box):
            keep.addWidget(kept)
        keep.setStretch(0, 2)
        keep.setStretch(4, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(build)
        layout.addLayout(filters)
        layout.addLayout(line)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(keep)
        self.refresh_choices()
        context.change_applied.connect(self._on_change)

    # -- choices -------------------------------------------------------------
    def refresh_choices(self) -> None:
        current = self.code_box.currentData()
        self.code_box.clear()
        for node in self.context.nodes.values():
            self.code_box.addItem(node.path, node.path)
        if current is not None and self.code_box.findData(current) >= 0:
            self.code_box.setCurrentIndex(self.code_box.findData(current))
        with self.context.project.session() as s:
            names = [name for _, name in cases.case_names(s)]
            saved = query.saved(s)
            attrs = attributes.names(s)
        counted: dict[str, int] = {}
        for _, attr, _ in attrs:
            counted[attr.casefold()] = counted.get(attr.casefold(), 0) + 1
        current_attr = self.attr_box.currentData()
        self.attr_box.clear()
        for scope, attr, _ in attrs:
            term = attribute_term(scope, attr, shared=counted[attr.casefold()] > 1)
            self.attr_box.addItem(f"{attr} ({scope})", term)
        if current_attr is not None and self.attr_box.findData(current_attr) >= 0:
            self.attr_box.setCurrentIndex(self.attr_box.findData(current_attr))
        self.case_box.clear()
        for name in names:
            self.case_box.addItem(name, name)
        self.saved_box.clear()
        self.saved_box.addItem("(choose)", None)
        for name, expr in saved:
            self.saved_box.addItem(name, expr)
        self.refresh_coders()

    def refresh_coders(self) -> None:
        """The coders' names (a coder appears with their first coding)."""
        from sqlalchemy import select

        from crosscase.db.models import Coder

        with self.context.project.session() as s:
            who = sorted((str(n) for n in s.scalars(select(Coder.name))), key=str.casefold)
        current = self.coder_box.currentData()
        if [self.coder_box.itemData(i) for i in range(self.coder_box.count())] == who:
            return
        self.coder_box.clear()
        for name in who:
            self.coder_box.addItem(name, name)
        if current is not None and self.coder_box.findData(current) >= 0:
            self.coder_box.setCurrentIndex(self.coder_box.findData(current))

    def _on_change(self, change: Change) -> None:
        if change.touches(Kind.CODES, Kind.CASES, Kind.PROJECT, Kind.ATTRIBUTES):
            self.refresh_choices()
        elif change.touches(Kind.CODINGS):
            self.refresh_coders()

    # -- building --------------------------------------------------------------
    def _append(self, piece: str, *, operator: bool) -> None:
        text = self.expression.text().rstrip()
        if text and operator:
            op = str(self.op_box.currentData())
            if op == "NEAR":
                op = f"NEAR/{self.near.value()}"
            text = f"{text} {op} {piece}"
        elif text:
            text = f"{text} {piece}"
        else:
            text = piece
        self.expression.setText(text)

    def _add_code(self) -> None:
        path = self.code_box.currentData()
        if path:
            tree = "/*" if self.sub_codes.isChecked() else ""
            self._append(query.quote(str(path)) + tree, operator=True)

    def _filter(self, suffix: str) -> None:
        """Apply a filter to the whole expression so far: ``(EXPR) suffix``."""
        text = self.expression.text().strip()
        if text:
            self.expression.setText(f"({text}) {suffix}")

    def _add_case(self) -> None:
        name = self.case_box.currentData()
        if name:
            tree = "/*" if self.sub_cases.isChecked() else ""
            self._filter(f"IN case:{query.quote(str(name))}{tree}")

    def _add_where(self) -> None:
        term = self.attr_box.currentData()
        value = self.attr_value.text().strip()
        if term and value:
            self._filter(f"WHERE {term} {self.attr_op.currentData()} {query.quote(value)}")

    def _add_coder(self) -> None:
        name = self.coder_box.currentData()
        if name:
            self._filter(f"BY coder:{query.quote(str(name))}")

    def _load_saved(self, index: int) -> None:
        expr = self.saved_box.itemData(index)
        if expr:
            self.expression.setText(str(expr))
            self.name.setText(self.saved_box.itemText(index))

    # -- running ------------------------------------------------------------------
    def run(self) -> None:
        expr = self.expression.text().strip()
        self.error.hide()
        if not expr:
            self._show_error(query.QueryError("the query is empty: add a code", "", 0))
            return
        self.summary.setText("Running…")
        self.run_button.setEnabled(False)
        project = self.context.project
        self._task = run_task(lambda: _run(project, expr), self._done, self._failed)

    def _done(self, outcome: tuple[str, list[Found]] | query.QueryError) -> None:
        self.run_button.setEnabled(True)
        if isinstance(outcome, query.QueryError):
            self._show_error(outcome)
            self.finished.emit(-1)
            return
        self.ran, self.results = outcome
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for k, f in enumerate(self.results):
            top = groups.get(f.case)
            if top is None:
                top = QTreeWidgetItem([f.case, ""])
                groups[f.case] = top
                self.tree.addTopLevelItem(top)
            text = " ".join(f"…{f.before}[{f.text}]{f.after}…".split())
            item = QTreeWidgetItem([text, f.citation])
            item.setData(0, Qt.ItemDataRole.UserRole, k)
            item.setToolTip(0, f.text)
            top.addChild(item)
        for top in groups.values():
            top.setText(1, f"{top.childCount()} results")
            top.setExpanded(True)
        docs = len({f.document_id for f in self.results})
        self.summary.setText(f"{len(self.results)} results in {docs} documents, "
                             f"{len(groups)} cases: {self.ran}")
        self.finished.emit(len(self.results))

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        self.summary.setText(message)
        self.finished.emit(-1)

    def _show_error(self, exc: query.QueryError) -> None:
        self.error.setText(f"{exc.message}\n{exc.pointer()}")
        self.error.show()
        self.summary.setText("The query has a mistake.")
        if exc.expression:
            self.expression.setFocus()
            self.expression.setCursorPosition(exc.position)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        k = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(k, int) and 0 <= k < len(self.results):
            f = self.results[k]
            self.jump_requested.emit(f.document_id, f.start, f.end)

    # -- keeping -------------------------------------------------------------------
    def save_as_code(self) -> bool:
        from crosscase.commands.queries import save_as_code

        name = self.name.text().strip()
        if not self.ran or not name:
            self.summary.setText("Run a query and give the new code a name first.")
            return False
        spans = [(f.document_id, f.start, f.end) for f in self.results]
        try:
            with self.context.project.session() as s:
                command = save_as_code(s, name, spans, query=self.ran)
        except CrosscaseError as exc:
            self.summary.setText(exc.message)
            return False
        ok = self.context.push(command)
        if ok:
            self.summary.setText(f"Coded {len(spans)} results as '{name}'.")
        return ok

    def save_named(self) -> bool:
        from crosscase.commands.queries import SaveQuery

        name = self.name.text().strip()
        expr = self.expression.text().strip()
        if not name or not expr:
            self.summary.setText("Give the query a name to save it under.")
            return False
        try:
            with self.context.project.session() as s:
                query.check(s, expr)
        except query.QueryError as exc:
            self._show_error(exc)
            return False
        ok = self.context.push(SaveQuery(name, expr))
        if ok:
            self.summary.setText(f"Saved the query as '{name}'.")
        return ok
