"""Coding queries against a plain-Python reference on generated codings.

The reference works on sets of character positions (AND, OR, NOT) and on
passages found as connected groups of codings that share a character (NEAR,
SAME, FOLLOWED BY), written independently of the evaluator's interval code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from crosscase.analysis import query
from crosscase.commands import cases as case_commands
from crosscase.db.models import Coder, Coding, Paragraph, Participant, Turn
from crosscase.db.project import Project
from crosscase.io.importers.text import structure
from crosscase.services import cases, codebook, documents
from crosscase.services.projects import new_project

TEXTS = [
    ("Case A 🪑", "manager",
     "Manager: The farm shop 𝒳 pays for the day service 😀. Users upcycle furniture!\n\n"
     "Interviewer: And the café?\n\n"
     "Manager: 👩‍🔧 It funds the conservation work, e\u0301 and more 𝒳𝒳.\n"),
    ("Case A 🪑", "minutes",
     "The board agreed 𝒳 to open a second café.\n\nIncome from leaflets fell; trust rose 😀.\n"),
    ("Case B", "service user",
     "Interviewer: Who decides?\n\n"
     "Service user: I manage my own 𝒴 relationships with the practitioners.\n\n"
     "Practitioner: We co-produce the plan 🤝 together, always.\n"),
]
CODES = ["Trading 𝒳", "Mission", "Trust", "Co-production/Co-design", "Co-production"]


class World:
    def __init__(self, project: Project) -> None:
        self.project = project
        with project.transaction() as s:
            codebook.add_tree(s, [
                {"name": "Trading 𝒳"}, {"name": "Mission"}, {"name": "Trust"},
                {"name": "Co-production", "children": [{"name": "Co-design"}]},
            ])
            self.docs: list[int] = []
            for case, name, body in TEXTS:
                cid = cases.ensure(s, case)
                self.docs.append(documents.store(s, project, cid, name, structure(body, "txt")))
            s.add_all([Coder(name="ana"), Coder(name="ben")])
        with project.session() as s:
            nodes = codebook.tree(s)
            self.codes = [codebook.resolve(s, c, nodes) for c in CODES]
            self.coders = list(s.scalars(select(Coder.id).where(Coder.name.in_(["ana", "ben"]))
                                         .order_by(Coder.name)))
            self.paras = {d: sorted((p.start, p.end) for p in s.scalars(
                select(Paragraph).where(Paragraph.document_id == d))) for d in self.docs}
            self.turns = {d: sorted((t.start, t.end) for t in s.scalars(
                select(Turn).where(Turn.document_id == d))) for d in self.docs}
            self.manager = s.scalar(select(Participant.id).where(Participant.name == "Manager"))
        self.texts = {d: body for d, (_, _, body) in zip(self.docs, TEXTS, strict=True)}

    def code(self, rows: list[tuple[int, int, int, int, int]]) -> None:
        """Replace every coding: rows of (document index, code index, start, end, coder index)."""
        with self.project.transaction() as s:
            s.execute(delete(Coding))
            values = []
            for di, ci, a, b, who in rows:
                d = self.docs[di]
                values.append({"document_id": d, "code_id": self.codes[ci],
                               "coder_id": self.coders[who], "start": a, "end": b,
                               "snippet": self.texts[d][a:b]})
            if values:
                s.execute(insert(Coding), values)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("query") / "query.crosscase"
    project = new_project(path, empty=True)
    yield World(project)
    project.close()


@st.composite
def codings(draw: st.DrawFn) -> list[tuple[int, int, int, int, int]]:
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        di = draw(st.integers(0, len(TEXTS) - 1))
        n = len(TEXTS[di][2])
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, min(n, a + 40)))
        rows.append((di, draw(st.integers(0, 2)), a, b, draw(st.integers(0, 1))))
    return rows


# -- the reference ---------------------------------------------------------------------


def chars(w: World, rows: list[tuple[int, int, int, int, int]], code: int,
          coder: int | None = None) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for di, ci, a, b, who in rows:
        if ci == code and (coder is None or who == coder):
            out.setdefault(w.docs[di], set()).update(range(a, b))
    return out


def passages(w: World, rows: list[tuple[int, int, int, int, int]], code: int
             ) -> dict[int, list[tuple[int, int]]]:
    """Connected groups of a code's codings that share a character, as (start, end)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for d in w.docs:
        spans = [(a, b) for di, ci, a, b, _ in rows if ci == code and w.docs[di] == d]
        groups: list[list[tuple[int, int]]] = []
        for sp in spans:
            touching = [g for g in groups if any(sp[0] < e and s < sp[1] for s, e in g)]
            merged = [sp] + [x for g in touching for x in g]
            groups = [g for g in groups if g not in touching] + [merged]
        # groups may have become connected through a later span: repeat until stable
        changed = True
        while changed:
            changed = False
            for i in range(len(groups)):
                for j in range(i + 1, len(groups)):
                    if any(a < f and c < b for a, b in groups[i] for c, f in groups[j]):
                        groups[i] += groups.pop(j)
                        changed = True
                        break
                if changed:
                    break
        if groups:
            out[d] = sorted((min(s for s, _ in g), max(e for _, e in g)) for g in groups)
    return out


