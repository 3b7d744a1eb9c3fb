"""An export never writes over a project and never leaves half a file.

Targets that are the open project, its lock, its -wal/-shm/-journal files, a
backup or any other Crosscase project are refused with one line, for every
export format; every export goes through a temporary file beside the target
named ``.NAME.crosscase-part-XXXXXXXX``, owner-only from creation.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from crosscase.cli.main import main
from crosscase.domain.errors import UsageError
from crosscase.exchange.files import PART_MARK, check_target, is_part_file, replacing

EXPORTS = [
    ["export", "--format", "docx"],
    ["export", "--format", "xlsx"],
    ["export", "--format", "qdpx"],
    ["export", "--format", "qdc"],
    ["matrix", "--format", "csv"],
    ["matrix", "--format", "json"],
    ["matrix", "--format", "xlsx"],
    ["matrix", "--format", "docx"],
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exp")
    path = folder / "study.crosscase"
    assert main(["new", str(path)]) == 0
    (folder / "int.txt").write_text("Interviewer: How did it start?\nManager: By word of mouth.\n",
                                    encoding="utf-8")
    assert main(["import", str(path), str(folder / "int.txt"), "--case", "Case A"]) == 0
    return path


@pytest.fixture
def study(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "study.crosscase"
    shutil.copy(template, path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err
    return code, out, err


def targets(study: Path) -> dict[str, Path]:
    other = study.with_name("other.crosscase")
    shutil.copy(study, other)
    backup = study.with_name("study.before-upgrade-20240101-120000.crosscase")
    shutil.copy(study, backup)
    return {
        "the project": study,
        "another project": other,
        "a backup": backup,
        "the lock": study.with_name(f".{study.name}.lock"),
        "the wal": study.with_name(f"{study.name}-wal"),
        "the shm": study.with_name(f"{study.name}-shm"),
        "the journal": study.with_name(f"{study.name}-journal"),
        "a link to the project": _link(study),
    }


def _link(study: Path) -> Path:
    link = study.with_name("innocent.docx")
    link.symlink_to(study)
    return link


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: " ".join(e[0::2]))
def test_export_over_the_project_or_its_files_is_refused(
    study: Path, capsys: pytest.CaptureFixture[str], export: list[str]
) -> None:
    for label, target in targets(study).items():
        existed = target.exists()
        before = digest(target) if existed else None
        main_before = digest(study)
        code, out, err = run(capsys, export[0], str(study), *export[1:], "--out", str(target))
        assert code == 2, (label, err)
        assert err.count("\n") == 1 and err.startswith(f"crosscase: {target.name}: is "), label
        assert "never writes over a project" in err
        assert digest(study) == main_before, label
        assert target.exists() == existed, label
        if before is not None:
            assert digest(target) == before, label
        assert not [p for p in study.parent.iterdir() if is_part_file(p)]
        for p in study.parent.iterdir():  # what the refused export left: nothing new
            assert not p.name.startswith(".innocent"), p
    # the project still opens and holds its document
    assert run(capsys, "docs", str(study))[0] == 0


def targets_cleanup(study: Path) -> list[Path]:
    return [study.with_name(n) for n in ("other.crosscase", "innocent.docx",
            "study.before-upgrade-20240101-120000.crosscase")]


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: " ".join(e[0::2]))
def test_exports_are_owner_only_and_leave_no_part_file(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], export: list[str]
) -> None:
    out = tmp_path / f"out.{export[2]}"
    old = os.umask(0o022)
    try:
        code, _, err = run(capsys, export[0], str(study), *export[1:], "--out", str(out))
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if is_part_file(p)]
    # writing again over the export itself is fine
    assert run(capsys, export[0], str(study), *export[1:], "--out", str(out))[0] == 0


def test_a_failing_writer_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    out.write_bytes(b"the previous report")
    seen: list[Path] = []

    def write(p: Path) -> None:
        seen.append(p)
        assert p.parent == tmp_path and p.name.startswith(f".report.docx{PART_MARK}")
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        p.write_bytes(b"half a rep")
        raise RuntimeError("disk gone")

    from crosscase.exchange.reports.report_data import write_private

    with pytest.raises(RuntimeError):
        write_private(out, write)
    assert out.read_bytes() == b"the previous report"
    assert seen and not seen[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]


def test_a_killed_export_leaves_only_a_recognisable_part_file(tmp_path: Path) -> None:
    """A kill between writing and renaming: the target is untouched and what is
    left carries the temporary-file mark."""
    out = tmp_path / "m.csv"

    class Killed(BaseException):
        pass

    leftover: list[Path] = []

    def write(p: Path) -> None:
        p.write_text("code,A\n")
        leftover.append(p)
        raise Killed

    with pytest.raises(Killed), replacing(out) as tmp:
        write(tmp)
    assert not out.exists() and leftover and is_part_file(leftover[0])


def test_check_target_refuses_odd_targets(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        check_target(tmp_path / "missing" / "x.csv")
    with pytest.raises(UsageError, match="is a folder"):
        check_target(tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        check_target(fifo)
    db = tmp_path / "someone.sqlite"
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("create table t(x)")
    con.commit()
    con.close()
    with pytest.raises(UsageError, match="a database file"):
        check_target(db)
    long_name = tmp_path / ("x" * 250 + ".csv")
    with replacing(long_name) as tmp:
        tmp.write_text("ok")
    assert long_name.read_text() == "ok"


Refi = Callable[..., object]


def test_refi_writers_refuse_the_open_project(study: Path) -> None:
    from crosscase.db.project import open_project
    from crosscase.exchange.refi import export_qdc, export_qdpx

    before = digest(study)
    with open_project(study) as project:
        for fn in (export_qdpx, export_qdc):
            with pytest.raises(UsageError, match="Crosscase project"):
                fn(project, study)
    assert digest(study) == before
