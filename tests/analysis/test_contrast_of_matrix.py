"""The contrast as the matrix tab computes it: two of a matrix's columns, grouped rows."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from crosscase.analysis.contrast import (
    BOTH,
    DEFINITION,
    ONLY_A,
    ONLY_B,
    ContrastRow,
    compute_contrast,
    contrast,
    contrast_definition,
    contrast_rows,
    format_difference,
    group_title,
)
from crosscase.analysis.matrix import compute_matrix
from crosscase.analysis.measures import ROLLUP_NOTE


def test_the_pair_asked_for_is_used_while_both_columns_exist(study: Any) -> None:
    project, st = study
    a, b, c = st.cases["Case A"], st.cases["Case B"], st.cases["Case C"]
    matrix = compute_matrix(project)
    result = compute_contrast(project, matrix, (c, a))
    assert result.pair == (c, a) and result.note == ""
    assert result.frame is not None
    assert (result.frame.attrs["a"], result.frame.attrs["b"]) == ("Case C", "Case A")
    want = contrast(project, c, a)
    pd.testing.assert_frame_equal(result.frame, want)
    # a pair that no longer fits the columns falls back to the first two
    for stale in (None, (a, a), (a, 999_999)):
        again = compute_contrast(project, matrix, stale)
        assert again.pair == (a, b)
        assert again.frame is not None and again.frame.attrs["b"] == "Case B"


def test_one_column_gives_a_note_not_a_table(study: Any) -> None:
    project, _st = study
    matrix = compute_matrix(project)
    matrix.cols = matrix.cols[:1]
    result = compute_contrast(project, matrix, None)
    assert result.pair is None and result.frame is None
    assert result.note.startswith("A contrast needs two columns;")
    assert result.note.endswith("there is 1.")


def test_the_definition_names_a_and_b_and_the_roll_up(study: Any) -> None:
    project, st = study
    plain = compute_matrix(project)
    frame = compute_contrast(project, plain, None).frame
    assert frame is not None
    text = contrast_definition(frame, plain)
    assert text.startswith("A is Case A and B is Case B.")
    assert DEFINITION in text and ROLLUP_NOTE not in text
    assert text.endswith(plain.spec.description)
    rolled = compute_matrix(project, rollup=True)
    rolled_frame = compute_contrast(project, rolled, None).frame
    assert rolled_frame is not None
    assert ROLLUP_NOTE in contrast_definition(rolled_frame, rolled)


def test_rows_are_grouped_under_three_headings_in_the_frame_order(study: Any) -> None:
    project, _st = study
    frame = contrast(project, "Case A", "Case C")  # Case C has no codings
    rows = contrast_rows(frame)
    headings = [r for r in rows if r.kind == "group"]
    assert [h.group for h in headings] == [ONLY_A, ONLY_B, BOTH]
    # a heading counts its codes; an empty group gets a "(none)" line
    assert headings[0].segments_a == len(frame) > 0
    assert [r.kind for r in rows if r.group == ONLY_B] == ["group", "empty"]
    assert [r.kind for r in rows if r.group == BOTH] == ["group", "empty"]
    codes = [r for r in rows if r.kind == "code"]
    assert [r.code_id for r in codes] == [int(c) for c in frame["code_id"]]
    first = frame.iloc[0]
    assert codes[0] == ContrastRow(
        "code", ONLY_A, int(first["code_id"]), str(first["path"]), int(first["segments_a"]),
        0, float(first["rate_a"]), float(first["rate_b"]), float(first["difference"]))


def test_titles_and_signed_differences() -> None:
    assert group_title(ONLY_A, "Millbrook", "Tandem") == "Only in Millbrook"
    assert group_title(ONLY_B, "Millbrook", "Tandem") == "Only in Tandem"
    assert group_title(BOTH, "Millbrook", "Tandem") == "In both"
    assert format_difference(1.25) == "+1.25"
    assert format_difference(-1.25) == "\u22121.25"
    assert format_difference(0.0) == "0.00"
    assert format_difference(math.nan) == "\u2013"
