"""Contrast two columns: which codes occur in one only, in the other only, in both.

Rates are passages per 1,000 words of each column's text, so that a case
with more interview material does not look richer for that reason alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crosscase.analysis import frames
from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.matrix import Layout, Matrix
from crosscase.analysis.measures import MEASURES, ROLLUP_NOTE, format_value
from crosscase.domain.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project

ONLY_A = "only_a"
ONLY_B = "only_b"
BOTH = "both"
ORDER = {ONLY_A: 0, ONLY_B: 1, BOTH: 2}
GROUPS = (ONLY_A, ONLY_B, BOTH)

DEFINITION = (
    "Contrast of two columns. segments_a and segments_b: "
    + MEASURES["segments"].definition[len("Coded segments: "):].rstrip(".")
    + ". rate_a and rate_b: "
    + MEASURES["rate"].definition[len("Rate: "):]
    + " difference = rate_a - rate_b. occurs: only_a, only_b or both; codes found in "
    "neither column are left out. Rows are grouped by occurs, largest difference first."
)


def contrast(
    source: Project | Session,
    col_a: int | str,
    col_b: int | str,
    *,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    code_ids: list[int] | None = None,
    coder_ids: list[int] | None = None,
) -> pd.DataFrame:
    """One row per code found in either column (with ``coder_ids``, counting only
    those coders' codings).

    Columns: ``code_id``, ``path``, ``depth``, ``segments_a``, ``segments_b``,
    ``rate_a``, ``rate_b``, ``difference`` (rate_a - rate_b) and ``occurs``
    (``only_a``, ``only_b``, ``both``). ``df.attrs`` holds the two column
    names (``a``, ``b``) and the ``definition``.
    """
    with frames.use_session(source) as session:
        layout = Layout(session, cols=cols, rollup=rollup, code_ids=code_ids,
                        coder_ids=coder_ids)
        ia = layout.column_position(col_a)
        ib = layout.column_position(col_b)
        if ia == ib:
            raise UsageError("choose two different columns to contrast")
        seg = layout.segments()
        rate = layout.rate()
    a, b = seg[:, ia], seg[:, ib]
    occurs = np.where((a > 0) & (b > 0), BOTH, np.where(a > 0, ONLY_A, ONLY_B))
    df = pd.DataFrame({
        "code_id": [r.code_id for r in layout.rows],
        "path": [r.path for r in layout.rows],
        "depth": [r.depth for r in layout.rows],
        "segments_a": a.astype(np.int64),
        "segments_b": b.astype(np.int64),
        "rate_a": rate[:, ia],
        "rate_b": rate[:, ib],
    })
    df["difference"] = df["rate_a"] - df["rate_b"]
    df["occurs"] = occurs
    df = df[(a > 0) | (b > 0)].copy()
    df["_group"] = df["occurs"].map(ORDER)
    df["_size"] = -df["difference"].abs()
    df = df.sort_values(["_group", "_size", "path"], kind="stable").drop(
        columns=["_group", "_size"]
    )
    df = df.reset_index(drop=True)
    df.attrs["a"] = layout.cols[ia].name
    df.attrs["b"] = layout.cols[ib].name
    df.attrs["cols_by"] = layout.spec.text
    df.attrs["definition"] = DEFINITION
    return df


# -- a contrast of a matrix's columns, as the workbench shows it ------------------


@dataclass
class ContrastResult:
    """A contrast computed with the matrix: the pair used, the table, or why there is none."""

    pair: tuple[int | str, int | str] | None
    frame: pd.DataFrame | None
    note: str = ""


def compute_contrast(source: Project | Session, matrix: Matrix,
                     pair: tuple[int | str, int | str] | None) -> ContrastResult:
    """Contrast two of ``matrix``'s columns: ``pair`` if both are still there, else the first two.

    With fewer than two columns there is nothing to contrast: the result has
    no pair and no frame, and ``note`` says why in a sentence.
    """
    keys = [c.key for c in matrix.cols]
    if len(keys) < 2:
        return ContrastResult(None, None, (
            f"A contrast needs two columns; {matrix.spec.description.lower().rstrip('.')} "
            f"and there {'is' if len(keys) == 1 else 'are'} {len(keys)}."))
    if pair is None or pair[0] not in keys or pair[1] not in keys or pair[0] == pair[1]:
        pair = (keys[0], keys[1])
    frame = contrast(source, pair[0], pair[1], cols=matrix.spec, rollup=matrix.rollup)
    return ContrastResult(pair, frame)


def contrast_definition(frame: pd.DataFrame, matrix: Matrix) -> str:
    """The sentences under the contrast: which columns A and B are and what the numbers mean."""
    parts = [f"A is {frame.attrs['a']} and B is {frame.attrs['b']}.",
             str(frame.attrs["definition"])]
    if matrix.rollup:
        parts.append(ROLLUP_NOTE)
    parts.append(matrix.spec.description)
    return " ".join(parts)


@dataclass(frozen=True)
class ContrastRow:
    """One line of a grouped contrast: a group heading, a code, or "(none)" under an empty group.

    A heading's ``segments_a`` holds the number of codes in its group.
    """

    kind: str  # "group", "code" or "empty"
    group: str
    code_id: int | None = None
    path: str = ""
    segments_a: int = 0
    segments_b: int = 0
    rate_a: float = math.nan
    rate_b: float = math.nan
    difference: float = math.nan


def contrast_rows(frame: pd.DataFrame) -> list[ContrastRow]:
    """A contrast frame as lines under three headings (only A, only B, both), in its order."""
    rows: list[ContrastRow] = []
    for group in GROUPS:
        part = frame[frame["occurs"] == group]
        rows.append(ContrastRow("group", group, segments_a=len(part)))
        if part.empty:
            rows.append(ContrastRow("empty", group))
        for r in part.itertuples(index=False):
            rows.append(ContrastRow(
                "code", group, int(r.code_id), str(r.path), int(r.segments_a),
                int(r.segments_b), float(r.rate_a), float(r.rate_b), float(r.difference),
            ))
    return rows


def group_title(group: str, a: str, b: str) -> str:
    """A group's heading, with the columns' names."""
    if group == ONLY_A:
        return f"Only in {a}"
    if group == ONLY_B:
        return f"Only in {b}"
    return "In both"


def format_difference(value: float) -> str:
    """A difference of rates with its sign (a true minus sign); a dash when there is none."""
    if math.isnan(value):
        return "\u2013"
    text = format_value("rate", abs(value))
    if value > 0:
        return "+" + text
    if value < 0:
        return "\u2212" + text
    return text
