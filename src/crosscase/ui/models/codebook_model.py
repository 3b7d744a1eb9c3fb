"""The codebook as a Qt tree: a thin adapter over ``services.codebook.tree``.

Drops onto a code either apply it (a text selection dragged from a document)
or move codes (drag within the tree, :class:`~crosscase.commands.codebook.MoveCode`).
Every change goes through the project context as an undoable command. The
model follows each command's :class:`~crosscase.domain.changes.Change`: it
resets only when the tree's shape changed (codes added, removed, moved); a
code edited in place updates its row, and new coding counts update the
count cells of the codes whose counts moved and of their ancestors.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from crosscase.commands.codebook import EditCode, MoveCode
from crosscase.commands.coding import ApplyCodings
from crosscase.domain.changes import Change, Kind
from crosscase.services import codebook, rounds
from crosscase.services.codebook import CodeNode
from crosscase.services.coding import CodingSpec
from crosscase.ui.context import ProjectContext

CODE_MIME = "application/x-crosscase-code-ids"
SPAN_MIME = "application/x-crosscase-span"

CodeIdRole = Qt.ItemDataRole.UserRole + 1
PathRole = Qt.ItemDataRole.UserRole + 2
ColorRole = Qt.ItemDataRole.UserRole + 3
FilterRole = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

_icons: dict[tuple[str, int], QIcon] = {}


def color_icon(color: str, size: int = 14) -> QIcon:
    """A rounded swatch in the code's colour (cached)."""
    key = (color, size)
    icon = _icons.get(key)
    if icon is None:
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        c = QColor(color)
        p.setBrush(c)
        p.setPen(c.darker(130))
        p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
        p.end()
        icon = QIcon(pm)
        _icons[key] = icon
    return icon


def span_mime(document_id: int, start: int, end: int, text: str) -> QMimeData:
    """A text selection as drag data: document id and code-point span, plus the text."""
    mime = QMimeData()
    mime.setData(
        SPAN_MIME,
        QByteArray(json.dumps({"document": document_id, "start": start, "end": end}).encode()),
    )
    mime.setText(text)
    return mime


def read_span(mime: QMimeData) -> tuple[int, int, int] | None:
    if not mime.hasFormat(SPAN_MIME):
        return None
    try:
        d = json.loads(bytes(mime.data(SPAN_MIME).data()).decode())
        return int(d["document"]), int(d["start"]), int(d["end"])
    except (ValueError, KeyError, TypeError):
        return None


def read_codes(mime: QMimeData) -> list[int]:
    if not mime.hasFormat(CODE_MIME):
        return []
    try:
        return [int(x) for x in json.loads(bytes(mime.data(CODE_MIME).data()).decode())]
    except (ValueError, TypeError):
        return []


