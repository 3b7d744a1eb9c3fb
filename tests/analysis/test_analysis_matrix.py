"""The matrix against counts computed independently, in plain Python over the rows."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from matrix_data import build_study, reference_rows

from crosscase.analysis.columns import NO_VALUE
from crosscase.analysis.matrix import (
    MEASURES,
    cell_coding_ids,
    cell_segments,
    compute_matrices,
    compute_matrix,
)
from crosscase.commands.coding import ApplyCodings
from crosscase.domain.errors import NotFound, UsageError
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

WORD = re.compile(r"\w+")


class Reference:
    """The measures, the slow and obvious way."""

    def __init__(self, rows: dict[str, Any], cols: str, rollup: bool) -> None:
        self.r = rows
        self.cols = cols
        self.rollup = rollup
        self.by_speaker = cols == "role"

    def descendants(self, code: int) -> set[int]:
        out = {code}
        changed = True
        while changed:
            changed = False
            for c, parent in self.r["codes"].items():
                if parent in out and c not in out:
                    out.add(c)
                    changed = True
        return out

    def turn_at(self, doc: int, pos: int) -> tuple[int, int, int, int] | None:
        hits = [t for t in self.r["turns"] if t[0] == doc and t[1] <= pos < t[2]]
        return max(hits, key=lambda t: t[1]) if hits else None

    def value(self, scope: str, name: str, owner: int) -> str:
        aid = self.r["attrs"][(scope, name)]
        table = {"case": "case_values", "document": "doc_values",
                 "participant": "part_values"}[scope]
        for o, a, v in self.r[table]:
            if o == owner and a == aid:
                return v
        return NO_VALUE

    def column_of(self, doc: int, start: int) -> Any:
        case = self.r["docs"][doc]["case"]
        if self.cols == "cases":
            return case
        if self.cols == "documents":
            return doc
        if self.cols == "sector":
            return self.value("case", "sector", case)
        if self.cols == "kind":
            return self.value("document", "kind", doc)
        turn = self.turn_at(doc, start)
        return None if turn is None else self.value("participant", "role", turn[3])

    def passages(self, code: int, col: Any) -> set[tuple[int, int, int]]:
        codes = self.descendants(code) if self.rollup else {code}
        out = set()
        for _id, c, doc, s, e in self.r["codings"]:
            if c in codes and self.column_of(doc, s) == col:
                if self.by_speaker:
                    turn = self.turn_at(doc, s)
                    assert turn is not None
                    e = min(e, turn[2])
                out.add((doc, s, e))
        # the counting rule: spans that nest or overlap in one document are one passage
        merged: set[tuple[int, int, int]] = set()
        for doc in {d for d, _, _ in out}:
            spans = sorted((s, e) for d, s, e in out if d == doc)
            cur_s, cur_e = spans[0]
            for s, e in spans[1:]:
                if s < cur_e:
                    cur_e = max(cur_e, e)
                else:
                    merged.add((doc, cur_s, cur_e))
                    cur_s, cur_e = s, e
            merged.add((doc, cur_s, cur_e))
        return merged

    def text_of_column(self, col: Any) -> tuple[int, int]:
        """(chars, words) of the column's text."""
        if self.by_speaker:
            chars = words = 0
            for doc, s, e, pid in self.r["turns"]:
                if self.value("participant", "role", pid) == col:
                    chars += e - s
                    words += len(WORD.findall(self.r["docs"][doc]["text"][s:e]))
            return chars, words
        chars = words = 0
        for did, d in self.r["docs"].items():
            if self.column_of(did, 0) == col:
                chars += d["chars"]
                words += d["words"]
        return chars, words

    def measure(self, name: str, code: int, col: Any) -> float:
        ps = self.passages(code, col)
        if name == "segments":
            return len(ps)
        if name == "documents":
            return len({d for d, _, _ in ps})
        if name == "presence":
            return 1 if ps else 0
        if name == "participants":
            speakers = {self.turn_at(d, s) for d, s, _ in ps}
            return len({t[3] for t in speakers if t is not None})
        if name == "words":
            return sum(len(WORD.findall(self.r["docs"][d]["text"][s:e])) for d, s, e in ps)
        chars, words = self.text_of_column(col)
        if name == "share":
            covered = set()
            for d, s, e in ps:
                covered.update((d, i) for i in range(s, e))
            return math.nan if chars == 0 else len(covered) / chars * 100
        if name == "rate":
            return math.nan if words == 0 else len(ps) / words * 1000
        raise AssertionError(name)


