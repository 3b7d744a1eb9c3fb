"""Krippendorff's unitized alpha family (u-alpha, |u-alpha, cu-alpha, (k)u-alpha).

Source of the definitions: Krippendorff, Mathet, Bouvry and Widlöcher (2016),
"On the reliability of unitizing textual continua: Further developments",
Quality & Quantity 50: 2347-2364: observed coincidences as the lengths of the
intersections of coders' units and gaps, expected coincidences that never pair
a unit with itself (squared unit lengths, plain gap lengths), and the four
coefficients drawn from that one matrix.

No published worked example with numbers could be found to check against
(neither the paper's own example nor a third party's reproduction of it was
available), so the numbers below are worked out by hand from those
definitions, each derivation written in the test's docstring, and a
character-by-character reference written from the definitions alone checks
the implementation on random codings.
"""

from __future__ import annotations

import json
import random
from collections.abc import Hashable, Sequence
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from team_project import CODE, code_as, team_project

from crosscase.analysis.unitized import (
    UnitizedTally,
    alphas,
    pooled,
    tally,
    unitized,
    units_from_spans,
)
from crosscase.domain.errors import UsageError

Units = list[tuple[int, int, Hashable]]


# -- a reference written from the definitions, one character at a time ------------------


def reference(length: int, coders: Sequence[Units]) -> dict[str, object]:
    """The family computed the slow way, in exact fractions.

    For every character and every ordered pair of different coders, the pair of
    values (None for a gap) adds 1/(m-1) to the observed coincidences. A unit
    of length l withholds l*l from the expected pairings of its value, a gap
    character 1. In the restricted (values only) matrix a unit withholds the
    square of its pairable length: its intersections with the other coders'
    units, summed and divided by m - 1.
    """
    m = len(coders)
    at: list[list[tuple[Hashable | None, int]]] = []
    for units in coders:
        row: list[tuple[Hashable | None, int]] = [(None, -1)] * length
        for g, (s, e, v) in enumerate(units):
            for x in range(s, e):
                row[x] = (v, g)
        at.append(row)
    obs: dict[tuple[Hashable | None, Hashable | None], Fraction] = {}
    pairable = [[Fraction(0)] * len(units) for units in coders]
    for x in range(length):
        for i in range(m):
            for j in range(m):
                if i == j:
                    continue
                key = (at[i][x][0], at[j][x][0])
                obs[key] = obs.get(key, Fraction(0)) + Fraction(1, m - 1)
                if at[i][x][0] is not None and at[j][x][0] is not None:
                    pairable[i][at[i][x][1]] += Fraction(1, m - 1)
    values = sorted({v for units in coders for _, _, v in units}, key=repr)
    keys: list[Hashable | None] = [None, *values]
    own: dict[Hashable | None, Fraction] = {k: Fraction(0) for k in keys}
    own_star: dict[Hashable | None, Fraction] = {k: Fraction(0) for k in keys}
    for i, units in enumerate(coders):
        covered = 0
        for g, (s, e, v) in enumerate(units):
            own[v] += (e - s) ** 2
            own_star[v] += pairable[i][g] ** 2
            covered += e - s
        own[None] += length - covered

    def family(ks: list[Hashable | None], withheld: dict[Hashable | None, Fraction]) -> tuple[
            dict[tuple[Hashable | None, Hashable | None], Fraction],
            dict[tuple[Hashable | None, Hashable | None], Fraction]]:
        o = {(c, k): obs.get((c, k), Fraction(0)) for c in ks for k in ks}
        margin = {c: sum((o[(c, k)] for k in ks), Fraction(0)) for c in ks}
        total = sum(margin.values(), Fraction(0))
        scale = total * total - sum((withheld[c] for c in ks), Fraction(0))
        e = {(c, k): (total * (margin[c] * margin[k] - (withheld[c] if c == k else 0)) / scale
                      if scale else Fraction(0)) for c in ks for k in ks}
        return o, e

    def alpha(o_off: Fraction, e_off: Fraction) -> float | None:
        return None if e_off == 0 else float(1 - o_off / e_off)

    o, e = family(keys, own)
    u = alpha(sum((o[(c, k)] for c in keys for k in keys if c != k), Fraction(0)),
              sum((e[(c, k)] for c in keys for k in keys if c != k), Fraction(0)))
    bar = alpha(sum((o[(None, k)] for k in values), Fraction(0)),
                sum((e[(None, k)] for k in values), Fraction(0)))
    os_, es = family(list(values), own_star)
    present = [c for c in values if sum((os_[(c, k)] for k in values), Fraction(0)) > 0]
    cu = None
    per: dict[Hashable, float | None] = {}
    if len(present) >= 2:
        cu = alpha(sum((os_[(c, k)] for c in values for k in values if c != k), Fraction(0)),
                   sum((es[(c, k)] for c in values for k in values if c != k), Fraction(0)))
    for k in values:
        lk = sum((os_[(k, c)] for c in values), Fraction(0))
        ek = sum((es[(k, c)] for c in values), Fraction(0))
        if len(present) < 2 or lk == 0 or ek == es[(k, k)]:
            per[k] = None
        else:
            per[k] = float(1 - (ek / lk) * (lk - os_[(k, k)]) / (ek - es[(k, k)]))
    return {"u": u, "bar": bar, "cu": cu, "per": per}


