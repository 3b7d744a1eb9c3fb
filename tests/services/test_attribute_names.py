"""Attribute names are stored as one readable line, like case, code and document names."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crosscase.commands.cases import SetAttribute
from crosscase.db.models import Attribute
from crosscase.services import cases
from crosscase.services.projects import new_project


def test_control_characters_leave_attribute_names(tmp_path: Path) -> None:
    with new_project(tmp_path / "p.crosscase", empty=True) as project:
        with project.transaction() as s:
            case = cases.ensure(s, "Case A")
        SetAttribute("case", case, "sector\n\x1b[31mred", "social care").do(project)
        with project.session() as s:
            names = s.scalars(select(Attribute.name)).all()
    assert names == ["sector [31mred"]  # the escape character is gone: nothing left to run
