"""Undoable commands on framework cells and the rating scale."""

from __future__ import annotations

import enum
import json
from typing import Any, Final, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from crosscase.commands.base import Command, id_set
from crosscase.commands.seen import SeenFields, check_fields
from crosscase.db.models import Case, Code, FrameworkCell, FrameworkPin, ProjectInfo
from crosscase.db.project import Project
from crosscase.db.rows import Row, remove, restore, snapshot
from crosscase.domain.changes import Change, Kind
from crosscase.domain.errors import UsageError
from crosscase.services import coders, framework


class _Keep(enum.Enum):
    KEEP = "keep"


_KEEP: Final = _Keep.KEEP  # leave this field as it is


def _ensure_cell(session: Session, project: Project, code_id: int, case_id: int,
                 cell_id: int | None) -> tuple[FrameworkCell, bool]:
    """The cell, created (with ``cell_id`` on redo) if there is none yet, by the
    project's coder."""
    cell = framework.find_cell(session, code_id, case_id)
    if cell is not None:
        return cell, False
    framework.check_cell(session, code_id, case_id)
    cell = FrameworkCell(code_id=code_id, case_id=case_id, summary="", rating=None,
                         coder_id=coders.ensure(session, project.coder_name)[0])
    if cell_id is not None:
        cell.id = cell_id
    session.add(cell)
    session.flush()
    return cell, True


class SetFrameworkCell(Command):
    """Write the summary and/or the rating of one code in one case.

    ``seen`` maps ``summary``/``rating`` to the values the user read (``""``: none):
    one that has changed since is not overwritten (see :mod:`crosscase.commands.seen`).
    """

    def __init__(
        self, code_id: int, case_id: int, *,
        summary: str | None | Literal[_Keep.KEEP] = _KEEP,
        rating: str | None | Literal[_Keep.KEEP] = _KEEP,
        seen: SeenFields | None = None,
    ) -> None:
        if summary is _KEEP and rating is _KEEP:
            raise UsageError("give a summary or a rating")
        self.code_id, self.case_id = code_id, case_id
        self.summary, self.rating, self.seen = summary, rating, seen
        self.label = "Rate framework cell" if summary is _KEEP else "Edit framework cell"
        self._before: list[Row] | None = None
        self._cell_id: int | None = None

    def _do(self, session: Session, project: Project) -> None:
        rating = (
            _KEEP if self.rating is _KEEP else framework.canonical_rating(session, self.rating)
        )
        existing = framework.find_cell(session, self.code_id, self.case_id)
        if self._before is None and existing is not None and self.seen:
            # the first do: the user's edit, over what they saw
            self._cell_id = existing.id
            self._check_seen(session, project, existing, rating)
        if self._before is None:
            self._before = (
                snapshot(session, FrameworkCell, FrameworkCell.id == existing.id)
                if existing is not None else []
            )
        cell, _ = _ensure_cell(session, project, self.code_id, self.case_id, self._cell_id)
        self._cell_id = cell.id
        cell.coder_id = coders.ensure(session, project.coder_name)[0]  # who wrote the judgement last
        if self.summary is not _KEEP:
            cell.summary = str(self.summary or "")
        if rating is not _KEEP:
            cell.rating = rating

    def _check_seen(self, session: Session, project: Project, cell: FrameworkCell,
                    rating: str | None | Literal[_Keep.KEEP]) -> None:
        mine = {k: v for k, v in (("summary", self.summary), ("rating", rating))
                if v is not _KEEP}
        seen = dict(self.seen or {})

        def retry(field: str, merged: str, theirs: str) -> Command:
            values: dict[str, Any] = {"summary": self.summary, "rating": self.rating,
                                      field: (merged or None) if field == "rating" else merged}
            return SetFrameworkCell(self.code_id, self.case_id, **values,
                                    seen={**seen, field: theirs})

        code = session.scalar(select(Code.name).where(Code.id == self.code_id))
        case = session.scalar(select(Case.name).where(Case.id == self.case_id))
        check_fields(session, project, cell, f"'{code}' in case '{case}'", seen, mine,
                     retry, self._change({Kind.FRAMEWORK: id_set([cell.id])}))

    def _undo(self, session: Session, project: Project) -> None:
        if not self._before:
            remove(session, FrameworkCell, FrameworkCell.id == self._cell_id)
            return
        old = self._before[0]
        session.execute(
            update(FrameworkCell).where(FrameworkCell.id == old["id"])
            .values(summary=old["summary"], rating=old["rating"], coder_id=old["coder_id"])
        )

    def change(self) -> Change:
        # a cell that was not there before is a new member (undo removes it)
        return self._change({Kind.FRAMEWORK: id_set([self._cell_id])},
                            reshaped=[] if self._before else [Kind.FRAMEWORK])

    def details(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code_id, "case": self.case_id}
        if self.rating is not _KEEP:
            d["rating"] = self.rating
        if self.summary is not _KEEP:
            d["summary_chars"] = len(str(self.summary or ""))
        return d


class _PinCommand(Command):
    def __init__(self, code_id: int, case_id: int, coding_id: int) -> None:
        self.code_id, self.case_id, self.coding_id = code_id, case_id, coding_id
        self._pins: list[Row] = []  # the cell's pins before
        self._cell_id: int | None = None
        self._created = False

    def _restore_pins(self, session: Session) -> None:
        session.execute(delete(FrameworkPin).where(FrameworkPin.cell_id == self._cell_id))
        restore(session, FrameworkPin, self._pins)

    def change(self) -> Change:
        return self._change({Kind.FRAMEWORK: id_set([self._cell_id])},
                            reshaped=[Kind.FRAMEWORK] if self._created else [])

    def details(self) -> dict[str, Any]:
        return {"code": self.code_id, "case": self.case_id, "coding": self.coding_id}


