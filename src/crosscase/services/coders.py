"""Coders: who coded what, and who is coding on this machine.

A coder is a name (table ``coder``). Every coding, framework cell and change
records one. On the command line the coder is ``--coder NAME``; without it,
``CROSSCASE_CODER``, then the last coder named on this machine (a one-line
file under the per-user configuration folder, ``$XDG_CONFIG_HOME/crosscase/coder``,
by default ``~/.config/crosscase/coder``), then the operating-system user.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crosscase.domain.errors import NotFound, UsageError
from crosscase.domain.names import clean_name

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: the longest coder name (the column holds 200)
MAX_NAME = 200


def config_dir() -> Path:
    """This user's Crosscase configuration folder (XDG)."""
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "crosscase"


def _coder_file() -> Path:
    return config_dir() / "coder"


def os_user() -> str:
    try:
        import getpass

        return getpass.getuser() or "researcher"
    except Exception:  # noqa: BLE001 - any failure means no login name
        return "researcher"


def remembered() -> str | None:
    """The last coder named on this machine, if any (an unreadable file is no name)."""
    try:
        text = _coder_file().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    name = clean_name(text.strip())
    return name[:MAX_NAME] or None


def remember(name: str) -> None:
    """Keep ``name`` as this machine's coder; a folder that cannot be written is let be."""
    path = _coder_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(name + "\n")
    except OSError:
        pass


def checked_name(name: str) -> str:
    """A coder's name as stored: one clean line, not empty, not too long."""
    cleaned = clean_name(str(name)).strip()
    if not cleaned:
        raise UsageError("a coder needs a name")
    if len(cleaned) > MAX_NAME:
        raise UsageError(f"a coder's name is at most {MAX_NAME} characters")
    return cleaned


def default_name(given: str | None = None) -> str:
    """Who is coding: ``given``, else ``CROSSCASE_CODER``, else this machine's last
    coder, else the operating-system user."""
    if given:
        return checked_name(given)
    return (os.environ.get("CROSSCASE_CODER") or remembered() or os_user()).strip() or "researcher"


@dataclass(frozen=True)
class CoderInfo:
    id: int
    name: str
    codings: int
    documents: int

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "codings": self.codings,
                "documents": self.documents}


def listing(session: Session) -> list[CoderInfo]:
    """Every coder with how many codings and coded documents they have, by name."""
    from sqlalchemy import func, select

    from crosscase.db.models import Coder, Coding

    counts: dict[int, tuple[int, int]] = {}
    for coder_id, codings, documents in session.execute(
        select(Coding.coder_id, func.count(), func.count(func.distinct(Coding.document_id)))
        .where(Coding.coder_id.is_not(None)).group_by(Coding.coder_id)
    ):
        if coder_id is not None:
            counts[int(coder_id)] = (int(codings), int(documents))
    rows = session.execute(select(Coder.id, Coder.name)).all()
    out = [CoderInfo(int(i), str(n), *counts.get(int(i), (0, 0))) for i, n in rows]
    return sorted(out, key=lambda c: (c.name.casefold(), c.id))


def find(session: Session, name: str) -> int | None:
    from sqlalchemy import select

    from crosscase.db.models import Coder

    return session.scalar(select(Coder.id).where(Coder.name == name))


def resolve(session: Session, name: str) -> int:
    """A coder's id by exact name (or, failing that, a unique case-insensitive match)."""
    from sqlalchemy import func, select

    from crosscase.db.models import Coder

    found = find(session, str(name).strip())
    if found is not None:
        return found
    like = session.scalars(
        select(Coder.id).where(func.lower(Coder.name) == str(name).strip().lower())
    ).all()
    if len(like) == 1:
        return int(like[0])
    raise NotFound(f"no coder '{name}' in this project")


def resolve_many(session: Session, names: list[str] | None) -> list[int] | None:
    """Ids of coders named (None: no filter)."""
    if not names:
        return None
    return list(dict.fromkeys(resolve(session, n) for n in names))


def ensure(session: Session, name: str) -> tuple[int, bool]:
    """The coder's id, added in the caller's transaction if new; and whether it was added."""
    from crosscase.db.models import Coder

    name = checked_name(name)
    found = find(session, name)
    if found is not None:
        return found, False
    row = Coder(name=name)
    session.add(row)
    session.flush()
    return row.id, True


def coding_coders(session: Session, document_id: int) -> dict[int, int | None]:
    """The coder of each coding in a document (coding id -> coder id)."""
    from sqlalchemy import select

    from crosscase.db.models import Coding

    return {int(i): (None if c is None else int(c)) for i, c in session.execute(
        select(Coding.id, Coding.coder_id).where(Coding.document_id == document_id))}
