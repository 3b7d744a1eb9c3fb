"""What only a real process shows: exit status, UTF-8 on any console, the installed script.

Everything else about the command line runs in process (test_cli_contract.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosscase.cli.main import main

TEXT = "Interviewer: How did the café start? 😀\nManager: 𝒳 marks the spot — שלום.\n"

# a console whose streams are ASCII (under the C locale, arguments still arrive as
# UTF-8: Python's UTF-8 mode is on there); Crosscase writes UTF-8 anyway
ASCII_CONSOLE = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}
ASCII_CONSOLE.pop("PYTHONUTF8", None)


def process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "crosscase.cli.main", *args],
                          capture_output=True, timeout=120, env=env)


@pytest.fixture
def study(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "study.crosscase"
    (tmp_path / "int.txt").write_text(TEXT, encoding="utf-8")
    assert main(["new", str(path)]) == 0
    assert main(["import", str(path), str(tmp_path / "int.txt"), "--case", "Café 😀"]) == 0
    capsys.readouterr()
    return path


def test_text_is_utf8_bytes_exactly_even_on_an_ascii_console(study: Path) -> None:
    r = process("text", str(study), "int", env=ASCII_CONSOLE)
    assert r.returncode == 0, r.stderr
    assert r.stdout == TEXT.encode("utf-8") and r.stderr == b""


def test_json_and_messages_are_utf8_on_an_ascii_console(study: Path) -> None:
    r = process("docs", str(study), "--json", env=ASCII_CONSOLE)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.decode("utf-8"))[0]["case"] == "Café 😀"
    r = process("code", str(study), "int", "Trust", "--quote", "not there 😀", env=ASCII_CONSOLE)
    assert r.returncode == 2
    assert r.stderr.decode("utf-8") == 'crosscase: quote not found in the document: "not there 😀"\n'


@pytest.mark.parametrize(
    ("args", "status", "needle"),
    [
        (["frobnicate"], 2, "invalid choice"),  # argparse exits by itself
        (["docs", "{d}/nothing.crosscase"], 3, "no such project"),
        (["code", "{p}", "--from", "{d}/rows.jsonl"], 1, "row 1"),
    ],
)
def test_exit_status_and_one_line_on_stderr(
    study: Path, args: list[str], status: int, needle: str
) -> None:
    rows = study.parent / "rows.jsonl"
    rows.write_text(json.dumps({"document": "int", "code": "Nope", "quote": "café"}) + "\n"
                    + json.dumps({"document": "int", "code": "Trust", "quote": "😀"}) + "\n",
                    encoding="utf-8")
    r = process(*(a.format(p=study, d=study.parent) for a in args))
    err = r.stderr.decode("utf-8")
    assert r.returncode == status, err
    assert needle in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_the_installed_console_script_runs() -> None:
    script = Path(sys.executable).with_name("crosscase.exe" if os.name == "nt" else "crosscase")
    if not script.exists():
        pytest.skip("crosscase is not installed as a console script in this environment")
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip().startswith("crosscase ")
    r = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    for name in ("new", "import", "docs", "text", "code", "segments", "matrix", "export"):
        assert f"    {name}" in r.stdout
