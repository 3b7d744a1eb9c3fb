from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from matrix_data import Study, build_study

from crosscase.db.project import Project
from crosscase.services.projects import new_project


@pytest.fixture
def study(tmp_path: Path) -> Iterator[tuple[Project, Study]]:
    p = new_project(tmp_path / "matrix.crosscase", empty=True)
    st = build_study(p)
    yield p, st
    p.close()
