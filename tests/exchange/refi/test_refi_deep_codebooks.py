"""Codebooks that nest thousands of levels deep are refused with one line, never a
RecursionError, and nothing of them is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crosscase.db.models import Code
from crosscase.db.project import Project
from crosscase.domain.errors import ImportRefused
from crosscase.domain.limits import MAX_CODE_DEPTH
from crosscase.exchange.refi import import_qdpx, load_qdc

NS = 'xmlns="urn:QDA-XML:codebook:1.0"'


def guid(i: int) -> str:
    return f"{i:08X}-0000-4000-8000-000000000000"


def nested(depth: int) -> str:
    opening = "".join(f'<Code guid="{guid(i)}" name="level {i} 𝒳" isCodable="true">' for i in range(depth))
    return opening + "</Code>" * depth


def flattened(depth: int) -> str:
    name = "::".join(f"c{i}" for i in range(depth))
    return f'<Code guid="{guid(1)}" name="{name}" isCodable="true"/>'


def codebook_file(tmp_path: Path, codes: str) -> Path:
    path = tmp_path / "deep.qdc"
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><CodeBook {NS} origin="t"><Codes>{codes}</Codes></CodeBook>',
        encoding="utf-8",
    )
    return path


def count_codes(project: Project) -> int:
    with project.session() as s:
        return int(s.scalar(select(func.count()).select_from(Code)) or 0)


@pytest.mark.parametrize("shape", [nested, flattened], ids=["nested", "flattened names"])
@pytest.mark.parametrize("depth", [MAX_CODE_DEPTH + 1, 3000])
def test_a_codebook_nested_too_deep_is_refused_with_one_line(
    empty_project: Project, tmp_path: Path, shape: Callable[[int], str], depth: int
) -> None:
    path = codebook_file(tmp_path, shape(depth))
    with pytest.raises(ImportRefused) as err:
        load_qdc(empty_project, path)
    message = str(err.value)
    assert message.startswith("deep.qdc: ") and str(MAX_CODE_DEPTH) in message
    assert "\n" not in message and "Recursion" not in message
    assert count_codes(empty_project) == 0  # nothing half-loaded


def test_a_codebook_at_the_limit_loads_whole(empty_project: Project, tmp_path: Path) -> None:
    report = load_qdc(empty_project, codebook_file(tmp_path, nested(MAX_CODE_DEPTH)))
    assert len(report.added) == MAX_CODE_DEPTH
    assert count_codes(empty_project) == MAX_CODE_DEPTH


def test_a_project_with_a_codebook_too_deep_is_refused(
    tmp_path: Path, make_qdpx: Callable[..., Path]
) -> None:
    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
        f"<CodeBook><Codes>{nested(2000)}</Codes></CodeBook></Project>"
    )
    archive = make_qdpx(tmp_path / "deep.qdpx", qde)
    out = tmp_path / "new.crosscase"
    with pytest.raises(ImportRefused) as err:
        import_qdpx(archive, out)
    assert "deep.qdpx" in str(err.value) and str(MAX_CODE_DEPTH) in str(err.value)
    assert not out.exists()


@pytest.mark.parametrize("depth", [MAX_CODE_DEPTH + 1, 5000])
def test_a_json_codebook_nested_too_deep_is_refused_by_the_command_line(
    tmp_path: Path, depth: int, capsys: pytest.CaptureFixture[str]
) -> None:
    from crosscase.cli.main import main

    project = tmp_path / "p.crosscase"
    assert main(["new", str(project), "--empty"]) == 0
    book = tmp_path / "deep.json"
    book.write_text("[" + '{"name": "c", "children": [' * depth + "]}" * depth + "]")
    capsys.readouterr()
    code = main(["codebook", str(project), "--load", str(book)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        f"crosscase: deep.json: codes nest more than {MAX_CODE_DEPTH} levels deep; "
        f"Crosscase reads codebooks up to {MAX_CODE_DEPTH} levels"
    ]
    assert main(["codebook", str(project), "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_a_codebook_file_over_the_xml_limit_is_refused(empty_project: Project, tmp_path: Path) -> None:
    from crosscase.exchange.refi import Limits

    path = codebook_file(tmp_path, nested(3) + "<!-- " + "x" * 5000 + " -->")
    with pytest.raises(ImportRefused) as err:
        load_qdc(empty_project, path, limits=Limits(max_xml_bytes=4096))
    assert err.value.args[0].startswith("deep.qdc: ") and "4,096-byte limit" in str(err.value)
    assert count_codes(empty_project) == 0
