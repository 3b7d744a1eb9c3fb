"""The demo study: two fictional cases, imported and coded from ``sample_data``.

The demo codings are anchored by quote text, not by offsets, so they hold
whatever the importers make of the sample files' layout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Required, TypedDict

from crosscase.commands.cases import SetAttribute
from crosscase.commands.coding import ApplyCodings
from crosscase.domain.errors import CrosscaseError
from crosscase.services import cases, coding, documents
from crosscase.services.projects import new_project

if TYPE_CHECKING:
    from crosscase.db.project import Project

SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"
DEMO_NAME = "Co-production study"


class DemoError(CrosscaseError):
    pass


#: an attribute value as the sample files write it
Value = str | int | float | bool | None


class _DocumentEntry(TypedDict, total=False):
    file: Required[str]
    attributes: dict[str, Value]


class _CaseEntry(TypedDict, total=False):
    """One case in ``cases.json``."""

    name: Required[str]
    documents: Required[list[_DocumentEntry]]
    folder: str
    memo: str
    attributes: dict[str, Value]
    participants: dict[str, dict[str, Value]]


class _Manifest(TypedDict):
    cases: list[_CaseEntry]


class _FrameworkEntry(TypedDict, total=False):
    """One cell in ``demo_framework.json``: quotes to pin are given by their text."""

    code: Required[str]
    case: Required[str]
    summary: str
    rating: str | None
    pins: list[str]


def build_demo(out_dir: Path, *, sample_data: Path = SAMPLE_DATA) -> Path:
    """Build the coded demo project in ``out_dir`` (replacing an older one)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{DEMO_NAME}.crosscase"
    if path.exists():
        from crosscase.db.lock import ProjectLock

        lock = ProjectLock(path)
        lock.acquire()  # refuses if the demo is open elsewhere
        lock.release()
        for extra in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
    manifest: _Manifest = json.loads((sample_data / "cases.json").read_text(encoding="utf-8"))
    with new_project(path, name=DEMO_NAME) as project:
        for case in manifest["cases"]:
            folder = sample_data / case.get("folder", "")
            files = [folder / d["file"] if not (sample_data / d["file"]).exists()
                     else sample_data / d["file"] for d in case["documents"]]
            report = documents.import_files(project, files, case["name"])
            if report.failed:
                raise DemoError("; ".join(r.message for r in report.failed))
            with project.transaction() as s:
                case_id = cases.resolve(s, case["name"])
                if case.get("memo"):
                    from crosscase.db.models import Case

                    obj = s.get(Case, case_id)
                    assert obj is not None
                    obj.memo = case["memo"]
            for name, value in (case.get("attributes") or {}).items():
                SetAttribute("case", case_id, name, value).do(project)
            by_file = {r.path.name: r.document_id for r in report.imported}
            for d in case["documents"]:
                did = by_file.get(Path(d["file"]).name)
                for name, value in (d.get("attributes") or {}).items():
                    if did is not None:
                        SetAttribute("document", did, name, value).do(project)
            _participants(project, case_id, case.get("participants") or {})
        rows = coding.read_rows(sample_data / "demo_codings.jsonl")
        with project.session() as s:
            specs, errors = coding.specs_from_rows(s, rows)
        if errors:
            raise DemoError(
                f"{len(errors)} demo codings do not match the sample data, first: "
                f"row {errors[0].line}: {errors[0].message}"
            )
        ApplyCodings(specs, label="Demo codings").do(project)
        framework_file = sample_data / "demo_framework.json"
        if framework_file.exists():
            _framework(project, json.loads(framework_file.read_text(encoding="utf-8")))
        second = sample_data / "demo_codings_second_coder.jsonl"
        if second.exists():
            _second_coder(project, second)
    return path


#: the fictional colleague who double-coded three documents for a reliability round
SECOND_CODER = "Second coder (fictional)"


def _second_coder(project: Project, rows_file: Path) -> None:
    """A second coder's codings of a few documents, made from the first coder's by rule
    (``tools/make_second_coder.py``), so the demo has agreement to measure."""
    rows = coding.read_rows(rows_file)
    with project.session() as s:
        specs, errors = coding.specs_from_rows(s, rows)
    if errors:
        raise DemoError(f"{len(errors)} second-coder codings do not match the sample data, "
                        f"first: row {errors[0].line}: {errors[0].message}")
    first = project.coder_name
    project.coder_name = SECOND_CODER
    try:
        ApplyCodings(specs, label="Demo codings, second coder").do(project)
    finally:
        project.coder_name = first


def _framework(project: Project, cells: list[_FrameworkEntry]) -> None:
    """The researchers' judgements: summary, rating and pinned quotes per code and case."""
    from sqlalchemy import select

    from crosscase.commands.framework import PinQuote, SetFrameworkCell
    from crosscase.db.models import Coding, Document
    from crosscase.services import codebook

    for cell in cells:
        with project.session() as s:
            code_id = codebook.resolve(s, cell["code"])
            case_id = cases.resolve(s, cell["case"])
            pins = []
            for quote in cell.get("pins") or []:
                wanted = " ".join(quote.split())
                found = [
                    cid for cid, snippet in s.execute(
                        select(Coding.id, Coding.snippet)
                        .join(Document, Document.id == Coding.document_id)
                        .where(Coding.code_id == code_id, Document.case_id == case_id)
                    )
                    if " ".join(snippet.split()) == wanted
                ]
                if not found:
                    raise DemoError(f"demo framework: no {cell['code']} coding in "
                                    f"{cell['case']} reads \"{quote[:50]}\"")
                pins.append(found[0])
        SetFrameworkCell(code_id, case_id, summary=cell.get("summary", ""),
                         rating=cell.get("rating")).do(project)
        for coding_id in pins:
            PinQuote(code_id, case_id, coding_id).do(project)


def _participants(project: Project, case_id: int, participants: dict[str, dict[str, Value]]) -> None:
    from sqlalchemy import select

    from crosscase.db.models import Participant

    with project.session() as s:
        ids = dict(s.execute(select(Participant.name, Participant.id)
                             .where(Participant.case_id == case_id)).all())
    for speaker, attrs in participants.items():
        pid = ids.get(speaker)
        if pid is None:
            continue
        for name, value in attrs.items():
            SetAttribute("participant", pid, name, value).do(project)