def close(a: float | None, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, abs=1e-9)


# -- worked by hand ------------------------------------------------------------------------


def test_one_value_two_coders_by_hand() -> None:
    """L = 10; coder 1 codes A on 0-4, coder 2 on 0-6.

    Characters 0-4: both A, 4 x 2 ordered pairs: l[A,A] = 8. Characters 4-6:
    gap against A: l[gap,A] = l[A,gap] = 2. Characters 6-10: both gaps:
    l[gap,gap] = 8. l.. = 20, l[A.] = l[gap.] = 10. Withheld: units
    4^2 + 6^2 = 52, gaps 6 + 4 = 10, S = 62. e[gap,A] = 20 * 10 * 10 / (400 - 62)
    = 2000/338. u-alpha = 1 - 4 / (2 * 2000/338) = 1 - 1352/4000 = 0.662; with
    one value |u-alpha is the same, and cu-alpha has nothing to compare.
    """
    r = unitized(10, [[(0, 4, "A")], [(0, 6, "A")]])
    assert r.u_alpha == pytest.approx(0.662)
    assert r.boundaries_alpha == pytest.approx(0.662)
    assert r.cu_alpha is None and r.per_value == {"A": None}
    assert (r.units, r.length, r.coders) == (2, 10, 2)


def test_two_values_by_hand() -> None:
    """L = 10; coder 1: A 0-4, B 4-8; coder 2: A 0-5, B 5-8; both leave 8-10 uncoded.

    Observed: l[A,A] = 8, l[A,B] = l[B,A] = 1, l[B,B] = 6, l[gap,gap] = 4; l.. = 20,
    margins A 9, B 7, gap 4. Withheld: A 16 + 25 = 41, B 16 + 9 = 25, gaps 2 + 2 = 4,
    S = 70, l..^2 - S = 330. Expected diagonal: A 20 * (81 - 41)/330 = 800/330,
    B 20 * (49 - 25)/330 = 480/330, gap 20 * (16 - 4)/330 = 240/330; off the diagonal
    20 - 1520/330 = 5080/330. u-alpha = 1 - 2 * 330/5080 = 0.870079.
    |u-alpha: no gap meets a unit, so 1.
    Restricted to A and B: l*[A.] = 9, l*[B.] = 7, l*.. = 16; every unit lies
    wholly within the other coder's units, so the withheld squares are the
    unit lengths squared again: 41 and 25, S* = 66, 256 - 66 = 190.
    e*[A,A] = 16 * 40/190 = 640/190, e*[B,B] = 16 * 24/190 = 384/190,
    e*[A,B] = 16 * 63/190 = 1008/190. cu-alpha = 1 - 2/(16 - 1024/190) = 1 - 380/2016
    = 0.811508. (A)u-alpha = 1 - (e*[A.]/l*[A.]) * 1/e*[A,B] = 1 - (1648/190)/9 *
    190/1008 = 1 - 1648/9072 = 0.818342; (B)u-alpha = 1 - 1392/7056 = 0.802721.
    """
    r = unitized(10, [[(0, 4, "A"), (4, 8, "B")], [(0, 5, "A"), (5, 8, "B")]])
    assert r.u_alpha == pytest.approx(1 - 660 / 5080)
    assert round(r.u_alpha or 0, 6) == 0.870079
    assert r.boundaries_alpha == 1.0
    assert r.cu_alpha == pytest.approx(1 - 380 / 2016)
    assert r.per_value["A"] == pytest.approx(1 - 1648 / 9072)
    assert r.per_value["B"] == pytest.approx(1 - 1392 / 7056)
    assert round(r.cu_alpha or 0, 6) == 0.811508
    assert round(r.per_value["A"] or 0, 6) == 0.818342
    assert round(r.per_value["B"] or 0, 6) == 0.802721


