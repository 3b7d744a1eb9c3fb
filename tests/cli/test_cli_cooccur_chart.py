"""crosscase cooccur and crosscase chart, run in process, and charts in the Word report."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

from test_cooccurrence import example  # noqa: E402,F401,F811  (the hand-computed fixture)

from crosscase.cli.main import main  # noqa: E402


def _path(example: dict[str, Any]) -> str:
    p = example["p"]
    path = str(p.path)
    p.close()  # the command opens the file itself
    return path


def test_cooccur_json_lists_pairs_overall_and_per_column(
        example: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cooccur", _path(example), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    overall = {(q["a"], q["b"]): q for q in data["overall"]}
    assert overall[("Themes/A", "Themes/B")]["count"] == 2
    assert overall[("Themes/A", "Themes/B")]["c"] == 0.25
    assert overall[("Themes/B", "Themes/C")]["skewed"] is True
    cols = {c["name"]: c for c in data["cols"]}
    assert [(q["a"], q["b"], q["count"], q["c"]) for q in cols["Case Y"]["pairs"]] == [
        ("Themes/A", "Themes/B", 1, 0.2)]


def test_cooccur_table_codes_and_files(example: dict[str, Any], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(example)
    assert main(["cooccur", path, "--codes", "A", "B"]) == 0
    out = capsys.readouterr().out
    assert "A + B" in out and "1 (0.33)" in out and "1 (0.20)" in out and "C" not in out.split(
        "\n")[3]
    for fmt in ("csv", "xlsx", "docx"):
        target = tmp_path / f"co.{fmt}"
        assert main(["cooccur", path, "--format", fmt, "--out", str(target)]) == 0
        assert (target.stat().st_mode & 0o777) == 0o600
    lines = (tmp_path / "co.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("code a,code b,Case X: count,Case X: c,Case Y: count")
    with zipfile.ZipFile(tmp_path / "co.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert "SEQ Table" in xml and "Co-occurrence of Codes Across the Cases" in xml
    assert main(["cooccur", path, "--format", "docx"]) == 2
    assert "needs --out" in capsys.readouterr().err
    assert main(["cooccur", path, "--codes", "A"]) == 2


def test_chart_writes_picture_and_csv(example: dict[str, Any], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(example)
    for kind, extra in (("heatmap", []), ("cooccur", ["--column", "Case X"]),
                        ("profiles", []), ("portrait", ["--document", "one"])):
        out = tmp_path / f"{kind}.svg"
        assert main(["chart", kind, path, "--out", str(out), *extra]) == 0, kind
        assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert (tmp_path / f"{kind}.csv").exists()
    capsys.readouterr()
    assert main(["chart", "portrait", path, "--out", str(tmp_path / "p.png")]) == 2
    assert "needs --document" in capsys.readouterr().err
    assert main(["chart", "heatmap", path, "--out", str(tmp_path / "x.bmp")]) == 2


def test_word_report_with_charts_as_figures(example: dict[str, Any], tmp_path: Path) -> None:
    path = _path(example)
    out = tmp_path / "report.docx"
    assert main(["export", path, "--format", "docx", "--out", str(out),
                 "--charts", "heatmap,profiles"]) == 0
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode()
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 2
    assert xml.count("SEQ Figure") == 2 and "SEQ Table" in xml
    assert 'descr="Heatmap of coded segments' in xml
    assert "Code Profiles: Coded Segments in Each of the Cases" in xml
    assert xml.index("SEQ Table") < xml.index("SEQ Figure") < xml.index("Appendix")
    assert main(["export", path, "--format", "docx", "--out", str(out),
                 "--charts", "pie"]) == 2

# ruff: noqa: F811  (pytest fixtures imported from another test module)
