"""``crosscase import-qdpx``: arguments, output, exit codes, and a light import."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crosscase.cli import import_qdpx as cli
from crosscase.domain.errors import CrosscaseError, ImportRefused
from crosscase.exchange.refi import export_qdpx
from crosscase.exchange.refi.positions import OFFSET_CHOICES

G = "7A1C2B3D-0000-4000-8000-00000000D001"
QDE = (
    '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
    '<Code guid="7A1C2B3D-0000-4000-8000-00000000C001" name="Trust" isCodable="true"/>'
    "</Codes></CodeBook><Sources>"
    f'<TextSource guid="{G}" name="Here" plainTextPath="internal://{G}.txt"/>'
    '<TextSource guid="7A1C2B3D-0000-4000-8000-00000000D002" name="Gone" '
    'plainTextPath="internal://gone.txt"/>'
    "</Sources></Project>"
)


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="crosscase import-qdpx")
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_offset_choices_match_the_readings() -> None:
    assert cli.OFFSET_CHOICES == OFFSET_CHOICES


def test_a_clean_import_exits_0(rich: Any, tmp_path: Path, capsys: Any) -> None:
    export_qdpx(rich.project, tmp_path / "study.qdpx")
    code = cli.run(_args(str(tmp_path / "study.qdpx"), "--out", str(tmp_path / "copy.crosscase")))
    out = capsys.readouterr()
    assert code == 0
    assert out.out.startswith("Imported study.qdpx into copy.crosscase:")
    assert out.err == ""
    assert (tmp_path / "copy.crosscase").exists()


def test_skipped_items_exit_1_and_go_to_stderr(tmp_path: Path, capsys: Any,
                                               make_qdpx: Callable[..., Path]) -> None:
    qdpx = make_qdpx(tmp_path / "part.qdpx", QDE, {f"sources/{G}.txt": "Some text."})
    code = cli.run(_args(str(qdpx), "--out", str(tmp_path / "p.crosscase"),
                         "--offsets", "utf16"))
    out = capsys.readouterr()
    assert code == 1
    assert "1 source" in out.out and "UTF-16" in out.out
    assert "'Gone'" in out.err and "missing" in out.err


def test_user_errors_are_crosscase_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        cli.run(_args(str(bad), "--out", str(tmp_path / "x.crosscase")))
    assert isinstance(err.value, CrosscaseError) and "bad.qdpx" in str(err.value)


def test_bad_arguments_are_usage_errors() -> None:
    with pytest.raises(SystemExit):
        _args("file.qdpx", "--out", "p.crosscase", "--offsets", "bytes")
    with pytest.raises(SystemExit):
        _args("file.qdpx")


def test_building_the_parser_loads_nothing_heavy() -> None:
    code = (
        "import sys, argparse\n"
        "import crosscase.cli.import_qdpx as m\n"
        "m.add_arguments(argparse.ArgumentParser())\n"
        "heavy = [n for n in ('sqlalchemy', 'lxml', 'defusedxml', 'alembic') if n in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


def test_the_commands_through_the_main_entry_point(tmp_path: Path, capsys: Any) -> None:
    from crosscase.cli.main import main

    study, copy = tmp_path / "study.crosscase", tmp_path / "copy.crosscase"
    text = tmp_path / "interview.txt"
    text.write_bytes("\ufeffQ: Why? 😀\r\nA: Trust 𝒳 matters.\r\n".encode())
    assert main(["new", str(study)]) == 0
    assert main(["import", str(study), str(text), "--case", "Case A"]) == 0
    assert main(["code", str(study), "interview", "Co-production", "--quote", "Trust 𝒳"]) == 0
    assert main(["export", str(study), "--format", "qdpx", "--out", str(tmp_path / "s.qdpx")]) == 0
    assert main(["export", str(study), "--format", "qdc", "--out", str(tmp_path / "s.qdc")]) == 0
    capsys.readouterr()
    assert main(["import-qdpx", str(tmp_path / "s.qdpx"), "--out", str(copy)]) == 0
    assert "1 coding" in capsys.readouterr().out
    assert main(["import-qdpx", str(tmp_path / "s.qdpx"), "--out", str(copy)]) == 3
    assert "already exists" in capsys.readouterr().err
    (tmp_path / "bad.qdpx").write_text("nope", encoding="utf-8")
    assert main(["import-qdpx", str(tmp_path / "bad.qdpx"), "--out", str(tmp_path / "b.x")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.qdpx" in err and "Traceback" not in err
    assert main(["codebook", str(copy), "--load", str(tmp_path / "s.qdc")]) == 0
