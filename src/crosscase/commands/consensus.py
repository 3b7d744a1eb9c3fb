"""Disagreements decided into a consensus coding.

A reviewer looks at one disagreement between two coders (one code, one
document, each coder's spans there) and decides: take coder A's spans, coder
B's, their union, their intersection, or recode the union with another code.
:class:`ResolveDisagreement` writes the result as codings of the consensus
coder (``"consensus"`` unless named otherwise), each with a memo saying what
was decided, by whom, when and why, and logs the same in the event log. It
is one undoable step; an undo removes the codings (and the consensus coder,
if the decision made it).

Taking a coder who has no segment there ("accept A" where only B coded)
writes nothing: the consensus is that the passage is not coded; the event
log still records the decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.commands.coding import insert_codings
from crosscase.db.models import Coder, Coding, utcnow
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import UsageError
from crosscase.services import spans

DEFAULT_CONSENSUS = "consensus"

#: decision -> how the memo and the log name it
DECISIONS = {
    "a": "accept A",
    "b": "accept B",
    "union": "union",
    "intersection": "intersection",
    "recode": "recode",
}

Span = tuple[int, int]


def merged(spans_: Iterable[Span]) -> list[Span]:
    """Spans joined where they overlap or touch, in order."""
    out: list[Span] = []
    for start, end in sorted(spans_):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def intersection(a: Iterable[Span], b: Iterable[Span]) -> list[Span]:
    """The characters inside both ``a`` and ``b``, as spans."""
    left, right = merged(a), merged(b)
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if end > start:
            out.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def decided_spans(decision: str, a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The spans a decision keeps."""
    if decision == "a":
        return merged(a)
    if decision == "b":
        return merged(b)
    if decision == "intersection":
        return intersection(a, b)
    return merged([*a, *b])  # union; recode keeps the union under another code


class ResolveDisagreement(Command):
    """One decision on one disagreement, written as consensus codings."""

    def __init__(
        self,
        document_id: int,
        code_id: int,
        decision: str,
        a_spans: Sequence[Span],
        b_spans: Sequence[Span],
        *,
        coders: tuple[str, str] = ("A", "B"),
        consensus: str = DEFAULT_CONSENSUS,
        reason: str = "",
        recode_to: int | None = None,
    ) -> None:
        self.document_id, self.code_id = document_id, code_id
        self.decision = decision
        self.a_spans = [(int(s), int(e)) for s, e in a_spans]
        self.b_spans = [(int(s), int(e)) for s, e in b_spans]
        self.coders = coders
        self.consensus = consensus.strip()
        self.reason = reason.strip()
        self.recode_to = recode_to
        what = DECISIONS.get(decision, decision)
        self.label = f"Consensus: {what}"
        self.ids: list[int] = []
        self.decided_by = ""
        self.at = ""
        self._rows: list[Row] = []
        self._coder_row: list[Row] = []

    @property
    def target_code(self) -> int:
        return self.recode_to if self.decision == "recode" and self.recode_to is not None \
            else self.code_id

    def _note(self) -> str:
        a, b = self.coders
        what = {"a": f"accepted {a}'s coding", "b": f"accepted {b}'s coding",
                "union": f"union of {a} and {b}", "intersection": f"intersection of {a} and {b}",
                "recode": f"recoded (union of {a} and {b})"}[self.decision]
        note = f"Consensus: {what}; decided by {self.decided_by}, {self.at}"
        return f"{note}. Reason: {self.reason}" if self.reason else f"{note}."

    def _do(self, session: Session, project: Project) -> None:
        if self._rows or self._coder_row:  # redo: the same rows, the same ids
            restore(session, Coder, self._coder_row)
            restore(session, Coding, self._rows)
            return
        if self.decision not in DECISIONS:
            raise UsageError(f"no decision {self.decision!r}; use one of {', '.join(DECISIONS)}")
        if not self.consensus:
            raise UsageError("the consensus coder needs a name")
        if self.decision == "recode" and (self.recode_to is None or self.recode_to == self.code_id):
            raise UsageError("recode needs another code")
        checker = spans.SpanChecker(session)
        checker.check_code(self.code_id)
        checker.check_code(self.target_code)
        for s, e in [*self.a_spans, *self.b_spans]:
            checker.snippet(self.document_id, s, e)
        coder = session.scalar(select(Coder.id).where(Coder.name == self.consensus))
        if coder is None:
            coder = session.scalars(insert(Coder).returning(Coder.id),
                                    [{"name": self.consensus, "guid": None}]).one()
            self._coder_row = [{"id": coder, "name": self.consensus, "guid": None}]
        self.decided_by = project.coder_name
        created = utcnow()
        self.at = created.strftime("%Y-%m-%d %H:%M UTC")
        existing = {
            (s, e) for s, e in session.execute(
                select(Coding.start, Coding.end).where(
                    Coding.document_id == self.document_id, Coding.code_id == self.target_code,
                    Coding.coder_id == coder,
                )
            )
        }
        note = self._note()
        new: list[Row] = [
            {"document_id": self.document_id, "code_id": self.target_code, "coder_id": coder,
             "start": s, "end": e, "memo": note, "created": created,
             "snippet": checker.snippet(self.document_id, s, e), "guid": None}
            for s, e in decided_spans(self.decision, self.a_spans, self.b_spans)
            if (s, e) not in existing
        ]
        self.ids = insert_codings(session, new)
        self._rows = new

    def _undo(self, session: Session, project: Project) -> None:
        remove(session, Coding, Coding.id.in_(self.ids))
        if self._coder_row:
            remove(session, Coder, Coder.id == self._coder_row[0]["id"])

    def change(self) -> Change:
        return self._change(
            {Kind.CODINGS: id_set(self.ids)},
            reshaped=[Kind.CODINGS],
            documents=[self.document_id] if self.ids else [],
            codes=[self.target_code] if self.ids else [],
        )

    def details(self) -> dict[str, Any]:
        return {
            "decision": self.decision, "document": self.document_id, "code": self.code_id,
            "recode_to": self.recode_to if self.decision == "recode" else None,
            "coders": list(self.coders), "consensus": self.consensus,
            "decided_by": self.decided_by, "at": self.at, "reason": self.reason,
            "codings": self.ids,
        }
