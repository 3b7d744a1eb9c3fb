"""What the columns of a matrix are: cases, documents, or an attribute's values.

``cols`` is ``"cases"``, ``"documents"`` or the name of a case, document
or participant attribute (``"role"``); a name used in more than one scope is
written ``scope:name`` (``"participant:role"``). For a participant attribute
a passage belongs to the speaker whose turn contains its first character.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from crosscase.db.models import Attribute, CaseValue, DocumentValue, Participant, ParticipantValue
from crosscase.domain.errors import UsageError

NO_VALUE = "(no value)"
SCOPES = ("case", "document", "participant")


@dataclass(frozen=True)
class ColumnSpec:
    """How the columns are chosen."""

    by: str  # "cases", "documents" or "attribute"
    scope: str | None = None  # for attributes: case, document or participant
    attribute: str | None = None
    attribute_id: int | None = None
    type: str | None = None

    @property
    def text(self) -> str:
        """As given on the command line: ``cases``, ``role`` ..."""
        return self.by if self.by != "attribute" else f"{self.scope}:{self.attribute}"

    @property
    def description(self) -> str:
        if self.by == "cases":
            return "Columns are cases."
        if self.by == "documents":
            return "Columns are documents."
        if self.scope == "participant":
            return (
                f"Columns are values of the participant attribute '{self.attribute}': a passage "
                "belongs to the speaker whose turn contains its first character and is counted "
                "up to the end of that turn; passages outside speaker turns are left out, and "
                "a column's text is its speakers' turns."
            )
        return (
            f"Columns are values of the {self.scope} attribute '{self.attribute}'; a column's "
            f"text is all the documents of the {self.scope}s with that value."
        )


@dataclass(frozen=True)
class Column:
    key: int | str  # case id, document id, or the attribute's stored value
    name: str
    case_id: int | None = None  # for case columns and document columns


def resolve(session: Session, cols: str | ColumnSpec) -> ColumnSpec:
    if isinstance(cols, ColumnSpec):
        return cols
    raw = str(cols).strip()
    low = raw.casefold()
    if low in ("cases", "case"):
        return ColumnSpec("cases")
    if low in ("documents", "document", "docs"):
        return ColumnSpec("documents")
    scope: str | None = None
    name = raw
    head, sep, tail = raw.partition(":")
    if sep and head.strip().casefold() in SCOPES:
        scope, name = head.strip().casefold(), tail.strip()
    rows = session.execute(
        select(Attribute.id, Attribute.scope, Attribute.name, Attribute.type).order_by(
            Attribute.scope, Attribute.position
        )
    ).all()
    hits = [r for r in rows if r[2].casefold() == name.casefold() and scope in (None, r[1])]
    if not hits:
        known = ", ".join(f"{r[1]}:{r[2]}" for r in rows) or "none defined"
        raise UsageError(
            f"columns must be 'cases', 'documents' or an attribute; no attribute '{raw}' "
            f"(attributes: {known})"
        )
    if len(hits) > 1:
        options = " or ".join(f"'{r[1]}:{r[2]}'" for r in hits)
        raise UsageError(f"attribute '{raw}' exists for more than one kind; use {options}")
    aid, sc, nm, tp = hits[0]
    return ColumnSpec("attribute", sc, nm, aid, tp)


def _sort_key(type_: str | None, raw: str) -> tuple[int, float | str]:
    if raw == NO_VALUE:
        return (2, "")
    if type_ == "number":
        try:
            return (0, float(raw))
        except ValueError:
            return (1, raw.casefold())
    return (0, raw.casefold())


def display(type_: str | None, raw: str) -> str:
    if type_ == "boolean" and raw in ("true", "false"):
        return "yes" if raw == "true" else "no"
    return raw


def attribute_values(session: Session, spec: ColumnSpec) -> dict[int, str]:
    """Owner id (case, document or participant) -> stored value."""
    tables: dict[str, tuple[type[CaseValue | DocumentValue | ParticipantValue],
                            InstrumentedAttribute[int]]] = {
        "case": (CaseValue, CaseValue.case_id),
        "document": (DocumentValue, DocumentValue.document_id),
        "participant": (ParticipantValue, ParticipantValue.participant_id),
    }
    model, owner = tables[spec.scope or ""]
    q = select(owner, model.value).where(model.attribute_id == spec.attribute_id)
    return {int(o): str(v) for o, v in session.execute(q)}


def participants_of(session: Session, case_ids: list[int] | None) -> np.ndarray:
    q = select(Participant.id)
    if case_ids is not None:
        q = q.where(Participant.case_id.in_(case_ids))
    return np.array(session.scalars(q).all(), dtype=np.int64)


def value_columns(spec: ColumnSpec, owners: np.ndarray, values: dict[int, str]) -> tuple[
    list[Column], pd.Series
]:
    """The columns for an attribute, and each owner's column key."""
    keys = pd.Series(
        [values.get(int(o), NO_VALUE) for o in owners], index=owners, dtype=object
    )
    distinct = sorted(set(keys.tolist()), key=lambda v: _sort_key(spec.type, v))
    return [Column(v, display(spec.type, v)) for v in distinct], keys
