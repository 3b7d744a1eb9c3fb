from __future__ import annotations

from typing import Any

import pytest

from crosscase.analysis.contrast import BOTH, ONLY_A, ONLY_B, contrast
from crosscase.analysis.matrix import compute_matrix
from crosscase.commands.coding import ApplyCodings
from crosscase.domain.errors import NotFound, UsageError
from crosscase.services.coding import CodingSpec


def test_contrast_sides_and_rates(study: Any) -> None:
    project, st = study
    a, b = st.cases["Case A"], st.cases["Case B"]
    # a code only Case B has
    from crosscase.commands.codebook import CreateCode

    cc = CreateCode("Self-managed relationships")
    cc.do(project)
    assert cc.id is not None
    doc_b = st.docs["service user interview"]
    ApplyCodings([CodingSpec(doc_b, cc.id, 5, 40)]).do(project)

    df = contrast(project, "Case A", "Case B")
    assert df.attrs["a"] == "Case A" and df.attrs["b"] == "Case B"
    assert set(df["occurs"]) <= {ONLY_A, ONLY_B, BOTH}
    seg = compute_matrix(project, measure="segments")
    rate = compute_matrix(project, measure="rate")
    for row in df.itertuples():
        sa, sb = seg.value(row.code_id, a), seg.value(row.code_id, b)
        assert (row.segments_a, row.segments_b) == (sa, sb)
        assert row.rate_a == pytest.approx(rate.value(row.code_id, a))
        assert row.rate_b == pytest.approx(rate.value(row.code_id, b))
        assert row.difference == pytest.approx(row.rate_a - row.rate_b)
        want = BOTH if sa and sb else ONLY_A if sa else ONLY_B
        assert row.occurs == want
    mine = df[df["code_id"] == cc.id].iloc[0]
    assert mine["occurs"] == ONLY_B and mine["segments_b"] == 1
    # codes found in neither column are left out
    present = {r.code_id for r in seg.rows if seg.value(r.code_id, a) or seg.value(r.code_id, b)}
    assert set(df["code_id"]) == present
    # grouped: only A, only B, both
    groups = list(df["occurs"])
    assert groups == sorted(groups, key=[ONLY_A, ONLY_B, BOTH].index)


def test_contrast_by_attribute_and_errors(study: Any) -> None:
    project, _ = study
    df = contrast(project, "manager", "service user", cols="role", rollup=True)
    assert df.attrs["cols_by"] == "participant:role"
    assert len(df) > 0
    with pytest.raises(NotFound):
        contrast(project, "Case A", "Case Z")
    with pytest.raises(UsageError):
        contrast(project, "Case A", "Case A")
