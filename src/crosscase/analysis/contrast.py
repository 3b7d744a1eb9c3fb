"""Contrast two columns: which codes occur in one only, in the other only, in both.

Rates are passages per 1,000 words of each column's text, so that a case
with more interview material does not look richer for that reason alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crosscase.analysis import frames
from crosscase.analysis.columns import ColumnSpec
from crosscase.analysis.matrix import Layout
from crosscase.analysis.measures import MEASURES
from crosscase.domain.errors import UsageError

ONLY_A = "only_a"
ONLY_B = "only_b"
BOTH = "both"
ORDER = {ONLY_A: 0, ONLY_B: 1, BOTH: 2}

DEFINITION = (
    "Contrast of two columns. segments_a and segments_b: "
    + MEASURES["segments"].definition[len("Coded segments: "):].rstrip(".")
    + ". rate_a and rate_b: "
    + MEASURES["rate"].definition[len("Rate: "):]
    + " difference = rate_a - rate_b. occurs: only_a, only_b or both; codes found in "
    "neither column are left out. Rows are grouped by occurs, largest difference first."
)


def contrast(
    source: Any,
    col_a: int | str,
    col_b: int | str,
    *,
    cols: str | ColumnSpec = "cases",
    rollup: bool = False,
    code_ids: list[int] | None = None,
) -> pd.DataFrame:
    """One row per code found in either column.

    Columns: ``code_id``, ``path``, ``depth``, ``segments_a``, ``segments_b``,
    ``rate_a``, ``rate_b``, ``difference`` (rate_a - rate_b) and ``occurs``
    (``only_a``, ``only_b``, ``both``). ``df.attrs`` holds the two column
    names (``a``, ``b``) and the ``definition``.
    """
    with frames.use_session(source) as session:
        layout = Layout(session, cols=cols, rollup=rollup, code_ids=code_ids)
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
