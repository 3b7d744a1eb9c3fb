"""Commands on the codebook: create, edit, move, merge, delete codes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crosscase.commands.base import Command
from crosscase.db.models import Code, Coding, FrameworkCell, FrameworkPin
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.errors import NotFound, UsageError
from crosscase.services import codebook

EDITABLE = ("name", "color", "definition", "inclusion", "exclusion", "example", "memo")


def _check_name(session: Session, name: str, parent: int | None, exclude: int | None) -> str:
    name = name.strip()
    if not name:
        raise UsageError("a code needs a name")
    if codebook.SEP in name:
        raise UsageError(f"a code name cannot contain '{codebook.SEP}'")
    q = select(Code.id).where(func.lower(Code.name) == name.lower())
    q = q.where(Code.parent_id.is_(None) if parent is None else Code.parent_id == parent)
    if exclude is not None:
        q = q.where(Code.id != exclude)
    if session.scalar(q) is not None:
        raise UsageError(f"there is already a code '{name}' at that level")
    return name


def _get(session: Session, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None:
        raise NotFound(f"no code {code_id}")
    return code


class CreateCode(Command):
    touches = ("codes",)

    def __init__(self, name: str, parent_id: int | None = None, **fields: Any) -> None:
        self.name, self.parent_id, self.fields = name, parent_id, fields
        self.label = f"New code '{name}'"
        self.id: int | None = None
        self._row: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        if self._row:
            restore(session, Code, self._row)
            return
        name = _check_name(session, self.name, self.parent_id, None)
        if self.parent_id is not None:
            _get(session, self.parent_id)
        pos = session.scalar(
            select(func.coalesce(func.max(Code.position) + 1, 0)).where(
                Code.parent_id.is_(None) if self.parent_id is None else Code.parent_id == self.parent_id
            )
        )
        code = Code(name=name, parent_id=self.parent_id, position=pos or 0)
        for k, v in self.fields.items():
            if k in EDITABLE and v is not None:
                setattr(code, k, v)
        if not self.fields.get("color"):
            code.color = codebook.next_color(session)
        session.add(code)
        session.flush()
        self.id = code.id
        self._row = snapshot(session, Code, Code.id == code.id)

    def _undo(self, session: Session, project: Project) -> None:
        remove(session, Code, Code.id == self.id)

    def details(self) -> dict[str, Any]:
        return {"code": self.id, "name": self.name}


class EditCode(Command):
    """Rename, recolour or edit the definition fields of one code."""

    touches = ("codes",)

    def __init__(self, code_id: int, **changes: Any) -> None:
        bad = set(changes) - set(EDITABLE)
        if bad:
            raise UsageError(f"cannot edit {', '.join(sorted(bad))} of a code")
        self.code_id, self.changes = code_id, changes
        self._old: dict[str, Any] = {}
        what = "Rename" if "name" in changes else "Recolour" if "color" in changes else "Edit"
        self.label = f"{what} code"

    def _do(self, session: Session, project: Project) -> None:
        code = _get(session, self.code_id)
        if "name" in self.changes:
            self.changes["name"] = _check_name(session, self.changes["name"], code.parent_id, code.id)
        self._old = {k: getattr(code, k) for k in self.changes}
        for k, v in self.changes.items():
            setattr(code, k, v)

    def _undo(self, session: Session, project: Project) -> None:
        code = _get(session, self.code_id)
        for k, v in self._old.items():
            setattr(code, k, v)

    def details(self) -> dict[str, Any]:
        return {"code": self.code_id, **self.changes}


class MoveCode(Command):
    """Reparent and/or reorder a code among its new siblings."""

    label = "Move code"
    touches = ("codes",)

    def __init__(self, code_id: int, parent_id: int | None, position: int | None = None) -> None:
        self.code_id, self.parent_id, self.position = code_id, parent_id, position
        self._old: list[tuple[int, int | None, int]] = []

    def _do(self, session: Session, project: Project) -> None:
        code = _get(session, self.code_id)
        nodes = codebook.tree(session)
        if self.parent_id is not None and self.parent_id in codebook.descendants(nodes, code.id):
            raise UsageError("a code cannot move under itself or its own sub-codes")
        _check_name(session, code.name, self.parent_id, code.id)
        siblings = [
            n.id for n in nodes.values() if n.parent == self.parent_id and n.id != code.id
        ]
        pos = len(siblings) if self.position is None else max(0, min(self.position, len(siblings)))
        siblings.insert(pos, code.id)
        touched = set(siblings) | {code.id}
        self._old = [(i, nodes[i].parent, nodes[i].position) for i in touched]
        code.parent_id = self.parent_id
        for i, cid in enumerate(siblings):
            session.execute(update(Code).where(Code.id == cid).values(position=i))

    def _undo(self, session: Session, project: Project) -> None:
        for cid, parent, pos in self._old:
            session.execute(update(Code).where(Code.id == cid).values(parent_id=parent, position=pos))


class DeleteCode(Command):
    """Delete a code, its sub-codes and all their codings (undo restores all)."""

    touches = ("codes", "codings", "framework")

    def __init__(self, code_id: int) -> None:
        self.code_id = code_id
        self.label = "Delete code"
        self._codes: list[Row] = []
        self._codings: list[Row] = []
        self._cells: list[Row] = []
        self._pins: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        _get(session, self.code_id)
        ids = codebook.descendants(codebook.tree(session), self.code_id)
        self._codes = snapshot(session, Code, Code.id.in_(ids))
        self._codings = snapshot(session, Coding, Coding.code_id.in_(ids))
        self._cells = snapshot(session, FrameworkCell, FrameworkCell.code_id.in_(ids))
        cell_ids = [r["id"] for r in self._cells]
        coding_ids = [r["id"] for r in self._codings]
        self._pins = snapshot(
            session, FrameworkPin,
            FrameworkPin.cell_id.in_(cell_ids) | FrameworkPin.coding_id.in_(coding_ids),
        )
        remove(session, Code, Code.id.in_(ids))

    def _undo(self, session: Session, project: Project) -> None:
        # parents before children, so foreign keys hold while inserting
        by_id = {r["id"]: r for r in self._codes}
        ordered: list[Row] = []
        seen: set[int] = set()

        def add(row: Row) -> None:
            if row["id"] in seen:
                return
            parent = row["parent_id"]
            if parent in by_id:
                add(by_id[parent])
            seen.add(row["id"])
            ordered.append(row)

        for row in self._codes:
            add(row)
        restore(session, Code, ordered)
        restore(session, Coding, self._codings)
        restore(session, FrameworkCell, self._cells)
        restore(session, FrameworkPin, self._pins)

    def details(self) -> dict[str, Any]:
        return {"code": self.code_id, "codings": len(self._codings)}


class MergeCodes(Command):
    """Merge ``source`` into ``target``: its codings and sub-codes move, it goes.

    A coding the target already has at the same place is dropped, not doubled.
    """

    touches = ("codes", "codings", "framework")

    def __init__(self, source_id: int, target_id: int) -> None:
        if source_id == target_id:
            raise UsageError("a code cannot be merged into itself")
        self.source_id, self.target_id = source_id, target_id
        self.label = "Merge codes"
        self._source: list[Row] = []
        self._moved: list[int] = []
        self._dropped: list[Row] = []
        self._children: list[tuple[int, int]] = []  # (child id, its old position)
        self._cells: list[Row] = []
        self._pins: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        _get(session, self.source_id)
        _get(session, self.target_id)
        nodes = codebook.tree(session)
        if self.target_id in codebook.descendants(nodes, self.source_id):
            raise UsageError("a code cannot be merged into one of its own sub-codes")
        target_spans = set(
            session.execute(
                select(Coding.document_id, Coding.start, Coding.end).where(
                    Coding.code_id == self.target_id
                )
            ).all()
        )
        src = session.execute(
            select(Coding.id, Coding.document_id, Coding.start, Coding.end).where(
                Coding.code_id == self.source_id
            )
        ).all()
        dup = [cid for cid, d, s, e in src if (d, s, e) in target_spans]
        self._moved = [cid for cid, d, s, e in src if (d, s, e) not in target_spans]
        self._dropped = snapshot(session, Coding, Coding.id.in_(dup))
        self._cells = snapshot(session, FrameworkCell, FrameworkCell.code_id == self.source_id)
        self._pins = snapshot(
            session, FrameworkPin,
            FrameworkPin.cell_id.in_([r["id"] for r in self._cells]) | FrameworkPin.coding_id.in_(dup),
        )
        self._children = [(c, nodes[c].position) for c in nodes[self.source_id].children]
        self._source = snapshot(session, Code, Code.id == self.source_id)
        session.execute(
            update(Coding).where(Coding.id.in_(self._moved)).values(code_id=self.target_id)
        )
        remove(session, Coding, Coding.id.in_(dup))
        base = len(nodes[self.target_id].children)
        for i, (child, _) in enumerate(self._children):
            name = nodes[child].name
            _check_name(session, name, self.target_id, child)
            session.execute(
                update(Code).where(Code.id == child).values(parent_id=self.target_id, position=base + i)
            )
        remove(session, Code, Code.id == self.source_id)

    def _undo(self, session: Session, project: Project) -> None:
        restore(session, Code, self._source)
        for child, pos in self._children:
            session.execute(
                update(Code).where(Code.id == child).values(parent_id=self.source_id, position=pos)
            )
        session.execute(
            update(Coding).where(Coding.id.in_(self._moved)).values(code_id=self.source_id)
        )
        restore(session, Coding, self._dropped)
        restore(session, FrameworkCell, self._cells)
        restore(session, FrameworkPin, self._pins)

    def details(self) -> dict[str, Any]:
        return {"source": self.source_id, "target": self.target_id, "moved": len(self._moved)}
