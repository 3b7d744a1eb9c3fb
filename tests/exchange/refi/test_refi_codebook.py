"""Codebooks alone: QDC export, loading into a project, the labelled Description."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from crosscase.db.project import Project
from crosscase.domain.errors import ImportRefused, UsageError
from crosscase.exchange.refi import export_qdc, export_qdpx, load_qdc
from crosscase.exchange.refi.describe import FIELDS, parse, render
from crosscase.services import codebook

EXAMPLE_1 = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" origin="Example">
<Codes>
<Code guid="{{5215cc69-b628-4e02-afb9-9beeaee55808}}" name="Topics" isCodable="false">
  <Code guid="{{d7aa29da-519b-4946-9b90-253b6db8fd0a}}" name="Economy" isCodable="true"
        color="#ffff00"><Description>Anything about jobs or taxes or business</Description></Code>
</Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Values" isCodable="false"/>
<Code guid="{{7c108712-b650-4892-ac0b-fc9a10190c3b}}" name="Values::Conservatives"
      isCodable="true" color="#f00"><Description>Definition: Right-wing views

Include: taxes, small state

Exclude: party names alone

Examples: "cut the red tape"</Description></Code>
<Code guid="12365523-1035-4afa-9e7b-281fe0bc51c5" name="Yes/No" isCodable="true"/>
</Codes>
<Sets><Set guid="22365523-1035-4afa-9e7b-281fe0bc51c5" name="Politics">
  <MemberCode guid="7c108712-b650-4892-ac0b-fc9a10190c3b"/></Set></Sets>
</CodeBook>"""


def _paths(project: Project) -> dict[str, codebook.CodeNode]:
    with project.session() as s:
        return {n.path: n for n in codebook.tree(s).values()}


def _fields(nested: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nested codebook without memos (a QDC carries no notes)."""
    out = []
    for n in nested:
        d = {k: v for k, v in n.items() if k not in ("memo", "children")}
        if n.get("children"):
            d["children"] = _fields(n["children"])
        out.append(d)
    return out


@pytest.mark.parametrize("ns", ["urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:0:4",
                                "urn:QDA-XML:codebook:1:0"])
def test_load_the_standards_example_in_any_namespace(ns: str, tmp_path: Path,
                                                     empty_project: Project) -> None:
    qdc = tmp_path / "example.qdc"
    qdc.write_text(EXAMPLE_1.format(ns=ns), encoding="utf-8")
    report = load_qdc(empty_project, qdc)
    paths = _paths(empty_project)
    assert set(paths) == {"Topics", "Topics/Economy", "Values", "Values/Conservatives",
                          "Yes\u2215No"}
    assert paths["Topics/Economy"].definition == "Anything about jobs or taxes or business"
    assert paths["Topics/Economy"].color == "#FFFF00"
    con = paths["Values/Conservatives"]
    assert (con.definition, con.inclusion, con.exclusion, con.example) == (
        "Right-wing views", "taxes, small state", "party names alone", '"cut the red tape"')
    assert con.color == "#FF0000"
    assert len(report.added) == 5 and not report.updated
    assert any("code set" in x for x in report.skipped)
    assert any("'/'" in n for n in report.notes)
    assert report.lines()[0].startswith("Loaded example.qdc: 5 added")


def test_export_then_load_gives_the_same_codebook(
    project: Project, empty_project: Project, tmp_path: Path,
    assert_valid: Callable[[bytes, str], None],
) -> None:
    export_qdc(project, tmp_path / "default.qdc")
    assert_valid((tmp_path / "default.qdc").read_bytes(), "Codebook")
    report = load_qdc(empty_project, tmp_path / "default.qdc")
    with project.session() as s:
        want = _fields(codebook.to_nested(codebook.tree(s)))
    with empty_project.session() as s:
        got = _fields(codebook.to_nested(codebook.tree(s)))
    assert got == want
    assert len(report.added) == len(_paths(project))


def test_loading_into_a_project_updates_or_leaves_existing_codes(project: Project,
                                                                 tmp_path: Path) -> None:
    qdc = tmp_path / "default.qdc"
    export_qdc(project, qdc)
    again = load_qdc(project, qdc)
    assert not again.added and not again.updated
    assert len(again.unchanged) == len(_paths(project))
    ns = "{urn:QDA-XML:codebook:1.0}"
    tree = etree.parse(str(qdc))
    code = next(c for c in tree.iter(f"{ns}Code") if c.get("name") == "Co-design")
    code.set("color", "#123456")
    new = etree.SubElement(tree.getroot().find(f"{ns}Codes"), f"{ns}Code")
    new.attrib.update({"guid": "{00000000-0000-4000-8000-000000000001}", "name": "Brand new",
                       "isCodable": "true"})
    tree.write(str(qdc), xml_declaration=True, encoding="UTF-8")
    report = load_qdc(project, qdc)
    assert report.added == ["Brand new"]
    assert report.updated == ["Co-production/Co-design"]
    assert _paths(project)["Co-production/Co-design"].color == "#123456"


def test_load_a_codebook_from_a_project_archive(project: Project, empty_project: Project,
                                                tmp_path: Path) -> None:
    export_qdpx(project, tmp_path / "p.qdpx")
    report = load_qdc(empty_project, tmp_path / "p.qdpx")
    assert len(report.added) == len(_paths(project))


def test_load_refuses_what_is_not_a_codebook(tmp_path: Path, empty_project: Project) -> None:
    bad = tmp_path / "notes.qdc"
    bad.write_text("<html/>", encoding="utf-8")
    with pytest.raises(ImportRefused, match="not a REFI-QDA codebook"):
        load_qdc(empty_project, bad)
    with pytest.raises(ImportRefused, match="no such file"):
        load_qdc(empty_project, tmp_path / "missing.qdc")


def test_an_empty_codebook_cannot_be_exported(empty_project: Project, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="empty"):
        export_qdc(empty_project, tmp_path / "none.qdc")
    assert not (tmp_path / "none.qdc").exists()


def test_plain_descriptions_are_definitions() -> None:
    assert parse("Health care issues, doctor, patients, etc.")["definition"] == (
        "Health care issues, doctor, patients, etc.")
    got = parse("Intro sentence.\n\nWhen to use: always\nExample: one\nExamples: two")
    assert got == {"definition": "Intro sentence.", "inclusion": "always",
                   "exclusion": "", "example": "one\n\ntwo"}
    assert parse(None) == dict.fromkeys(FIELDS, "")


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00:"),
    max_size=40,
).map(str.strip)


@given(d=_TEXT, i=_TEXT, e=_TEXT, x=_TEXT)
def test_render_then_parse_gives_the_fields_back(d: str, i: str, e: str, x: str) -> None:
    fields = {"definition": d, "inclusion": i, "exclusion": e, "example": x}
    assert parse(render(fields)) == fields