def test_three_coders_by_hand() -> None:
    """L = 4; coders 1 and 2 code A on 0-2, coder 3 on 0-3.

    Characters 0-2: three A's, 3 x 2 ordered pairs each, / (m - 1 = 2): l[A,A] = 6.
    Character 2: two gaps and an A: l[gap,gap] += 1, l[gap,A] = l[A,gap] = 1.
    Character 3: three gaps: l[gap,gap] += 3. l.. = 12 = 3 x 4; margins A 7, gap 5.
    Withheld: A 4 + 4 + 9 = 17, gaps 2 + 2 + 1 = 5, S = 22, 144 - 22 = 122.
    e[A,gap] = 12 * 7 * 5/122 = 420/122. u-alpha = 1 - 2/(840/122) = 1 - 244/840 =
    0.709524.
    """
    r = unitized(4, [[(0, 2, "A")], [(0, 2, "A")], [(0, 3, "A")]])
    assert r.u_alpha == pytest.approx(1 - 244 / 840)
    assert r.boundaries_alpha == pytest.approx(1 - 244 / 840)


def test_identical_codings_give_one() -> None:
    units: Units = [(0, 5, "A"), (7, 12, "B"), (12, 20, "A"), (30, 33, "C")]
    r = unitized(40, [units, list(units), list(units)])
    assert r.u_alpha == 1.0 and r.boundaries_alpha == 1.0 and r.cu_alpha == 1.0
    assert r.per_value == {"A": 1.0, "B": 1.0, "C": 1.0}


def test_nothing_coded_is_undefined_not_one() -> None:
    r = unitized(100, [[], []])
    assert (r.u_alpha, r.boundaries_alpha, r.cu_alpha, r.per_value) == (None, None, None, {})
    assert (r.units, r.length) == (0, 100)


def test_gaps_given_or_left_out_are_the_same() -> None:
    a = unitized(20, [[(0, 5, "A"), (5, 9, None)], [(2, 6, "A")]])
    b = unitized(20, [[(0, 5, "A")], [(0, 2, None), (2, 6, "A"), (6, 20, None)]])
    assert a == b


def test_bad_units_are_one_clear_error() -> None:
    with pytest.raises(UsageError, match="overlap"):
        unitized(10, [[(0, 5, "A"), (4, 8, "B")], []])
    with pytest.raises(UsageError, match="not a stretch"):
        unitized(10, [[(0, 12, "A")], []])
    with pytest.raises(UsageError, match="two or more"):
        unitized(10, [[(0, 5, "A")]])
    other = UnitizedTally(coders=3)
    with pytest.raises(UsageError, match="same number of coders"):
        tally(10, [[], []]).add(other)


def test_many_values_match_the_reference() -> None:
    """Forty values (more than fit the dense counting path) against the slow reference."""
    rng = random.Random(7)
    coders: list[Units] = []
    for _ in range(3):
        units: Units = []
        at = 0
        while at < 300:
            end = min(300, at + rng.randint(1, 12))
            if rng.random() < 0.7:
                units.append((at, end, f"v{rng.randrange(40)}"))
            at = end
        coders.append(units)
    got = unitized(300, coders)
    want = reference(300, coders)
    assert close(got.u_alpha, want["u"]) and close(got.boundaries_alpha, want["bar"])
    assert close(got.cu_alpha, want["cu"])
    per = want["per"]
    assert isinstance(per, dict) and len(per) > 32
    assert all(close(got.per_value[k], v) for k, v in per.items())


