"""Cases and their documents as a two-level tree (thin adapter over ``cases.case_tree``).

The tree follows each command's :class:`~crosscase.domain.changes.Change`: it
resets only when cases or documents were added, removed or reordered; a case
or document edited in place (renamed, given a memo) and the coding counts of
the documents a change names are updated in their rows, keeping the
selection and what is expanded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from crosscase.domain.changes import Change, Kind
from crosscase.services import cases
from crosscase.services.cases import CaseEntry, DocumentEntry
from crosscase.ui.context import ProjectContext

KindRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class CasesModel(QAbstractItemModel):
    COLUMNS = ("Name", "Codings")

    def __init__(self, context: ProjectContext | None = None) -> None:
        super().__init__()
        self.context: ProjectContext | None = None
        self.cases: list[CaseEntry] = []
        self.open_document: int | None = None
        if context is not None:
            self.set_context(context)

    def set_context(self, context: ProjectContext | None) -> None:
        if self.context is not None:
            self.context.change_applied.disconnect(self.apply_change)
        self.context = context
        if context is not None:
            context.change_applied.connect(self.apply_change)
        self.reload()

    def apply_change(self, change: Change) -> None:
        """Follow one command: reset for a new shape, else update the rows it names."""
        if self.context is None:
            return
        if change.reshapes(Kind.CASES) or change.reshapes(Kind.DOCUMENTS):
            self.reload()
            return
        docs: set[int] = set(change.ids(Kind.DOCUMENTS) or ())
        case_ids: set[int] = set(change.ids(Kind.CASES) or ())
        every = False
        if change.touches(Kind.CODINGS):
            if change.ids(Kind.CODINGS) is None:
                every = True
            docs |= change.documents
        if change.touches(Kind.PARTICIPANTS):  # a case's tooltip counts its participants
            every = every or change.ids(Kind.PARTICIPANTS) is None
            if not every:
                case_ids |= {c.id for c in self.cases}
        if every:
            self.refresh_rows(None, {c.id for c in self.cases})
        elif docs or case_ids:
            self.refresh_rows(docs, case_ids)

    def reload(self) -> None:
        self.beginResetModel()
        if self.context is None:
            self.cases = []
        else:
            with self.context.project.session() as s:
                self.cases = cases.case_tree(s)
        self.endResetModel()

    def reload_counts(self) -> None:
        """Coding counts may have moved anywhere: update every row in place."""
        self.refresh_rows(None, {c.id for c in self.cases})

    def refresh_rows(self, document_ids: set[int] | None, case_ids: set[int]) -> None:
        """Read the tree again and update the rows of ``document_ids`` (None: every
        document) and ``case_ids`` in place; a case row also follows its documents'
        counts. Resets instead if the tree's shape is not what the model holds."""
        if self.context is None:
            return
        with self.context.project.session() as s:
            fresh = cases.case_tree(s)
        shape = [(c.id, [d.id for d in c.documents]) for c in self.cases]
        if shape != [(c.id, [d.id for d in c.documents]) for c in fresh]:
            self.reload()
            return
        for ci, (old, new) in enumerate(zip(self.cases, fresh, strict=True)):
            changed = False
            fields = (new.name, new.memo, new.participants, new.parent_id)
            if old.id in case_ids and (old.name, old.memo, old.participants, old.parent_id) != fields:
                old.name, old.memo, old.participants, old.parent_id = fields
                changed = True
            for di, (od, nd) in enumerate(zip(old.documents, new.documents, strict=True)):
                if document_ids is not None and od.id not in document_ids:
                    continue
                if od != nd:
                    old.documents[di] = nd
                    changed = True
                    self.dataChanged.emit(self.createIndex(di, 0, ci + 1),
                                          self.createIndex(di, 1, ci + 1))
            if changed:
                self.dataChanged.emit(self.createIndex(ci, 0, 0), self.createIndex(ci, 1, 0))

    # -- lookup --------------------------------------------------------------
    def entry(self, index: Index) -> CaseEntry | DocumentEntry | None:
        if not index.isValid():
            return None
        pid = int(index.internalId())
        if pid == 0:
            return self.cases[index.row()] if index.row() < len(self.cases) else None
        case = self.cases[pid - 1]
        return case.documents[index.row()] if index.row() < len(case.documents) else None

    def kind(self, index: Index) -> str | None:
        if not index.isValid():
            return None
        return "case" if int(index.internalId()) == 0 else "document"

    def case_of(self, index: Index) -> CaseEntry | None:
        if not index.isValid():
            return None
        pid = int(index.internalId())
        return self.cases[index.row()] if pid == 0 else self.cases[pid - 1]

    def index_of_document(self, document_id: int) -> QModelIndex:
        for ci, case in enumerate(self.cases):
            for di, doc in enumerate(case.documents):
                if doc.id == document_id:
                    return self.createIndex(di, 0, ci + 1)
        return QModelIndex()

    def index_of_case(self, case_id: int) -> QModelIndex:
        for ci, case in enumerate(self.cases):
            if case.id == case_id:
                return self.createIndex(ci, 0, 0)
        return QModelIndex()

    def set_open_document(self, document_id: int | None) -> None:
        old, self.open_document = self.open_document, document_id
        for did in (old, document_id):
            if did is not None:
                idx = self.index_of_document(did)
                if idx.isValid():
                    self.dataChanged.emit(idx, idx)

    # -- structure -------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if row < 0 or not 0 <= column < len(self.COLUMNS):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self.cases) else QModelIndex()
        if (
            int(parent.internalId()) == 0
            and parent.row() < len(self.cases)
            and row < len(self.cases[parent.row()].documents)
        ):
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or int(index.internalId()) == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: Index = _ROOT) -> int:
        if parent.column() > 0:
            return 0
        if not parent.isValid():
            return len(self.cases)
        if int(parent.internalId()) == 0 and parent.row() < len(self.cases):
            return len(self.cases[parent.row()].documents)
        return 0

    def columnCount(self, parent: Index = _ROOT) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        e = self.entry(index)
        if e is None:
            return None
        col = index.column()
        is_case = isinstance(e, CaseEntry)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return e.name
            if isinstance(e, CaseEntry):
                n = sum(d.codings for d in e.documents)
                return str(n) if n else "·"
            return str(e.codings) if e.codings else "·"
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(e, CaseEntry):
                docs = len(e.documents)
                return (f"Case {e.name}: {docs} document{'s' * (docs != 1)}, "
                        f"{e.participants} participant{'s' * (e.participants != 1)}")
            return f"{e.name}: {e.words:,} words, {e.codings} codings"
        if role == Qt.ItemDataRole.FontRole and col == 0:
            f = QFont()
            if is_case:
                f.setBold(True)
            elif e.id == self.open_document:
                f.setItalic(True)
                f.setBold(True)
            return f
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QColor(128, 128, 128)
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            from crosscase.ui.icons import icon

            return icon("case" if is_case else ("document-memo" if e.memo else "document"))
        if role == KindRole:
            return "case" if is_case else "document"
        if role == IdRole:
            return e.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