class PinQuote(_PinCommand):
    """Pin a coding as an exemplar quote of a cell (at the end, or at ``position``)."""

    label = "Pin quote"

    def __init__(
        self, code_id: int, case_id: int, coding_id: int, position: int | None = None
    ) -> None:
        super().__init__(code_id, case_id, coding_id)
        self.position = position

    def _do(self, session: Session, project: Project) -> None:
        framework.check_cell(session, self.code_id, self.case_id)
        framework.check_quote(session, self.code_id, self.case_id, self.coding_id)
        cell, created = _ensure_cell(session, project, self.code_id, self.case_id,
                                     self._cell_id if self._created else None)
        self._created = self._created or created
        self._cell_id = cell.id
        self._pins = snapshot(session, FrameworkPin, FrameworkPin.cell_id == cell.id)
        order = [r["coding_id"] for r in sorted(self._pins, key=lambda r: r["position"])]
        if self.coding_id in order:
            raise UsageError("that quote is already pinned to this cell")
        pos = len(order) if self.position is None else max(0, min(self.position, len(order)))
        order.insert(pos, self.coding_id)
        session.execute(delete(FrameworkPin).where(FrameworkPin.cell_id == cell.id))
        restore(session, FrameworkPin, [
            {"cell_id": cell.id, "coding_id": cid, "position": i} for i, cid in enumerate(order)
        ])

    def _undo(self, session: Session, project: Project) -> None:
        self._restore_pins(session)
        if self._created:
            cell = session.get(FrameworkCell, self._cell_id)
            if cell is not None and not cell.summary and not cell.rating:
                remaining = session.scalar(
                    select(func.count()).select_from(FrameworkPin)
                    .where(FrameworkPin.cell_id == self._cell_id)
                )
                if not remaining:
                    remove(session, FrameworkCell, FrameworkCell.id == self._cell_id)


class UnpinQuote(_PinCommand):
    label = "Unpin quote"

    def _do(self, session: Session, project: Project) -> None:
        cell = framework.find_cell(session, self.code_id, self.case_id)
        if cell is None:
            raise UsageError("that quote is not pinned to this cell")
        self._cell_id = cell.id
        self._pins = snapshot(session, FrameworkPin, FrameworkPin.cell_id == cell.id)
        order = [r["coding_id"] for r in sorted(self._pins, key=lambda r: r["position"])]
        if self.coding_id not in order:
            raise UsageError("that quote is not pinned to this cell")
        order.remove(self.coding_id)
        session.execute(delete(FrameworkPin).where(FrameworkPin.cell_id == cell.id))
        restore(session, FrameworkPin, [
            {"cell_id": cell.id, "coding_id": cid, "position": i} for i, cid in enumerate(order)
        ])

    def _undo(self, session: Session, project: Project) -> None:
        self._restore_pins(session)


class SetRatingScale(Command):
    """Replace the project's rating scale (lowest first).

    Ratings already given must be on the new scale, or renamed to one of its
    labels through ``rename`` (old label -> new label).
    """

    label = "Change rating scale"

    def __init__(self, labels: list[str], rename: dict[str, str] | None = None) -> None:
        self.labels = framework.check_scale(list(labels))
        self.rename = {str(k).casefold(): str(v) for k, v in (rename or {}).items()}
        self._old_scale: str | None = None
        self._old_ratings: list[tuple[int, str | None]] = []

    def _do(self, session: Session, project: Project) -> None:
        info = session.get(ProjectInfo, 1)
        if info is None:
            raise UsageError("the project has no settings row")
        self._old_scale = info.rating_scale
        new = {x.casefold(): x for x in self.labels}
        for target in self.rename.values():
            if target.strip().casefold() not in new:
                raise UsageError(f"'{target}' is not on the new scale")
        rows = session.execute(
            select(FrameworkCell.id, FrameworkCell.rating).where(FrameworkCell.rating.is_not(None))
        ).all()
        self._old_ratings = [(r[0], r[1]) for r in rows]
        missing: set[str] = set()
        for cid, rating in rows:
            key = str(rating).casefold()
            if key in self.rename:
                target = new[self.rename[key].strip().casefold()]
            elif key in new:
                target = new[key]
            else:
                missing.add(str(rating))
                continue
            if target != rating:
                session.execute(
                    update(FrameworkCell).where(FrameworkCell.id == cid).values(rating=target)
                )
        if missing:
            raise UsageError(
                "ratings in use are not on the new scale: " + ", ".join(sorted(missing))
                + " (rename them to a new label, or clear them first)"
            )
        info.rating_scale = json.dumps(self.labels, ensure_ascii=False)

    def _undo(self, session: Session, project: Project) -> None:
        info = session.get(ProjectInfo, 1)
        assert info is not None
        info.rating_scale = self._old_scale or json.dumps(framework.DEFAULT_SCALE)
        for cid, rating in self._old_ratings:
            session.execute(
                update(FrameworkCell).where(FrameworkCell.id == cid).values(rating=rating)
            )

    def change(self) -> Change:
        # the scale every rating is read on: any cell may show differently
        return self._change({Kind.FRAMEWORK: None})

    def details(self) -> dict[str, Any]:
        return {"labels": self.labels}
