"""Typed attributes of cases, documents and participants.

Values are stored as text and typed by their attribute: ``number`` values
are decimal strings, ``boolean`` are ``true``/``false``, ``date`` ISO dates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crosscase.db.models import (
    Attribute,
    Case,
    CaseValue,
    Document,
    DocumentValue,
    Participant,
    ParticipantValue,
    Turn,
)
from crosscase.domain.errors import UsageError
from crosscase.domain.names import clean_name

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


def ensure(session: Session, scope: str, name: str, type_: str | None, value: object,
           *, id_: int | None = None) -> tuple[int, bool]:
    """The attribute ``name`` of ``scope`` (made if missing, under ``id_`` if given:
    a redo makes it again under the id its first run got); returns (id, made)."""
    if scope not in VALUE_TABLES:
        raise UsageError(f"attributes belong to case, document or participant, not '{scope}'")
    name = clean_name(name)  # one readable line: no control characters
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
    attr = Attribute(id=id_, scope=scope, name=name, type=t, position=pos or 0)
    session.add(attr)
    session.flush()
    return attr.id, True


def encode(session: Session, attr_id: int, value: Any) -> str:
    attr = session.get(Attribute, attr_id)
    assert attr is not None
    return encode_value(attr.name, attr.type, value)


def encode_value(name: str, type_: str, value: Any) -> str:
    """``value`` as stored for an attribute of ``type_``; a value that does not fit is refused."""
    if type_ == "number":
        try:
            num = float(value)
        except (TypeError, ValueError):
            raise UsageError(f"attribute '{name}' takes a number, not '{value}'") from None
        if num != num or num in (float("inf"), float("-inf")):
            raise UsageError(f"attribute '{name}' takes a number, not '{value}'")
        return str(int(num)) if num.is_integer() else repr(num)
    if type_ == "boolean":
        s = str(value).strip().lower()
        if s in {"true", "1", "yes", "y"}:
            return "true"
        if s in {"false", "0", "no", "n"}:
            return "false"
        raise UsageError(f"attribute '{name}' takes yes or no, not '{value}'")
    if type_ == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise UsageError(f"attribute '{name}' takes a date (YYYY-MM-DD), not '{value}'") from None
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


# -- the classification sheet ---------------------------------------------------------------


@dataclass(frozen=True)
class AttributeInfo:
    id: int
    name: str
    type: str


@dataclass(frozen=True)
class SheetRow:
    """One row of a classification sheet.

    ``owners`` are the cases, documents or participants the row stands for:
    one, or, with participants grouped by name, every participant of that
    name in any case, so a role is set once for all of them. ``values`` holds
    each attribute's stored value (None when unset); where the owners of a
    grouped row disagree the attribute is in ``mixed`` and its value is None.
    """

    owners: tuple[int, ...]
    labels: tuple[str, ...]
    values: dict[int, str | None]
    mixed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Sheet:
    """Owners (cases, documents or participants) by the attributes of their scope."""

    scope: str
    #: headers of the read-only label columns before the attributes
    headers: tuple[str, ...]
    attributes: list[AttributeInfo]
    rows: list[SheetRow]
    grouped: bool = False


SHEET_HEADERS = {
    "case": ("Case",),
    "document": ("Document", "Case"),
    "participant": ("Participant", "Case", "Turns"),
}


def attribute_infos(session: Session, scope: str) -> list[AttributeInfo]:
    q = (
        select(Attribute.id, Attribute.name, Attribute.type)
        .where(Attribute.scope == scope)
        .order_by(Attribute.position, Attribute.id)
    )
    return [AttributeInfo(i, n, t) for i, n, t in session.execute(q)]


def _owners(session: Session, scope: str) -> list[tuple[int, tuple[str, ...]]]:
    if scope == "case":
        q = select(Case.id, Case.name).order_by(Case.position, Case.id)
        return [(i, (n,)) for i, n in session.execute(q)]
    if scope == "document":
        dq = (
            select(Document.id, Document.name, Case.name)
            .join(Case, Case.id == Document.case_id)
            .order_by(Case.position, Case.id, Document.name, Document.id)
        )
        return [(i, (n, c)) for i, n, c in session.execute(dq)]
    turns = dict(
        session.execute(select(Turn.participant_id, func.count()).group_by(Turn.participant_id)).all()
    )
    pq = (
        select(Participant.id, Participant.name, Case.name)
        .join(Case, Case.id == Participant.case_id)
        .order_by(Case.position, Case.id, Participant.name, Participant.id)
    )
    return [(i, (n, c, str(turns.get(i, 0)))) for i, n, c in session.execute(pq)]


def sheet(session: Session, scope: str, *, group_by_name: bool = False) -> Sheet:
    """The classification sheet of ``scope``; participants may be grouped by name across cases."""
    if scope not in VALUE_TABLES:
        raise UsageError(f"attributes belong to case, document or participant, not '{scope}'")
    attrs = attribute_infos(session, scope)
    stored: dict[int, dict[int, str]] = {
        owner: dict(pairs) for owner, pairs in raw_values(session, scope).items()
    }
    owners = _owners(session, scope)
    if not (group_by_name and scope == "participant"):
        rows = [
            SheetRow((oid,), labels, {a.id: stored.get(oid, {}).get(a.id) for a in attrs})
            for oid, labels in owners
        ]
        return Sheet(scope, SHEET_HEADERS[scope], attrs, rows)
    groups: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for oid, labels in owners:
        groups.setdefault(labels[0].strip().casefold(), []).append((oid, labels))
    grouped: list[SheetRow] = []
    for members in groups.values():
        ids = tuple(oid for oid, _ in members)
        case_names = list(dict.fromkeys(labels[1] for _, labels in members))
        turns = sum(int(labels[2]) for _, labels in members)
        values: dict[int, str | None] = {}
        mixed: set[int] = set()
        for a in attrs:
            seen = {stored.get(oid, {}).get(a.id) for oid in ids}
            if len(seen) == 1:
                values[a.id] = seen.pop()
            else:
                values[a.id] = None
                mixed.add(a.id)
        label = (members[0][1][0], ", ".join(case_names), str(turns))
        grouped.append(SheetRow(ids, label, values, frozenset(mixed)))
    grouped.sort(key=lambda r: r.labels[0].casefold())
    return Sheet(scope, ("Participant", "Cases", "Turns"), attrs, grouped, grouped=True)


def shown(type_: str, raw: str | None) -> str:
    """A stored value as the sheet shows and copies it (yes/no for booleans)."""
    if raw is None:
        return ""
    if type_ == "boolean":
        return "yes" if raw == "true" else "no" if raw == "false" else raw
    return raw


# -- pasting from a spreadsheet ------------------------------------------------------------------


def parse_table(text: str) -> list[list[str]]:
    """Tab-separated text as a spreadsheet copies it: rows of cells, a cell quoted by the
    spreadsheet when it holds a tab, a line break or a quote; the last line break dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    reader = csv.reader(io.StringIO(text), delimiter="\t", strict=False)
    return [[cell.strip() for cell in row] for row in reader]