# -- properties ------------------------------------------------------------------------------


@st.composite
def codings(draw: st.DrawFn, values: str = "ABC") -> tuple[int, list[Units]]:
    length = draw(st.integers(1, 30))
    m = draw(st.integers(2, 4))
    coders: list[Units] = []
    for _ in range(m):
        cuts = sorted(set(draw(st.lists(st.integers(0, length), max_size=8)) + [0, length]))
        units: Units = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            value = draw(st.sampled_from([None, *values]))
            if value is not None:
                units.append((a, b, value))
        coders.append(units)
    return length, coders


def coefficients_of(r: object) -> list[float | None]:
    from crosscase.analysis.unitized import UnitizedAlphas

    assert isinstance(r, UnitizedAlphas)
    return [r.u_alpha, r.boundaries_alpha, r.cu_alpha, *(r.per_value[k] for k in sorted(
        r.per_value, key=repr))]


@settings(max_examples=200, deadline=None)
@given(codings(), st.randoms())
def test_symmetric_in_coders_and_within_range(data: tuple[int, list[Units]], rnd: random.Random) -> None:
    length, coders = data
    r = unitized(length, coders)
    shuffled = list(coders)
    rnd.shuffle(shuffled)
    s = unitized(length, shuffled)
    for a, b in zip(coefficients_of(r), coefficients_of(s), strict=True):
        assert close(a, b)
    for v in coefficients_of(r):
        assert v is None or -1.0 <= v <= 1.0 + 1e-12


@settings(max_examples=150, deadline=None)
@given(codings())
def test_matches_the_reference(data: tuple[int, list[Units]]) -> None:
    length, coders = data
    got = unitized(length, coders)
    want = reference(length, coders)
    assert close(got.u_alpha, want["u"])
    assert close(got.boundaries_alpha, want["bar"])
    assert close(got.cu_alpha, want["cu"])
    per = want["per"]
    assert isinstance(per, dict)
    assert set(got.per_value) == set(per)
    assert all(close(got.per_value[k], v) for k, v in per.items())


@settings(max_examples=100, deadline=None)
@given(codings(), codings())
def test_pooling_lays_continua_end_to_end(a: tuple[int, list[Units]], b: tuple[int, list[Units]]) -> None:
    (la, ca), (lb, cb) = a, b
    m = min(len(ca), len(cb))
    ca, cb = ca[:m], cb[:m]
    together = pooled([(la, ca), (lb, cb)], m)
    joined = [[*x, *((s + la, e + la, v) for s, e, v in y)] for x, y in zip(ca, cb, strict=True)]
    whole = unitized(la + lb, joined)
    assert (together.units, together.length) == (whole.units, whole.length)
    for u, v in zip(coefficients_of(together), coefficients_of(whole), strict=True):
        assert close(u, v)


# -- coded spans to units --------------------------------------------------------------------


def test_spans_become_units() -> None:
    """Overlapping spans of one code merge; touching ones stay two units; where two codes
    overlap the stretch is a unit of both; spans are clipped to the document."""
    got = units_from_spans(
        [(0, 10, "A"), (5, 15, "B"), (20, 30, "A"), (25, 35, "A"), (35, 40, "A")], 38)
    assert got == [(0, 5, "A"), (5, 10, ("A", "B")), (10, 15, "B"), (20, 35, "A"), (35, 38, "A")]
    assert units_from_spans([(3, 9, "A"), (0, 2, "B")], 20) == [(0, 2, "B"), (3, 9, "A")]
    assert units_from_spans([], 5) == []
    assert tally(40, [got, []]).units == 5 and alphas(tally(40, [got, got])).u_alpha == 1.0


# -- in the agreement report -----------------------------------------------------------------


