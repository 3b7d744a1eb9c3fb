"""Running the command line in process, as the CLI tests do.

``run`` calls ``main`` with the arguments, turns an argparse exit into its
code, and checks what every command promises on stderr: never a traceback,
never "unexpected error", never an exception's class name.
"""

from __future__ import annotations

import re

import pytest

from crosscase.cli.main import main

#: an exception's class name, such as OperationalError or KeyError
CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*Error\b")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``crosscase ARGS...``."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert CLASS_NAME.search(err) is None, err
    return code, out, err