def _same(a: float, b: float) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _check(project: Any, cols: str, rollup: bool, measures: list[str]) -> None:
    ref = Reference(reference_rows(project), cols, rollup)
    for m in measures:
        mx = compute_matrix(project, cols=cols, measure=m, rollup=rollup)
        assert mx.measure == m
        assert mx.definition.startswith(MEASURES[m].definition)
        for row in mx.rows:
            for col in mx.cols:
                got = mx.value(row.code_id, col.key)
                want = ref.measure(m, row.code_id, col.key)
                assert _same(got, want), (m, cols, rollup, row.path, col.name, got, want)


@pytest.mark.parametrize("rollup", [False, True])
def test_every_measure_by_case_matches_plain_counts(study: Any, rollup: bool) -> None:
    project, _ = study
    _check(project, "cases", rollup, list(MEASURES))


@pytest.mark.parametrize("rollup", [False, True])
def test_every_measure_by_document_matches_plain_counts(study: Any, rollup: bool) -> None:
    project, _ = study
    _check(project, "documents", rollup, list(MEASURES))


@pytest.mark.parametrize("cols", ["sector", "kind", "role"])
@pytest.mark.parametrize("rollup", [False, True])
def test_attribute_columns_match_plain_counts(study: Any, cols: str, rollup: bool) -> None:
    project, _ = study
    _check(project, cols, rollup, list(MEASURES))


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_random_studies(tmp_path: Path, seed: int) -> None:
    p = new_project(tmp_path / f"r{seed}.crosscase", empty=True)
    try:
        build_study(p, seed=seed, codings=120)
        for cols in ("cases", "role"):
            _check(p, cols, True, ["segments", "words", "share", "participants"])
    finally:
        p.close()


def test_columns_and_rows(study: Any) -> None:
    project, st = study
    mx = compute_matrix(project)
    assert [c.name for c in mx.cols] == ["Case A", "Case B", "Case C"]
    assert [r.path for r in mx.rows][:3] == [
        "Co-production", "Co-production/Co-design", "Co-production/Co-delivery"]
    assert [r.depth for r in mx.rows][:6] == [0, 1, 1, 0, 1, 2]
    # Case C has a document but nothing coded: a column of zeros
    assert mx.values[st.cases["Case C"]].sum() == 0
    by_role = compute_matrix(project, cols="role")
    assert [c.name for c in by_role.cols] == [
        "manager", "researcher", "service user", "staff", NO_VALUE]
    assert "participant attribute 'role'" in by_role.definition
    founded = compute_matrix(project, cols="founded", drop_empty_columns=False)
    assert [c.name for c in founded.cols] == ["1987", "1998", "2011"]  # numeric order


def test_rollup_counts_a_passage_once(study: Any) -> None:
    project, st = study
    case_a = st.cases["Case A"]
    parent = st.codes["Co-production"]
    plain = compute_matrix(project, measure="segments", code_ids=[parent])
    rolled = compute_matrix(project, measure="segments", rollup=True)
    # the fixed passage 10-60 is coded with the parent and both children: one passage
    segs = cell_segments(project, parent, case_a, rollup=True)
    spans = [(s.document_id, s.start, s.end) for s in segs]
    assert spans.count((st.docs["manager interview"], 10, 60)) == 1
    assert len(spans) == len(set(spans)) == rolled.value(parent, case_a)
    assert rolled.value(parent, case_a) >= plain.value(parent, case_a)
    assert "Rolled up" in rolled.definition


