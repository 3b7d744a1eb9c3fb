"""Every command that prints names shows them escaped: a project whose case,
document, code, attribute and coder names hold a newline and an ANSI escape (as
an older version or a foreign file might have stored them) never sends a raw
control character to the terminal."""

from __future__ import annotations

import re
import shutil
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest

from crosscase.cli.main import COMMANDS, main

CODE = "Relational orientation/Trust"
BAD = "\n\x1b[31m"  # a line break and "red", inside each name
# a control character other than the line break between lines, or a bidi override
RAW = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# commands that print no stored name: the workbench, the demo (it opens the
# workbench) and ``text``, whose output is the document's text, exact by design
NO_NAMES = {"gui", "demo", "text"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    for stream in (out, err):
        hit = RAW.search(stream)
        assert hit is None, f"{args[0]} printed {stream[max(0, hit.start() - 60):hit.end() + 20]!r}"
        assert "\n\n\n" not in stream or args[0] == "agreement"  # a name never splits a line
    return code, out, err


@pytest.fixture
def study(demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "study.crosscase"
    shutil.copy(demo_file, path)
    s = str(path)
    # two coders on the same passages, for agreement, disagreements and rounds
    for who, start in (("Anna", "0"), ("Ben", "5")):
        assert run(capsys, "code", s, "1", CODE, "--start", start, "--end", "80",
                   "--coder", who)[0] == 0
    con = sqlite3.connect(path)
    with con:
        con.execute('UPDATE "case" SET name = ? WHERE id = 1', ("Case" + BAD + "A",))
        con.execute("UPDATE document SET name = ? WHERE id = 1", ("doc" + BAD + "one",))
        con.execute("UPDATE code SET name = ? WHERE name = 'Trust'", ("Tr" + BAD + "ust",))
        con.execute("UPDATE code SET name = ? WHERE parent_id IS NULL AND id = "
                    "(SELECT min(id) FROM code WHERE parent_id IS NULL)", ("Co" + BAD + "prod",))
        con.execute("UPDATE attribute SET name = ? WHERE name = 'sector'", ("sec" + BAD + "tor",))
        con.execute("UPDATE case_value SET value = ? WHERE attribute_id = "
                    "(SELECT id FROM attribute WHERE scope = 'case' AND type = 'text' "
                    "ORDER BY id LIMIT 1)", ("val" + BAD + "ue",))
        con.execute("UPDATE coder SET name = ? WHERE name = 'Anna'", ("An" + BAD + "na",))
    con.close()
    return path


def test_every_command_shows_names_escaped(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, pg_url: str,
) -> None:
    monkeypatch.setenv("CROSSCASE_CODER", "tester")
    s = str(study)
    with sqlite3.connect(study) as con:
        trust = str(con.execute("SELECT id FROM code WHERE name = ?", ("Tr" + BAD + "ust",))
                    .fetchone()[0])
    con.close()
    anna, case, attr = "An" + BAD + "na", "Case" + BAD + "A", "sec" + BAD + "tor"
    ran: set[str] = set()

    def go(*args: str) -> tuple[int, str, str]:
        ran.add(args[0])
        return run(capsys, *args)

    # listings
    code, out, _ = go("docs", s)
    assert code == 0 and "doc\\n\\x1b[31mone" in out
    assert go("codebook", s)[0] == 0
    assert go("segments", s, "--every-coding")[0] == 0
    code, out, _ = go("matrix", s)
    assert code == 0 and "Tr\\n\\x1b[31must" in out and "Case\\n\\x1b[31mA" in out
    assert go("matrix", s, "--cols", attr)[0] == 0
    assert go("matrix", s, "--cols", "no such attribute")[0] == 2  # lists the attributes
    assert go("cooccur", s)[0] == 0
    code, out, _ = go("contrast", s, case, "2")
    assert code == 0 and "Case\\n\\x1b[31mA" in out
    assert go("query", s, '"Relational orientation"')[0] in (0, 2)
    assert go("coders", s)[0] == 0
    code, out, _ = go("agreement", s, "--coders", anna, "Ben", "--bootstrap", "0", "--methods")
    assert code == 0 and "An\\n\\x1b[31mna" in out
    code, out, _ = go("disagreements", s, "--coders", anna, "Ben")
    assert code == 0 and "doc\\n\\x1b[31mone" in out
    assert go("log", s)[0] == 0
    # rounds
    assert go("sample", s, "--share", "0.5", "--seed", "1", "--name", "r1",
              "--coders", anna, "Ben")[0] == 0
    assert go("sample", s)[0] == 0
    assert go("sample", s, "--close", "r1", "--bootstrap", "0")[0] == 0
    # coding
    assert go("autocode", s, trust, "--pattern", "the", "--case", case, "--dry-run")[0] == 0
    assert go("code", s, "1", trust, "--start", "0", "--end", "3")[0] == 0
    # files out and in
    qdpx = tmp_path / "out.qdpx"
    assert go("export", s, "--format", "qdpx", "--out", str(qdpx))[0] == 0
    assert go("export", s, "--format", "docx", "--out", str(tmp_path / "r.docx"))[0] == 0
    assert go("import-qdpx", str(qdpx), "--out", str(tmp_path / "back.crosscase"))[0] in (0, 1)
    code, _, err = go("chart", "heatmap", s, "--out", str(tmp_path / "h.svg"))
    assert code == 0, err
    other = tmp_path / "other.crosscase"
    shutil.copy(study, other)
    with sqlite3.connect(other) as con:
        con.execute("UPDATE code SET name = ? WHERE name = ?",
                    ("Tr" + BAD + "ust renamed", "Tr" + BAD + "ust"))
    con.close()
    assert go("merge", s, str(other), "--out", str(tmp_path / "merged.crosscase"))[0] in (0, 1)
    # a shared project: the study pushed, pulled back, the renamed copy pushed into it (merged)
    assert go("push", s, pg_url)[0] == 0
    assert go("pull", pg_url, str(tmp_path / "pulled.crosscase"))[0] == 0
    code, out, _ = go("push", str(other), pg_url)
    assert code == 0 and "From other.crosscase:" in out
    # the shared project's members, one of whose coders has a name from elsewhere
    login = f"member_{uuid.uuid4().hex[:8]}"
    assert go("members", pg_url, "--add", login, "--role", "reader")[0] == 0
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute("UPDATE coder SET name = %s WHERE login = %s", ("Mem" + BAD + "ber", login))
    code, out, _ = go("members", pg_url)
    assert code == 0 and "Mem\\n\\x1b[31mber" in out
    assert go("members", pg_url, "--json")[0] == 0
    txt = tmp_path / "extra.txt"
    txt.write_text("Q: Hello?\nA: Hello.\n", encoding="utf-8")
    assert go("import", s, str(txt), "--case", case)[0] == 0
    assert go("new", str(tmp_path / "fresh.crosscase"))[0] == 0
    # changes named by id, whose old names are printed
    assert go("doc", "move", s, "1", "--case", "2")[0] == 0
    assert go("doc", "rename", s, "1", "Plain")[0] == 0
    assert go("case", "rename", s, "1", "Plain case")[0] == 0
    with sqlite3.connect(study) as con:
        con.execute('UPDATE "case" SET name = ? WHERE id = 1', ("gone" + BAD,))
    con.close()
    assert go("case", "delete", s, "1")[0] == 0
    assert go("log", s)[0] == 0

    assert set(COMMANDS) - NO_NAMES <= ran, sorted(set(COMMANDS) - NO_NAMES - ran)
