"""Starting projects: new from the default codebook, or empty."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db import server
from crosscase.db.models import ProjectInfo
from crosscase.db.project import Project, create_project, open_project
from crosscase.services import codebook


def new_project(path: Path | str, *, empty: bool = False, name: str | None = None) -> Project:
    """A new project file, or (given a ``postgresql://`` URL) a new shared project in
    that empty database, with the default codebook unless ``empty``."""
    project = create_project(path if isinstance(path, str) and server.is_url(path) else Path(path),
                             name=name)
    try:
        if not empty:
            nodes = codebook.read_codebook_file(codebook.DEFAULT_CODEBOOK)
            with project.transaction() as s:
                added = codebook.add_tree(s, nodes)
                project.log(s, "codebook.load", source="default", codes=added)
    except BaseException:
        project.discard()  # a failed new project (a full disk) leaves no file behind
        raise
    project.created()
    return project


def project_name(session: Session) -> str:
    name = session.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1))
    return name or ""


__all__ = ["Project", "new_project", "open_project", "project_name"]
