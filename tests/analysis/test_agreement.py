"""Agreement coefficients: golden values, a reference implementation, invariants."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscase.analysis.agreement import (
    character_patterns,
    coefficients,
    match_segments,
)


def nvivo_example() -> dict[int, int]:
    # NVivo's own example: 1,000 characters, 50 coded by both, 100 by A only,
    # 50 by B only (A is bit 0, B is bit 1)
    return {0b11: 50, 0b01: 100, 0b10: 50, 0b00: 800}


def test_nvivo_example_gives_the_published_values() -> None:
    c = coefficients(nvivo_example(), 2, bootstrap=0)
    assert c.units == 1000
    assert c.percent == pytest.approx(0.850, abs=5e-4)
    assert c.kappa == pytest.approx(0.318, abs=5e-4)
    assert c.alpha == pytest.approx(0.315, abs=5e-4)
    assert c.brennan_prediger == pytest.approx(0.700, abs=5e-4)


def test_the_same_counts_from_spans() -> None:
    # A codes 0-150, B codes 100-250 in a 1,000-character document
    counts = character_patterns(1000, [[(0, 150)], [(100, 250)]])
    assert counts == {0b01: 100, 0b11: 50, 0b10: 100, 0b00: 750}
    assert sum(counts.values()) == 1000


def test_overlapping_spans_of_one_coder_count_once_and_are_clipped() -> None:
    counts = character_patterns(10, [[(0, 5), (3, 8), (8, 40)], [(2, 4)]])
    assert counts == {0b01: 8, 0b11: 2}


def test_identical_codings_give_one() -> None:
    c = coefficients({0b11: 40, 0b00: 60}, 2, bootstrap=200)
    assert c.percent == c.kappa == c.alpha == c.brennan_prediger == 1.0
    assert c.ci95["alpha"] == (1.0, 1.0)


def test_nobody_coded_anything_leaves_chance_corrected_values_undefined() -> None:
    c = coefficients({0b00: 100}, 2, bootstrap=50)
    assert c.percent == 1.0 and c.kappa is None and c.alpha is None
    assert c.ci95["alpha"] is None


def test_bootstrap_interval_holds_the_estimate_and_is_reproducible() -> None:
    a = coefficients(nvivo_example(), 2, bootstrap=500, seed=7)
    b = coefficients(nvivo_example(), 2, bootstrap=500, seed=7)
    assert a.ci95 == b.ci95
    for name in ("percent", "kappa", "alpha", "brennan_prediger"):
        lo, hi = a.ci95[name]  # type: ignore[misc]
        assert lo <= getattr(a, name) <= hi and hi - lo < 0.3


def reliability_data(counts: dict[int, int], coders: int) -> np.ndarray:
    rows = [[(mask >> c) & 1 for c in range(coders)] for mask, n in counts.items() for _ in range(n)]
    return np.array(rows, dtype=float).T


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=4).flatmap(
        lambda m: st.tuples(
            st.just(m),
            st.dictionaries(st.integers(0, 2**m - 1), st.integers(0, 40), min_size=2, max_size=2**m),
        )
    )
)
def test_alpha_equals_the_krippendorff_package(case: tuple[int, dict[int, int]]) -> None:
    m, counts = case
    counts = {k: v for k, v in counts.items() if v}
    data = reliability_data(counts, m)
    if data.size == 0 or len(np.unique(data)) < 2:
        assert coefficients(counts, m, bootstrap=0).alpha is None
        return
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert coefficients(counts, m, bootstrap=0).alpha == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=80))
def test_swapping_coders_changes_nothing(values: list[tuple[int, int]]) -> None:
    ab: dict[int, int] = {}
    ba: dict[int, int] = {}
    for a, b in values:
        ab[a | b << 1] = ab.get(a | b << 1, 0) + 1
        ba[b | a << 1] = ba.get(b | a << 1, 0) + 1
    x, y = coefficients(ab, 2, bootstrap=0), coefficients(ba, 2, bootstrap=0)
    assert (x.percent, x.kappa, x.alpha, x.brennan_prediger) == (y.percent, y.kappa, y.alpha, y.brennan_prediger)


def test_segments_match_by_overlap_of_the_shorter() -> None:
    mine = [(0, 100), (200, 300), (400, 500)]
    theirs = [(10, 100), (250, 400), (900, 950)]
    # (0,100)~(10,100): 90/90 -> matched; (200,300)~(250,400): 50/100 -> partly; (400,500): none
    assert match_segments(mine, theirs, 0.8) == (1, 1, 1)
    assert match_segments(mine, theirs, 0.5) == (2, 0, 1)
    assert match_segments([], theirs) == (0, 0, 0)
