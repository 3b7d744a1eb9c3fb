"""Blind coding in the matrix and the codebook's counts: while a round is open, a coder
in it does not have the other coders' codings of its documents counted; outside its
documents, for coders not in it, and once it is closed, everything counts."""

from __future__ import annotations

from pathlib import Path

from team_project import code_as, team_project

from crosscase.analysis.matrix import cell_segments, compute_matrices, compute_matrix
from crosscase.commands.rounds import CloseRound, OpenRound
from crosscase.db.project import open_project
from crosscase.services import codebook, documents, rounds
from crosscase.services.segments import fetch

OTHER = "Practitioner: The second case is coded by ben alone.\n"


def test_matrix_and_counts_are_blind_like_the_segments(tmp_path: Path) -> None:
    path, doc, code, _other = team_project(tmp_path)
    src = tmp_path / "second.txt"
    src.write_text(OTHER, encoding="utf-8")
    project = open_project(path)
    try:
        documents.import_files(project, [src], case="Case B")
        with project.session() as s:
            second = documents.resolve(s, "second")
        code_as(project, "ben", second, code, [(0, 12)])
        code_as(project, "cleo", doc, code, [(0, 10)])  # not in the round

        def seen(viewer: str) -> tuple[dict[int, int], float, list[int], list[int], int]:
            with project.session() as s:
                blind = rounds.blind_for(s, viewer)
                counts = codebook.counts(s, blind)
                m = compute_matrix(s, cols="documents", measure="segments", blind=blind)
                cell = [g.id for g in cell_segments(s, code, doc, cols="documents",
                                                    blind=blind)]
                # the segments service's blindness: the reference
                listed = [g.id for g in fetch(s, code_ids=[code], document_ids=[doc],
                                              per_passage=True, blind=blind)]
                words = compute_matrices(s, ["segments", "words"], cols="documents",
                                         blind=blind)[0].value(code, second)
            return counts, m.value(code, doc), cell, listed, int(words)

        everyone = seen("ana")
        assert everyone[0][code] == 8 and everyone[4] == 1

        project.coder_name = "ana"
        OpenRound("r1", share=1.0, seed=3, stratum="case", coders=["ana", "ben"]).do(project)
        with project.session() as s:
            assert rounds.find(s, "r1").documents == sorted([doc, second])

        # ana sees her three codings of the interview, and nobody's of the second
        counts, value, cell, listed, second_count = seen("ana")
        assert counts[code] == 3
        assert value == 3 and cell == listed and len(cell) == 3
        assert second_count == 0
        # ben: his three of the interview and his own in the second document
        counts, value, cell, listed, second_count = seen("ben")
        assert counts[code] == 4 and value == 3 and cell == listed and second_count == 1
        # cleo is in no round: she sees everything, as before
        assert seen("cleo") == everyone
        # someone not in the project at all: everything too
        assert seen("nobody") == everyone

        CloseRound("r1").do(project)
        assert seen("ana") == everyone
    finally:
        project.close()


def test_no_blindness_leaves_the_counts_as_they_were(tmp_path: Path) -> None:
    path, doc, code, _other = team_project(tmp_path)
    project = open_project(path)
    try:
        with project.session() as s:
            none = rounds.blind_for(s, "ana")
            assert not none.documents
            assert codebook.counts(s, none) == codebook.counts(s)
            a = compute_matrix(s, cols="cases", measure="share", blind=none)
            b = compute_matrix(s, cols="cases", measure="share")
            assert a.values.equals(b.values)
    finally:
        project.close()
