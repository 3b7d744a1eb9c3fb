"""Cases and documents: the tree, the selected item's attributes and the case's participants."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from crosscase.commands.cases import CreateCase, DeleteCase, EditCase, SetAttribute
from crosscase.commands.documents import DeleteDocument, MoveDocument, RenameDocument
from crosscase.services import attributes
from crosscase.services.cases import CaseEntry, DocumentEntry
from crosscase.ui import messages
from crosscase.ui.context import ProjectContext
from crosscase.ui.models.attributes_model import AttributeModel, ParticipantsModel
from crosscase.ui.models.cases_model import CasesModel

TYPE_LABELS = {"Text": "text", "Number": "number", "Date (YYYY-MM-DD)": "date", "Yes / no": "boolean"}


class _Tree(QTreeView):
    open_requested = Signal(QModelIndex)
    rename_requested = Signal(QModelIndex)
    delete_requested = Signal(QModelIndex)

    def keyPressEvent(self, e) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit(self.currentIndex())
            return
        if e.key() == Qt.Key.Key_F2 and self.currentIndex().isValid():
            self.rename_requested.emit(self.currentIndex())
            return
        if e.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.delete_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(e)


class _Title(QLabel):
    """A one-line title that gives way to the panel's width, shortened with an ellipsis
    (the whole text in its tooltip): a long document name never widens the panel."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle,
                                              max(0, self.width()))
        super().setText(shown)


def _table() -> QTableView:
    t = QTableView()
    t.verticalHeader().hide()
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    t.setAlternatingRowColors(True)
    t.setShowGrid(False)
    return t


