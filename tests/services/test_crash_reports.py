"""Errors nobody foresaw: one line naming a crash report, never an exception's name.

The report (traceback, version, command line) goes to the user's data folder,
owner-only, and holds no document text.
"""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path

import pytest

from crosscase.cli.main import main
from crosscase.services import crash

SECRET = "Maria said she never trusted the council after the café closed"


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _report_path(line: str) -> Path:
    m = re.search(r"crash report was written to (\S+)$", line.strip())
    assert m, line
    return Path(m.group(1))


def test_cli_unexpected_error_names_a_crash_report(
    tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import crosscase.cli.text as text_cmd

    def boom(args: object) -> int:
        try:
            {}[SECRET]
        except KeyError as inner:
            raise ValueError(f"cannot handle {SECRET!r} here") from inner
        return 0

    monkeypatch.setattr(text_cmd, "run", boom)
    code = main(["text", str(tmp_path / "p.crosscase"), "doc", "--quote", SECRET][:3])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "Error" not in err and "unexpected error" not in err and "Traceback" not in err
    assert err.startswith("crosscase: something went wrong inside Crosscase; a crash report")
    report = _report_path(err)
    assert report.parent == data_home / "crosscase" / "crash-reports"
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    body = report.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in body
    assert "builtins.ValueError" in body and "builtins.KeyError" in body
    assert "in boom" in body  # the frames
    from crosscase import __version__

    assert f"crosscase {__version__}" in body
    assert f"command:  crosscase text {tmp_path / 'p.crosscase'} doc" in body
    assert "Maria" not in body and "café" not in body and "council" not in body


def test_report_leaves_out_text_options(data_home: Path) -> None:
    try:
        raise RuntimeError(f'bad quote "{SECRET}" and \'{SECRET}\'')
    except RuntimeError as exc:
        path = crash.write_report(
            exc, ["code", "p.crosscase", "int", "Trust", "--quote", SECRET, f"--memo={SECRET}",
                  "--password", "hunter2"])
    assert path is not None
    body = path.read_text(encoding="utf-8")
    assert SECRET not in body and "Maria" not in body and "hunter2" not in body
    assert "--quote <left out> --memo=<left out> --password <left out>" in body
    assert f"<{len(SECRET)} characters>" in body


def test_report_with_surrogates_and_no_writable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    try:
        raise OverflowError("x")
    except OverflowError as exc:
        line = crash.unexpected(exc, ["import", "M\udcfcller.txt"])
    assert "crash report could not be written" in line and "OverflowError" not in line


def test_reports_never_overwrite_each_other(data_home: Path) -> None:
    paths = set()
    for _ in range(3):
        try:
            raise ValueError("x")
        except ValueError as exc:
            paths.add(crash.write_report(exc, ["docs", "p"]))
    assert len(paths) == 3 and None not in paths


def test_os_errors_a_person_can_act_on_are_one_plain_line(data_home: Path) -> None:
    import errno

    full = OSError(errno.ENOSPC, "No space left on device", "/tmp/out/report.docx")
    assert crash.unexpected(full) == "report.docx: the disk is full"
    denied = PermissionError(errno.EACCES, "Permission denied", "/x/y.txt")
    assert crash.unexpected(denied) == "y.txt: permission denied"
    assert not (data_home / "crosscase").exists()


def test_import_of_a_file_that_breaks_a_reader(
    project: object, tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crosscase.db.project import Project
    from crosscase.services import documents

    assert isinstance(project, Project)
    f = tmp_path / "interview.txt"
    f.write_text(SECRET, encoding="utf-8")

    def broken(path: Path, **kw: object) -> object:
        text = Path(path).read_text(encoding="utf-8")
        raise IndexError(f"paragraph {text!r} out of range")

    import crosscase.io.importers as importers

    monkeypatch.setattr(importers, "extract", broken)
    report = documents.import_files(project, [f], "Case A")
    [failed] = report.failed
    assert failed.message.startswith("interview.txt: cannot be imported (something went wrong")
    assert "IndexError" not in failed.message and SECRET not in failed.message
    body = _report_path(failed.message.rstrip(")")).read_text(encoding="utf-8")
    assert SECRET not in body and "Maria" not in body
    assert "importing a .txt file" in body


def test_no_exception_class_names_for_users() -> None:
    """The sweep: nothing in the core or the faces shows an exception's class name."""
    src = Path(__file__).resolve().parents[2] / "src" / "crosscase"
    pattern = re.compile(r"type\((exc|e|err|error)\)\.__name__|(exc|err|error)\.__class__\.__name__")
    offenders = [
        f"{p.relative_to(src)}:{n}"
        for p in src.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_main_prints_names_that_are_not_utf8_escaped(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main(["docs", str(tmp_path / "M\udcfcller\n.crosscase")])
    out, err = capsysbinary.readouterr()
    assert code == 3
    assert err.count(b"\n") == 1 and b"Error" not in err
    assert sys.stderr is not None
