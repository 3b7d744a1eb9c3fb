"""Retrieval counts a passage once, as the matrix does: a coding nested in another of
the same code is not listed again unless every coding is asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosscase.cli.main import main


def test_a_nested_coding_is_one_passage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "p.crosscase"
    src = tmp_path / "i.txt"
    src.write_text("Manager: We co-design the café 𝒳 menu with members every week.\n", "utf-8")
    assert main(["new", str(p)]) == 0
    assert main(["import", str(p), str(src), "--case", "Case A"]) == 0
    code = "Co-production/Co-design"
    assert main(["code", str(p), "i", code, "--quote", "We co-design the café 𝒳 menu with members"]) == 0
    assert main(["code", str(p), "i", code, "--quote", "the café 𝒳 menu"]) == 0
    capsys.readouterr()
    assert main(["segments", str(p), "--code", code, "--json"]) == 0
    once = json.loads(capsys.readouterr().out)
    assert [s["text"] for s in once] == ["We co-design the café 𝒳 menu with members"]
    assert main(["segments", str(p), "--code", code, "--json", "--every-coding"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert [s["text"] for s in every] == ["We co-design the café 𝒳 menu with members",
                                          "the café 𝒳 menu"]
    assert main(["matrix", str(p), "--format", "json"]) == 0
    matrix = json.loads(capsys.readouterr().out)
    row = matrix["rows"].index(code)
    assert matrix["values"][row] == [1]
