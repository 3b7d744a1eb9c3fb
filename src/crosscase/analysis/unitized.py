"""Krippendorff's alpha family for unitized continua, Qt-free.

When coders choose the stretches of text they code themselves, the units of
analysis are not given in advance: each coder cuts a continuum (a document
of ``L`` characters) into units, each with a value (a code), and leaves the
rest as gaps (nothing coded). Krippendorff, Mathet, Bouvry and Widlöcher
(2016, "On the reliability of unitizing textual continua: Further
developments", *Quality & Quantity* 50: 2347–2364) measure agreement on such
data with a family of coefficients built on one coincidence matrix:

* **observed coincidences** ``l[c, k]``: for every ordered pair of different
  coders (i, j), the lengths of the intersections of i's units (or gaps) of
  value c with j's units (or gaps) of value k, summed and divided by
  ``m - 1``. Every coder covers the whole continuum with units and gaps, so
  the matrix sums to ``l.. = m * L``, and its margin ``l[c.]`` is the total
  length all coders gave value c.
* **expected coincidences** ``e[c, k]``: the same lengths paired at random,
  except that the points of one unit are never paired with each other (a
  unit is one judgment): ``e[c, k] = l.. * (l[c.] * l[.k] - [c = k] * S[c]) /
  (l..**2 - S)``, where ``S[c]`` sums the squared lengths of the units of
  value c and, for gaps, their plain lengths (the points of a gap are
  unrelated to each other), and ``S`` sums ``S[c]`` over all values.

From these:

* **u-alpha** (``u_alpha``): nominal alpha over the whole matrix, gaps
  included: do the coders agree on where units are and which values they
  have? ``1 - (l.. - sum l[c, c]) / (l.. - sum e[c, c])``.
* **|u-alpha** (``boundaries_alpha``): the binary distinction of relevant
  matter (any value) from gaps, the values ignored: ``1 - sum_c l[gap, c] /
  sum_c e[gap, c]`` over the values c. For a single value it equals u-alpha.
* **cu-alpha** (``cu_alpha``): the coding of the matter that coders agreed
  was relevant: the matrix restricted to values (``l*``, no gaps), whose
  expected part leaves out each unit's pairing with itself by the squared
  *pairable* length of the unit (the part of it the other coders also gave a
  value, summed over them and divided by ``m - 1``; with two coders this is
  the unit's intersection with the other coder's units). Undefined with
  fewer than two values.
* **(k)u-alpha** (``per_value``): value k against the other values within
  that restricted matrix, ``1 - (e*[k.] / l*[k.]) * (l*[k.] - l[k, k]) /
  (e*[k.] - e*[k, k])``.

Several continua (documents) are pooled by adding their observed
coincidences and their unit sums, which is the same as laying the
documents end to end: units never cross from one document into another, and
the expected coincidences come from the pooled totals, as alpha's expected
disagreement always comes from the values of all units together.

A coefficient is None where it is undefined (no disagreement is possible by
chance, for example when nobody coded anything). No confidence interval is
given: units of different lengths chosen by the coders are not a sample of
interchangeable items a simple bootstrap could redraw.

Every count is kept as an integer (ordered coder pairs times characters) so
pooling is exact; the division by ``m - 1`` happens once, at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from crosscase.domain.errors import UsageError

if TYPE_CHECKING:
    from numpy.typing import NDArray

#: a unit: (start, end, value); value None marks a gap (nothing coded)
Unit = tuple[int, int, Hashable | None]


@dataclass
class UnitizedTally:
    """What the family needs from one or more continua, in exact integer counts.

    ``pairs[(c, k)]``: over ordered pairs of different coders, the total
    length where the first coder has value c and the second value k (None
    for a gap); ``l[c, k] = pairs[(c, k)] / (m - 1)``.
    ``squares[c]``: the sum of the squared lengths of the units of value c.
    ``gaps``: the total length of every coder's gaps.
    ``pairable_squares[c]``: the sum over the units of value c of the squared
    length each shares with the other coders' units (each intersection
    counted once per other coder); divided by ``(m - 1) ** 2`` it is the
    squared pairable length of the restricted matrix.
    """

    coders: int
    length: int = 0
    units: int = 0
    pairs: dict[tuple[Hashable | None, Hashable | None], int] = field(default_factory=dict)
    squares: dict[Hashable, int] = field(default_factory=dict)
    gaps: int = 0
    pairable_squares: dict[Hashable, int] = field(default_factory=dict)

    def add(self, other: UnitizedTally) -> None:
        """Pool ``other`` (another continuum, coded by as many coders) into this tally."""
        if other.coders != self.coders:
            raise UsageError("unitized agreement pools continua coded by the same number of coders")
        self.length += other.length
        self.units += other.units
        self.gaps += other.gaps
        for key, n in other.pairs.items():
            self.pairs[key] = self.pairs.get(key, 0) + n
        for value, n in other.squares.items():
            self.squares[value] = self.squares.get(value, 0) + n
        for value, n in other.pairable_squares.items():
            self.pairable_squares[value] = self.pairable_squares.get(value, 0) + n


def _checked(length: int, units: Iterable[Unit], coder: int) -> list[tuple[int, int, Hashable]]:
    """One coder's valued units, sorted; gaps (value None) dropped, as they are filled in anyway."""
    kept = sorted((s, e, v) for s, e, v in ((int(s), int(e), v) for s, e, v in units) if v is not None)
    for start, end, _value in kept:
        if not 0 <= start < end <= length:
            raise UsageError(f"coder {coder + 1}: the unit {start}-{end} is not a stretch of the "
                             f"continuum 0-{length}")
    for (_s, end, _v), (start, _e, _w) in itertools.pairwise(kept):
        if start < end:
            raise UsageError(f"coder {coder + 1}: units overlap at {start}-{end}; a coder's "
                             "units must not overlap")
    return kept


