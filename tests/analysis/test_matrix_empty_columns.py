"""By an attribute, the matrix leaves out values no coded passage falls in, unless asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matrix_data import build_study

from crosscase.analysis.matrix import compute_matrices, compute_matrix
from crosscase.cli.main import main
from crosscase.services.projects import new_project


def test_an_attribute_value_with_nothing_coded_is_left_out_and_named(study: Any) -> None:
    project, st = study
    dropped = compute_matrix(project, cols="founded")
    kept = compute_matrix(project, cols="founded", drop_empty_columns=False)
    # Case C (founded 1987) has a document but no coding
    assert [c.name for c in kept.cols] == ["1987", "1998", "2011"]
    assert [c.name for c in dropped.cols] == ["1998", "2011"]
    assert dropped.dropped == ["1987"] and kept.dropped == []
    assert "Left out for having no coded passage: 1987." in dropped.definition
    assert "Left out" not in kept.definition
    assert kept.frame()["1987"].sum() == 0
    for name in ("1998", "2011"):
        assert dropped.frame()[name].tolist() == kept.frame()[name].tolist()


def test_cases_and_documents_keep_their_empty_columns(study: Any) -> None:
    project, st = study
    by_case = compute_matrix(project)
    assert "Case C" in [c.name for c in by_case.cols]
    by_doc = compute_matrix(project, cols="documents")
    assert len(by_doc.cols) == len(compute_matrix(project, cols="documents",
                                                  drop_empty_columns=False).cols)


@pytest.mark.parametrize("measure", ["segments", "participants", "share", "rate", "words"])
def test_every_measure_of_the_kept_participant_columns_is_unchanged(study: Any, measure: str) -> None:
    """One code's passages fall under some roles only: the others go, the rest are as before."""
    project, st = study
    code = st.codes["Co-production/Co-design"]
    kept = compute_matrix(project, cols="role", measure=measure, code_ids=[code],
                          drop_empty_columns=False)
    dropped = compute_matrix(project, cols="role", measure=measure, code_ids=[code])
    segs = compute_matrix(project, cols="role", code_ids=[code], drop_empty_columns=False)
    empty = [c.name for c in segs.cols if segs.frame()[c.name].sum() == 0]
    assert empty, "the test needs a role with no Co-design passage"
    assert dropped.dropped == empty
    assert [c.name for c in dropped.cols] == [c.name for c in kept.cols if c.name not in empty]
    for c in dropped.cols:
        np.testing.assert_allclose(dropped.frame()[c.name].to_numpy(dtype=float),
                                   kept.frame()[c.name].to_numpy(dtype=float))


def test_all_empty_keeps_every_column(study: Any) -> None:
    """With nothing coded under any value there is nothing to leave out."""
    project, st = study
    code = st.codes["Co-production/Co-design"]
    many = compute_matrices(project, ["segments", "rate"], cols="founded", code_ids=[code],
                            case_ids=[st.cases["Case C"]])
    assert [c.name for c in many[0].cols] == ["1987"]
    assert many[0].dropped == [] and many[1].dropped == []


@pytest.fixture
def study_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli.crosscase"
    with new_project(path, empty=True) as p:
        build_study(p)
    return path


def test_cli_keep_empty_columns(study_file: Path, capsys: Any) -> None:
    assert main(["matrix", str(study_file), "--cols", "founded", "--format", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["cols"] == ["1998", "2011"]
    assert main(["matrix", str(study_file), "--cols", "founded", "--format", "json",
                 "--keep-empty-columns"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert every["cols"] == ["1987", "1998", "2011"]
    assert [row[0] for row in every["values"]] == [0] * len(every["rows"])
    assert main(["matrix", str(study_file), "--cols", "founded"]) == 0
    assert "Left out for having no coded passage: 1987." in capsys.readouterr().out