class CasesPanel(QWidget):
    document_activated = Signal(int)
    import_requested = Signal(str)  # case name ("" for none)
    memo_requested = Signal(str, int)
    #: ("document" or "case", id, name): show the changes made to it
    history_requested = Signal(str, int, str)
    #: "case", "document" or "participant": open the classification sheet on them
    sheet_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context: ProjectContext | None = None
        self.model = CasesModel()
        self.tree = _Tree()
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.activated.connect(self._activated)
        self.tree.open_requested.connect(self._activated)
        self.tree.rename_requested.connect(self.rename)
        self.tree.delete_requested.connect(self.delete)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelAboutToBeReset.connect(self._remember)
        self.model.modelReset.connect(self._restore)

        self.new_case_action = QAction("+ Case", self)
        self.new_case_action.setToolTip("New case")
        self.new_case_action.triggered.connect(self.new_case)
        self.import_action = QAction("Import…", self)
        self.import_action.setToolTip("Import documents into the selected case (Ctrl+Shift+I)")
        self.import_action.triggered.connect(lambda: self.import_requested.emit(self.current_case_name()))
        bar = QHBoxLayout()
        bar.setSpacing(2)
        for act in (self.new_case_action, self.import_action):
            b = QToolButton()
            b.setDefaultAction(act)
            b.setAutoRaise(True)
            bar.addWidget(b)
        bar.addStretch(1)

        self.attr_model = AttributeModel()
        self.attr_view = _table()
        self.attr_view.setModel(self.attr_model)
        self.attr_title = _Title()
        self.attr_title.setEnabled(False)
        add_attr = QToolButton()
        add_attr.setText("+ Attribute…")
        add_attr.setAutoRaise(True)
        add_attr.clicked.connect(self.add_attribute)
        self.add_attr_button = add_attr
        attr_page = QWidget()
        al = QVBoxLayout(attr_page)
        al.setContentsMargins(0, 4, 0, 0)
        ah = QHBoxLayout()
        ah.addWidget(self.attr_title, 1)
        ah.addWidget(add_attr)
        ah.addWidget(self._sheet_button(
            lambda: self.sheet_requested.emit(self._selected[0] if self._selected else "case")))
        al.addLayout(ah)
        al.addWidget(self.attr_view)

        self.people_model = ParticipantsModel()
        self.people_view = _table()
        self.people_view.setModel(self.people_model)
        add_role = QToolButton()
        add_role.setText("+ Column…")
        add_role.setToolTip("Add a participant attribute, such as role")
        add_role.setAutoRaise(True)
        add_role.clicked.connect(self.add_participant_attribute)
        people_page = QWidget()
        pl = QVBoxLayout(people_page)
        pl.setContentsMargins(0, 4, 0, 0)
        ph = QHBoxLayout()
        self.people_title = _Title()
        self.people_title.setEnabled(False)
        ph.addWidget(self.people_title, 1)
        ph.addWidget(add_role)
        ph.addWidget(self._sheet_button(lambda: self.sheet_requested.emit("participant")))
        pl.addLayout(ph)
        pl.addWidget(self.people_view)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(attr_page, "Attributes")
        self.tabs.addTab(people_page, "Participants")

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(bar)
        tl.addWidget(self.tree, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 120])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(split)
        self._selected: tuple[str, int] | None = None

    def _sheet_button(self, slot: object) -> QToolButton:
        b = QToolButton()
        b.setText("Sheet")
        b.setToolTip("Every case, participant or document by its attributes, in one grid "
                     "(Ctrl+Shift+A)")
        b.setAutoRaise(True)
        b.clicked.connect(slot)  # type: ignore[arg-type]
        return b

    def set_context(self, context: ProjectContext | None) -> None:
        if self.context is not None:
            self.context.attributes_changed.disconnect(self._reload_tables)
            self.context.documents_changed.disconnect(self._reload_tables)
        self.context = context
        if context is not None:
            context.attributes_changed.connect(self._reload_tables)
            context.documents_changed.connect(self._reload_tables)
        self.model.set_context(context)
        self.tree.expandAll()
        self._current_changed(self.tree.currentIndex(), QModelIndex())

    # -- selection -----------------------------------------------------------------------
    def current_case_name(self) -> str:
        case = self.model.case_of(self.tree.currentIndex())
        return case.name if case else ""

    def select_document(self, document_id: int) -> None:
        idx = self.model.index_of_document(document_id)
        if idx.isValid():
            self.tree.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.tree.scrollTo(idx)

    def _activated(self, index: QModelIndex) -> None:
        if self.model.kind(index) == "document":
            entry = self.model.entry(index)
            assert entry is not None
            self.document_activated.emit(entry.id)
        elif index.isValid():
            self.tree.setExpanded(index, not self.tree.isExpanded(index))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        kind = self.model.kind(current)
        entry = self.model.entry(current)
        case = self.model.case_of(current)
        if kind is None or entry is None:
            self._selected = None
            self.attr_model.set_owner(self.context, None, None)
            self.people_model.set_case(self.context, None)
            self.attr_title.setText("Select a case or document")
            self.people_title.setText("")
            self.add_attr_button.setEnabled(False)
            return
        self._selected = (kind, entry.id)
        self.attr_model.set_owner(self.context, kind, entry.id)
        self.attr_title.setText(f"{'Case' if kind == 'case' else 'Document'}: {entry.name}")
        self.add_attr_button.setEnabled(True)
        self.people_model.set_case(self.context, case.id if case else None)
        self.people_title.setText(f"Speakers in {case.name}" if case else "")

    def _reload_tables(self) -> None:
        self.attr_model.reload()
        self.people_model.reload()

    def _remember(self) -> None:
        self._keep = self._selected

    def _restore(self) -> None:
        self.tree.expandAll()
        keep = getattr(self, "_keep", None)
        if keep is None:
            return
        kind, oid = keep
        idx = (self.model.index_of_document(oid) if kind == "document"
               else self.model.index_of_case(oid))
        if idx.isValid():
            self.tree.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )

    # -- operations ----------------------------------------------------------------------------
    def new_case(self) -> None:
        if self.context is None:
            return
        name = messages.ask_text(self, "New case", "Name of the new case:")
        if name:
            cmd = CreateCase(name)
            if self.context.push(cmd) and cmd.id is not None:
                idx = self.model.index_of_case(cmd.id)
                self.tree.setCurrentIndex(idx)

    def _ask_attribute(self, scope: str) -> tuple[str, str] | None:
        name = messages.ask_text(self, "New attribute", f"Name of the new {scope} attribute:")
        if not name:
            return None
        with self.context.project.session() as s:  # type: ignore[union-attr]
            known = {n: t for _, n, t in attributes.names(s, scope)}
        if name in known:
            return name, known[name]
        label = messages.ask_item(self, "New attribute", f"Type of '{name}':", list(TYPE_LABELS))
        return (name, TYPE_LABELS[label]) if label else None

    def add_attribute(self) -> None:
        if self.context is None or self._selected is None:
            return
        kind, oid = self._selected
        got = self._ask_attribute(kind)
        if got:
            self.context.push(SetAttribute(kind, oid, got[0], None, got[1]))

    def add_participant_attribute(self) -> None:
        if self.context is None or not self.people_model.people:
            messages.info(self, "Participants", "This case has no participants yet: speakers "
                          "are recognised when transcripts are imported.")
            return
        got = self._ask_attribute("participant")
        if got:
            first = self.people_model.people[0].id
            self.context.push(SetAttribute("participant", first, got[0], None, got[1]))

    # -- rename, move, delete ------------------------------------------------------------------
    def rename(self, index: QModelIndex) -> None:
        """Ask for a new name for the case or document at ``index`` (F2)."""
        entry = self.model.entry(index)
        if self.context is None or entry is None:
            return
        kind = self.model.kind(index)
        what = "case" if kind == "case" else "document"
        name = messages.ask_text(self, f"Rename {what}", f"New name for '{entry.name}':", entry.name)
        if not name or name == entry.name:
            return
        if isinstance(entry, CaseEntry):
            self.context.push(EditCase(entry.id, seen={"name": entry.name}, name=name))
        else:
            self.context.push(RenameDocument(entry.id, name, seen=entry.name))

    def move_document(self, document_id: int, case_id: int) -> None:
        if self.context is not None and self.context.push(MoveDocument(document_id, case_id)):
            self.select_document(document_id)

    def delete(self, index: QModelIndex) -> None:
        """Delete the case or document at ``index`` after saying what goes with it (Delete)."""
        entry = self.model.entry(index)
        if self.context is None or entry is None:
            return
        title, text = delete_question(entry)
        if not messages.confirm(self, title, text, "Delete"):
            return
        if isinstance(entry, CaseEntry):
            self.context.push(DeleteCase(entry.id))
        else:
            self.context.push(DeleteDocument(entry.id))

    def _context_menu(self, pos) -> None:
        idx = self.tree.indexAt(pos)
        menu = QMenu(self)
        kind = self.model.kind(idx)
        entry = self.model.entry(idx)
        if kind == "document" and isinstance(entry, DocumentEntry):
            menu.addAction("Open", lambda: self.document_activated.emit(entry.id))
            menu.addAction("Document memo…", lambda: self.memo_requested.emit("document", entry.id))
            menu.addSeparator()
            menu.addAction("History of this document",
                           lambda: self.history_requested.emit("document", entry.id, entry.name))
            menu.addAction("Rename document…", lambda: self.rename(idx))
            here = self.model.case_of(idx)
            move = menu.addMenu("Move to case")
            for other in self.model.cases:
                if here is not None and other.id != here.id:
                    move.addAction(other.name, partial(self.move_document, entry.id, other.id))
            move.setEnabled(not move.isEmpty())
            menu.addAction("Delete document…", lambda: self.delete(idx))
            menu.addSeparator()
        case = self.model.case_of(idx)
        if case is not None:
            case_idx = self.model.index_of_case(case.id)
            menu.addAction("Case memo…", lambda: self.memo_requested.emit("case", case.id))
            menu.addAction(f"Import into {case.name}…", lambda: self.import_requested.emit(case.name))
            if kind == "case":
                menu.addAction("History of this case",
                               lambda: self.history_requested.emit("case", case.id, case.name))
                menu.addAction("Rename case…", lambda: self.rename(case_idx))
                menu.addAction("Delete case…", lambda: self.delete(case_idx))
            menu.addSeparator()
        menu.addAction(self.new_case_action)
        self.menu = menu  # for tests and screenshots: the menu now open
        menu.exec(self.tree.viewport().mapToGlobal(pos))


def _n(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def delete_question(entry: CaseEntry | DocumentEntry) -> tuple[str, str]:
    """The confirmation's title and text: what a delete removes, with the number of codings."""
    undo = "Edit ▸ Undo (Ctrl+Z) brings it all back."
    if isinstance(entry, DocumentEntry):
        return "Delete document", (
            f"Delete the document '{entry.name}'?\n\n"
            f"This removes {_n(entry.codings, 'coding')} made in it, with its memo, attributes "
            f"and any of its quotes pinned in the matrix.\n\n{undo}"
        )
    codings = sum(d.codings for d in entry.documents)
    return "Delete case", (
        f"Delete the case '{entry.name}'?\n\n"
        f"This removes its {_n(len(entry.documents), 'document')} with "
        f"{_n(codings, 'coding')}, its {_n(entry.participants, 'participant')}, its attributes "
        f"and its column of the framework matrix.\n\n{undo}"
    )