def infer_text_type(cells: list[str]) -> str:
    """The type a pasted column's values fit: number, date, yes/no, else text."""
    filled = [c for c in cells if c.strip()]
    if not filled:
        return "text"
    for type_ in ("number", "date", "boolean"):
        try:
            for c in filled:
                encode_value("", type_, c)
        except UsageError:
            continue
        if type_ == "boolean" and all(c.strip() in {"0", "1"} for c in filled):
            return "number"
        return type_
    return "text"


@dataclass
class PastePlan:
    """What a paste with a header row sets: (owner, attribute name, text), the attributes it
    creates (name -> type) and the names in its first column that match no row."""

    values: list[tuple[int, str, str]] = field(default_factory=list)
    new_attributes: dict[str, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)


def has_header(sheet_: Sheet, table: list[list[str]]) -> bool:
    """A pasted block names its columns when its first cell is the sheet's first header
    (``Case``, ``Participant`` ...) or ``name``."""
    if len(table) < 1 or not table[0]:
        return False
    first = table[0][0].strip().casefold()
    return first in (sheet_.headers[0].casefold(), "name")


def plan_header_paste(sheet_: Sheet, table: list[list[str]]) -> PastePlan:
    """Match a pasted block with a header row to the sheet: rows by the name in the first
    column (and the case, for participants and documents, when a column names it), columns
    by attribute name; a column naming no attribute makes one of the type its values fit.
    Empty cells leave values as they are."""
    plan = PastePlan()
    header = [h.strip() for h in table[0]]
    labels = {h.casefold() for h in sheet_.headers} | {"name", "cases"}
    known = {a.name.casefold(): a for a in sheet_.attributes}
    case_col = next(
        (i for i, h in enumerate(header) if i and h.casefold() in ("case", "cases")), None
    )
    by_name: dict[str, list[SheetRow]] = {}
    for row in sheet_.rows:
        by_name.setdefault(row.labels[0].strip().casefold(), []).append(row)
    body = table[1:]
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, h in enumerate(header[1:], start=1):
        if not h or h.casefold() in labels or h.casefold() in seen:
            continue
        seen.add(h.casefold())
        attr = known.get(h.casefold())
        if attr is None:
            plan.new_attributes[h] = infer_text_type([r[i] if i < len(r) else "" for r in body])
            columns.append((i, h))
        else:
            columns.append((i, attr.name))
    for cells in body:
        if not cells or not cells[0].strip():
            continue
        matches = by_name.get(cells[0].strip().casefold(), [])
        if case_col is not None and case_col < len(cells) and cells[case_col].strip() \
                and not sheet_.grouped and len(sheet_.headers) > 1:
            want = cells[case_col].strip().casefold()
            matches = [r for r in matches if r.labels[1].strip().casefold() == want]
        if not matches:
            plan.unmatched.append(cells[0].strip())
            continue
        for i, name in columns:
            text = cells[i].strip() if i < len(cells) else ""
            if not text:
                continue
            for row in matches:
                plan.values.extend((owner, name, text) for owner in row.owners)
    return plan
