"""Commands on cases and typed attributes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.commands.documents import DocumentRows
from crosscase.commands.seen import SeenFields, check_fields, check_seen, lock, shown
from crosscase.db.models import (
    Attribute,
    Case,
    CaseValue,
    Document,
    FrameworkCell,
    FrameworkPin,
    Participant,
    ParticipantValue,
    Turn,
)
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import NotFound, UsageError
from crosscase.domain.names import clean_name
from crosscase.services import attributes


def _check_parent(session: Session, parent_id: int | None, case_id: int | None) -> None:
    """A parent case must exist and must not be the case itself or one of its sub-cases."""
    seen: set[int] = set()
    at = parent_id
    while at is not None and at not in seen:
        if at == case_id:
            raise UsageError("a case cannot be its own parent or sit under its own sub-case")
        seen.add(at)
        row = session.get(Case, at)
        if row is None:
            raise NotFound(f"no case {at}")
        at = row.parent_id


class CreateCase(Command):
    def __init__(self, name: str, parent_id: int | None = None, memo: str = "") -> None:
        self.name, self.parent_id, self.memo = clean_name(name), parent_id, memo
        self.label = f"New case '{self.name}'"
        self.id: int | None = None
        self._row: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        if self._row:
            restore(session, Case, self._row)
            return
        if not self.name:
            raise UsageError("a case needs a name")
        if session.scalar(select(Case.id).where(Case.name == self.name)) is not None:
            raise UsageError(f"there is already a case '{self.name}'")
        _check_parent(session, self.parent_id, None)
        case = Case(name=self.name, parent_id=self.parent_id, memo=self.memo)
        session.add(case)
        session.flush()
        self.id = case.id
        self._row = snapshot(session, Case, Case.id == case.id)

    def _undo(self, session: Session, project: Project) -> None:
        remove(session, Case, Case.id == self.id)

    def change(self) -> Change:
        return self._change({Kind.CASES: id_set([self.id])}, reshaped=[Kind.CASES])

    def details(self) -> dict[str, Any]:
        return {"case": self.id, "case_name": self.name}


class EditCase(Command):
    """Rename, re-parent or write the memo of a case; ``seen`` maps fields to their
    values as the user read them (see :mod:`crosscase.commands.seen`)."""

    label = "Edit case"

    def __init__(self, case_id: int, seen: SeenFields | None = None, **changes: Any) -> None:
        bad = set(changes) - {"name", "parent_id", "memo"}
        if bad:
            raise UsageError(f"cannot edit {', '.join(sorted(bad))} of a case")
        self.case_id, self.changes, self.seen = case_id, changes, seen
        self._old: dict[str, Any] = {}

    def _check_seen(self, session: Session, project: Project) -> None:
        case = session.get(Case, self.case_id)
        if case is None or not self.seen:
            return
        seen = dict(self.seen)

        def retry(field: str, merged: str, theirs: str) -> Command:
            return EditCase(self.case_id, seen={**seen, field: theirs},
                            **{**self.changes, field: merged})

        check_fields(session, project, case, f"case '{case.name}'", seen, self.changes,
                     retry, self.change())

    def _apply(self, session: Session, values: dict[str, Any]) -> None:
        case = session.get(Case, self.case_id)
        if case is None:
            raise NotFound(f"no case {self.case_id}")
        if not self._old:
            if values.get("parent_id") is not None:
                _check_parent(session, values["parent_id"], case.id)
            if "name" in values:
                values["name"] = name = clean_name(str(values["name"]))
                if not name:
                    raise UsageError("a case needs a name")
                other = session.scalar(select(Case.id).where(Case.name == name, Case.id != case.id))
                if other is not None:
                    raise UsageError(f"there is already a case '{name}'")
            self._old = {k: getattr(case, k) for k in values}
        for k, v in values.items():
            setattr(case, k, v)

    def _do(self, session: Session, project: Project) -> None:
        if not self._old:  # the first do: the user's edit, over what they saw
            self._check_seen(session, project)
        self._apply(session, self.changes)

    def _undo(self, session: Session, project: Project) -> None:
        self._apply(session, self._old)

    def change(self) -> Change:
        one = frozenset({self.case_id})
        return self._change(
            {Kind.CASES: one, Kind.MEMOS: one if "memo" in self.changes else frozenset()},
            # a new parent moves the case in the tree
            reshaped=[Kind.CASES] if "parent_id" in self.changes else [],
        )

    def details(self) -> dict[str, Any]:
        d: dict[str, Any] = {"case": self.case_id, **self.changes}
        if "memo" in d:
            d["memo"] = f"{len(str(d['memo']))} characters"
        if "name" in self._old:
            d["old_name"] = self._old["name"]
        return d


class DeleteCase(Command):
    """Delete a case with its documents (and their codings), participants,
    attribute values and framework cells; its sub-cases stay, at the top level.

    Undo puts every row back with its id, and the sub-cases under it again.
    """

    def __init__(self, case_id: int) -> None:
        self.case_id = case_id
        self.label = "Delete case"
        self._case: list[Row] = []
        self._children: list[int] = []
        self._people: list[Row] = []
        self._people_values: list[Row] = []
        self._values: list[Row] = []
        self._cells: list[Row] = []
        self._docs = DocumentRows()

    def _do(self, session: Session, project: Project) -> None:
        case = session.get(Case, self.case_id)
        if case is None:
            raise NotFound(f"no case {self.case_id}")
        self.label = f"Delete case '{case.name}'"
        self._case = snapshot(session, Case, Case.id == self.case_id)
        self._children = list(session.scalars(
            select(Case.id).where(Case.parent_id == self.case_id).order_by(Case.id)
        ))
        self._people = snapshot(session, Participant, Participant.case_id == self.case_id)
        people = [r["id"] for r in self._people]
        self._people_values = snapshot(
            session, ParticipantValue, ParticipantValue.participant_id.in_(people)
        )
        self._values = snapshot(session, CaseValue, CaseValue.case_id == self.case_id)
        self._cells = snapshot(session, FrameworkCell, FrameworkCell.case_id == self.case_id)
        self._docs = DocumentRows.take(
            session, Document.case_id == self.case_id,
            turns=Turn.participant_id.in_(people),
            pins=FrameworkPin.cell_id.in_([r["id"] for r in self._cells]),
        )
        remove(session, Case, Case.id == self.case_id)

    def _undo(self, session: Session, project: Project) -> None:
        restore(session, Case, self._case)
        if self._children:
            session.execute(
                update(Case).where(Case.id.in_(self._children)).values(parent_id=self.case_id)
            )
        restore(session, Participant, self._people)
        restore(session, ParticipantValue, self._people_values)
        restore(session, CaseValue, self._values)
        self._docs.put_back(session, cells=self._cells)

    @property
    def documents(self) -> int:
        return len(self._docs.documents)

    @property
    def codings(self) -> int:
        """How many codings the delete removed."""
        return len(self._docs.codings)

    def change(self) -> Change:
        changed = self._docs.change_ids()
        changed[Kind.CASES] = frozenset({self.case_id, *self._children})
        changed[Kind.PARTICIPANTS] = id_set(r["id"] for r in self._people)
        changed[Kind.FRAMEWORK] = changed[Kind.FRAMEWORK] | id_set(r["id"] for r in self._cells)
        changed[Kind.ATTRIBUTES] = changed[Kind.ATTRIBUTES] | id_set(
            r["attribute_id"] for r in self._values + self._people_values
        )
        return self._change(
            changed,
            reshaped=[Kind.CASES, Kind.DOCUMENTS, Kind.CODINGS, Kind.PARTICIPANTS, Kind.FRAMEWORK],
            documents=self._docs.document_ids,
            codes=self._docs.code_ids,
        )

    def details(self) -> dict[str, Any]:
        name = self._case[0]["name"] if self._case else None
        return {"case": self.case_id, "case_name": name,
                "documents": sorted(self._docs.document_ids),
                "document_names": [r["name"] for r in self._docs.documents],
                "codings": self.codings, "codes": sorted(self._docs.code_ids)}


class SetAttribute(Command):
    """Set (or clear, with ``None``) one attribute value of a case, document or participant.

    ``seen`` is the value as the user read it (``""``: none): if it has changed
    since, the write is refused (:class:`~crosscase.commands.seen.EditConflict`).
    """

    def __init__(
        self, scope: str, owner_id: int, name: str, value: Any, type_: str | None = None,
        seen: Any = None,
    ) -> None:
        self.scope, self.owner_id, self.name, self.value, self.type_ = (
            scope, owner_id, name, value, type_,
        )
        self.seen = seen
        self._checked = False
        self.label = f"Set {scope} attribute '{name}'"
        self._old: str | None = None
        self._created_attribute: int | None = None
        self._attribute: int | None = None

    def _do(self, session: Session, project: Project) -> None:
        owner = {"case": Case, "document": Document, "participant": Participant}.get(self.scope)
        row = session.get(owner, self.owner_id) if owner is not None else None
        if owner is not None and row is None:
            raise NotFound(f"no {self.scope} {self.owner_id}")
        attr_id, created = attributes.ensure(session, self.scope, self.name, self.type_, self.value,
                                             id_=self._created_attribute)
        if created:
            self._created_attribute = attr_id
        self._attribute = attr_id
        if not self._checked and self.seen is not None:
            # the first do: the user's edit, over what they saw; the owner's row is
            # locked, so a colleague's write of its values waits for this one
            if row is not None:
                lock(session, row, "name")
            self._check_value(project, session, attr_id, getattr(row, "name", self.owner_id))
        self._checked = True
        self._old = attributes.get_raw(session, self.scope, self.owner_id, attr_id)
        attributes.set_raw(
            session, self.scope, self.owner_id, attr_id,
            None if self.value is None else attributes.encode(session, attr_id, self.value),
        )

    def _check_value(self, project: Project, session: Session, attr_id: int, owner: Any) -> None:
        raw = attributes.get_raw(session, self.scope, self.owner_id, attr_id)
        attr = session.get(Attribute, attr_id)
        theirs = None if raw is None or attr is None else attributes.decode(attr.type, raw)
        check_seen(project, f"attribute '{self.name}' of {self.scope} '{owner}'", self.seen,
                   theirs, self.value,
                   retry=lambda merged: SetAttribute(self.scope, self.owner_id, self.name,
                                                     merged or None, self.type_,
                                                     seen=shown(theirs)),
                   change=self.change())

    def _undo(self, session: Session, project: Project) -> None:
        attr_id, _ = attributes.ensure(session, self.scope, self.name, self.type_, self.value)
        attributes.set_raw(session, self.scope, self.owner_id, attr_id, self._old)
        if self._created_attribute is not None:
            attributes.drop(session, self._created_attribute)

    def change(self) -> Change:
        owner = {"case": Kind.CASES, "document": Kind.DOCUMENTS, "participant": Kind.PARTICIPANTS}
        changed = {Kind.ATTRIBUTES: id_set([self._attribute])}
        if self.scope in owner:
            changed[owner[self.scope]] = frozenset({self.owner_id})
        # a new attribute (dropped again by undo) is a new column
        return self._change(
            changed, reshaped=[Kind.ATTRIBUTES] if self._created_attribute is not None else []
        )

    def details(self) -> dict[str, Any]:
        return {"scope": self.scope, "owner": self.owner_id, "name": self.name,
                "value": self.value}