def tally(length: int, units_by_coder: Sequence[Iterable[Unit]]) -> UnitizedTally:
    """Count one continuum of ``length`` characters, cut into units by each coder.

    ``units_by_coder[i]`` lists coder i's units as (start, end, value), end
    exclusive; a coder's units must not overlap. Stretches no unit covers are
    gaps; units with value None are gaps too.
    """
    m = len(units_by_coder)
    if m < 2:
        raise UsageError("unitized agreement needs two or more coders")
    if length < 0:
        raise UsageError("a continuum cannot have a negative length")
    coders = [_checked(length, units, i) for i, units in enumerate(units_by_coder)]
    result = UnitizedTally(coders=m, length=length, units=sum(len(u) for u in coders))
    result.gaps = sum(length - sum(e - s for s, e, _ in units) for units in coders)
    if length == 0:
        return result
    if result.units == 0:
        result.pairs[(None, None)] = m * (m - 1) * length
        return result
    # values as small integers, 0 for a gap
    names: list[Hashable | None] = [None]
    ids: dict[Hashable, int] = {}
    for units in coders:
        for _s, _e, value in units:
            if value not in ids:
                ids[value] = len(names)
                names.append(value)
    v = len(names)
    # the elementary stretches between any two consecutive unit boundaries
    cuts = np.unique(np.array(
        [0, length, *(x for units in coders for s, e, _ in units for x in (s, e))], dtype=np.int64))
    starts, widths = cuts[:-1], np.diff(cuts)
    x = len(starts)
    value_at = np.zeros((m, x), dtype=np.int64)
    unit_at: list[NDArray[np.int64]] = []
    unit_value: list[NDArray[np.int64]] = []
    squares = np.zeros(v, dtype=np.int64)
    for i, units in enumerate(coders):
        u_start = np.array([s for s, _, _ in units], dtype=np.int64)
        u_end = np.array([e for _, e, _ in units], dtype=np.int64)
        u_value = np.array([ids[value] for _, _, value in units], dtype=np.int64)
        unit_value.append(u_value)
        if not units:
            unit_at.append(np.full(x, -1, dtype=np.int64))
            continue
        g = np.searchsorted(u_start, starts, side="right") - 1
        inside = (g >= 0) & (starts < u_end[np.maximum(g, 0)])
        g = np.where(inside, g, -1)
        unit_at.append(g)
        value_at[i] = np.where(inside, u_value[np.maximum(g, 0)], 0)
        squares += np.bincount(u_value, weights=(u_end - u_start) ** 2, minlength=v).astype(np.int64)
    for value in range(1, v):
        result.squares[names[value]] = int(squares[value])
    if v <= 32:
        # how many coders give each value on each stretch; pairs of different coders
        # are all pairs of those counts less each coder with itself
        count = np.zeros((v, x), dtype=np.int64)
        np.add.at(count, (value_at, np.broadcast_to(np.arange(x), value_at.shape)), 1)
        weighted = count * widths
        matrix = (weighted @ count.T) - np.diag(weighted.sum(axis=1))
        flat_matrix = matrix.reshape(-1)
    else:
        flat_matrix = np.zeros(v * v, dtype=np.int64)
        for i in range(m):
            for j in range(m):
                if i != j:
                    flat_matrix += np.bincount(value_at[i] * v + value_at[j], weights=widths,
                                               minlength=v * v).astype(np.int64)
    for flat in np.flatnonzero(flat_matrix).tolist():
        result.pairs[(names[flat // v], names[flat % v])] = int(flat_matrix[flat])
    # each unit's length shared with the other coders' units, counted once per other coder
    shared_by_stretch = widths * ((value_at > 0).sum(axis=0) - 1)
    pairable = np.zeros(v, dtype=np.int64)
    for i, units in enumerate(coders):
        if not units:
            continue
        g = unit_at[i]
        mask = g >= 0
        shared = np.rint(np.bincount(g[mask], weights=shared_by_stretch[mask],
                                     minlength=len(units))).astype(np.int64)
        pairable += np.bincount(unit_value[i], weights=shared * shared,
                                minlength=v).astype(np.int64)
    for value in range(1, v):
        result.pairable_squares[names[value]] = int(pairable[value])
    return result


@dataclass(frozen=True)
class UnitizedAlphas:
    """The family for one tally: ``units`` coded units over ``length`` characters."""

    coders: int
    units: int
    length: int
    u_alpha: float | None
    boundaries_alpha: float | None
    cu_alpha: float | None
    per_value: Mapping[Hashable, float | None]

    def as_json(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "length": self.length,
            "u_alpha": _round(self.u_alpha),
            "boundaries_alpha": _round(self.boundaries_alpha),
            "cu_alpha": _round(self.cu_alpha),
            "per_value": {str(k): _round(v) for k, v in self.per_value.items()},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _alpha(observed: float, expected: float) -> float | None:
    """1 - observed / expected disagreement; None where chance allows no disagreement."""
    if expected <= 1e-12:
        return None
    return 1.0 - observed / expected


def _expected(
    margins: Mapping[Hashable | None, float], own: Mapping[Hashable | None, float]
) -> tuple[dict[Hashable | None, float], float]:
    """Expected diagonal coincidences and the expected total off the diagonal.

    ``margins[c]``: the row total of value c; ``own[c]``: the part of
    ``margins[c] ** 2`` that pairs a unit with itself.
    """
    total = sum(margins.values())
    own_total = sum(own.values())
    scale = total * total - own_total
    if total <= 0 or scale <= 0:
        return {c: 0.0 for c in margins}, 0.0
    diagonal = {c: total * (n * n - own.get(c, 0.0)) / scale for c, n in margins.items()}
    return diagonal, total - sum(diagonal.values())


def alphas(counts: UnitizedTally) -> UnitizedAlphas:
    """u-alpha, |u-alpha, cu-alpha and (k)u-alpha from a (pooled) tally."""
    m = counts.coders
    scale = m - 1
    l_ = {key: n / scale for key, n in counts.pairs.items()}
    values = sorted({c for c, _ in l_ if c is not None} | set(counts.squares), key=repr)
    margins: dict[Hashable | None, float] = {}
    for (c, _k), n in l_.items():
        margins[c] = margins.get(c, 0.0) + n
    own: dict[Hashable | None, float] = {c: float(n) for c, n in counts.squares.items()}
    own[None] = float(counts.gaps)
    total = sum(margins.values())

    # u-alpha: every value and the gaps
    diagonal, off = _expected(margins, own)
    observed_off = total - sum(l_.get((c, c), 0.0) for c in margins)
    u_alpha = _alpha(observed_off, off)

    # |u-alpha: relevant matter (any value) against gaps
    gap = margins.get(None, 0.0)
    observed_gap = gap - l_.get((None, None), 0.0)
    scale_all = total * total - sum(own.values())
    expected_gap = total * gap * (total - gap) / scale_all if scale_all > 0 else 0.0
    boundaries_alpha = _alpha(observed_gap, expected_gap)

    # cu-alpha and (k)u-alpha: values only, where the coders' units intersect
    star = {(c, k): n for (c, k), n in l_.items() if c is not None and k is not None}
    star_margins: dict[Hashable | None, float] = {c: 0.0 for c in values}
    for (c, _k), n in star.items():
        star_margins[c] += n
    star_own: dict[Hashable | None, float] = {
        c: counts.pairable_squares.get(c, 0) / (scale * scale) for c in values
    }
    star_total = sum(star_margins.values())
    star_diagonal, star_off = _expected(star_margins, star_own)
    cu_alpha: float | None = None
    present = [c for c in values if star_margins[c] > 0]
    if len(present) >= 2:
        observed_star = star_total - sum(star.get((c, c), 0.0) for c in values)
        cu_alpha = _alpha(observed_star, star_off)
    per_value: dict[Hashable, float | None] = {}
    star_scale = star_total * star_total - sum(star_own.values())
    for k in values:
        lk = star_margins[k]
        if len(present) < 2 or lk <= 0:
            per_value[k] = None
            continue
        # e*[k.] = sum over c of e*[k, c]; off the diagonal e* is proportional to the margins
        ek = star_diagonal[k] + star_total * lk * (star_total - lk) / star_scale
        expected_k = ek - star_diagonal[k]
        observed_k = lk - star.get((k, k), 0.0)
        if expected_k <= 1e-12:
            per_value[k] = None
        else:
            per_value[k] = 1.0 - (ek / lk) * observed_k / expected_k
    return UnitizedAlphas(
        coders=m, units=counts.units, length=counts.length, u_alpha=u_alpha,
        boundaries_alpha=boundaries_alpha, cu_alpha=cu_alpha, per_value=per_value,
    )


def unitized(length: int, units_by_coder: Sequence[Iterable[Unit]]) -> UnitizedAlphas:
    """The family for one continuum (see ``tally`` for the units' form)."""
    return alphas(tally(length, units_by_coder))


def pooled(continua: Iterable[tuple[int, Sequence[Iterable[Unit]]]], coders: int) -> UnitizedAlphas:
    """The family over several continua, each given as (length, units_by_coder)."""
    total = UnitizedTally(coders=coders)
    for length, units_by_coder in continua:
        total.add(tally(length, units_by_coder))
    return alphas(total)


def units_from_spans(
    spans: Iterable[tuple[int, int, Hashable]], length: int
) -> list[tuple[int, int, Hashable]]:
    """One coder's coded spans as non-overlapping units of the continuum 0-``length``.

    Spans are clipped to the continuum. Overlapping spans of one value merge
    into one unit (the coder marked that stretch once). Where spans of
    different values overlap, the continuum is cut at every boundary and each
    piece takes as value the sorted tuple of the values covering it, so a
    stretch coded with two codes at once is a unit of that combination.
    Spans of one value that only touch stay separate units.
    """
    by_value: dict[Hashable, list[tuple[int, int]]] = {}
    for start, end, value in spans:
        start, end = max(0, int(start)), min(length, int(end))
        if end > start:
            by_value.setdefault(value, []).append((start, end))
    merged: list[tuple[int, int, Hashable]] = []
    for value, stretches in by_value.items():
        stretches.sort()
        s0, e0 = stretches[0]
        for s, e in stretches[1:]:
            if s < e0:
                e0 = max(e0, e)
            else:
                merged.append((s0, e0, value))
                s0, e0 = s, e
        merged.append((s0, e0, value))
    merged.sort(key=lambda u: (u[0], u[1]))
    if all(a[1] <= b[0] for a, b in itertools.pairwise(merged)):
        return merged
    events: dict[int, list[tuple[int, Hashable]]] = {}
    for s, e, value in merged:
        events.setdefault(s, []).append((1, value))
        events.setdefault(e, []).append((-1, value))
    active: dict[Hashable, int] = {}
    pieces: list[tuple[int, int, Hashable]] = []
    at = sorted(events)
    for a, b in itertools.pairwise(at):
        for step, value in events[a]:
            active[value] = active.get(value, 0) + step
        covering = sorted((value for value, n in active.items() if n > 0), key=repr)
        if len(covering) == 1:
            pieces.append((a, b, covering[0]))
        elif covering:
            pieces.append((a, b, tuple(covering)))
    return pieces
