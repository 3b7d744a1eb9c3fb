"""Co-occurrence counts and the c coefficient against a hand-computed example.

The texts start with astral characters (emoji, a mathematical letter), so a
code-point offset and a UTF-16 position differ from the first character on;
the shared stretch of the drill-down is the emoji at offset 19.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crosscase.analysis.cooccurrence import (
    c_coefficient,
    compute_cooccurrence,
    overlapping_passages,
)
from crosscase.commands.codebook import CreateCode
from crosscase.commands.coding import ApplyCodings
from crosscase.domain.extract import Extracted
from crosscase.services import cases, documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

TEXT_1 = "😀" + "a" * 18 + "🎉" + "b" * 60  # offset 19 is the party popper
TEXT_2 = "𝒜" + "c" * 59
TEXT_3 = "👩🏽‍🔬" + "d" * 56


@pytest.fixture
def example(tmp_path: Path) -> Iterator[dict[str, Any]]:
    p = new_project(tmp_path / "co.crosscase", empty=True)
    ids: dict[str, int] = {}
    parent = CreateCode("Themes")
    parent.do(p)
    assert parent.id is not None
    for name in ("A", "B", "C"):
        cmd = CreateCode(name, parent.id)
        cmd.do(p)
        assert cmd.id is not None
        ids[name] = cmd.id
    with p.transaction() as s:
        x = cases.ensure(s, "Case X")
        y = cases.ensure(s, "Case Y")
        d1 = documents.store(s, p, x, "one", Extracted(TEXT_1, "txt"))
        d2 = documents.store(s, p, y, "two", Extracted(TEXT_2, "txt"))
        d3 = documents.store(s, p, y, "three", Extracted(TEXT_3, "txt"))
    a, b, c = ids["A"], ids["B"], ids["C"]
    ApplyCodings([
        # Case X, document one
        CodingSpec(d1, a, 0, 10), CodingSpec(d1, a, 5, 20),  # one passage A1 = [0, 20)
        CodingSpec(d1, a, 40, 50),                           # A2
        CodingSpec(d1, b, 19, 30),                           # B1 shares offset 19 with A1
        CodingSpec(d1, b, 50, 60),                           # B2 only touches A2
        CodingSpec(d1, c, 0, 60),                            # C1 overlaps A1, A2, B1, B2
        # Case Y, document two
        CodingSpec(d2, a, 0, 5), CodingSpec(d2, b, 3, 8),    # overlap
        CodingSpec(d2, a, 10, 15), CodingSpec(d2, b, 15, 20),  # touch only
        # Case Y, document three: B alone (same offsets as A in two: another document)
        CodingSpec(d3, b, 0, 5), CodingSpec(d3, b, 20, 25),
    ]).do(p)
    yield {"p": p, "a": a, "b": b, "c": c, "x": x, "y": y, "parent": parent.id}
    p.close()


def test_counts_and_c_by_hand(example: dict[str, Any]) -> None:
    p, a, b, c, x, y = (example[k] for k in ("p", "a", "b", "c", "x", "y"))
    co = compute_cooccurrence(p)  # default: the leaf codes A, B, C
    assert [r.path for r in co.rows] == ["Themes/A", "Themes/B", "Themes/C"]
    assert [col.name for col in co.cols] == ["Case X", "Case Y"]
    # passages: X: A 2, B 2, C 1; Y: A 2, B 4, C 0
    assert co.frequencies(x).tolist() == [2, 2, 1]
    assert co.frequencies(y).tolist() == [2, 4, 0]
    assert co.frequencies().tolist() == [4, 6, 1]
    assert co.counts(x).tolist() == [[0, 1, 2], [1, 0, 2], [2, 2, 0]]
    assert co.counts(y).tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert co.counts().tolist() == [[0, 2, 2], [2, 0, 2], [2, 2, 0]]
    cx = co.coefficients(x)
    assert cx[0, 1] == pytest.approx(1 / 3)        # 1 / (2 + 2 - 1)
    assert cx[0, 2] == pytest.approx(2.0)          # 2 / (2 + 1 - 2): one C meets two A
    cy = co.coefficients(y)
    assert cy[0, 1] == pytest.approx(1 / 5)        # 1 / (2 + 4 - 1)
    assert cy[0, 2] == 0.0
    overall = co.coefficients()
    assert overall[0, 1] == pytest.approx(2 / 8)   # 2 / (4 + 6 - 2)
    assert overall[0, 2] == pytest.approx(2 / 3)   # 2 / (4 + 1 - 2)
    assert overall[1, 2] == pytest.approx(2 / 5)   # 2 / (6 + 1 - 2)
    pairs = {(q["a"], q["b"]): q for q in co.pair_list()}
    assert pairs[("Themes/B", "Themes/C")]["skewed"] is True  # 6 > 5 x 1
    assert pairs[("Themes/A", "Themes/B")]["skewed"] is False
    assert pairs[("Themes/A", "Themes/B")] == {
        "a": "Themes/A", "b": "Themes/B", "count": 2, "c": 0.25, "n_a": 4, "n_b": 6,
        "skewed": False}
    data = co.as_json()
    assert [col["name"] for col in data["cols"]] == ["Case X", "Case Y"]
    assert data["cols"][1]["pairs"] == [{"a": "Themes/A", "b": "Themes/B", "count": 1,
                                         "c": 0.2, "n_a": 2, "n_b": 4, "skewed": False}]


def test_drill_down_gives_both_passages_and_the_shared_characters(
        example: dict[str, Any]) -> None:
    p, a, b, x, y = (example[k] for k in ("p", "a", "b", "x", "y"))
    found = overlapping_passages(p, a, b, x)
    assert len(found) == 1
    pair = found[0]
    assert (pair.a.code, pair.b.code) == ("Themes/A", "Themes/B")
    assert (pair.a.start, pair.a.end) == (0, 10)      # the coding that opens passage A1
    assert pair.a.text == TEXT_1[0:10]
    assert (pair.b.start, pair.b.end, pair.b.text) == (19, 30, TEXT_1[19:30])
    assert (pair.start, pair.end) == (19, 20)
    assert TEXT_1[pair.start:pair.end] == "🎉"
    assert pair.column == "Case X"
    # the other order of codes gives the same pairs, sides swapped
    back = overlapping_passages(p, b, a)
    assert [(q.a.code, q.b.code) for q in back] == [("Themes/B", "Themes/A")] * 2
    assert [q.column for q in back] == ["Case X", "Case Y"]
    assert pair.a.citation("full").startswith("(Case X, one")


def test_chosen_codes_rollup_and_columns_by_document(example: dict[str, Any]) -> None:
    p, a, b, c, parent = (example[k] for k in ("p", "a", "b", "c", "parent"))
    co = compute_cooccurrence(p, code_ids=[a, c], cols="documents")
    assert [col.name for col in co.cols] == ["one", "two", "three"]
    assert co.counts("one").tolist() == [[0, 2], [2, 0]]
    assert co.counts("two").sum() == 0
    # rolled up, the parent theme's passages merge its codes' overlapping codings
    rolled = compute_cooccurrence(p, code_ids=[parent, b], rollup=True)
    # X: [0, 60); two: [0, 8), [10, 15), [15, 20) (touching: two); three: [0, 5), [20, 25)
    assert rolled.frequencies().tolist() == [6, 6]
    # every passage of B lies inside one of the theme's: X 2, two 2, three 2
    assert rolled.counts().tolist() == [[0, 6], [6, 0]]


def test_c_coefficient_edges() -> None:
    out = c_coefficient(np.array([0, 1, 3]), np.array([0, 1, 1]), np.array([4, 1, 3]))
    assert out.tolist() == [0.0, 1.0, 3.0]


def test_unknown_and_same_codes_refused(example: dict[str, Any]) -> None:
    from crosscase.domain.errors import NotFound, UsageError

    p, a = example["p"], example["a"]
    with pytest.raises(UsageError):
        overlapping_passages(p, a, a)
    with pytest.raises(NotFound):
        compute_cooccurrence(p, code_ids=[a, 999_999])
