"""Memos: read the memo of anything a memo can sit on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import MEMO_TARGETS
from crosscase.domain.errors import NotFound


def memo_of(session: Session, kind: str, target_id: int) -> str:
    """The memo text of a project, case, document, participant, code or coding."""
    model = MEMO_TARGETS[kind]
    memo = session.scalar(select(model.memo).where(model.id == target_id))
    if memo is None:
        raise NotFound(f"no {kind} {target_id}")
    return memo
