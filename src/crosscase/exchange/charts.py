"""Charts of the comparison for the paper: heatmaps, code profiles, document portraits.

Four kinds, each drawn with matplotlib's Agg renderer (no display, no
pyplot state, so charts can be drawn on any thread):

``heatmap``   codes by cases (or any matrix columns) over any matrix measure,
              rows in codebook order or clustered (similar profiles together);
``cooccur``   codes by codes: co-occurrences (or c) overall or in one column;
``profiles``  one small bar chart per column on a shared scale;
``portrait``  one document: each code's passages as coloured bands along its text.

Every chart comes with the numbers it draws (:attr:`Chart.data`, written as
a CSV beside the picture), a title, a note and alt text for Word. Palettes
are colour-blind safe (viridis for amounts, Okabe and Ito's eight colours for
codes, every band also labelled). Text is set in DejaVu Sans with
matplotlib's shaping, so Arabic and Hebrew read right to left; a character
no installed font has is shown as U+FFFD (a visible replacement mark), never
as an empty box. matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crosscase.analysis import frames
from crosscase.analysis.columns import ColumnSpec
from crosscase.domain.errors import UsageError
from crosscase.exchange.reports.cells import csv_safe
from crosscase.exchange.reports.report_data import write_private

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project
    from crosscase.services.rounds import Blind

KINDS = ("heatmap", "cooccur", "profiles", "portrait")
FORMATS = ("svg", "png", "pdf")
#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7", "#000000")
SEQUENTIAL = "viridis"
FONT = "DejaVu Sans"
FALLBACK_FONTS = ("DejaVu Sans", "Liberation Sans")
REPLACEMENT = "\ufffd"
SCREEN_DPI = 100
PRINT_DPI = 300
ORDERS = ("codebook", "clustered")
#: past this many rows a heatmap labels only its themes (or every k-th row): hundreds of
#: 3-point labels are unreadable and cost seconds to lay out; the CSV names every row
MAX_ROW_LABELS = 120
MAX_COL_LABELS = 60


@dataclass
class Chart:
    """A drawn chart: the figure, the numbers it shows, and words for a paper."""

    kind: str
    figure: Figure
    data: pd.DataFrame
    title: str
    note: str
    alt: str

    def csv(self) -> str:
        frame = self.data.copy()
        frame.index = pd.Index([csv_safe(str(v)) for v in frame.index], name=frame.index.name)
        frame.columns = pd.Index([csv_safe(str(v)) for v in frame.columns])
        text: str = frame.to_csv(lineterminator="\n")
        return text

    def render(self, fmt: str = "png", *, dpi: int = SCREEN_DPI) -> bytes:
        """The chart as bytes in ``fmt`` (svg, png or pdf)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if fmt not in FORMATS:
            raise UsageError(f"a chart is written as {', '.join(FORMATS)}, not '{fmt}'")
        buf = io.BytesIO()
        FigureCanvasAgg(self.figure)
        with _style():
            metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None},
                                        "png": {"Software": None}}[fmt]
            self.figure.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
        return buf.getvalue()


# -- text the fonts can show -------------------------------------------------------------


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from matplotlib import font_manager, ft2font

    points: set[int] = set()
    for family in FALLBACK_FONTS:
        try:
            path = font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        points.update(ft2font.FT2Font(path).get_charmap())
    return frozenset(points)


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufe0e\ufe0f]")


def shown(text: str) -> str:
    """``text`` with every character no font here can draw replaced by U+FFFD
    (zero-width joiners and direction marks, which draw nothing, are kept out)."""
    covered = _covered()
    text = _INVISIBLE.sub("", text)
    out = []
    for ch in text:
        if ord(ch) in covered or ch in "\n\t ":
            out.append(ch)
        elif 0x1F3FB <= ord(ch) <= 0x1F3FF:  # skin-tone modifier: part of the emoji before
            continue
        elif not out or out[-1] != REPLACEMENT:
            out.append(REPLACEMENT)
    return "".join(out)


