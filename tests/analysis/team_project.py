"""A small two-coder project for the disagreement, consensus and report tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crosscase.db.models import Coder, Coding
from crosscase.db.project import Project
from crosscase.services import codebook, documents
from crosscase.services.projects import new_project

TEXT = (
    "Manager: We built the café 𝒳 with the members.\n"          # 0-47
    "Service user: I choose what goes in the shop window now.\n"  # 47-104
    "Manager: The farm shop pays for the day service.\n"        # 104-153
    "Practitioner: We co-produce the plan together.\n"           # 153-200
)
CODE = "Co-production/Co-design"


def code_as(project: Project, coder: str, doc: int, code: int, spans: list[tuple[int, int]]) -> None:
    """Codings of ``coder`` inserted directly (the same span may be coded by two coders)."""
    with project.transaction() as s:
        cid = s.scalar(select(Coder.id).where(Coder.name == coder))
        if cid is None:
            row = Coder(name=coder)
            s.add(row)
            s.flush()
            cid = row.id
        body = documents.text_of(s, doc)
        for start, end in spans:
            s.add(Coding(document_id=doc, code_id=code, coder_id=cid, start=start, end=end,
                         snippet=body[start:end]))


def team_project(tmp_path: Path) -> tuple[Path, int, int, int]:
    """(path, document id, code id, another code id): ana and ben coded one interview."""
    path = tmp_path / "team.crosscase"
    src = tmp_path / "interview.txt"
    src.write_text(TEXT, encoding="utf-8")
    with new_project(path) as project:
        documents.import_files(project, [src], case="Case A")
        with project.session() as s:
            doc = documents.resolve(s, "interview")
            code = codebook.resolve(s, CODE)
            other = codebook.resolve(s, "Hybridity")
        # agree exactly on the first line; ana alone on line 2; ben alone on line 3;
        # boundaries differ on line 4
        code_as(project, "ana", doc, code, [(0, 47), (47, 104), (153, 200)])
        code_as(project, "ben", doc, code, [(0, 47), (104, 153), (167, 200)])
    return path, doc, code, other
