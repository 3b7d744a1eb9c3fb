"""Many attribute values at once: a paste, a fill-down or a role set across cases."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.db.models import Attribute, Case, Document, Participant
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import NotFound, UsageError
from crosscase.domain.names import clean_name
from crosscase.services import attributes

OWNERS: dict[str, type[Case | Document | Participant]] = {
    "case": Case, "document": Document, "participant": Participant,
}
OWNER_KINDS = {"case": Kind.CASES, "document": Kind.DOCUMENTS, "participant": Kind.PARTICIPANTS}


class SetAttributes(Command):
    """Set (or clear, with ``None``) many attribute values in one transaction and one undo step.

    ``values`` are ``(scope, owner id, attribute name, value)``; an attribute
    named that does not exist yet is made, with its type from ``types``
    (``{(scope, name): type}``) or else from the first value. ``types`` may also
    name attributes with no value here: a new, empty column. A value that
    does not fit its attribute's type refuses the whole command, so a paste
    is all in or all out.
    """

    def __init__(
        self,
        values: Iterable[tuple[str, int, str, Any]],
        types: Mapping[tuple[str, str], str] | None = None,
        label: str | None = None,
    ) -> None:
        self.values = [(str(sc), int(o), str(n), v) for sc, o, n, v in values]
        self.types = {(str(sc), clean_name(str(n))): str(t) for (sc, n), t in (types or {}).items()}
        n = len(self.values)
        self.label = label or (
            f"Set {n} attribute value{'s' * (n != 1)}" if n else "New attribute"
        )
        #: (scope, owner, attribute id, value before)
        self._old: list[tuple[str, int, int, str | None]] = []
        self._created: list[Row] = []
        self._done = False

    def _do(self, session: Session, project: Project) -> None:
        if self._done:  # redo: the same attribute rows again, with their ids
            restore(session, Attribute, self._created)
        self._old = []
        created: list[int] = []
        for scope, name in self.types:
            attr_id, made = attributes.ensure(session, scope, name, self.types[(scope, name)], None)
            if made:
                created.append(attr_id)
        for scope, owner, name, value in self.values:
            model = OWNERS.get(scope)
            if model is None:
                raise UsageError(
                    f"attributes belong to case, document or participant, not '{scope}'")
            if session.get(model, owner) is None:
                raise NotFound(f"no {scope} {owner}")
            attr_id, made = attributes.ensure(
                session, scope, name, self.types.get((scope, clean_name(name))), value
            )
            if made:
                created.append(attr_id)
            old = attributes.get_raw(session, scope, owner, attr_id)
            raw = None if value is None else attributes.encode(session, attr_id, value)
            attributes.set_raw(session, scope, owner, attr_id, raw)
            self._old.append((scope, owner, attr_id, old))
        if not self._done:
            self._created = snapshot(session, Attribute, Attribute.id.in_(created))
            self._done = True

    def _undo(self, session: Session, project: Project) -> None:
        for scope, owner, attr_id, old in reversed(self._old):
            attributes.set_raw(session, scope, owner, attr_id, old)
        if self._created:
            remove(session, Attribute, Attribute.id.in_([r["id"] for r in self._created]))

    def change(self) -> Change:
        changed: dict[Kind, frozenset[int] | None] = {
            Kind.ATTRIBUTES: id_set([a for *_, a, _ in self._old] + [r["id"] for r in self._created]),
        }
        for scope, kind in OWNER_KINDS.items():
            owners = id_set(o for sc, o, _, _ in self._old if sc == scope)
            if owners:
                changed[kind] = owners
        return self._change(changed, reshaped=[Kind.ATTRIBUTES] if self._created else [])

    def details(self) -> dict[str, Any]:
        scopes = sorted({sc for sc, *_ in self.values} | {sc for sc, _ in self.types})
        names = sorted({n for _, _, n, _ in self.values} | {n for _, n in self.types})
        return {"scope": ", ".join(scopes), "names": names, "values": len(self.values),
                "new_attributes": [r["name"] for r in self._created]}