class CodebookModel(QAbstractItemModel):
    COLUMNS = ("Code", "Refs")

    #: a span was coded by a drop: (code id)
    coded_by_drop = Signal(int)

    def __init__(self, context: ProjectContext | None = None) -> None:
        super().__init__()
        self.context: ProjectContext | None = None
        self.nodes: dict[int, CodeNode] = {}
        self.roots: list[int] = []
        self.own: dict[int, int] = {}
        self.total: dict[int, int] = {}
        self.emphasised: int | None = None
        if context is not None:
            self.set_context(context)

    # -- data from the core ------------------------------------------------
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
        if change.reshapes(Kind.CODES):
            self.reload()
            return
        edited = change.ids(Kind.CODES)
        assert edited is not None  # None reshapes
        if edited:
            self._update_rows(edited)
        codings = change.ids(Kind.CODINGS)
        if codings is None:
            self.reload_counts()
        elif change.codes:
            self.reload_counts(change.codes)

    def reload(self) -> None:
        self.beginResetModel()
        if self.context is None:
            self.nodes, self.own = {}, {}
        else:
            self.nodes = self.context.nodes
            with self.context.project.session() as s:
                self.own = codebook.counts(s, rounds.blind_for(s, self.context.project.coder_name))
        self.roots = [n.id for n in self.nodes.values() if n.parent is None]
        self._roll_up()
        self.endResetModel()
        if self.context is not None:
            self.context.forget_codes(set(self.nodes))

    def _update_rows(self, code_ids: frozenset[int]) -> None:
        """Codes edited in place (name, colour, definition, memo): their rows, and the
        paths of the codes below a renamed one."""
        assert self.context is not None
        self.nodes = self.context.nodes
        touched: list[int] = []
        for cid in code_ids:
            if cid in self.nodes:
                touched.extend(codebook.descendants(self.nodes, cid))
        for cid in dict.fromkeys(touched):
            self.dataChanged.emit(self.index_of(cid, 0), self.index_of(cid, 1))

    def reload_counts(self, code_ids: frozenset[int] | None = None) -> None:
        """Coding counts moved: for ``code_ids`` (and their ancestors), or for every code."""
        if self.context is None:
            return
        with self.context.project.session() as s:
            own = codebook.counts(s, rounds.blind_for(s, self.context.project.coder_name))
        if code_ids is None:
            self.own = own
            wanted = set(self.nodes)
        else:
            wanted = set()
            for cid in code_ids:
                while cid is not None and cid in self.nodes and cid not in wanted:
                    wanted.add(cid)
                    cid = self.nodes[cid].parent  # type: ignore[assignment]
            for cid in wanted:
                if own.get(cid):
                    self.own[cid] = own[cid]
                else:
                    self.own.pop(cid, None)
        before = self.total
        self._roll_up()
        for cid in self.nodes:
            if cid in wanted and before.get(cid) != self.total.get(cid):
                idx = self.index_of(cid, 1)
                self.dataChanged.emit(idx, idx)

    def _roll_up(self) -> None:
        total: dict[int, int] = {}
        for cid in reversed(list(self.nodes)):  # children come after parents
            n = self.nodes[cid]
            total[cid] = self.own.get(cid, 0) + sum(total.get(c, 0) for c in n.children)
        self.total = total

    # -- lookup --------------------------------------------------------------
    def index_of(self, code_id: int, column: int = 0) -> QModelIndex:
        node = self.nodes.get(code_id)
        if node is None:
            return QModelIndex()
        siblings = self.roots if node.parent is None else self.nodes[node.parent].children
        return self.createIndex(siblings.index(code_id), column, code_id)

    def code_id(self, index: Index) -> int | None:
        return int(index.internalId()) if index.isValid() else None

    def set_emphasised(self, code_id: int | None) -> None:
        old, self.emphasised = self.emphasised, code_id
        for cid in (old, code_id):
            if cid is not None and cid in self.nodes:
                idx = self.index_of(cid)
                self.dataChanged.emit(idx, idx)

    # -- tree structure --------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if column < 0 or column >= len(self.COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            kids = self.roots
        else:
            node = self.nodes.get(int(parent.internalId()))
            kids = node.children if node else []
        if row >= len(kids):
            return QModelIndex()
        return self.createIndex(row, column, kids[row])

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node = self.nodes.get(int(index.internalId()))
        if node is None or node.parent is None:
            return QModelIndex()
        return self.index_of(node.parent)

    def rowCount(self, parent: Index = _ROOT) -> int:
        if parent.column() > 0:
            return 0
        if not parent.isValid():
            return len(self.roots)
        node = self.nodes.get(int(parent.internalId()))
        return len(node.children) if node else 0

    def columnCount(self, parent: Index = _ROOT) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return "Codings of this code (in brackets: with its sub-codes)" if section else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.nodes.get(int(index.internalId()))
        if node is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return node.name
            own, total = self.own.get(node.id, 0), self.total.get(node.id, 0)
            if total != own:
                return f"{own}  ({total})"
            return str(own) if own else "·"
        if role == Qt.ItemDataRole.EditRole and col == 0:
            return node.name
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return color_icon(node.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"<b>{_esc(node.path)}</b>"
            if node.definition:
                tip += f"<p>{_esc(node.definition)}</p>"
            tip += f"<p>{self.own.get(node.id, 0)} codings"
            if node.children:
                tip += f", {self.total.get(node.id, 0)} with sub-codes"
            tip += "</p>"
            if node.memo:
                tip += f"<p><i>Memo:</i> {_esc(node.memo[:300])}</p>"
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 0 and self.emphasised == node.id:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and not self.own.get(node.id):
            return QColor(128, 128, 128)
        if role == CodeIdRole:
            return node.id
        if role == PathRole:
            return node.path
        if role == ColorRole:
            return node.color
        if role == FilterRole:
            return f"{node.path}\n{node.definition}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        f = base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        f |= Qt.ItemFlag.ItemIsDragEnabled
        if index.column() == 0:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 0 or self.context is None:
            return False
        cid = self.code_id(index)
        name = str(value).strip()
        if cid is None or not name or name == self.nodes[cid].name:
            return False
        # the view is still closing its editor: rebuild the tree after that
        context, seen = self.context, {"name": self.nodes[cid].name}
        QTimer.singleShot(0, lambda: context.push(EditCode(cid, seen=seen, name=name)))
        return True

    # -- drag and drop -----------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CODE_MIME, SPAN_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        ids: list[int] = []
        for idx in indexes:
            cid = self.code_id(idx)
            if cid is not None and cid not in ids:
                ids.append(cid)
        mime = QMimeData()
        mime.setData(CODE_MIME, QByteArray(json.dumps(ids).encode()))
        mime.setText("\n".join(self.nodes[c].path for c in ids))
        return mime

    def _drop_target(self, row: int, parent: Index) -> int | None:
        """The code a selection dropped at (row, parent) is meant for."""
        if row >= 0:
            idx = self.index(row, 0, parent)
            if idx.isValid():
                return self.code_id(idx)
        return self.code_id(parent)

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if data.hasFormat(SPAN_MIME):
            return self._drop_target(row, parent) is not None
        ids = read_codes(data)
        if not ids:
            return False
        target = self.code_id(parent)
        if target is None:
            return True
        return all(target not in codebook.descendants(self.nodes, cid) for cid in ids if cid in self.nodes)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if self.context is None or action == Qt.DropAction.IgnoreAction:
            return False
        span = read_span(data)
        if span is not None:
            code_id = self._drop_target(row, parent)
            if code_id is None:
                return False
            return self.apply_span(code_id, *span)
        ids = read_codes(data)
        if not ids or not self.canDropMimeData(data, action, row, column, parent):
            return False
        target = self.code_id(parent)
        moves = []
        for offset, cid in enumerate(ids):
            node = self.nodes.get(cid)
            if node is None:
                continue
            position = None
            if row >= 0:
                siblings = self.roots if target is None else self.nodes[target].children
                position = row + offset
                if node.parent == target and cid in siblings and siblings.index(cid) < row:
                    position -= 1
            moves.append(MoveCode(cid, target, position))
        # the tree is rebuilt by the move: let the view finish its drop first
        context = self.context
        QTimer.singleShot(0, lambda: [context.push(m) for m in moves])
        # False: the view must not remove the dragged rows itself
        return False

    def apply_span(self, code_id: int, document_id: int, start: int, end: int) -> bool:
        assert self.context is not None
        if end <= start:
            return False
        ok = self.context.push(
            ApplyCodings([CodingSpec(document_id, code_id, start, end)],
                         label=f"Code to '{self.nodes[code_id].name}'")
        )
        if ok:
            self.context.code_used(code_id)
            self.coded_by_drop.emit(code_id)
        return ok


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
