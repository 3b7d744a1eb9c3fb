from __future__ import annotations

from collections.abc import Iterator

import pytest
from matrix_data import Study, build_study

from crosscase.db.project import Project


@pytest.fixture
def study(empty_project: Project) -> Iterator[tuple[Project, Study]]:
    """The matrix study, in an empty project file or shared project."""
    yield empty_project, build_study(empty_project)
