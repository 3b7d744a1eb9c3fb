"""Undoable commands on reliability rounds: open one on a sample, close it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crosscase.commands.base import Command
from crosscase.db.models import Coder, ReliabilityRound, RoundCoder, RoundDocument, utcnow
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import UsageError
from crosscase.domain.names import clean_name
from crosscase.services import coders as coder_service
from crosscase.services import rounds


class OpenRound(Command):
    """Draw a stratified sample of documents for double coding and open a round on it.

    The sample is drawn on the first ``do`` (from ``seed``); redo puts back the
    same rows. Coders named who are not in the project yet are added, and
    removed again by undo.
    """

    def __init__(
        self, name: str, *, share: float = 0.2, seed: int = 0, unit: str = "document",
        stratum: str = "case", coders: list[str] | None = None,
    ) -> None:
        self.name = clean_name(str(name)).strip()
        self.share, self.seed, self.unit, self.stratum = float(share), int(seed), unit, stratum
        self.coder_names = list(dict.fromkeys(str(c) for c in (coders or [])))
        self.label = f"Open reliability round {self.name}"
        self.document_ids: list[int] = []
        self._round: list[Row] = []
        self._new_coders: list[Row] = []
        self._members: list[Row] = []

    def _do(self, session: Session, project: Project) -> None:
        if self._round:  # redo: the same rows, the same ids
            restore(session, Coder, self._new_coders)
            restore(session, ReliabilityRound, self._round)
            restore(session, RoundDocument, [
                {"round_id": self._round[0]["id"], "document_id": d} for d in self.document_ids
            ])
            restore(session, RoundCoder, self._members)
            return
        if not self.name:
            raise UsageError("a reliability round needs a name")
        rounds.check(self.share, self.unit, self.stratum)
        taken = session.scalar(select(ReliabilityRound.id).where(ReliabilityRound.name == self.name))
        if taken is not None:
            raise UsageError(f"there is already a reliability round '{self.name}'")
        self.document_ids = rounds.sample_documents(
            session, share=self.share, seed=self.seed, unit=self.unit, stratum=self.stratum
        )
        coder_ids = []
        new_ids = []
        for name in self.coder_names:
            cid, added = coder_service.ensure(session, name)
            coder_ids.append(cid)
            if added:
                new_ids.append(cid)
        row = ReliabilityRound(name=self.name, unit=self.unit, share=self.share,
                               stratum=self.stratum, seed=self.seed, created=utcnow())
        session.add(row)
        session.flush()
        restore(session, RoundDocument, [
            {"round_id": row.id, "document_id": d} for d in self.document_ids
        ])
        self._members = [{"round_id": row.id, "coder_id": c} for c in dict.fromkeys(coder_ids)]
        restore(session, RoundCoder, self._members)
        self._round = snapshot(session, ReliabilityRound, ReliabilityRound.id == row.id)
        self._new_coders = snapshot(session, Coder, Coder.id.in_(new_ids)) if new_ids else []

    def _undo(self, session: Session, project: Project) -> None:
        rid = self._round[0]["id"]
        remove(session, RoundCoder, RoundCoder.round_id == rid)
        remove(session, RoundDocument, RoundDocument.round_id == rid)
        remove(session, ReliabilityRound, ReliabilityRound.id == rid)
        if self._new_coders:
            remove(session, Coder, Coder.id.in_([r["id"] for r in self._new_coders]))

    def change(self) -> Change:
        # who sees which codings in the sampled documents changes: views and counts follow
        return Change(self.label, {Kind.PROJECT: frozenset({1}), Kind.CODINGS: None},
                      documents=frozenset(self.document_ids))

    def details(self) -> dict[str, Any]:
        return {"round": self.name, "share": self.share, "seed": self.seed, "unit": self.unit,
                "by": self.stratum, "documents": self.document_ids, "coders": self.coder_names}


class CloseRound(Command):
    """Close an open round: its coders see each other's codings again."""

    def __init__(self, name: str) -> None:
        self.name = str(name).strip()
        self.label = f"Close reliability round {self.name}"
        self.document_ids: list[int] = []
        self._id: int | None = None
        self._closed: object = None

    def _do(self, session: Session, project: Project) -> None:
        info = rounds.find(session, self.name)
        if not info.is_open:
            raise UsageError(f"reliability round '{self.name}' is closed already")
        self._id, self.document_ids = info.id, info.documents
        if self._closed is None:
            self._closed = utcnow()
        session.execute(update(ReliabilityRound).where(ReliabilityRound.id == info.id)
                        .values(closed=self._closed))

    def _undo(self, session: Session, project: Project) -> None:
        session.execute(update(ReliabilityRound).where(ReliabilityRound.id == self._id)
                        .values(closed=None))

    def change(self) -> Change:
        return Change(self.label, {Kind.PROJECT: frozenset({1}), Kind.CODINGS: None},
                      documents=frozenset(self.document_ids))

    def details(self) -> dict[str, Any]:
        return {"round": self.name, "documents": self.document_ids}
