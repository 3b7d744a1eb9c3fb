"""The command line as a user and a script see it: JSON shapes, exact text, exit codes.

These run ``main()`` in this process, as the console script does, with the
output captured; test_cli_process.py keeps the few checks that need a real
process (exit status, the stdout encoding, the installed script).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from crosscase.cli.main import main

TRANSCRIPT = (
    "\ufeffInterviewer: How did the café start? 😀\r\n"
    "Manager: We asked the service users 👍🏽 what they wanted; 𝒳 marks the spot.\r\n"
    "\r\n"
    "Interviewer: And word of mouth?\r\n"
    "Manager: Word of mouth brings most new people — שלום, e\u0301 and all.\r\n"
)
STORED = TRANSCRIPT[1:].replace("\r\n", "\n")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


class CC(Protocol):
    def __call__(self, *args: str, check: int | None = 0) -> Result: ...


@pytest.fixture
def cc(capsys: pytest.CaptureFixture[str]) -> CC:
    """Run ``crosscase ARGS...`` in process; check the exit code unless ``check=None``."""

    def run(*args: str, check: int | None = 0) -> Result:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refuses bad arguments this way
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        if check is not None:
            assert code == check, err
        assert "Traceback" not in err and "unexpected error" not in err
        return Result(code, out, err)

    return run


@pytest.fixture(scope="session")
def study_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made and filled through the command line, once per run."""
    folder = tmp_path_factory.mktemp("cli-study")
    path = folder / "study.crosscase"
    assert main(["new", str(path)]) == 0
    (folder / "int.txt").write_bytes(TRANSCRIPT.encode("utf-8"))
    assert main(["import", str(path), str(folder / "int.txt"), "--case", "Case A"]) == 0
    return path


@pytest.fixture
def study(study_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "study.crosscase"
    shutil.copy(study_template, path)
    shutil.copy(study_template.with_name("int.txt"), tmp_path / "int.txt")
    return path


def test_new_and_import_report_what_they_did(tmp_path: Path, cc: CC) -> None:
    r = cc("new", str(tmp_path / "fresh"))
    assert r.stdout.startswith(f"created {tmp_path / 'fresh.crosscase'} with ")
    assert int(r.stdout.split(" with ")[1].split()[0]) > 10
    assert "with 0 codes" in cc("new", str(tmp_path / "bare.crosscase"), "--empty").stdout
    (tmp_path / "a.txt").write_text("Q: 😀\nA: 𝒳\n", encoding="utf-8")
    r = cc("import", str(tmp_path / "bare.crosscase"), str(tmp_path / "a.txt"), "--case", "B")
    assert r.stdout == "imported 1, skipped 0, failed 0 into case 'B'\n"
    r = cc("new", str(tmp_path / "bare.crosscase"), check=3)
    assert "already exists" in r.stderr


def test_text_is_stored_exactly_without_bom_and_crlf(
    study: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["text", str(study), "int"]) == 0
    out, err = capsysbinary.readouterr()
    assert out == STORED.encode("utf-8") and err == b""


def test_docs_json_shape(study: Path, cc: CC) -> None:
    docs = json.loads(cc("docs", str(study), "--json").stdout)
    assert len(docs) == 1
    d = docs[0]
    assert {"id", "name", "case", "format", "chars", "sha256"} <= set(d)
    assert (d["name"], d["case"], d["format"], d["chars"]) == ("int", "Case A", "txt", len(STORED))


def test_code_by_quote_and_offsets_round_trip_astral_text(study: Path, cc: CC) -> None:
    quote = "service users 👍🏽 what they wanted; 𝒳 marks"
    cc("code", str(study), "int", "Co-production/Co-design", "--quote", quote, "--memo", "first")
    start = STORED.index("Word of mouth brings")
    end = start + len("Word of mouth brings most new people — שלום, e\u0301")
    cc("code", str(study), "Case A/int", "Advocacy and word of mouth", "--start", str(start),
       "--end", str(end))
    segs = json.loads(cc("segments", str(study), "--json").stdout)
    assert len(segs) == 2
    keys = {"id", "document", "case", "code", "start", "end", "text", "coder", "memo",
            "paragraph", "page", "speaker"}
    for seg in segs:
        assert keys <= set(seg)
        assert seg["text"] == STORED[seg["start"]:seg["end"]]
    by_text = {s["text"]: s for s in segs}
    a = by_text[quote]
    assert a["code"] == "Co-production/Co-design" and a["memo"] == "first"
    assert (a["paragraph"], a["speaker"], a["case"], a["page"]) == (2, "Manager", "Case A", None)
    b = by_text[STORED[start:end]]
    assert b["code"].endswith("/Advocacy and word of mouth") and b["paragraph"] == 4


def test_segments_filter_by_code_and_case(study: Path, cc: CC) -> None:
    cc("code", str(study), "int", "Co-design", "--quote", "café")
    cc("code", str(study), "int", "Trust", "--quote", "Word of mouth")
    one = json.loads(cc("segments", str(study), "--json", "--code", "Trust").stdout)
    assert [s["text"] for s in one] == ["Word of mouth"]
    assert json.loads(cc("segments", str(study), "--json", "--case", "Case A").stdout).__len__() == 2


def test_autocode_sentence_scope(study: Path, cc: CC) -> None:
    r = cc("autocode", str(study), "Advocacy and word of mouth", "--pattern", "word of mouth",
           "--scope", "sentence")
    assert "2 hits" in r.stdout
    segs = json.loads(cc("segments", str(study), "--json").stdout)
    texts = sorted(s["text"] for s in segs)
    assert texts == ["And word of mouth?", "Word of mouth brings most new people — שלום, e\u0301 and all."]


def test_code_from_file_jsonl_reports_bad_rows_and_keeps_good(
    study: Path, tmp_path: Path, cc: CC
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"document": "int", "code": "Trust", "quote": "😀"}, ensure_ascii=False) + "\n"
        + json.dumps({"document": "int", "code": "Nope", "quote": "café"}) + "\n"
        + json.dumps({"document": "int", "code": "Trust", "start": 0, "end": 11}) + "\n",
        encoding="utf-8",
    )
    r = cc("code", str(study), "--from", str(rows), check=1)
    assert "row 2" in r.stderr and "no code 'Nope'" in r.stderr
    segs = json.loads(cc("segments", str(study), "--json").stdout)
    assert sorted(s["text"] for s in segs) == ["Interviewer", "😀"]