def as_chars(spans: dict[int, list[tuple[int, int]]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for d, found in spans.items():
        for a, b in found:
            out.setdefault(d, set()).update(range(a, b))
    return {d: c for d, c in out.items() if c}


def nonempty(sets: dict[int, set[int]]) -> dict[int, set[int]]:
    return {d: c for d, c in sets.items() if c}


def words_between(text: str, a: tuple[int, int], b: tuple[int, int]) -> int:
    if a[0] < b[1] and b[0] < a[1]:
        return 0
    first, second = (a, b) if a[1] <= b[0] else (b, a)
    return len(re.findall(r"\w+", text[first[1]:second[0]]))


def pairwise_ref(w: World, rows: list[tuple[int, int, int, int, int]], op: str,
                 keep: object) -> dict[int, set[int]]:
    pa, pb = passages(w, rows, 0), passages(w, rows, 1)
    out: dict[int, list[tuple[int, int]]] = {}
    for d in set(pa) & set(pb):
        kept = [a for a in pa[d] if any(keep(d, a, b) for b in pb[d])]  # type: ignore[operator]
        kept += [b for b in pb[d] if any(keep(d, a, b) for a in pa[d])]  # type: ignore[operator]
        out[d] = kept
    return as_chars(out)


def found(w: World, expr: str) -> dict[int, list[tuple[int, int]]]:
    with w.project.session() as s:
        return query.evaluate(s, expr)


A, B, C = (query.quote(c) for c in CODES[:3])
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def well_formed(w: World, result: dict[int, list[tuple[int, int]]]) -> None:
    for d, spans in result.items():
        assert spans == sorted(spans)
        assert all(a < b for a, b in spans)
        assert all(x[1] <= y[0] for x, y in zip(spans, spans[1:], strict=False))
        assert all(0 <= a and b <= len(w.texts[d]) for a, b in spans)


@SETTINGS
@given(rows=codings())
def test_and_or_not_are_intersection_union_difference(world: World, rows: list) -> None:
    world.code(rows)
    a, b, c = (chars(world, rows, i) for i in range(3))
    docs = set(a) | set(b) | set(c)
    cases_ = {
        f"{A} AND {B}": {d: a.get(d, set()) & b.get(d, set()) for d in docs},
        f"{A} OR {B}": {d: a.get(d, set()) | b.get(d, set()) for d in docs},
        f"{A} NOT {B}": {d: a.get(d, set()) - b.get(d, set()) for d in docs},
        f"({A} OR {B}) AND {C}": {
            d: (a.get(d, set()) | b.get(d, set())) & c.get(d, set()) for d in docs},
        f"{A} OR {B} NOT {C}": {
            d: a.get(d, set()) | (b.get(d, set()) - c.get(d, set())) for d in docs},
        f"{A} NOT ({B} AND {C})": {
            d: a.get(d, set()) - (b.get(d, set()) & c.get(d, set())) for d in docs},
    }
    for expr, expected in cases_.items():
        result = found(world, expr)
        well_formed(world, result)
        assert as_chars(result) == nonempty(expected), expr


@SETTINGS
@given(rows=codings())
def test_a_code_is_its_passages_and_by_coder_reads_only_theirs(world: World, rows: list) -> None:
    world.code(rows)
    assert found(world, A) == passages(world, rows, 0)
    assert as_chars(found(world, f'{A} BY coder:"ana"')) == nonempty(chars(world, rows, 0, 0))
    assert as_chars(found(world, f'({A} BY coder:"ben") OR {B}')) == nonempty({
        d: chars(world, rows, 0, 1).get(d, set()) | chars(world, rows, 1).get(d, set())
        for d in world.docs})


@SETTINGS
@given(rows=codings(), n=st.integers(0, 6))
def test_near_is_within_n_words(world: World, rows: list, n: int) -> None:
    world.code(rows)
    expected = pairwise_ref(world, rows, "near",
                            lambda d, a, b: words_between(world.texts[d], a, b) <= n)
    assert as_chars(found(world, f"{A} NEAR/{n} {B}")) == expected


@SETTINGS
@given(rows=codings(), unit=st.sampled_from(["paragraph", "turn", "document"]))
def test_same_unit_shares_a_paragraph_turn_or_document(world: World, rows: list, unit: str
                                                       ) -> None:
    world.code(rows)

    def units(d: int, seg: tuple[int, int]) -> set[tuple[int, int]]:
        spans = {"paragraph": world.paras[d], "turn": world.turns[d],
                 "document": [(0, len(world.texts[d]))]}[unit]
        return {u for u in spans if u[0] < seg[1] and seg[0] < u[1]}

    expected = pairwise_ref(world, rows, "same", lambda d, a, b: bool(units(d, a) & units(d, b)))
    assert as_chars(found(world, f"{A} SAME {unit} {B}")) == expected


@SETTINGS
@given(rows=codings(), n=st.one_of(st.none(), st.integers(0, 5)))
def test_followed_by(world: World, rows: list, n: int | None) -> None:
    world.code(rows)

    def follows(d: int, a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[1] <= b[0] and (n is None or words_between(world.texts[d], a, b) <= n)

    expected = pairwise_ref(world, rows, "followed", follows)
    op = "FOLLOWED BY" if n is None else f"followed by/{n}"
    assert as_chars(found(world, f"{A} {op} {B}")) == expected


def test_results_carry_the_exact_text_and_citation(world: World) -> None:
    body = world.texts[world.docs[0]]
    a = body.index("farm shop 𝒳")
    b = body.index("day service 😀") + len("day service 😀")
    world.code([(0, 0, a, b, 0), (0, 1, body.index("𝒳"), b + 2, 1)])
    result = query.run(world.project, f"{A} AND {B}")
    [seg] = result.segments
    assert (seg.start, seg.end) == (body.index("𝒳"), b)
    assert seg.text == body[seg.start:seg.end] == "𝒳 pays for the day service 😀"
    assert seg.case == "Case A 🪑" and seg.document == "manager"
    assert seg.speaker == "Manager" and seg.paragraph == 1
    [row] = result.as_json()
    assert row["id"] is None and row["text"] == seg.text and row["citation"]
    assert {"id", "document", "case", "code", "start", "end", "text", "coder", "memo",
            "paragraph", "page", "speaker"} <= set(row)


def test_filters_by_case_and_attribute(world: World) -> None:
    world.code([(0, 0, 0, 20, 0), (1, 0, 0, 10, 0), (2, 0, 0, 10, 0),
                (0, 0, world.texts[world.docs[0]].index("Interviewer"),
                 world.texts[world.docs[0]].index("Interviewer") + 15, 0)])
    with world.project.session() as s:
        case_a = cases.resolve(s, "Case A 🪑")
    case_commands.SetAttribute("case", case_a, "sector", "upcycling").do(world.project)
    case_commands.SetAttribute("participant", world.manager, "role", "manager").do(world.project)
    in_a = found(world, f'{A} IN case:"case a 🪑"')
    assert set(in_a) == set(world.docs[:2])
    assert set(found(world, f'{A} WHERE sector = "Upcycling"')) == set(world.docs[:2])
    assert set(found(world, f'{A} WHERE case:sector != "upcycling"')) == {world.docs[2]}
    managers = found(world, f'{A} WHERE role = "manager"')
    assert managers == {world.docs[0]: [(0, 20)]}
    assert set(found(world, f'{A} IN document:"minutes"')) == {world.docs[1]}


def test_query_rows_in_the_matrix(world: World) -> None:
    world.code([(0, 0, 0, 20, 0), (0, 1, 10, 30, 0), (2, 0, 0, 10, 0), (2, 1, 5, 12, 1)])
    m = query.query_matrix(world.project, [f"{A} AND {B}", f"{A} OR {B}"], measure="segments")
    assert [r.path for r in m.rows] == [f"{A} AND {B}", f"{A} OR {B}"]
    assert [c.name for c in m.cols] == ["Case A 🪑", "Case B"]
    assert m.values.to_numpy().tolist() == [[1, 1], [1, 1]]
    covered = query.query_matrix(world.project, [f"{A} AND {B}"], measure="presence")
    assert covered.values.to_numpy().tolist() == [[1, 1]]
    assert "coding queries" in m.definition


@st.composite
def family_codings(draw: st.DrawFn) -> list[tuple[int, int, int, int, int]]:
    """Codings of Trading, Co-design and its parent Co-production (codes 0, 3, 4)."""
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        di = draw(st.integers(0, len(TEXTS) - 1))
        n = len(TEXTS[di][2])
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a + 1, min(n, a + 40)))
        rows.append((di, draw(st.sampled_from([0, 3, 4])), a, b, draw(st.integers(0, 1))))
    return rows


@SETTINGS
@given(rows=family_codings())
def test_a_code_with_its_sub_codes(world: World, rows: list) -> None:
    world.code(rows)
    parent, child = query.quote("Co-production"), query.quote("Co-production/Co-design")
    both = {d: chars(world, rows, 3).get(d, set()) | chars(world, rows, 4).get(d, set())
            for d in world.docs}
    tree = found(world, f"{parent}/*")
    well_formed(world, tree)
    assert as_chars(tree) == nonempty(both)
    assert as_chars(found(world, parent)) == nonempty(chars(world, rows, 4))
    assert as_chars(found(world, f"{child}/*")) == nonempty(chars(world, rows, 3))
    with_a = found(world, f"({parent}/* AND {A}) IN case:\"Case B\"")
    trading = chars(world, rows, 0)
    expected = {d: both[d] & trading.get(d, set()) for d in world.docs[2:]}
    assert as_chars(with_a) == nonempty(expected)


def test_a_case_with_its_sub_cases(world: World) -> None:
    from crosscase.db.models import Case

    rows = [(0, 0, 0, 20, 0), (1, 0, 0, 10, 1), (2, 0, 0, 10, 0)]
    world.code(rows)
    with world.project.session() as s:
        case_a, case_b = cases.resolve(s, "Case A 🪑"), cases.resolve(s, "Case B")
    with world.project.transaction() as s:
        s.get(Case, case_b).parent_id = case_a  # type: ignore[union-attr]
    try:
        whole = as_chars(found(world, f'{A} IN case:"Case A 🪑"/*'))
        assert whole == nonempty(chars(world, rows, 0))
        own = as_chars(found(world, f'{A} IN case:"Case A 🪑"'))
        assert set(own) == set(world.docs[:2])
        assert set(found(world, f'{A} IN case:"Case B"/*')) == {world.docs[2]}
    finally:
        with world.project.transaction() as s:
            s.get(Case, case_b).parent_id = None  # type: ignore[union-attr]


ERRORS = [
    ('"Trust" IN document:"x"/*', 23, "after a code or a case only"),
    ('"Trust" BY coder:"x"/*', 20, "after a code or a case only"),
    ('"Trust" WHERE role = "x"/*', 24, "after a code or a case only"),
    ('"Trust" /* "x"', 9, "unexpected '*'"),
    ('', 0, "empty"),
    ('"Trust" AND', 11, "expected a code in quotes"),
    ('"Trust" AND OR "Mission"', 12, "after AND"),
    ('"Trust" NEAR "Mission"', 13, "NEAR needs a distance"),
    ('"Trust" NEAR/x "Mission"', 13, "number of words"),
    ('"Trust" SAME page "Mission"', 13, "paragraph, turn or document"),
    ('"Trust" FOLLOWED "Mission"', 17, "expected BY"),
    ('("Trust" OR "Mission"', 21, "expected ')'"),
    ('"Trust")', 7, "no '('"),
    ('"Trust', 0, "not closed"),
    ('Trust', 0, 'expected a code in quotes here: "Trust"'),
    ('"Trust" IN place:"x"', 11, "IN case"),
    ('"Trust" IN case:"A" AND "Mission"', 20, "parentheses"),
    ('"Trust" WHERE role "x"', 19, "= or !="),
    ('"Trust" # "x"', 8, "unexpected '#'"),
    ('NOT "Trust"', 0, "NOT needs a code before it"),
    ('"𝒳 Trust" AND ()', 15, "empty parentheses"),
]


@pytest.mark.parametrize(("expr", "position", "words"), ERRORS)
def test_parse_errors_point_at_the_mistake(expr: str, position: int, words: str) -> None:
    with pytest.raises(query.QueryError) as info:
        query.parse(expr)
    err = info.value
    assert err.position == position, err.message
    assert words in err.message
    line, caret = err.pointer().splitlines()
    assert caret.index("^") - 2 == position and line[2:] == expr


def test_unknown_names_point_at_the_name(world: World) -> None:
    world.code([(0, 0, 0, 20, 0)])
    for expr, at, words in [
        (f'{A} AND "No such code"', len(A) + 5, "no code"),
        (f'{A} IN case:"Nowhere"', len(A) + 9, "no case"),
        (f'{A} WHERE colour = "red"', len(A) + 7, "no attribute"),
        (f'{A} BY coder:"zoe"', len(A) + 10, "no coder"),
    ]:
        with pytest.raises(query.QueryError) as info:
            found(world, expr)
        assert info.value.position == at and words in info.value.message, expr


def test_quoted_names_round_trip() -> None:
    name = 'say "hi" \\ 𝒳'
    node = query.parse(query.quote(name) + " OR " + query.quote("b"))
    assert isinstance(node, query.Binary) and isinstance(node.left, query.CodeRef)
    assert node.left.path == name
