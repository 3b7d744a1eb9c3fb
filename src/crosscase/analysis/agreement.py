"""Agreement between coders, at three levels, Qt-free.

For two or more coders and one code at a time (and pooled over codes):

1. **Presence**: the units are the documents in scope; a coder's value is
   whether they applied the code anywhere in the document.
2. **Segments**: each coder's segments are matched against each other
   coder's; two segments match when they overlap by at least ``tolerance``
   (default 80%) of the shorter one, match partly when they overlap less,
   and are unmatched otherwise.
3. **Characters**: the units are all characters of the documents in scope;
   a coder's value is whether the character lies in one of their segments
   of the code.

At the presence and character levels the report gives percent agreement,
Cohen's kappa, Brennan and Prediger's kappa (two categories, so chance is
one half) and Krippendorff's alpha for nominal data. With more than two
coders, percent agreement, kappa and Brennan-Prediger are the means over
every pair of coders (Light's kappa for Cohen's); alpha takes all coders at
once. Each coefficient carries a 95% interval from a percentile bootstrap
that resamples units; every statistic depends only on how many units show
each pattern of values, so a bootstrap sample is one multinomial draw over
those patterns and a thousand of them cost little.

Krippendorff's unitized alpha family (``analysis.unitized``) is given beside
them, for segments the coders chose themselves: per code the code's segments
against the uncoded rest, and over all codes in scope with the codes as the
values of one variable (u-alpha, |u-alpha, cu-alpha and each code's
(k)u-alpha). Those coefficients have no interval.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from crosscase.analysis import unitized as unitizing
from crosscase.domain.errors import UsageError

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from sqlalchemy.orm import Session

#: the overlap (share of the shorter segment) at which two segments match
DEFAULT_TOLERANCE = 0.8
DEFAULT_BOOTSTRAP = 1000
COEFFICIENTS = ("percent", "kappa", "brennan_prediger", "alpha")


# -- coefficients from pattern counts ---------------------------------------------


@dataclass(frozen=True)
class Coefficients:
    """Agreement over ``units`` units, each coefficient with a 95% bootstrap interval.

    A coefficient is None where it is undefined: kappa and alpha when every
    unit has the same value for every coder (no variation to agree on).
    """

    units: int
    percent: float | None
    kappa: float | None
    brennan_prediger: float | None
    alpha: float | None
    ci95: Mapping[str, tuple[float, float] | None] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "units": self.units,
            **{name: _round(getattr(self, name)) for name in COEFFICIENTS},
            "ci95": {
                name: (None if ci is None else [_round(ci[0]), _round(ci[1])])
                for name, ci in self.ci95.items()
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _patterns(counts: Mapping[int, int], coders: int) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Patterns as a (k, coders) array of 0/1 and their counts as a (k,) array."""
    keys = sorted(k for k, n in counts.items() if n > 0)
    bits = np.array([[(k >> c) & 1 for c in range(coders)] for k in keys], dtype=np.int8)
    return bits.reshape(len(keys), coders), np.array([counts[k] for k in keys], dtype=np.float64)


