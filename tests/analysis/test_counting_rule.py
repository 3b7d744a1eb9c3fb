"""The counting rule: codings of one code that nest or overlap in a document are one passage.

The matrix, its drill-down (retrieval), the segments of an export and the
Word report all count and list the same passages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crosscase.analysis.matrix import cell_segments, compute_matrix
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.db.project import Project
from crosscase.domain.extract import Extracted
from crosscase.services import cases, documents
from crosscase.services import segments as segments_service
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

TEXT = (
    "We decide what goes in the shop window now. The café runs on members. "
    "The social worker comes to me for my review meeting. Income from the caravan park "
    "pays for the minibus."
)


@pytest.fixture
def one_doc(tmp_path: Path) -> Iterator[tuple[Project, int, int, int, int]]:
    p = new_project(tmp_path / "rule.crosscase", empty=True)
    parent = CreateCode("Co-production")
    parent.do(p)
    assert parent.id is not None
    child = CreateCode("Co-design", parent.id)
    child.do(p)
    assert child.id is not None
    with p.transaction() as s:
        cid = cases.ensure(s, "Case A")
        did = documents.store(s, p, cid, "interview", Extracted(TEXT, "txt"))
    yield p, parent.id, child.id, cid, did
    p.close()


def _segments(p: Project, code: int, case: int, rollup: bool = False) -> int:
    return int(compute_matrix(p, rollup=rollup).value(code, case))


def test_part_of_a_coded_passage_coded_again_counts_once(one_doc: tuple) -> None:
    p, _parent, code, case, doc = one_doc
    ApplyCodings([CodingSpec(doc, code, 0, 70)]).do(p)
    assert _segments(p, code, case) == 1
    ApplyCodings([CodingSpec(doc, code, 12, 42)]).do(p)  # nested inside the first
    assert _segments(p, code, case) == 1
    segs = cell_segments(p, code, case)
    assert [(s.start, s.end) for s in segs] == [(0, 70)]  # the enclosing coding is shown
    assert segs[0].text == TEXT[0:70]
    assert int(compute_matrix(p, measure="words").value(code, case)) == len(TEXT[0:70].split())
    # retrieval by code lists the same passages
    with p.session() as s:
        found = segments_service.fetch(s, code_ids=[code], per_passage=True)
        every = segments_service.fetch(s, code_ids=[code])
    assert [(x.start, x.end) for x in found] == [(0, 70)]
    assert len(every) == 2 and every[1].passage == found[0].id


def test_overlapping_codings_are_one_passage_touching_ones_two(one_doc: tuple) -> None:
    p, _parent, code, case, doc = one_doc
    ApplyCodings([CodingSpec(doc, code, 0, 40), CodingSpec(doc, code, 30, 70)]).do(p)
    assert _segments(p, code, case) == 1
    assert compute_matrix(p, measure="share").value(code, case) == pytest.approx(
        70 / len(TEXT) * 100)
    ApplyCodings([CodingSpec(doc, code, 70, 100)]).do(p)  # touches, shares no character
    assert _segments(p, code, case) == 2
    assert len(cell_segments(p, code, case)) == 2


def test_rollup_merges_parent_and_nested_child(one_doc: tuple) -> None:
    p, parent, child, case, doc = one_doc
    ApplyCodings([CodingSpec(doc, parent, 0, 70), CodingSpec(doc, child, 44, 60),
                  CodingSpec(doc, child, 120, 160)]).do(p)
    assert _segments(p, parent, case) == 1
    assert _segments(p, parent, case, rollup=True) == 2
    assert [(s.start, s.end) for s in cell_segments(p, parent, case, rollup=True)] == [
        (0, 70), (120, 160)]
    # not rolled up, the note says what a parent's count leaves out
    assert "leaves out the passages coded only with its sub-codes" in compute_matrix(
        p).definition
    assert "includes the passages coded with any of its sub-codes" in compute_matrix(
        p, rollup=True).definition
