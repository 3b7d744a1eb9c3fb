"""Each coded segment names the speaker whose turn holds its first character."""

from __future__ import annotations

from pathlib import Path

from crosscase.commands.coding import ApplyCodings
from crosscase.services import codebook, documents, segments
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project


def test_every_segment_has_its_own_speaker(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("Manager: We began 𝒳.\nInterviewer: And then?\nManager: It grew.\n", "utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Jo: Word of mouth 😀.\nInterviewer: Really?\nJo: Yes.\n", "utf-8")
    with new_project(tmp_path / "p.crosscase") as project:
        documents.import_files(project, [a, b], case="Case A")
        with project.session() as s:
            code = codebook.resolve(s, "Co-production")
            da, db = documents.resolve(s, "a"), documents.resolve(s, "b")
        specs = [CodingSpec(da, code, 0, 8), CodingSpec(da, code, 22, 34),
                 CodingSpec(db, code, 0, 2), CodingSpec(db, code, 21, 33)]
        ApplyCodings(specs).do(project)
        with project.session() as s:
            found = segments.fetch(s, code_ids=[code])
    assert [(sg.document, sg.speaker) for sg in found] == [
        ("a", "Manager"), ("a", "Interviewer"), ("b", "Jo"), ("b", "Interviewer"),
    ]
