"""Stable GUIDs for everything a REFI-QDA file names.

Rows with a ``guid`` column (coders, codes, cases, documents, codings, document
sets) keep the GUID they came with from an import; rows without one are given
a fresh random GUID at their first export, stored back, so every later export
uses the same. Things with no row of their own (a memo as a Note, a selection,
an attribute as a Variable) get a GUID derived from a stable owner, so they too
come out the same each time.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crosscase.db.models import Case, Code, Coder, Coding, Document, DocumentSet, ProjectInfo
from crosscase.db.project import Project
from crosscase.exchange.refi.qdexml import new_guid, valid_guid

# Fixed namespace for GUIDs Crosscase derives (uuid5): never change it.
NAMESPACE = uuid.UUID("a94fec28-f951-4e86-a994-ba53feb9f45e")

GUID_MODELS: tuple[type[Coder | Code | Case | Document | DocumentSet | Coding], ...] = (
    Coder, Code, Case, Document, DocumentSet, Coding,
)


def derive(namespace: uuid.UUID, *parts: object) -> str:
    return str(uuid.uuid5(namespace, "\x1f".join(str(p) for p in parts)))


def project_namespace(session: Session) -> uuid.UUID:
    """A namespace for this project, fixed at its creation."""
    info = session.get(ProjectInfo, 1)
    stamp = info.created.isoformat() if info is not None and info.created else "unknown"
    return uuid.uuid5(NAMESPACE, f"project\x1f{stamp}")


def assign(project: Project) -> int:
    """Give every row that lacks one (or has a malformed or repeated one) a GUID.

    GUIDs are stored lower case without braces. Returns how many rows changed.
    """
    changed = 0
    with project.transaction() as s:
        seen: set[str] = set()
        for model in GUID_MODELS:
            updates: list[dict[str, Any]] = []
            for row_id, guid in s.execute(select(model.id, model.guid).order_by(model.id)):
                g = valid_guid(guid)
                if g is None or g in seen:
                    g = new_guid()
                    while g in seen:
                        g = new_guid()
                seen.add(g)
                if g != guid:
                    updates.append({"id": row_id, "guid": g})
            if updates:
                s.execute(update(model), updates)
                changed += len(updates)
        if changed:
            project.log(s, "refi.guids", assigned=changed)
    return changed
