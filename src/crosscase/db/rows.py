"""Row snapshots for undo: copy rows out as plain dicts and put them back.

Commands store these plain values, never ORM objects, so an undo works in
any later session (and on any thread).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, delete, insert, select
from sqlalchemy.orm import Session

from crosscase.db.models import Base

Row = dict[str, Any]


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # every model maps one table
    return table


def snapshot(session: Session, model: type[Base], where: ColumnElement[bool]) -> list[Row]:
    table = _table(model)
    return [dict(r) for r in session.execute(select(table).where(where)).mappings()]


def restore(session: Session, model: type[Base], rows: list[Row]) -> None:
    if rows:
        session.execute(insert(_table(model)), rows)


def remove(session: Session, model: type[Base], where: ColumnElement[bool]) -> None:
    session.execute(delete(_table(model)).where(where))
