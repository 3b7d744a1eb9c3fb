"""Cases: find by name or id, create on first use."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crosscase.db.models import Case
from crosscase.domain.errors import NotFound, UsageError


def resolve(session: Session, spec: str | int) -> int:
    s = str(spec).strip()
    cid = session.scalar(select(Case.id).where(Case.name == s))
    if cid is None:
        cid = session.scalar(select(Case.id).where(func.lower(Case.name) == s.lower()))
    if cid is None and s.isdigit():
        cid = session.scalar(select(Case.id).where(Case.id == int(s)))
    if cid is None:
        raise NotFound(f"no case '{spec}'")
    return cid


def ensure(session: Session, name: str) -> int:
    name = name.strip()
    if not name:
        raise UsageError("a case needs a name")
    cid = session.scalar(select(Case.id).where(Case.name == name))
    if cid is None:
        pos = session.scalar(select(func.coalesce(func.max(Case.position) + 1, 0)))
        case = Case(name=name, position=pos or 0)
        session.add(case)
        session.flush()
        cid = case.id
    return cid