def test_agreement_report_carries_the_family(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The team project (one 200-character interview, tests/analysis/team_project.py):

    ana codes 0-47, 47-104 and 153-200, ben 0-47, 104-153 and 167-200. Both A on 0-47
    and 167-200: l[A,A] = 2 x (47 + 33) = 160; one of them on 47-104, 104-153 and
    153-167: l[A,gap] = l[gap,A] = 57 + 49 + 14 = 120. l.. = 400, margins A 280,
    gap 120. Withheld: ana 47^2 + 57^2 + 47^2, ben 47^2 + 49^2 + 33^2: 13366; gaps
    49 + 57 + 14 = 120; 160000 - 13486 = 146514. e[A,gap] = 400 * 280 * 120/146514.
    u-alpha = 1 - 240 * 146514/(2 * 400 * 280 * 120) = -0.308161: the coders
    disagree on more than they share.
    """
    from crosscase.analysis.agreement import agreement
    from crosscase.cli.main import main
    from crosscase.db.project import open_project

    path, doc, code, other = team_project(tmp_path)
    expected = 1 - 240 * 146514 / (2 * 400 * 280 * 120)
    with open_project(path) as project, project.session() as s:
        report = agreement(s, ["ana", "ben"], bootstrap=0)
    [row] = report.codes
    assert row.unitized is not None
    assert row.unitized.u_alpha == pytest.approx(expected)
    assert round(expected, 6) == -0.308161
    assert (row.unitized.units, row.unitized.length) == (6, 200)
    assert report.unitized is not None and report.unitized.u_alpha == pytest.approx(expected)

    # a second code: ana gives it to 104-153, ben to 47-104 (each where the other has CODE)
    with open_project(path) as project:
        code_as(project, "ana", doc, other, [(104, 153)])
        code_as(project, "ben", doc, other, [(47, 104)])
    with open_project(path) as project, project.session() as s:
        report = agreement(s, ["ana", "ben"], bootstrap=0)
    ana = [(0, 47, code), (47, 104, code), (104, 153, other), (153, 200, code)]
    ben = [(0, 47, code), (47, 104, other), (104, 153, code), (167, 200, code)]
    want = reference(200, [ana, ben])
    assert report.unitized is not None
    assert close(report.unitized.u_alpha, want["u"])
    assert close(report.unitized.cu_alpha, want["cu"])
    per = want["per"]
    assert isinstance(per, dict)
    rows = {r.path: r for r in report.codes}
    assert set(report.unitized.per_value) == set(rows)
    for c in report.codes:
        assert c.unitized is not None
        assert close(c.unitized.per_value[c.path], per[c.code_id])
        assert close(report.unitized.per_value[c.path], per[c.code_id])

    assert main(["agreement", str(path), "--coders", "ana", "ben", "--json", "--bootstrap", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    overall = out["overall"]["unitized"]
    assert set(overall) == {"units", "length", "u_alpha", "boundaries_alpha", "cu_alpha",
                            "per_value"}
    assert overall["cu_alpha"] == pytest.approx(want["cu"], abs=1e-4)
    first = next(c for c in out["codes"] if c["code"] == CODE)
    assert first["unitized"]["u_alpha"] == pytest.approx(expected, abs=1e-4)
    assert first["unitized"]["cu_alpha"] is None
    assert "unitized" in out["scope"]["units"]

    assert main(["agreement", str(path), "--coders", "ana", "ben", "--bootstrap", "0"]) == 0
    table = capsys.readouterr().out
    assert "u-alpha" in table and "cu-alpha (codes given segments)" in table
    assert f"{expected:5.2f}" in table

    out_docx = tmp_path / "agreement.docx"
    assert main(["agreement", str(path), "--coders", "ana", "ben", "--bootstrap", "0",
                 "--format", "docx", "--out", str(out_docx)]) == 0
    capsys.readouterr()
    from docx import Document

    text = "\n".join(p.text for p in Document(str(out_docx)).paragraphs)
    assert "Krippendorff's unitized alphas (Krippendorff et al., 2016)" in text
    assert f"cu\u03b1 = {report.unitized.cu_alpha:.2f}".replace("0.", ".") in text
    assert "unitized alphas have no interval" in text
