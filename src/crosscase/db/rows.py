"""Row snapshots for undo: copy rows out as plain dicts and put them back.

Commands store these plain values, never ORM objects, so an undo works in
any later session (and on any thread).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, insert, select
from sqlalchemy.orm import Session

Row = dict[str, Any]


def snapshot(session: Session, model: Any, where: ColumnElement[bool]) -> list[Row]:
    table = model.__table__
    return [dict(r) for r in session.execute(select(table).where(where)).mappings()]


def restore(session: Session, model: Any, rows: list[Row]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)


def remove(session: Session, model: Any, where: ColumnElement[bool]) -> None:
    session.execute(delete(model.__table__).where(where))
