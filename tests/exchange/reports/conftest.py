from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "analysis"))

from matrix_data import Study, build_study

from crosscase.analysis.matrix import cell_coding_ids
from crosscase.commands.framework import PinQuote, SetFrameworkCell
from crosscase.db.project import Project
from crosscase.services.projects import new_project


@pytest.fixture
def rated(tmp_path: Path) -> Iterator[tuple[Project, Study]]:
    """The matrix test study with framework cells written for Case A and Case B."""
    p = new_project(tmp_path / "report.crosscase", empty=True)
    st = build_study(p)
    a, b = st.cases["Case A"], st.cases["Case B"]
    code = st.codes["Co-production"]
    SetFrameworkCell(code, a, summary="Members shape what the shop sells.", rating="strong").do(p)
    SetFrameworkCell(code, b, summary="Service users lead their reviews.", rating="weak").do(p)
    for cid in cell_coding_ids(p, code, a, rollup=True)[:2]:
        PinQuote(code, a, cid).do(p)
    yield p, st
    p.close()
