"""``code --from FILE``: every file of rows gets a clear answer.

Each row problem is one line naming the file and the row; a file with no
usable row is an error, never a silent success; encodings are detected as
for imported documents.
"""

from __future__ import annotations

import codecs
import csv
import json
from pathlib import Path

import pytest
from clirun import run

from crosscase.cli.main import main

TEXT = "Interviewer: How did the café start?\nManager: Word of mouth brought Müller here.\n"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rows")
    path = folder / "study.crosscase"
    assert main(["new", str(path)]) == 0
    (folder / "int.txt").write_text(TEXT, encoding="utf-8")
    assert main(["import", str(path), str(folder / "int.txt"), "--case", "Case A"]) == 0
    return path


@pytest.fixture
def study(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "study.crosscase"
    path.write_bytes(template.read_bytes())
    return path




def codings(capsys: pytest.CaptureFixture[str], study: Path) -> list[str]:
    code, out, _ = run(capsys, "segments", str(study), "--json")
    assert code == 0
    return sorted(s["text"] for s in json.loads(out))


def test_empty_file_is_an_error(study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for content in (b"", b"  \n\n", b"\xef\xbb\xbf"):
        f = tmp_path / "empty.csv"
        f.write_bytes(content)
        code, _, err = run(capsys, "code", str(study), "--from", str(f))
        assert code == 2
        assert err.count("\n") == 1 and "empty.csv: is empty" in err


def test_csv_without_header_is_an_error(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bare.csv"
    f.write_text("int,Trust,0,5\nint,Trust,6,9\n", encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 2 and err.count("\n") == 1
    assert "bare.csv: the first line must name the columns" in err


def test_header_only_csv_is_an_error(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "head.csv"
    f.write_text("document,code,start,end\n", encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 2 and "head.csv: holds no coding rows" in err


@pytest.mark.parametrize(
    "encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"]
)
def test_csv_in_other_encodings(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    f = tmp_path / "rows.csv"
    body = "document,code,quote,memo\nint,Trust,café,über\nint,Trust,Müller,\n"
    f.write_bytes(body.encode(encoding))
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 0, err
    assert codings(capsys, study) == ["Müller", "café"]


def test_field_over_the_csv_limit_is_one_row_error(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "big.csv"
    huge = "x" * (csv.field_size_limit() + 10)
    f.write_text(f"document,code,quote\nint,Trust,{huge}\nint,Trust,café\n", encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("big.csv, row 1: ")
    assert "limit" in lines[0] and len(lines[0]) < 200
    assert codings(capsys, study) == ["café"]


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("[1, 2, 3]", "is not a row"),
        ('["int", "Trust"]', "is not a row"),
        ("[[1]]", "is not a row"),
        ('[{"document": "int", "code": "Trust", "start": Infinity, "end": 4}]', "whole number"),
        ('[{"document": "int", "code": "Trust", "start": 0, "end": 1e400}]', "whole number"),
        ('[{"document": "int", "code": "Trust", "start": NaN, "end": 4}]', "whole number"),
        ('[{"document": "int", "code": "Trust", "start": 0.5, "end": 4}]', "whole number"),
        ('[{"document": "int", "code": "Trust", "start": true, "end": 4}]', "whole number"),
        ('[{"document": "int", "code": "Trust", "start": "1e400", "end": 4}]', "whole number"),
        ('[{"document": {"a": 1}, "code": "Trust", "start": 0, "end": 4}]', "not text"),
        ('[{"document": "int", "code": ["Trust"], "start": 0, "end": 4}]', "not text"),
        ('[{"document": "int", "code": "Trust", "start": ' + "9" * 5000 + ', "end": 4}]', None),
    ],
)
def test_json_rows_that_are_not_rows(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str,
    expect: str | None,
) -> None:
    f = tmp_path / "rows.json"
    f.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code in (1, 2)
    lines = [line.removeprefix("crosscase: ") for line in err.splitlines()]
    assert lines and all(line.startswith("rows.json") for line in lines)
    assert all(len(line) < 300 for line in lines)
    if expect is not None:
        assert "row 1: " in lines[0] and expect in lines[0]
    assert codings(capsys, study) == []


def test_json_lines_with_bad_values_report_each_row(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "rows.jsonl"
    f.write_text(
        '{"document": "int", "code": "Trust", "start": Infinity, "end": 4}\n'
        "\n"
        '{"document": "int", "code": "Trust", "quote": "café"}\n'
        '{"document": "int", "code": \n'
        "42\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 1
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "rows.jsonl, row 1", "rows.jsonl, row 4", "rows.jsonl, row 5"]
    assert codings(capsys, study) == ["café"]


def test_json_object_instead_of_rows(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "rows.json"
    f.write_text(json.dumps({"rows": [{"document": "int"}]}, indent=2), encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 2 and err.count("\n") == 1
    assert "rows.json: holds one JSON object, not rows" in err


def test_one_pretty_printed_row_object_is_one_row(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "rows.json"
    f.write_text(json.dumps({"document": "int", "code": "Trust", "quote": "café"}, indent=2),
                 encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 0, err
    assert codings(capsys, study) == ["café"]


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_deeply_nested_json(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    for name, content in (("deep.json", "[" * depth + "]" * depth),
                          ("deep.jsonl", '{"a":' * depth + "1" + "}" * depth)):
        f = tmp_path / name
        f.write_text(content, encoding="utf-8")
        code, _, err = run(capsys, "code", str(study), "--from", str(f))
        assert code in (1, 2)
        assert err.count("\n") <= 2 and err.removeprefix("crosscase: ").startswith(name)
        assert "nested too deeply" in err or "not a row" in err or "holds one JSON" in err


def test_binary_file_is_refused(study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "rows.csv"
    f.write_bytes(bytes(range(256)) * 40)
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code in (1, 2) and err.count("\n") == 1 and err.startswith("crosscase: rows.csv: ")


def test_every_row_bad_is_exit_1_and_says_nothing_was_coded(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "rows.csv"
    f.write_text("document,code,start,end\nint,Nope,0,4\nnope,Trust,0,4\n", encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 1
    assert err.splitlines()[:2] == ["rows.csv, row 1: no code 'Nope' in the codebook",
                                    "rows.csv, row 2: no document 'nope'"]
    assert "nothing was coded" in err


def test_names_in_row_errors_are_escaped(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "rows.jsonl"
    f.write_text(json.dumps({"document": "a\nb\x1b[31m", "code": "Trust", "start": 0, "end": 3}),
                 encoding="utf-8")
    code, _, err = run(capsys, "code", str(study), "--from", str(f))
    assert code == 1
    assert "\x1b" not in err and err.count("\n") == 2 and "a\\nb\\x1b[31m" in err


def test_read_rows_reads_a_utf16_file_without_bom(tmp_path: Path) -> None:
    from crosscase.services.coding import read_row_file

    f = tmp_path / "r.csv"
    f.write_bytes(codecs.encode("document,code,quote\nint,Trust,café\n", "utf-16-le"))
    rows = read_row_file(f)
    assert rows.rows == [(1, {"document": "int", "code": "Trust", "quote": "café"})]
