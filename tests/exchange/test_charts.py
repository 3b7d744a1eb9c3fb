"""Charts: the CSV beside each chart holds exactly the numbers drawn; the pictures
match stored references within a tolerance; names no font can draw are replaced
visibly.

Reference images (``tests/exchange/data/chart_*.png``) are rendered at 100 dpi
with DejaVu Sans (bundled with matplotlib). A rendering matches when the mean
absolute difference of its RGB values (0-1) is below 0.02 and at most 2% of
pixels differ by more than 0.25: enough for anti-aliasing and FreeType
versions, not for a missing bar, band, label or colour. Set
``CROSSCASE_UPDATE_CHART_IMAGES=1`` to write new references after a deliberate change.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))

from test_cooccurrence import example  # noqa: E402,F401,F811  (the hand-computed fixture)

from crosscase.analysis.cooccurrence import compute_cooccurrence  # noqa: E402
from crosscase.analysis.matrix import compute_matrix  # noqa: E402
from crosscase.exchange import charts  # noqa: E402

DATA = Path(__file__).parent / "data"
MEAN_TOLERANCE = 0.02
PIXEL_TOLERANCE = 0.25
PIXEL_SHARE = 0.02


def _pixels(png: bytes) -> np.ndarray:
    import matplotlib.image as mpimg

    arr: np.ndarray = mpimg.imread(io.BytesIO(png), format="png")
    return arr[..., :3]


def _matches(name: str, chart: charts.Chart) -> None:
    png = chart.render("png", dpi=100)
    ref_path = DATA / f"chart_{name}.png"
    if os.environ.get("CROSSCASE_UPDATE_CHART_IMAGES") or not ref_path.exists():
        ref_path.write_bytes(png)
    got, ref = _pixels(png), _pixels(ref_path.read_bytes())
    assert got.shape == ref.shape, f"{name}: size {got.shape} != reference {ref.shape}"
    diff = np.abs(got - ref)
    assert diff.mean() < MEAN_TOLERANCE, f"{name}: mean difference {diff.mean():.4f}"
    share = float((diff.max(axis=2) > PIXEL_TOLERANCE).mean())
    assert share <= PIXEL_SHARE, f"{name}: {share:.1%} of pixels differ"


def _csv(chart: charts.Chart) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(chart.csv()), index_col=0)


@pytest.fixture
def named(example: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The example with a Hebrew case name and an emoji in a code name."""
    from crosscase.commands.cases import EditCase
    from crosscase.commands.codebook import EditCode

    p = example["p"]
    EditCase(example["y"], name="מקרה ב").do(p)
    EditCode(example["c"], name="C 🧑🏽‍🔬 lab").do(p)
    yield example


def test_heatmap_csv_is_the_matrix_and_matches_its_image(named: dict[str, Any]) -> None:
    p = named["p"]
    chart = charts.heatmap(p)
    m = compute_matrix(p, rollup=True)
    frame = _csv(chart)
    assert list(frame.index) == [r.path for r in m.rows]
    assert list(frame.columns) == [c.name for c in m.cols]
    assert frame.to_numpy().tolist() == m.values.to_numpy().tolist()
    _matches("heatmap", chart)


def test_clustered_heatmap_keeps_every_row(named: dict[str, Any]) -> None:
    chart = charts.heatmap(named["p"], order="clustered", measure="rate")
    m = compute_matrix(named["p"], measure="rate", rollup=True)
    assert sorted(_csv(chart).index) == sorted(r.path for r in m.rows)
    assert "ordered so that codes with similar profiles" in chart.note


def test_cooccur_csv_is_the_count_table_and_matches_its_image(named: dict[str, Any]) -> None:
    p = named["p"]
    chart = charts.cooccur(p)
    co = compute_cooccurrence(p)
    assert _csv(chart).to_numpy().tolist() == co.counts().tolist()
    one = charts.cooccur(p, column="Case X", value="c")
    assert np.allclose(_csv(one).to_numpy(), co.coefficients(named["x"]))
    _matches("cooccur", chart)


def test_profiles_share_one_scale_and_match_their_image(named: dict[str, Any]) -> None:
    p = named["p"]
    chart = charts.profiles(p, code_ids=[named["a"], named["b"], named["c"]])
    frame = _csv(chart)
    assert frame.loc["Themes/B"].tolist() == [2, 4]
    # the panels share one axes, so one scale: each bar is as long as its number, and
    # panel k's bars start at the same offset
    (ax,) = chart.figure.axes
    bars = next(c for c in ax.collections if len(c.get_paths()) == 6)
    boxes = np.array([path.vertices[:4] for path in bars.get_paths()])
    lengths = (boxes[:, :, 0].max(axis=1) - boxes[:, :, 0].min(axis=1)).reshape(2, 3)
    assert lengths.T.tolist() == frame.to_numpy().tolist()
    starts = boxes[:, :, 0].min(axis=1).reshape(2, 3)
    assert len(set(starts[0])) == 1 and len(set(starts[1])) == 1 and starts[1, 0] > 4
    _matches("profiles", chart)


def test_a_figure_leaves_its_title_to_the_caption(named: dict[str, Any]) -> None:
    p = named["p"]
    for kind, options in (("heatmap", {}), ("cooccur", {}), ("profiles", {}),
                          ("portrait", {"document": "one"})):
        with_title = charts.build(kind, p, **options)
        bare = charts.build(kind, p, **options, title=False)
        texts = [t.get_text() for t in bare.figure.findobj(
            lambda a: hasattr(a, "get_text"))]
        assert bare.title == with_title.title
        assert charts.shown(with_title.title) not in texts, kind
        assert any(t.get_text() == charts.shown(with_title.title)
                   for t in with_title.figure.findobj(lambda a: hasattr(a, "get_text")))


def test_portrait_csv_lists_the_passages_and_matches_its_image(named: dict[str, Any]) -> None:
    chart = charts.portrait(named["p"], "one")
    rows = [tuple(r) for r in _csv(chart)[["code", "start", "end"]].itertuples(index=False)]
    assert rows == [("Themes/A", 0, 20), ("Themes/C 🧑🏽‍🔬 lab", 0, 60),
                    ("Themes/B", 19, 30), ("Themes/A", 40, 50), ("Themes/B", 50, 60)]
    _matches("portrait", chart)


def test_characters_no_font_has_are_replaced_visibly() -> None:
    assert charts.shown("C 🧑🏽‍🔬 lab") == "C \ufffd lab"
    assert charts.shown("מקרה ב") == "מקרה ב"  # Hebrew is drawn (shaped right to left)
    assert charts.shown("café ½") == "café ½"


def test_write_chart_writes_the_picture_and_csv_owner_only(
        named: dict[str, Any], tmp_path: Path) -> None:
    chart = charts.heatmap(named["p"])
    for suffix, magic in ((".svg", b"<?xml"), (".pdf", b"%PDF"), (".png", b"\x89PNG")):
        out, beside = charts.write_chart(chart, tmp_path / f"h{suffix}")
        assert out.read_bytes().startswith(magic)
        assert beside == tmp_path / "h.csv"
        assert (out.stat().st_mode & 0o777) == 0o600
        assert (beside.stat().st_mode & 0o777) == 0o600
    from crosscase.domain.errors import UsageError

    with pytest.raises(UsageError):
        charts.write_chart(chart, tmp_path / "h.gif")

# ruff: noqa: F811  (pytest fixtures imported from another test module)
