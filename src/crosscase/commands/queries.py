"""Saved coding queries: save (or replace) a named query, delete one.

The expression is stored as typed; checking that it parses and that its
codes exist is the caller's job (``analysis.query``), since commands sit
beside analysis, not above it. A saved query is part of the project, so
its change is published under ``Kind.PROJECT`` with the query's id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.db.models import Coder, SavedQuery
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import NotFound, UsageError
from crosscase.domain.names import clean_name


def _find(session: Session, name: str) -> SavedQuery | None:
    found = session.scalar(select(SavedQuery).where(SavedQuery.name == name))
    if found is None:
        found = session.scalar(
            select(SavedQuery).where(func.lower(SavedQuery.name) == name.lower()))
    return found


class SaveQuery(Command):
    """Save a query under a name; a query already saved under that name is replaced."""

    def __init__(self, name: str, expression: str) -> None:
        self.name, self.expression = name, expression
        self.label = f"Save query '{name}'"
        self.id: int | None = None
        self._old: list[Row] = []  # the query it replaced
        self._new: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        if self._new:  # redo: the same row, the same id
            remove(session, SavedQuery, SavedQuery.id == self.id)
            restore(session, SavedQuery, self._new)
            return
        name = clean_name(self.name)
        if not name:
            raise UsageError("a saved query needs a name")
        expression = self.expression.strip()
        if not expression:
            raise UsageError("a saved query needs an expression")
        old = _find(session, name)
        coder = session.scalar(select(Coder.id).where(Coder.name == project.coder_name))
        if old is not None:
            self._old = snapshot(session, SavedQuery, SavedQuery.id == old.id)
            old.expression, old.coder_id = expression, coder
            self.id = old.id
        else:
            row = SavedQuery(name=name, expression=expression, coder_id=coder)
            session.add(row)
            session.flush()
            self.id = row.id
        session.flush()
        self._new = snapshot(session, SavedQuery, SavedQuery.id == self.id)

    def _undo(self, session: Session, project: Project) -> None:
        remove(session, SavedQuery, SavedQuery.id == self.id)
        if self._old:
            restore(session, SavedQuery, self._old)

    def change(self) -> Change:
        return self._change({Kind.PROJECT: id_set([self.id])},
                            reshaped=[] if self._old else [Kind.PROJECT])

    def details(self) -> dict[str, Any]:
        return {"query": self.id, "name": self.name, "expression": self.expression}


class DeleteQuery(Command):
    """Delete a saved query, by name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.label = f"Delete query '{name}'"
        self.id: int | None = None
        self._row: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        found = _find(session, self.name.strip())
        if found is None:
            raise NotFound(f"no saved query '{self.name}'")
        self.id = found.id
        self._row = snapshot(session, SavedQuery, SavedQuery.id == found.id)
        remove(session, SavedQuery, SavedQuery.id == found.id)

    def _undo(self, session: Session, project: Project) -> None:
        restore(session, SavedQuery, self._row)

    def change(self) -> Change:
        return self._change({Kind.PROJECT: id_set([self.id])}, reshaped=[Kind.PROJECT])

    def details(self) -> dict[str, Any]:
        return {"query": self.id, "name": self.name}


def save_as_code(
    session: Session, path: str, spans: list[tuple[int, int, int]], *, query: str = ""
) -> Command:
    """One undoable step that creates the code ``path`` (and any missing parent) and
    codes each ``(document, start, end)`` with it: a query's result kept as a code."""
    from crosscase.commands.base import Sequence, StepFactory
    from crosscase.commands.codebook import CreateCode
    from crosscase.commands.coding import ApplyCodings
    from crosscase.services import codebook
    from crosscase.services.coding import CodingSpec

    parts = [x.strip() for x in path.split(codebook.SEP) if x.strip()]
    if not parts:
        raise UsageError("give the new code a name")
    nodes = codebook.tree(session)
    by_path = {n.path.casefold(): n.id for n in nodes.values()}
    if codebook.SEP.join(parts).casefold() in by_path:
        raise UsageError(f"code '{codebook.SEP.join(parts)}' already exists; "
                         "a query's result is saved as a new code")
    parent: int | None = None
    steps: list[Command | StepFactory] = []
    for depth, name in enumerate(parts):
        existing = by_path.get(codebook.SEP.join(parts[: depth + 1]).casefold())
        if existing is not None:
            parent = existing
            continue
        steps.append(_create_under_last(name, parent, query if depth == len(parts) - 1 else ""))

    def apply(done: list[Command]) -> Command | None:
        code = done[-1] if done else None
        if not isinstance(code, CreateCode) or code.id is None or not spans:
            return None
        return ApplyCodings([CodingSpec(d, code.id, s, e) for d, s, e in spans],
                            label="Code a query's result")

    steps.append(apply)
    return Sequence(f"Save query result as '{codebook.SEP.join(parts)}'", steps)


def _create_under_last(name: str, parent: int | None, query: str) -> Any:
    from crosscase.commands.codebook import CreateCode

    def make(done: list[Command]) -> Command:
        before = done[-1] if done else None
        under = before.id if isinstance(before, CreateCode) else parent
        memo = f"Coded from the query: {query}" if query else None
        return CreateCode(name, under, memo=memo)

    return make
