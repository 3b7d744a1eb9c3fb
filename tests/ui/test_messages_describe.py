"""The workbench's error line: never an exception's class name; a crash report instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscase.domain.errors import UsageError
from crosscase.ui import messages

SECRET = "the interview text itself"


def test_describe_unforeseen_error_names_a_crash_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    try:
        raise KeyError(SECRET)
    except KeyError as exc:
        line = messages.describe(exc)
    assert "KeyError" not in line and "interview" not in line
    assert line.startswith("something went wrong inside Crosscase; a crash report was written to ")
    report = Path(line.rsplit(" ", 1)[1])
    assert report.is_relative_to(tmp_path / "crosscase" / "crash-reports")
    body = report.read_text(encoding="utf-8")
    assert "Traceback" in body and "interview" not in body


def test_describe_user_errors_as_they_are() -> None:
    assert messages.describe(UsageError("a code needs a name")) == "a code needs a name"
