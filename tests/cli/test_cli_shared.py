"""The command line on a shared project: every PROJECT argument also takes a
``postgresql://`` URL, against a real PostgreSQL server; passwords are asked for
at a terminal and never shown."""

from __future__ import annotations

import json
import os
import pty
import select as io_select
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from clirun import run
from pgserver import PostgresServer
from sqlalchemy import select

from crosscase.db.models import Code, Coding, Document
from crosscase.db.project import open_project
from crosscase.db.server import redacted

TEXT = (
    "Interviewer: How did the café start?\n"
    "Manager: The members wanted a café, so we opened one. Word of mouth brought people in.\n"
)
QUOTE = "Word of mouth brought people in."




def without_password(url: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def no_password_env(home: Path) -> dict[str, str]:
    """The environment of a program that knows no password: no PGPASSWORD, no ~/.pgpass."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGPASSFILE"] = str(home / "no-pgpass")
    env["HOME"] = str(home)
    env["CROSSCASE_CODER"] = "tester"
    return env


def test_a_shared_project_from_new_to_a_word_report(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "new", pg_url, "--name", "Team study")
    assert code == 0, err
    assert out.startswith(f"created {redacted(pg_url)} with ") and out.rstrip().endswith("codes")
    assert urlsplit(pg_url).password not in out
    n_codes = int(out.split(" with ")[1].split()[0])
    assert n_codes > 0  # the default codebook
    with open_project(pg_url, readonly=True) as p, p.session() as s:
        assert len(s.scalars(select(Code.id)).all()) == n_codes

    source = tmp_path / "manager.txt"
    source.write_text(TEXT, encoding="utf-8")
    code, _, err = run(capsys, "import", pg_url, str(source), "--case", "Millbrook", "-q",
                       "--coder", "ana")
    assert code == 0, err
    with open_project(pg_url, readonly=True) as p, p.session() as s:
        assert s.scalars(select(Document.name)).all() == ["manager"]

    code, _, err = run(capsys, "codebook", pg_url, "--add", "Growth/Word of mouth",
                       "--coder", "ana")
    assert code == 0, err
    code, out, err = run(capsys, "code", pg_url, "manager", "Growth/Word of mouth",
                         "--quote", QUOTE, "--coder", "ana")
    assert code == 0, err
    with open_project(pg_url, readonly=True) as p, p.session() as s:
        rows = s.execute(select(Coding.start, Coding.end, Coding.snippet)).all()
    start = TEXT.index(QUOTE)
    assert [(r.start, r.end) for r in rows] == [(start, start + len(QUOTE))]

    code, out, err = run(capsys, "segments", pg_url, "--json")
    assert code == 0, err
    segs = json.loads(out)
    assert [(s["code"], s["text"]) for s in segs] == [("Growth/Word of mouth", QUOTE)]

    code, out, err = run(capsys, "matrix", pg_url, "--format", "json",
                         "--code", "Growth/Word of mouth")
    assert code == 0, err
    assert "Millbrook" in out and "Word of mouth" in out

    report = tmp_path / "report.docx"
    code, out, err = run(capsys, "export", pg_url, "--format", "docx", "--out", str(report))
    assert code == 0, err
    with zipfile.ZipFile(report) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "Word of mouth" in body and "Millbrook" in body

    # a query reads the same project through the URL
    code, out, err = run(capsys, "query", pg_url, '"Growth/Word of mouth"', "--json")
    assert code == 0, err
    assert [s["text"] for s in json.loads(out)] == [QUOTE]


def test_new_empty_on_a_url_makes_a_project_without_codebook(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "new", pg_url, "--empty")
    assert (code, out) == (0, f"created {redacted(pg_url)} with 0 codes\n"), err
    with open_project(pg_url, readonly=True) as p, p.session() as s:
        assert s.scalars(select(Code.id)).all() == []
    code, _, err = run(capsys, "new", pg_url)  # the database holds a project now
    assert code == 3 and "already holds a Crosscase project" in err


def test_a_wrong_password_is_one_line_without_the_password(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "new", pg_url, "--empty")
    secret = "Wr0ng-pässword-7781"
    bad = with_password(pg_url, secret)
    for args in (["docs", bad], ["segments", bad, "--json"], ["code", bad, "d", "c",
                                                                 "--quote", "x"]):
        code, out, err = run(capsys, *args)
        assert code == 3
        assert out == ""
        assert err.count("\n") == 1 and "refused the password" in err
        assert secret not in err and "pässword" not in err
        assert redacted(bad) in err


def test_a_wrong_password_from_a_process_without_terminal(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the program as installed, stdin not a terminal: no prompt, one line, exit 3."""
    run(capsys, "new", pg_url, "--empty")
    secret = "not-the-password-55"
    done = subprocess.run(
        [sys.executable, "-m", "crosscase.cli.main", "docs", with_password(pg_url, secret)],
        stdin=subprocess.DEVNULL, capture_output=True, env=no_password_env(tmp_path),
        timeout=120)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 3
    assert err.count("\n") == 1 and "refused the password" in err
    assert secret not in err and "Traceback" not in err

    # no password at all and no terminal to ask at: the one line says how to give it
    done = subprocess.run(
        [sys.executable, "-m", "crosscase.cli.main", "docs", without_password(pg_url)],
        stdin=subprocess.DEVNULL, capture_output=True, env=no_password_env(tmp_path),
        timeout=120)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 3
    assert err.count("\n") == 1 and "asks for a password" in err


def _at_a_terminal(args: list[str], env: dict[str, str], answer: str) -> tuple[int, str]:
    """Run the program with a terminal as stdin and controlling terminal; type ``answer``
    at its password prompt. Returns the exit code and everything the terminal showed."""
    leader, follower = pty.openpty()

    def own_terminal() -> None:
        import fcntl
        import termios

        os.setsid()
        fcntl.ioctl(follower, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([sys.executable, "-m", "crosscase.cli.main", *args], stdin=follower,
                            stdout=follower, stderr=follower, env=env,
                            preexec_fn=own_terminal, close_fds=True)
    os.close(follower)
    seen = b""
    typed = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = io_select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the program ended and closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if not typed and b"Password for" in seen:
                os.write(leader, answer.encode("utf-8") + b"\n")
                typed = True
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=60)
    os.close(leader)
    return code, seen.decode("utf-8", "replace")


def test_at_a_terminal_the_password_is_asked_once_and_never_shown(
    pg_server: PostgresServer, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "new", pg_url, "--empty")
    bare = without_password(pg_url)
    env = no_password_env(tmp_path)

    code, screen = _at_a_terminal(["docs", bare, "--json"], env, pg_server.password)
    assert code == 0, screen
    assert screen.count("Password for") == 1 and redacted(bare) in screen
    assert pg_server.password not in screen
    assert "[]" in screen  # the project opened: no documents yet

    code, screen = _at_a_terminal(["docs", bare], env, "typed-wrong-991")
    assert code == 3
    assert screen.count("Password for") == 1  # asked once, not again
    assert "refused the password" in screen and "typed-wrong-991" not in screen


def test_new_at_a_terminal_asks_for_the_password(
    pg_server: PostgresServer, pg_url: str, tmp_path: Path
) -> None:
    bare = without_password(pg_url)
    code, screen = _at_a_terminal(["new", bare, "--empty"], no_password_env(tmp_path),
                                  pg_server.password)
    assert code == 0, screen
    assert f"created {bare} with 0 codes" in screen
    assert pg_server.password not in screen
    with open_project(pg_url, readonly=True) as p, p.session() as s:
        assert s.scalars(select(Code.id)).all() == []
