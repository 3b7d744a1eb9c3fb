"""``crosscase matrix``: table, CSV, JSON, Excel and Word from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from matrix_data import build_study

from crosscase.cli.main import main
from crosscase.services.projects import new_project


@pytest.fixture
def study_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli.crosscase"
    with new_project(path, empty=True) as p:
        build_study(p)
    return path


def _run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_table(study_file: Path, capsys: Any) -> None:
    code, out, _ = _run(capsys, "matrix", str(study_file))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Coded segments by cases"
    assert lines[1].split()[:4] == ["Code", "Case", "A", "Case"]
    assert any(line.startswith("  Co-design ") for line in lines)
    assert any(line.startswith("    Café ") for line in lines)
    assert "Coded segments: the number of passages" in out


def test_json_and_csv(study_file: Path, capsys: Any) -> None:
    code, out, _ = _run(capsys, "matrix", str(study_file), "--format", "json",
                        "--measure", "rate", "--cols", "role", "--rollup")
    assert code == 0
    data = json.loads(out)
    assert data["measure"] == "rate" and data["rollup"] is True
    assert data["rows"][1] == "Co-production/Co-design"
    assert "service user" in data["cols"]
    assert len(data["values"]) == len(data["rows"])
    code, out, _ = _run(capsys, "matrix", str(study_file), "--format", "csv",
                        "--cols", "documents")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "code" and "manager interview" in rows[0]
    assert len(rows) == 1 + len(data["rows"])
    code, out, _ = _run(capsys, "matrix", str(study_file), "--format", "csv",
                        "--code", "Hybridity", "--case", "Case B")
    assert next(csv.reader(io.StringIO(out))) == ["code", "Case B"]


def test_files(study_file: Path, capsys: Any, tmp_path: Path) -> None:
    for fmt in ("xlsx", "docx", "json"):
        out_file = tmp_path / f"m.{fmt}"
        code, out, _ = _run(capsys, "matrix", str(study_file), "--format", fmt,
                            "--out", str(out_file))
        assert code == 0 and out_file.exists() and "wrote" in out


def test_user_errors(study_file: Path, capsys: Any) -> None:
    code, _, err = _run(capsys, "matrix", str(study_file), "--format", "docx")
    assert code == 2 and "--out" in err
    code, _, err = _run(capsys, "matrix", str(study_file), "--cols", "height")
    assert code == 2 and "no attribute 'height'" in err and "\n" == err[-1]
    assert err.count("\n") == 1
    code, _, err = _run(capsys, "matrix", str(study_file.with_name("missing.crosscase")))
    assert code == 3
