"""Edits made on what the user saw: nothing is overwritten silently.

A researcher edits a memo, a definition or a summary they read minutes ago.
The command that writes it carries ``seen``: the old value of the field as
the user saw it (for a command that writes several fields at once, a mapping
of each field to its old value; no value is seen as ``""``). Before writing,
the command reads the row again, locked until its transaction ends
(``SELECT ... FOR UPDATE`` on a shared server), and compares. If someone
else's write came in between, the command is refused with
:class:`EditConflict`: a :class:`~crosscase.domain.errors.StaleWrite` that
carries both texts (``theirs``, now in the project, and ``mine``), what the
retry with a merged text is, and the change to show the colleague's text.

``seen=None`` (the command line, scripts) writes as before. Redo and undo are
checked by the rows' versions (``Project.transaction``), not here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from crosscase.commands.base import Command
from crosscase.db.project import Project
from crosscase.domain.changes import Change
from crosscase.domain.errors import StaleWrite

#: what a command that writes several fields takes as ``seen``
SeenFields = Mapping[str, Any]


class EditConflict(StaleWrite):
    """Someone else changed the text since the user read it; theirs is kept.

    ``theirs`` is the text in the project now, ``mine`` the text that was not
    saved; ``retry(merged)`` is the command that writes ``merged`` over theirs;
    ``change`` names the rows, so views can show theirs.
    """

    def __init__(self, message: str, *, what: str, theirs: str, mine: str,
                 retry: Callable[[str], Command], change: Change) -> None:
        super().__init__(message)
        self.what, self.theirs, self.mine = what, theirs, mine
        self.retry, self.change = retry, change


def shown(value: Any) -> str:
    """A stored value as the user reads it (no value is ``""``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def lock(session: Session, row: object, *fields: str) -> None:
    """Read ``fields`` (and the version) of ``row`` again, locked until the transaction
    ends: a colleague's write to it waits for ours, ours sees theirs if it came first."""
    names = [*fields, "version"] if hasattr(row, "version") else list(fields)
    # FOR NO KEY UPDATE: a coding inserted meanwhile (its key share on a code) does not wait
    session.refresh(row, attribute_names=names, with_for_update={"key_share": True})


def check_seen(project: Project, what: str, seen: Any, theirs: Any, mine: Any, *,
               retry: Callable[[str], Command], change: Change) -> None:
    """Refuse the write of ``mine`` over ``theirs`` (the current value, read locked)
    when the user saw something else (``seen``); ``seen=None`` is not checked."""
    if seen is None or shown(seen) == shown(theirs):
        return
    raise EditConflict(
        f"{project.location}: {what} was changed by someone else since you read it; "
        "yours was not saved", what=what, theirs=shown(theirs), mine=shown(mine),
        retry=retry, change=change)


def check_fields(session: Session, project: Project, row: object, what: str,
                 seen: SeenFields | None, changes: Mapping[str, Any],
                 retry: Callable[[str, str, str], Command], change: Change) -> None:
    """:func:`check_seen` for each field of ``changes`` that ``seen`` names, on ``row``
    read again locked. ``retry(field, merged, theirs)`` rebuilds the command."""
    if not seen:
        return
    fields = [f for f in changes if f in seen]
    if not fields:
        return
    lock(session, row, *fields)
    for f in fields:
        theirs = getattr(row, f)

        def again(merged: str, f: str = f, theirs: Any = theirs) -> Command:
            return retry(f, merged, shown(theirs))

        label = f.replace("_", " ")
        check_seen(project, f"the {label} of {what}", seen[f], theirs, changes[f],
                   retry=again, change=change)
