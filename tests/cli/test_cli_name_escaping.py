"""Names with control characters or bytes that are not UTF-8: stored clean,
shown escaped, never an encoding error."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from crosscase.cli.main import main
from crosscase.domain.names import clean_name, escaped


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err and "Error" not in err
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "study.crosscase"
    assert run(capsys, "new", str(path))[0] == 0
    return path


def test_clean_name_and_escaped() -> None:
    assert clean_name("M\udcfcller") == "Müller"  # Latin-1 byte from an old archive
    assert clean_name("Gr\udcc3\udcbcn") == "Grün"  # UTF-8 bytes escaped one by one
    assert clean_name(" a\nb\r\n\tc\x1b[31m\x00 ") == "a b c [31m"
    assert clean_name("\u202eevil\u202c") == "evil"
    assert clean_name("שלום 😀 e\u0301") == "שלום 😀 e\u0301"
    assert escaped("a\nb\x1b[2J\udcfc") == "a\\nb\\x1b[2J\\udcfc"
    assert escaped("ש😀") == "ש😀"


def test_file_name_not_utf8_imports_under_a_readable_name(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = os.fsencode(tmp_path) + b"/M\xfcller.txt"
    with open(raw, "wb") as fh:
        fh.write("Interviewer: Hello?\nMüller: Hello.\n".encode())
    arg = os.fsdecode(raw)  # what Python's argv holds for such a name
    code, out, err = run(capsys, "import", str(project), arg, "--case", "Gr\udcfcn")
    assert code == 0, err
    assert "Gr" in out and "\udcfc" not in out
    code, out, _ = run(capsys, "docs", str(project), "--json")
    [doc] = json.loads(out)
    assert doc["name"] == "Müller" and doc["case"] == "Grün"


def test_control_characters_are_not_stored(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Q: hi\nA: ho\n", encoding="utf-8")
    assert run(capsys, "import", str(project), str(f), "--case", "Case\nA\x1b[31m")[0] == 0
    assert run(capsys, "codebook", str(project), "--add", "New\x1b]0;pwned\x07code")[0] == 0
    _, out, _ = run(capsys, "docs", str(project), "--json")
    assert json.loads(out)[0]["case"] == "Case A [31m"
    _, out, _ = run(capsys, "codebook", str(project), "--json")
    names = [c["name"] for c in json.loads(out)]
    assert "New ]0;pwned code" in names
    assert not any(ch in n for n in names for ch in "\x1b\x07\n")


def test_names_already_stored_with_control_characters_are_shown_escaped(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Q: hi\nA: ho\n", encoding="utf-8")
    assert run(capsys, "import", str(project), str(f), "--case", "A")[0] == 0
    con = sqlite3.connect(project)  # a project written by an older version
    con.execute("UPDATE document SET name = ?", ("two\nlines\x1b[2J",))
    con.execute("UPDATE code SET name = ? WHERE id = (SELECT min(id) FROM code)", ("c\x1b[31m",))
    con.commit()
    con.close()
    code, out, _ = run(capsys, "docs", str(project))
    assert code == 0
    assert out.count("\n") == 1 and "two\\nlines\\x1b[2J" in out and "\x1b" not in out
    code, out, _ = run(capsys, "codebook", str(project))
    assert "c\\x1b[31m" in out and "\x1b" not in out