def test_share_counts_overlaps_once(tmp_path: Path) -> None:
    p = new_project(tmp_path / "o.crosscase", empty=True)
    try:
        from crosscase.commands.codebook import CreateCode
        from crosscase.domain.extract import Extracted
        from crosscase.services import cases, documents

        cc = CreateCode("Theme")
        cc.do(p)
        with p.transaction() as s:
            cid = cases.ensure(s, "Only")
            did = documents.store(s, p, cid, "doc", Extracted("x" * 100, "txt"))
        assert cc.id is not None
        ApplyCodings([CodingSpec(did, cc.id, 0, 30), CodingSpec(did, cc.id, 20, 50),
                      CodingSpec(did, cc.id, 60, 70)]).do(p)
        share = compute_matrix(p, measure="share")
        assert share.value(cc.id, cid) == pytest.approx(60.0)  # 0-50 and 60-70
        # the two overlapping codings are one passage (the counting rule)
        assert compute_matrix(p, measure="segments").value(cc.id, cid) == 2
    finally:
        p.close()


def test_filters(study: Any) -> None:
    project, st = study
    b = st.cases["Case B"]
    whole = compute_matrix(project, measure="segments")
    only_b = compute_matrix(project, measure="segments", case_ids=[b])
    assert [c.key for c in only_b.cols] == [b]
    assert (only_b.values[b] == whole.values[b]).all()
    code = st.codes["Hybridity/Trading income"]
    one = compute_matrix(project, measure="words", code_ids=[code], rollup=True)
    assert [r.code_id for r in one.rows] == [code]
    full = compute_matrix(project, measure="words", rollup=True)
    assert (one.values.loc[code] == full.values.loc[code]).all()


def test_drilldown_matches_cell(study: Any) -> None:
    project, st = study
    for cols in ("cases", "role", "kind"):
        for rollup in (False, True):
            mx = compute_matrix(project, cols=cols, measure="segments", rollup=rollup)
            for row in mx.rows:
                for col in mx.cols:
                    segs = cell_segments(project, row.code_id, col.key, cols=cols, rollup=rollup)
                    assert len(segs) == mx.value(row.code_id, col.key)
    code = st.codes["Hybridity/Trading income"]
    segs = cell_segments(project, code, "Case A")  # a column by name works too
    assert segs and all(s.case == "Case A" for s in segs)
    first = segs[0]
    assert first.citation().startswith("(Case A, ")
    assert first.text == st.texts[first.document_id][first.start:first.end]
    ids = cell_coding_ids(project, code, st.cases["Case A"])
    assert ids == [s.id for s in segs]


def test_several_measures_at_once(study: Any) -> None:
    project, _ = study
    many = compute_matrices(project, ["segments", "rate"], cols="role")
    assert [m.measure for m in many] == ["segments", "rate"]
    single = compute_matrix(project, cols="role", measure="rate")
    assert many[1].values.equals(single.values)


def test_json_shape(study: Any) -> None:
    project, _ = study
    data = compute_matrix(project, measure="share").as_json()
    assert {"measure", "rows", "cols", "values", "definition"} <= set(data)
    assert len(data["values"]) == len(data["rows"])
    assert all(len(r) == len(data["cols"]) for r in data["values"])


@pytest.mark.parametrize(
    "call",
    [
        lambda p: compute_matrix(p, measure="nonsense"),
        lambda p: compute_matrix(p, cols="no such attribute"),
        lambda p: compute_matrix(p, code_ids=[99999]),
        lambda p: compute_matrix(p, case_ids=[99999]),
    ],
)
def test_user_errors(study: Any, call: Callable[[Any], Any]) -> None:
    project, _ = study
    with pytest.raises((UsageError, NotFound)):
        call(project)


def test_ambiguous_attribute_needs_scope(study: Any) -> None:
    project, st = study
    from crosscase.commands.cases import SetAttribute

    SetAttribute("document", st.docs["annual report"], "sector", "public").do(project)
    with pytest.raises(UsageError, match="case:sector"):
        compute_matrix(project, cols="sector")
    by_doc = compute_matrix(project, cols="document:sector")
    assert [c.name for c in by_doc.cols] == ["public", NO_VALUE]


def test_empty_project(empty_project: Any) -> None:
    for m in MEASURES:
        mx = compute_matrix(empty_project, measure=m)
        assert mx.values.shape == (0, 0)
        assert mx.as_json()["values"] == []