def _statistics(bits: NDArray[np.int8], weights: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """Every coefficient for each row of ``weights`` (shape (b, k): b samples of pattern counts)."""
    b, _k = weights.shape
    m = bits.shape[1]
    total = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.zeros(b)
        kappa = np.zeros(b)
        for a, c in itertools.combinations(range(m), 2):
            same = (bits[:, a] == bits[:, c]).astype(np.float64)
            po = weights @ same / total
            pa = weights @ bits[:, a].astype(np.float64) / total
            pc = weights @ bits[:, c].astype(np.float64) / total
            pe = pa * pc + (1 - pa) * (1 - pc)
            percent += po
            kappa += np.where(pe < 1, (po - pe) / (1 - pe), np.nan)
        pairs = m * (m - 1) / 2
        percent /= pairs
        kappa /= pairs
        bp = (percent - 0.5) / 0.5
        # Krippendorff's alpha, nominal, no missing values: per unit with s ones
        # out of m values, 2 s (m - s) / (m - 1) ordered pairs disagree
        s = bits.sum(axis=1).astype(np.float64)
        disagree = weights @ (2 * s * (m - s) / (m - 1))
        ones = weights @ s
        zeros = weights @ (m - s)
        n = total * m
        expected = 2 * ones * zeros / (n - 1)
        alpha = np.where(expected > 0, 1 - disagree / expected, np.nan)
    return {"percent": percent, "kappa": kappa, "brennan_prediger": bp, "alpha": alpha}


def coefficients(
    counts: Mapping[int, int],
    coders: int,
    *,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> Coefficients:
    """Agreement from pattern counts: ``counts[mask]`` units where exactly the coders
    whose bits are set in ``mask`` gave the value 1 (coder i is bit i)."""
    if coders < 2:
        raise UsageError("agreement needs two or more coders")
    units = int(sum(counts.values()))
    if units == 0:
        return Coefficients(0, None, None, None, None, {n: None for n in COEFFICIENTS})
    bits, weights = _patterns(counts, coders)
    point = {k: float(v[0]) for k, v in _statistics(bits, weights[None, :]).items()}
    ci: dict[str, tuple[float, float] | None] = {}
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        samples = rng.multinomial(units, weights / units, size=bootstrap).astype(np.float64)
        drawn = _statistics(bits, samples)
        for name, values in drawn.items():
            finite = values[np.isfinite(values)]
            if np.isnan(point[name]) or finite.size < bootstrap // 2:
                ci[name] = None
            else:
                lo, hi = np.percentile(finite, [2.5, 97.5])
                ci[name] = (float(lo), float(hi))

    def value(name: str) -> float | None:
        v = point[name]
        return None if np.isnan(v) else v

    return Coefficients(units, value("percent"), value("kappa"), value("brennan_prediger"),
                        value("alpha"), ci)


# -- units from spans ------------------------------------------------------------------


Span = tuple[int, int]


def character_patterns(
    length: int, spans_by_coder: Sequence[Iterable[Span]]
) -> dict[int, int]:
    """How many of a document's ``length`` characters show each coder pattern.

    Overlapping or repeated spans of one coder count once (a character is
    coded or not); spans are clipped to the document.
    """
    events: dict[int, list[tuple[int, int]]] = {}
    for coder, spans in enumerate(spans_by_coder):
        for start, end in spans:
            start, end = max(0, start), min(length, end)
            if end > start:
                events.setdefault(start, []).append((coder, 1))
                events.setdefault(end, []).append((coder, -1))
    depth = [0] * len(spans_by_coder)
    counts: dict[int, int] = {}
    position, mask = 0, 0
    for at in sorted(events):
        if at > position:
            counts[mask] = counts.get(mask, 0) + at - position
            position = at
        for coder, step in events[at]:
            depth[coder] += step
        mask = sum(1 << c for c, d in enumerate(depth) if d > 0)
    if length > position:
        counts[mask] = counts.get(mask, 0) + length - position
    return counts


def add_counts(into: dict[int, int], more: Mapping[int, int]) -> None:
    for mask, n in more.items():
        into[mask] = into.get(mask, 0) + n


@dataclass(frozen=True)
class SegmentMatch:
    """How one coder's segments fare against another's."""

    coder: str
    other: str
    segments: int
    matched: int
    partly: int
    unmatched: int

    def as_json(self) -> dict[str, Any]:
        return {
            "coder": self.coder, "other": self.other, "segments": self.segments,
            "matched": self.matched, "partly": self.partly, "unmatched": self.unmatched,
        }


def match_segments(
    mine: Sequence[Span], theirs: Sequence[Span], tolerance: float = DEFAULT_TOLERANCE
) -> tuple[int, int, int]:
    """(matched, partly, unmatched) for each of ``mine`` against ``theirs``, in one document."""
    ordered = sorted(theirs)
    starts = [s for s, _ in ordered]
    longest = max((e - s for s, e in ordered), default=0)
    matched = partly = unmatched = 0
    import bisect

    for start, end in mine:
        best = 0.0
        # only spans starting before our end can overlap; none starts earlier than
        # start - longest and still reaches us
        lo = bisect.bisect_left(starts, start - longest)
        hi = bisect.bisect_left(starts, end)
        for s, e in ordered[lo:hi]:
            overlap = min(end, e) - max(start, s)
            if overlap > 0:
                shorter = min(end - start, e - s)
                best = max(best, overlap / shorter)
        if best >= tolerance:
            matched += 1
        elif best > 0:
            partly += 1
        else:
            unmatched += 1
    return matched, partly, unmatched


# -- a project's codings -------------------------------------------------------------


@dataclass
class CodeAgreement:
    code_id: int
    path: str
    segments_per_coder: dict[str, int]
    presence: Coefficients
    characters: Coefficients
    segments: list[SegmentMatch]
    #: Krippendorff's unitized family: this code's segments against the uncoded
    #: rest, and the code's (k)u-alpha among all codes in scope (per_value)
    unitized: unitizing.UnitizedAlphas | None = None

    def as_json(self) -> dict[str, Any]:
        total = sum(m.segments for m in self.segments)
        matched = sum(m.matched for m in self.segments)
        return {
            "code": self.path,
            "segments_per_coder": self.segments_per_coder,
            "presence": self.presence.as_json(),
            "segments": {
                "pairs": [m.as_json() for m in self.segments],
                "matched_share": _round(matched / total) if total else None,
            },
            "characters": self.characters.as_json(),
            "unitized": None if self.unitized is None else self.unitized.as_json(),
        }


@dataclass
class AgreementReport:
    coders: list[str]
    scope: dict[str, Any]
    overall: dict[str, Coefficients]
    codes: list[CodeAgreement]
    #: the unitized family over all codes in scope at once, the codes as values
    unitized: unitizing.UnitizedAlphas | None = None

    def as_json(self) -> dict[str, Any]:
        overall: dict[str, Any] = {level: c.as_json() for level, c in self.overall.items()}
        overall["unitized"] = None if self.unitized is None else self.unitized.as_json()
        return {
            "coders": self.coders,
            "scope": self.scope,
            "overall": overall,
            "codes": [c.as_json() for c in self.codes],
        }


def agreement(
    session: Session,
    coders: Sequence[str],
    *,
    code_ids: Sequence[int] | None = None,
    case_ids: Sequence[int] | None = None,
    document_ids: Sequence[int] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    unitized: bool = True,
) -> AgreementReport:
    """Agreement of ``coders`` (names) per code and pooled over the codes in scope.

    The documents in scope are those of ``case_ids`` / ``document_ids``
    (default: every document any of the coders coded), and every character
    of them counts as a unit, coded or not. ``unitized=False`` leaves out
    Krippendorff's unitized family (``unitized`` stays None).
    """
    from sqlalchemy import select

    from crosscase.db.models import Coder, Coding, Document
    from crosscase.services import codebook

    names = list(dict.fromkeys(coders))
    if len(names) < 2:
        raise UsageError("agreement needs two or more different coders")
    if not 0 < tolerance <= 1:
        raise UsageError("the overlap tolerance is a share between 0 and 1")
    ids = dict(session.execute(select(Coder.name, Coder.id).where(Coder.name.in_(names))).all())
    missing = [n for n in names if n not in ids]
    if missing:
        raise UsageError(f"no coder {', '.join(repr(n) for n in missing)} in this project")
    index = {ids[n]: i for i, n in enumerate(names)}

    q = select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
        Coding.coder_id.in_(list(index))
    )
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(list(code_ids)))
    docs_q = select(Document.id, Document.chars)
    if case_ids is not None:
        docs_q = docs_q.where(Document.case_id.in_(list(case_ids)))
    if document_ids is not None:
        docs_q = docs_q.where(Document.id.in_(list(document_ids)))
    rows = session.execute(q).all()
    if case_ids is None and document_ids is None:
        docs_q = docs_q.where(Document.id.in_({r.document_id for r in rows} or {-1}))
    lengths: dict[int, int] = {d: n for d, n in session.execute(docs_q)}

    # code -> document -> coder index -> spans
    spans: dict[int, dict[int, list[list[Span]]]] = {}
    for doc, code, coder, start, end in rows:
        if doc in lengths and coder is not None:
            per_doc = spans.setdefault(code, {})
            per_doc.setdefault(doc, [[] for _ in names])[index[coder]].append((start, end))
    nodes = codebook.tree(session)
    wanted = list(code_ids) if code_ids is not None else [c for c in nodes if c in spans]

    m = len(names)
    pooled_chars: dict[int, int] = {}
    pooled_presence: dict[int, int] = {}
    results: list[CodeAgreement] = []
    for code in wanted:
        per_doc = spans.get(code, {})
        chars: dict[int, int] = {}
        presence: dict[int, int] = {}
        for doc, length in lengths.items():
            by_coder = per_doc.get(doc, [[] for _ in names])
            add_counts(chars, character_patterns(length, by_coder))
            mask = sum(1 << i for i, s in enumerate(by_coder) if s)
            presence[mask] = presence.get(mask, 0) + 1
        matches: list[SegmentMatch] = []
        for a, b in itertools.permutations(range(m), 2):
            mt = pt = um = 0
            for by_coder in per_doc.values():
                x, y, z = match_segments(by_coder[a], by_coder[b], tolerance)
                mt, pt, um = mt + x, pt + y, um + z
            matches.append(SegmentMatch(names[a], names[b], mt + pt + um, mt, pt, um))
        add_counts(pooled_chars, chars)
        add_counts(pooled_presence, presence)
        units_tally = unitizing.UnitizedTally(coders=m)
        for doc, length in lengths.items() if unitized else ():
            by_coder = per_doc.get(doc, [[] for _ in names])
            units_tally.add(unitizing.tally(length, [
                unitizing.units_from_spans([(s, e, code) for s, e in coder_spans], length)
                for coder_spans in by_coder
            ]))
        results.append(CodeAgreement(
            code_id=code,
            path=nodes[code].path if code in nodes else str(code),
            segments_per_coder={
                names[i]: sum(len(by_coder[i]) for by_coder in per_doc.values()) for i in range(m)
            },
            presence=coefficients(presence, m, bootstrap=bootstrap, seed=seed),
            characters=coefficients(chars, m, bootstrap=bootstrap, seed=seed),
            segments=matches,
            unitized=unitizing.alphas(units_tally) if unitized else None,
        ))
    # the unitized family with the codes in scope as the values of one variable
    all_codes = unitizing.UnitizedTally(coders=m)
    for doc, length in lengths.items() if unitized else ():
        tagged: list[list[tuple[int, int, int]]] = [[] for _ in names]
        for code in wanted:
            for i, coder_spans in enumerate(spans.get(code, {}).get(doc, [])):
                tagged[i].extend((s, e, code) for s, e in coder_spans)
        all_codes.add(unitizing.tally(
            length, [unitizing.units_from_spans(t, length) for t in tagged]))
    family = unitizing.alphas(all_codes)
    path_of = {c.code_id: c.path for c in results}
    overall_unitized = None if not unitized else dataclasses.replace(family, per_value={
        path_of[k]: v for k, v in family.per_value.items() if k in path_of
    })
    for c in results:
        if c.unitized is not None:
            c.unitized = dataclasses.replace(
                c.unitized, per_value={c.path: family.per_value.get(c.code_id)})
    scope = {
        "documents": len(lengths),
        "characters": sum(lengths.values()),
        "codes": len(wanted),
        "tolerance": tolerance,
        "units": {
            "presence": "documents in scope, per code",
            "characters": "every character of the documents in scope, per code",
            "unitized": (
                "the coders' own segments and the uncoded gaps of every document in scope "
                "(Krippendorff et al. 2016); per code, the code against the uncoded rest "
                "(u-alpha equals |u-alpha for one value) and its (k)u-alpha among the codes "
                "in scope; overall, the codes in scope as the values of one variable, where "
                "one coder's overlapping codes form a value of their own; no intervals"
            ),
        },
        "more_than_two_coders": (
            "percent, kappa and Brennan-Prediger are means over pairs of coders"
            if m > 2 else None
        ),
    }
    overall = {
        "presence": coefficients(pooled_presence, m, bootstrap=bootstrap, seed=seed),
        "characters": coefficients(pooled_chars, m, bootstrap=bootstrap, seed=seed),
    }
    return AgreementReport(names, scope, overall, results, overall_unitized)


def double_coded(session: Session, coders: Sequence[str]) -> list[int]:
    """The documents every one of ``coders`` coded something in (a reliability sample)."""
    from sqlalchemy import func, select

    from crosscase.db.models import Coder, Coding

    names = list(dict.fromkeys(coders))
    q = (
        select(Coding.document_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coder.name.in_(names))
        .group_by(Coding.document_id)
        .having(func.count(func.distinct(Coding.coder_id)) == len(names))
        .order_by(Coding.document_id)
    )
    return [int(d) for d in session.scalars(q)]
