"""What a command loads at start-up, and the collector pause around it (no timings here:
benchmarks/bench_startup.py measures them)."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from crosscase.cli import common
from crosscase.cli.main import COMMANDS, build_parser, main


def _probe(body: str) -> dict[str, object]:
    """Run ``body`` in a fresh interpreter; it leaves its findings in ``out``."""
    script = "import json, sys\nout = {}\n" + body + "\nprint(json.dumps(out))\n"
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return dict(json.loads(r.stdout.strip().splitlines()[-1]))


def test_a_named_command_loads_only_its_own_module(tmp_path: Path) -> None:
    path = tmp_path / "p.crosscase"
    out = _probe(
        "from crosscase.cli.main import COMMANDS, main\n"
        f"sys.argv = ['crosscase', 'new', {str(path)!r}, '--empty']\n"
        "rc = main()\n"
        "out['rc'] = rc\n"
        "out['cli'] = sorted(m for m in sys.modules if m.startswith('crosscase.cli.'))\n"
    )
    assert out["rc"] == 0
    assert out["cli"] == ["crosscase.cli.common", "crosscase.cli.main", "crosscase.cli.new"]


def test_the_full_help_still_lists_every_command() -> None:
    text = build_parser().format_help()
    for name in COMMANDS:
        assert name in text


def test_one_command_parser_reads_the_same_arguments_as_the_full_one() -> None:
    argv = ["code", "p.crosscase", "Doc", "A/B", "--start", "3", "--end", "9", "--memo", "m"]
    full = vars(build_parser().parse_args(argv))
    alone = vars(build_parser("code").parse_args(argv))
    assert alone == full


def test_an_unknown_command_is_a_usage_error_naming_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["dosc", "p.crosscase"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'dosc'" in err and "docs" in err


def test_main_called_with_arguments_leaves_the_collector_alone(tmp_path: Path) -> None:
    # whatever state the caller keeps it in (the workbench's tests keep it off)
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["new", str(tmp_path / "q.crosscase"), "--empty"]) == 0
    assert gc.isenabled() == enabled
    assert gc.get_freeze_count() == frozen


def test_the_program_runs_its_work_with_the_collector_on(tmp_path: Path) -> None:
    """Paused while the command loads, back on once the project is open."""
    path = tmp_path / "p.crosscase"
    out = _probe(
        "import gc\n"
        "from crosscase.cli import common\n"
        "from crosscase.cli.main import main\n"
        "seen = []\n"
        "real = common.open_\n"
        "def spy(args):\n"
        "    seen.append(gc.isenabled())\n"
        "    project = real(args)\n"
        "    seen.append(gc.isenabled())\n"
        "    return project\n"
        "common.open_ = spy\n"
        "import crosscase.cli.docs as docs\n"
        "docs.open_ = spy\n"
        f"sys.argv = ['crosscase', 'new', {str(path)!r}, '--empty']\n"
        "out['new'] = main()\n"
        "out['after_new'] = gc.isenabled()\n"
        f"sys.argv = ['crosscase', 'docs', {str(path)!r}]\n"
        "out['docs'] = main()\n"
        "out['seen'] = seen\n"
        "out['after'] = gc.isenabled()\n"
        "out['frozen'] = gc.get_freeze_count() > 0\n"
    )
    assert out["new"] == 0 and out["docs"] == 0
    assert out["seen"] == [False, True]
    assert out["after_new"] and out["after"] and out["frozen"]


def test_started_without_a_pause_changes_nothing() -> None:
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    common.started()
    assert gc.isenabled() == enabled and gc.get_freeze_count() == frozen