def short(text: str, limit: int = 40) -> str:
    text = shown(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context({
        "font.family": list(FALLBACK_FONTS),
        "font.size": 9,
        "text.parse_math": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "crosscase",
        "pdf.fonttype": 42,
        "axes.titlesize": 10,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "figure.dpi": SCREEN_DPI,
        "savefig.bbox": None,
    }):
        yield


def _figure(width: float, height: float, *, constrained: bool = True) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=SCREEN_DPI,
                  layout="constrained" if constrained else None)


def _text_width(texts: list[str], size: float) -> float:
    """The widest of ``texts`` set in the chart font at ``size``, in points."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    if not texts:
        return 0.0
    renderer = RendererAgg(1, 1, 72)  # type: ignore[no-untyped-call]
    prop = FontProperties(family=list(FALLBACK_FONTS), size=size)
    measure: Callable[..., tuple[float, float, float]] = (
        renderer.get_text_width_height_descent)
    return max(float(measure(t, prop, ismath=False)[0]) for t in set(texts))


# -- the four kinds ----------------------------------------------------------------------


def _order_rows(values: np.ndarray, order: str) -> np.ndarray:
    """Row order: as given, or clustered: rows placed along the first principal
    component of their shares across the columns, so similar profiles sit together."""
    n = values.shape[0]
    if order == "codebook" or n < 3 or values.shape[1] < 2:
        return np.arange(n)
    x = np.nan_to_num(values.astype(float))
    totals = x.sum(axis=1, keepdims=True)
    shares = np.divide(x, totals, out=np.zeros_like(x), where=totals > 0)
    centred = shares - shares.mean(axis=0)
    u, _s, _vt = np.linalg.svd(centred, full_matrices=False)
    score = u[:, 0] if u.size else np.zeros(n)
    if score.size and score[np.argmax(np.abs(score))] < 0:
        score = -score
    ordered: np.ndarray = np.lexsort((np.arange(n), -totals[:, 0], score))
    return ordered


def _every(n: int, limit: int) -> list[int]:
    """Indices of the labels to show out of ``n``: all of them, or every k-th so that
    at most ``limit`` are shown."""
    if n <= limit:
        return list(range(n))
    return list(range(0, n, -(-n // limit)))


def _heat(fig: Figure, ax: Axes, data: np.ndarray, rows: list[str], cols: list[str],
          label: str, integer: bool, *, row_ticks: list[int] | None = None,
          col_ticks: list[int] | None = None) -> None:
    """``data`` as an image; ``row_ticks``/``col_ticks`` are the rows and columns that
    get a label (default: all rows, and every k-th column past :data:`MAX_COL_LABELS`)."""
    shown_data = np.ma.masked_invalid(data.astype(float))
    im = ax.imshow(shown_data, aspect="auto", cmap=SEQUENTIAL, interpolation="nearest",
                   vmin=0)
    ri = list(range(len(rows))) if row_ticks is None else row_ticks
    ci = _every(len(cols), MAX_COL_LABELS) if col_ticks is None else col_ticks
    ax.set_yticks(ri, labels=[rows[i] for i in ri])
    many = len(cols) > 24
    ax.set_xticks(ci, labels=[cols[j] for j in ci],
                  rotation=90 if many else 35 if len(cols) > 3 else 0,
                  ha="center" if many or len(cols) <= 3 else "right")
    ax.tick_params(length=0)
    if data.size and data.shape[0] <= 40 and data.shape[1] <= 16:
        top = float(np.nanmax(data)) if np.isfinite(data).any() else 0.0
        for (i, j), v in np.ndenumerate(data):
            if not np.isfinite(v):
                continue
            text = f"{int(v)}" if integer else f"{v:.2f}"
            light = top > 0 and v < top * 0.6
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if light else "black")
    bar = fig.colorbar(im, ax=ax, shrink=0.6, pad=0.02)
    bar.set_label(label)


def _row_size(n: int, labels: int | None = None) -> tuple[float, float]:
    """Figure height (inches) and tick font size for ``n`` rows of which ``labels``
    (default: all) carry a label."""
    labels = n if labels is None else labels
    if n <= 40:
        return max(2.5, 0.24 * n + 1.4), 8.0
    if labels >= n:
        return min(0.12 * n + 1.4, 40.0), max(3.0, 8.0 - n / 40)
    height = min(max(0.03 * n, 0.16 * labels) + 1.4, 40.0)
    gap_pt = (height - 1.4) * 72 / max(labels, 1)
    return height, max(3.0, min(8.0, 0.7 * gap_pt))


def heatmap(
    source: Project | Session, *, measure: str = "segments", cols: str | ColumnSpec = "cases",
    rollup: bool = True, code_ids: list[int] | None = None, case_ids: list[int] | None = None,
    order: str = "codebook", title: bool = True,
) -> Chart:
    """Codes by columns over a matrix measure. ``title=False`` leaves the title out of the
    picture (a Word figure carries it in its caption)."""
    from crosscase.analysis.matrix import compute_matrix

    if order not in ORDERS:
        raise UsageError(f"order must be one of {', '.join(ORDERS)}")
    m = compute_matrix(source, cols=cols, measure=measure, rollup=rollup, code_ids=code_ids,
                       case_ids=case_ids)
    values = m.values.to_numpy(dtype=float)
    idx = _order_rows(values, order)
    rows = [m.rows[i] for i in idx]
    data = pd.DataFrame(values[idx], index=pd.Index([r.path for r in rows], name="code"),
                        columns=pd.Index([c.name for c in m.cols], name=m.spec.text))
    if m.measure in ("segments", "documents", "participants", "words", "presence"):
        data = data.astype("Int64") if not data.isna().to_numpy().any() else data
    base = min((r.depth for r in rows), default=0)
    labels = [("  " * (r.depth - base) if order == "codebook" else "") + short(r.name)
              for r in rows]
    n = len(rows)
    themes = [i for i, r in enumerate(rows) if r.depth == base]
    if n <= MAX_ROW_LABELS:
        ticks, which = list(range(n)), ""
    elif order == "codebook" and 1 < len(themes) <= MAX_ROW_LABELS and len(themes) < n:
        ticks = themes
        which = (f" With {n} rows, only the themes are labelled (each above its "
                 "sub-codes, which follow it in codebook order); the CSV beside the chart "
                 "names every row.")
    else:
        ticks = _every(n, MAX_ROW_LABELS)
        which = (f" With {n} rows, one row in every {ticks[1] - ticks[0]} is labelled; the "
                 "CSV beside the chart names every row.")
    height, tick = _row_size(n, len(ticks))
    fig = _figure(min(2.2 + 0.9 * max(len(m.cols), 1) + 1.8, 12.0), height)
    chart_title = f"{m.label} for each code across {_across(m.spec)}"
    with _style():
        ax = fig.add_subplot()
        _heat(fig, ax, values[idx], labels, [short(c.name, 28) for c in m.cols], m.label,
              m.measure in ("segments", "documents", "participants", "words", "presence"),
              row_ticks=ticks)
        ax.tick_params(axis="y", labelsize=tick)
        if order == "codebook" and any(r.depth > base for r in rows):
            for text, i in zip(ax.get_yticklabels(), ticks, strict=True):
                if rows[i].depth == base:
                    text.set_fontweight("bold")  # themes stand out from their sub-codes
            if len(ticks) < n:  # a thin rule above each theme shows where its rows start
                ax.hlines([i - 0.5 for i in themes[1:]], -0.5, len(m.cols) - 0.5,
                          colors="white", linewidth=0.8)
        if title:
            ax.set_title(shown(chart_title), loc="left")
    how = ("Rows are in codebook order." if order == "codebook" else
           "Rows are ordered so that codes with similar profiles across the columns sit "
           "together (the first principal component of each code's shares).")
    note = f"{m.definition} {how} Darker cells hold less; blank cells have no value.{which}"
    alt = (f"Heatmap of {m.label.lower()} for {len(rows)} codes (rows) across "
           f"{len(m.cols)} {_across(m.spec)} (columns). " + _highest(data))
    return Chart("heatmap", fig, data, chart_title, note, alt)


def _across(spec: ColumnSpec) -> str:
    if spec.by == "cases":
        return "the cases"
    if spec.by == "documents":
        return "the documents"
    return f"{spec.scope} {spec.attribute}"


def _highest(data: pd.DataFrame) -> str:
    arr = data.to_numpy(dtype=float, na_value=np.nan)
    if not arr.size or not np.isfinite(arr).any() or np.nanmax(arr) <= 0:
        return "All cells are zero."
    i, j = np.unravel_index(np.nanargmax(arr), arr.shape)
    v = arr[i, j]
    return (f"The highest value, {v:g}, is for {data.index[i]} in "
            f"{data.columns[j]}.")


def cooccur(
    source: Project | Session, *, code_ids: list[int] | None = None,
    cols: str | ColumnSpec = "cases", column: int | str | None = None, value: str = "count",
    rollup: bool = False, case_ids: list[int] | None = None, title: bool = True,
    blind: Blind | None = None,
) -> Chart:
    """Codes by codes: co-occurrences (``value="count"``) or the c coefficient (``"c"``),
    overall or in one ``column`` (a case's name or id); with ``blind``, of the codings
    its viewer sees."""
    from crosscase.analysis.cooccurrence import compute_cooccurrence

    if value not in ("count", "c"):
        raise UsageError("value must be count or c")
    co = compute_cooccurrence(source, code_ids=code_ids, cols=cols, rollup=rollup,
                              case_ids=case_ids, blind=blind)
    key = None if column is None else co.cols[co.column_position(column)].key
    where = "all columns" if key is None else co.cols[co.column_position(key)].name
    data = co.frame(key, value=value)
    arr = data.to_numpy(dtype=float).copy()
    np.fill_diagonal(arr, np.nan)
    labels = [short(r.name, 32) for r in co.rows]
    ticks = _every(len(labels), MAX_ROW_LABELS)
    height, tick = _row_size(len(labels), len(ticks))
    fig = _figure(min(height + 2.4, 14.0), height + 0.8)
    what = "Co-occurrences" if value == "count" else "c coefficient"
    chart_title = f"{what} of codes in {where}"
    with _style():
        ax = fig.add_subplot()
        _heat(fig, ax, arr, labels, labels, what, value == "count", row_ticks=ticks,
              col_ticks=ticks)
        ax.tick_params(axis="both", labelsize=tick)
        ax.set_xticks(ticks, labels=[labels[i] for i in ticks], rotation=60, ha="right")
        if title:
            ax.set_title(shown(chart_title), loc="left")
    note = co.definition + " The diagonal is left blank."
    flat = data.where(~np.eye(len(labels), dtype=bool)).stack()
    most = (f" The pair that meets most is {flat.idxmax()[0]} with {flat.idxmax()[1]} "
            f"({flat.max():g})." if len(flat) and flat.max() > 0 else " No codes meet.")
    alt = f"Heatmap of the {what.lower()} of {len(labels)} codes in {where}." + most
    return Chart("cooccur", fig, data, chart_title, note, alt)


def profiles(
    source: Project | Session, *, measure: str = "segments", cols: str | ColumnSpec = "cases",
    rollup: bool = True, code_ids: list[int] | None = None, case_ids: list[int] | None = None,
    per_row: int | None = None, title: bool = True,
) -> Chart:
    """One small bar chart per column, all on one scale; by default the top-level themes
    (rolled up, so a theme counts its sub-codes' passages). ``per_row`` panels side by
    side (default 4, or 6 past 16 panels).

    The panels are drawn side by side on one axes, each shifted along x and y by a fixed
    offset, their bars one collection: a hundred cases draw in a fraction of a second,
    where a hundred separate axes took many seconds to lay out."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import offset_copy

    from crosscase.analysis.matrix import compute_matrix
    from crosscase.services import codebook

    with frames.use_session(source) as session:
        if code_ids is None:
            code_ids = [cid for cid, n in codebook.tree(session).items() if n.parent is None]
        m = compute_matrix(session, cols=cols, measure=measure, rollup=rollup,
                           code_ids=code_ids, case_ids=case_ids)
    values = np.nan_to_num(m.values.to_numpy(dtype=float))
    data = m.frame()
    names = [short(r.name, 30) for r in m.rows]
    n, n_panels = len(names), len(m.cols)
    if per_row is None:
        per_row = 4 if n_panels <= 16 else 6
    across = min(per_row, max(n_panels, 1))
    down = -(-max(n_panels, 1) // across)
    height = min((0.16 * n + 0.7) * down + 0.8, 40.0)
    width = min(2.0 + 2.3 * across, 14.0)
    top = float(values.max()) if values.size else 0.0
    span = top * 1.05 if top > 0 else 1.0  # one panel's width, in the measure's units
    gap = 0.14 * span
    scale = [float(t) for t in MaxNLocator(nbins=4).tick_values(0, top if top > 0 else 1)
             if 0 <= t <= span]
    # the layout is worked out here, not by constrained layout, which would measure all
    # the names twice more: margins in inches, then each bar's height in points
    above = (0.4 if title else 0.1)
    margin_bottom = 0.5
    room = max(height - above - margin_bottom, 0.5) * 72 / down  # one row of panels, pt
    title_pt = 14.0
    unit = max((room - title_pt) / max(n, 1), 1.0)  # one bar's slot, in points
    pitch = n + title_pt / unit
    font = max(3.0, min(8.0, 0.8 * unit))
    fig = _figure(width, height, constrained=False)
    margin_left = (_text_width(names, font) + 8) / 72 + 0.1
    fig.subplots_adjust(left=margin_left / width, right=1 - 0.15 / width,
                        top=1 - above / height, bottom=margin_bottom / height)
    colors = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]
    k = np.arange(n_panels)
    ox = (k % across) * (span + gap)  # each panel's origin
    oy = (k // across) * pitch
    chart_title = f"Code profiles: {m.label.lower()} in each of {_across(m.spec)}"
    with _style():
        ax = fig.add_subplot()
        # bars, panel by panel (panel-major), as one collection
        x0 = np.broadcast_to(ox[:, None], (n_panels, n))
        x1 = x0 + values.T
        y = oy[:, None] + np.arange(n)[None, :]
        verts = np.stack([np.stack([x0, y - 0.375], -1), np.stack([x1, y - 0.375], -1),
                          np.stack([x1, y + 0.375], -1), np.stack([x0, y + 0.375], -1)],
                         axis=2).reshape(-1, 4, 2)
        ax.add_collection(PolyCollection(list(verts), facecolors=colors * n_panels,
                                         edgecolors="none", zorder=2), autolim=False)
        grid, axes_lines = [], []
        for x, yy in zip(ox, oy, strict=True):
            grid += [[(x + t, yy - 0.5), (x + t, yy + n - 0.5)] for t in scale[1:]]
            axes_lines += [[(x, yy - 0.5), (x, yy + n - 0.5)],
                           [(x, yy + n - 0.5), (x + span, yy + n - 0.5)]]
        ax.add_collection(LineCollection(grid, colors="#dddddd", linewidths=0.6, zorder=1),
                          autolim=False)
        ax.add_collection(LineCollection(axes_lines, colors="black", linewidths=0.8,
                                         zorder=3), autolim=False)
        for j in range(n_panels):
            ax.text(ox[j], oy[j] - 0.6, short(m.cols[j].name, 34), fontsize=8,
                    ha="left", va="bottom")
        # the codes' names left of each row of panels (the panels share them)
        left = offset_copy(ax.transData, fig=fig, x=-4, units="points")
        for r in range(down):
            for i, name in enumerate(names):
                ax.text(0, r * pitch + i, name, transform=left, ha="right", va="center",
                        fontsize=font)
        # the scale under the lowest panel of each column
        below = offset_copy(ax.transData, fig=fig, y=-3, units="points")
        under = offset_copy(ax.transData, fig=fig, y=-16, units="points")
        for c in range(min(across, n_panels)):
            last = max(j for j in range(n_panels) if j % across == c)
            base = oy[last] + n - 0.5
            for t in scale:
                ax.text(ox[last] + t, base, f"{t:g}", transform=below, ha="center",
                        va="top", fontsize=8)
            ax.text(ox[last] + span / 2, base, m.label, transform=under, ha="center",
                    va="top", fontsize=9)
        ax.set_xlim(-0.01 * span, across * (span + gap) - gap + 0.01 * span)
        ax.set_ylim((down - 1) * pitch + n - 0.5 if n else 1.0, n - 0.5 - pitch)
        ax.set_axis_off()
        if title:
            fig.suptitle(shown(chart_title), x=0.08 / width, y=1 - 0.08 / height, ha="left",
                         va="top", fontsize=10)
    note = (f"{m.definition} Every panel uses the same scale, so bar lengths compare "
            "across panels.")
    alt = (f"{len(m.cols)} bar charts, one per column ({_across(m.spec)}), each with "
           f"{len(names)} bars for the codes, on a shared scale. " + _highest(data))
    return Chart("profiles", fig, data, chart_title, note, alt)


def portrait(source: Project | Session, document: int | str, *,
             code_ids: list[int] | None = None, title: bool = True) -> Chart:
    """One document: each code's passages as coloured bands along its text, one lane per
    code, labelled (so colour is never the only cue)."""
    from sqlalchemy import select

    from crosscase.analysis.matrix import Layout
    from crosscase.db.models import Document
    from crosscase.services import documents as documents_service

    with frames.use_session(source) as session:
        doc_id = documents_service.resolve(session, document) if not isinstance(
            document, int) else document
        row = session.execute(select(Document.name, Document.chars, Document.case_id)
                              .where(Document.id == doc_id)).first()
        if row is None:
            raise UsageError(f"no document {document}")
        name, chars, case_id = str(row[0]), int(row[1] or 0), int(row[2])
        layout = Layout(session, cols="documents", rollup=False, code_ids=code_ids,
                        case_ids=[case_id])
        ci = layout.column_position(doc_id)
        p = layout.passages
        sel = layout.ci[p] == ci
        ri, start, end = layout.ri[p][sel], layout.start[p][sel], layout.passage_end[sel]
    used = sorted(set(ri.tolist()))
    rows = [layout.rows[i] for i in used]
    data = pd.DataFrame({
        "code": [layout.rows[int(r)].path for r in ri],
        "start": start.astype(np.int64), "end": end.astype(np.int64),
    }).sort_values(["start", "end", "code"], kind="stable").reset_index(drop=True)
    data.index.name = "passage"
    height = max(1.6, 0.28 * len(rows) + 1.3)
    fig = _figure(10.0, min(height, 30.0))
    chart_title = f"Document portrait: {name}"
    with _style():
        from matplotlib.collections import PolyCollection

        ax = fig.add_subplot()
        lanes = np.searchsorted(np.asarray(used, dtype=np.int64), ri)
        s0, s1 = start.astype(float), end.astype(float)
        verts = np.stack([np.stack([s0, lanes - 0.38], -1), np.stack([s1, lanes - 0.38], -1),
                          np.stack([s1, lanes + 0.38], -1), np.stack([s0, lanes + 0.38], -1)],
                         axis=1)
        ax.add_collection(PolyCollection(
            list(verts), facecolors=[OKABE_ITO[int(k) % len(OKABE_ITO)] for k in lanes],
            edgecolors="#333333", linewidths=0.3), autolim=False)
        ax.set_yticks(np.arange(len(rows)), labels=[short(r.path.replace("/", " / "), 48)
                                                   for r in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5) if rows else ax.set_ylim(0, 1)
        ax.set_xlim(0, max(chars, 1))
        ax.set_xlabel("Position in the text (characters)")
        ax.tick_params(axis="y", length=0)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        if not rows:
            ax.text(0.5, 0.5, "No codings in this document", ha="center", va="center",
                    transform=ax.transAxes)
        if title:
            ax.set_title(shown(chart_title), loc="left")
    note = ("Each band is a passage (codings of one code that nest or overlap are one "
            f"passage), drawn from its first to its last character; the text has {chars:,} "
            "characters.")
    alt = (f"Document portrait of {name}: {len(data)} coded passages of {len(rows)} codes "
           f"along its {chars:,} characters, one lane per code.")
    return Chart("portrait", fig, data, chart_title, note, alt)


BUILDERS: dict[str, Callable[..., Chart]] = {
    "heatmap": heatmap, "cooccur": cooccur, "profiles": profiles, "portrait": portrait,
}


def build(kind: str, source: Project | Session, **options: Any) -> Chart:
    if kind not in BUILDERS:
        raise UsageError(f"no chart '{kind}'; choose one of {', '.join(KINDS)}")
    return BUILDERS[kind](source, **options)


def csv_path(out: Path) -> Path:
    """The CSV of the numbers drawn, beside the chart: ``chart.png`` -> ``chart.csv``."""
    return out.with_suffix(".csv")


def write_chart(chart: Chart, out: Path, *, dpi: int = PRINT_DPI) -> tuple[Path, Path]:
    """Write the chart (format from the suffix) and its numbers as CSV beside it, each
    owner-only and whole or not at all."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"{out.name}: a chart is written as .svg, .png or .pdf")
    data = chart.render(fmt, dpi=dpi)
    table = chart.csv()
    def picture(p: Path) -> None:
        p.write_bytes(data)

    def numbers(p: Path) -> None:
        p.write_text(table, encoding="utf-8", newline="")

    write_private(out, picture)
    beside = csv_path(out)
    write_private(beside, numbers)
    return out, beside


def add_figures(doc: Any, source: Project | Session, kinds: list[str] | tuple[str, ...], *,
                first_number: int = 1, width_pt: float | None = None,
                **options: Any) -> list[Chart]:
    """Each chart as an APA figure in a Word document: "Figure N" in bold (a SEQ
    Figure field), the title in italic, the picture at print resolution with alt
    text, and a note. ``options`` are the report's (measure, rollup, code_ids,
    case_ids); each kind takes those it understands."""
    from docx.shared import Pt

    from crosscase.exchange.reports import docx_report as report
    from crosscase.exchange.reports.cells import xml_safe

    made = []
    for k, kind in enumerate(kinds):
        chosen = {key: v for key, v in options.items() if key in _ACCEPTS[kind]}
        chart = build(kind, source, **chosen, title=False)  # the caption carries it
        png = chart.render("png", dpi=PRINT_DPI)
        report.caption(doc, first_number + k, chart.title, label="Figure")
        width_in = chart.figure.get_figwidth()
        usable = width_pt if width_pt is not None else 6.3 * 72
        picture = doc.add_picture(io.BytesIO(png), width=Pt(min(usable, width_in * 72)))
        doc_pr = picture._inline.docPr
        doc_pr.set("descr", xml_safe(chart.alt))
        doc_pr.set("title", xml_safe(chart.title))
        report.note(doc, [chart.note])
        made.append(chart)
    return made


_ACCEPTS: dict[str, set[str]] = {
    "heatmap": {"measure", "cols", "rollup", "code_ids", "case_ids", "order"},
    "cooccur": {"cols", "case_ids", "column", "value"},
    "profiles": {"measure", "cols", "rollup", "case_ids"},
    "portrait": {"document", "code_ids"},
}
