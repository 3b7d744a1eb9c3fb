"""Typed attributes of cases, documents and participants.

Values are stored as text and typed by their attribute: ``number`` values
are decimal strings, ``boolean`` are ``true``/``false``, ``date`` ISO dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crosscase.db.models import Attribute, CaseValue, DocumentValue, ParticipantValue
from crosscase.domain.errors import UsageError

VALUE_TABLES: dict[str, tuple[type[CaseValue | DocumentValue | ParticipantValue], str]] = {
    "case": (CaseValue, "case_id"),
    "document": (DocumentValue, "document_id"),
    "participant": (ParticipantValue, "participant_id"),
}
TYPES = ("text", "number", "date", "boolean")

#: a stored value read back by its attribute's type (dates stay ISO text)
Value = str | int | float | bool


def infer_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, date):
        return "date"
    return "text"


def ensure(session: Session, scope: str, name: str, type_: str | None, value: object) -> tuple[int, bool]:
    if scope not in VALUE_TABLES:
        raise UsageError(f"attributes belong to case, document or participant, not '{scope}'")
    name = name.strip()
    if not name:
        raise UsageError("an attribute needs a name")
    attr = session.scalar(select(Attribute).where(Attribute.scope == scope, Attribute.name == name))
    if attr is not None:
        return attr.id, False
    t = type_ or infer_type(value)
    if t not in TYPES:
        raise UsageError(f"attribute type must be one of {', '.join(TYPES)}")
    pos = session.scalar(
        select(func.coalesce(func.max(Attribute.position) + 1, 0)).where(Attribute.scope == scope)
    )
    attr = Attribute(scope=scope, name=name, type=t, position=pos or 0)
    session.add(attr)
    session.flush()
    return attr.id, True


def encode(session: Session, attr_id: int, value: Any) -> str:
    attr = session.get(Attribute, attr_id)
    assert attr is not None
    if attr.type == "number":
        try:
            num = float(value)
        except (TypeError, ValueError):
            raise UsageError(f"attribute '{attr.name}' takes a number, not '{value}'") from None
        return str(int(num)) if num.is_integer() else repr(num)
    if attr.type == "boolean":
        s = str(value).strip().lower()
        if s in {"true", "1", "yes", "y"}:
            return "true"
        if s in {"false", "0", "no", "n"}:
            return "false"
        raise UsageError(f"attribute '{attr.name}' takes yes or no, not '{value}'")
    if attr.type == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise UsageError(f"attribute '{attr.name}' takes a date (YYYY-MM-DD), not '{value}'") from None
    return str(value)


def decode(type_: str, raw: str) -> Value:
    if type_ == "number":
        num = float(raw)
        return int(num) if num.is_integer() else num
    if type_ == "boolean":
        return raw == "true"
    return raw


def get_raw(session: Session, scope: str, owner_id: int, attr_id: int) -> str | None:
    model, owner = VALUE_TABLES[scope]
    row = session.scalar(
        select(model.value).where(getattr(model, owner) == owner_id, model.attribute_id == attr_id)
    )
    return row


def set_raw(session: Session, scope: str, owner_id: int, attr_id: int, raw: str | None) -> None:
    model, owner = VALUE_TABLES[scope]
    session.execute(
        delete(model).where(getattr(model, owner) == owner_id, model.attribute_id == attr_id)
    )
    if raw is not None:
        session.add(model(**{owner: owner_id, "attribute_id": attr_id, "value": raw}))
        session.flush()


def drop(session: Session, attr_id: int) -> None:
    session.execute(delete(Attribute).where(Attribute.id == attr_id))


def values(session: Session, scope: str) -> dict[int, dict[str, Value]]:
    """owner id -> {attribute name: typed value}."""
    model, owner = VALUE_TABLES[scope]
    q = select(getattr(model, owner), Attribute.name, Attribute.type, model.value).join(
        Attribute, Attribute.id == model.attribute_id
    )
    out: dict[int, dict[str, Value]] = {}
    for oid, name, t, raw in session.execute(q):
        out.setdefault(oid, {})[name] = decode(t, raw)
    return out


def raw_values(session: Session, scope: str) -> dict[int, list[tuple[int, str]]]:
    """owner id -> [(attribute id, stored value)], in the attributes' order."""
    model, owner = VALUE_TABLES[scope]
    q = (
        select(getattr(model, owner), model.attribute_id, model.value)
        .join(Attribute, Attribute.id == model.attribute_id)
        .order_by(Attribute.position, Attribute.id)
    )
    out: dict[int, list[tuple[int, str]]] = {}
    for oid, aid, raw in session.execute(q):
        out.setdefault(oid, []).append((aid, raw))
    return out


def names(session: Session, scope: str | None = None) -> list[tuple[str, str, str]]:
    """(scope, name, type) of every attribute, in order."""
    q = select(Attribute.scope, Attribute.name, Attribute.type).order_by(
        Attribute.scope, Attribute.position
    )
    if scope:
        q = q.where(Attribute.scope == scope)
    return [(sc, name, type_) for sc, name, type_ in session.execute(q)]