def test_code_from_csv(study: Path, tmp_path: Path, cc: CC) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("document,code,quote,memo\nint,Trust,marks the spot,from csv\n", encoding="utf-8")
    cc("code", str(study), "--from", str(rows))
    segs = json.loads(cc("segments", str(study), "--json").stdout)
    assert [(s["text"], s["memo"]) for s in segs] == [("marks the spot", "from csv")]


def test_codebook_json_shape_and_add(study: Path, cc: CC) -> None:
    cc("codebook", str(study), "--add", "Innovation/Digital tools", "--color", "#112233")
    book = json.loads(cc("codebook", str(study), "--json").stdout)
    keys = {"id", "path", "name", "parent", "color", "definition", "inclusion", "exclusion", "example"}
    assert all(keys <= set(c) for c in book)
    new = [c for c in book if c["path"] == "Innovation/Digital tools"]
    assert new and new[0]["color"] == "#112233"
    assert next(c for c in book if c["path"] == "Co-production")["definition"]


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["code", "{p}", "int", "Trust", "--quote", "not in the text"], 2, "quote not found"),
        (["code", "{p}", "missing", "Trust", "--quote", "x"], 2, "no document 'missing'"),
        (["code", "{p}", "int", "Trust", "--start", "5", "--end", "999"], 2, "does not fit"),
        (["segments", "{p}", "--code", "Nonexistent"], 2, "no code"),
        (["docs", "{d}/nothing.crosscase"], 3, "no such project"),
        (["autocode", "{p}", "Trust", "--pattern", "("], 2, "regular expression"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_user_errors_are_one_line_with_the_right_exit_code(
    study: Path, args: list[str], code: int, needle: str, cc: CC
) -> None:
    args = [a.format(p=study, d=study.parent) for a in args]
    r = cc(*args, check=code)
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_batch_with_bad_files_imports_the_rest_and_exits_1(
    study: Path, tmp_path: Path, cc: CC
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: hi\nP1: hello\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    r = cc("import", str(study), str(empty), str(good), str(binary), "--case", "Case B", check=1)
    lines = r.stderr.strip().splitlines()
    assert any(line.startswith("empty.txt:") for line in lines)
    assert any(line.startswith("blob.txt:") for line in lines)
    names = [d["name"] for d in json.loads(cc("docs", str(study), "--json").stdout)]
    assert sorted(names) == ["good", "int"]


def test_the_same_file_twice_is_skipped(study: Path, tmp_path: Path, cc: CC) -> None:
    r = cc("import", str(study), str(tmp_path / "int.txt"), "--case", "Case A")
    assert "already imported" in r.stderr
    assert len(json.loads(cc("docs", str(study), "--json").stdout)) == 1
    cc("import", str(study), str(tmp_path / "int.txt"), "--case", "Case A", "--keep-duplicates")
    names = sorted(d["name"] for d in json.loads(cc("docs", str(study), "--json").stdout))
    assert names == ["int", "int (2)"]


def test_help_is_fast_and_lists_commands(cc: CC) -> None:
    r = cc("--help")
    for name in ("new", "import", "docs", "text", "codebook", "code", "autocode", "segments", "demo"):
        assert name in r.stdout
