"""A round trip through REFI-QDA keeps who coded what: ``creatingUser`` on each coding,
the users listed in ``<Users>``."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from crosscase.cli.main import main
from crosscase.db.models import Coder, Coding, Document
from crosscase.db.project import open_project
from crosscase.services import codebook

NS = {"q": "urn:QDA-XML:project:1.0"}
TEXT = "Trust grows slowly.\nThe cafe pays for the bus.\nService users run the shop.\n"


def cli(*args: str) -> None:
    assert main(list(args)) == 0, args


def who_coded_what(path: Path) -> list[tuple[str, str, str | None, int, int]]:
    with open_project(path, readonly=True) as p, p.session() as s:
        paths = {i: n.path for i, n in codebook.tree(s).items()}
        rows = s.execute(select(Document.name, Coding.code_id, Coder.name, Coding.start, Coding.end)
                         .join(Document, Document.id == Coding.document_id)
                         .outerjoin(Coder, Coder.id == Coding.coder_id)).all()
        return sorted((d, paths[c], who, a, b) for d, c, who, a, b in rows)


def test_qdpx_round_trip_keeps_each_codings_coder(
    tmp_path: Path, assert_valid: Callable[[bytes, str], None]
) -> None:
    project = tmp_path / "team.crosscase"
    (tmp_path / "one.txt").write_text(TEXT, encoding="utf-8")
    cli("new", str(project), "--empty")
    cli("codebook", str(project), "--add", "Relational/Trust", "--coder", "Ann")
    cli("codebook", str(project), "--add", "Hybridity", "--coder", "Ann")
    cli("import", str(project), str(tmp_path / "one.txt"), "--case", "A", "-q", "--coder", "Ann")
    for who in ("Ann", "Ben"):  # the same passage and code by both coders
        cli("code", str(project), "one", "Relational/Trust", "--quote", "Trust grows slowly.",
            "--coder", who)
    cli("code", str(project), "one", "Hybridity", "--quote", "The cafe pays for the bus.",
        "--coder", "Ben")
    cli("code", str(project), "one", "Hybridity", "--quote", "Service users run the shop.",
        "--coder", "Cleo")
    qdpx = tmp_path / "team.qdpx"
    cli("export", str(project), "--format", "qdpx", "--out", str(qdpx))
    with zipfile.ZipFile(qdpx) as zf:
        xml = zf.read("project.qde")
    assert_valid(xml, "Project")
    root = etree.fromstring(xml)
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", NS)}
    assert {"Ann", "Ben", "Cleo"} <= set(users.values())
    coded_by = [users[c.get("creatingUser")] for c in root.iter("{*}Coding")]
    assert sorted(coded_by) == ["Ann", "Ben", "Ben", "Cleo"]

    back = tmp_path / "back.crosscase"
    cli("import-qdpx", str(qdpx), "--out", str(back))
    assert who_coded_what(back) == who_coded_what(project)
    assert len(who_coded_what(back)) == 4
