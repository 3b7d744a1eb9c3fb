"""The agreement report in Word, and the methods paragraph that states it.

An APA table (code, segments per coder, percent agreement, Cohen's kappa,
Krippendorff's alpha with its 95% interval) built with the Word report's
named styles and helpers (``docx_report``), so a journal template restyles
it; under it a note says at which level and over which units the numbers
were computed and which overlap tolerance matched segments. A methods
paragraph follows: who coded, what share of the documents was double-coded,
which measures, and how disagreements were resolved (from the event log's
consensus decisions).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.exchange.reports import docx_report as report
from crosscase.exchange.reports.cells import xml_safe
from crosscase.exchange.reports.docx_report import Para, Row, TablePlan
from crosscase.exchange.reports.report_data import write_private

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crosscase.analysis.agreement import AgreementReport, Coefficients

TITLE = "Intercoder Agreement per Code"


def _num(value: float | None) -> str:
    """APA: no leading zero for values that cannot exceed one; a dash where undefined."""
    if value is None:
        return "\u2013"
    text = f"{value:.2f}"
    if text == "-0.00":
        text = "0.00"
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def _alpha(c: Coefficients) -> str:
    ci = c.ci95.get("alpha")
    shown = _num(c.alpha)
    return shown if ci is None else f"{shown} [{_num(ci[0])}, {_num(ci[1])}]"


def resolutions(session: Session) -> Counter[str]:
    """Consensus decisions still in force, by decision (from the event log)."""
    from sqlalchemy import select

    from crosscase.db.models import Event

    counts: Counter[str] = Counter()
    for action, detail in session.execute(
        select(Event.action, Event.detail)
        .where(Event.action.in_(["ResolveDisagreement", "undo ResolveDisagreement"]))
    ):
        decision = str(json.loads(detail or "{}").get("decision", ""))
        counts[decision] += -1 if action.startswith("undo") else 1
    return +counts


def double_coded_share(session: Session, coders: list[str]) -> tuple[int, int]:
    """(documents coded by two or more of ``coders``, documents in the project)."""
    from sqlalchemy import func, select

    from crosscase.db.models import Coder, Coding, Document

    per_doc = (
        select(Coding.document_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coder.name.in_(coders))
        .group_by(Coding.document_id)
        .having(func.count(func.distinct(Coding.coder_id)) >= 2)
    )
    both = len(session.execute(per_doc).all())
    total = session.scalar(select(func.count()).select_from(Document)) or 0
    return both, int(total)


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def methods_text(session: Session, result: AgreementReport) -> str:
    """One paragraph for a paper's methods section."""
    coders = result.coders
    both, total = double_coded_share(session, coders)
    share = f"{both} of {total} documents ({both / total:.0%})" if total else "no documents"
    ov = result.overall["characters"]
    text = (
        f"{len(coders)} coders ({_names(coders)}) coded the same material independently; "
        f"{share} were double-coded. Agreement was computed per code at the character level, "
        "over every character of the double-coded documents, as percent agreement, Cohen's "
        "kappa, Brennan and Prediger's kappa and Krippendorff's alpha (nominal), with 95% "
        "percentile bootstrap intervals over characters; pooled over codes, alpha was "
        f"{_num(ov.alpha)}"
    )
    ci = ov.ci95.get("alpha")
    text += f" (95% CI [{_num(ci[0])}, {_num(ci[1])}])" if ci else ""
    text += f" and kappa {_num(ov.kappa)}. "
    done = resolutions(session)
    if done:
        names = {"a": "one coder's coding accepted", "b": "one coder's coding accepted",
                 "union": "the union of both", "intersection": "the overlap of both",
                 "recode": "recoded with another code"}
        kinds = Counter[str]()
        for decision, n in done.items():
            kinds[names.get(decision, decision)] += n
        parts = ", ".join(f"{k} ({n})" for k, n in kinds.most_common())
        text += (f"Disagreements were discussed and resolved into a consensus coding, "
                 f"{sum(done.values())} decisions in all: {parts}.")
    else:
        text += "No disagreements have yet been resolved into a consensus coding."
    return text


def build_plan(result: AgreementReport) -> TablePlan:
    heads = ["Code", *(f"Segments, {n}" for n in result.coders), "Percent", "Kappa",
             "Alpha [95% CI]"]

    def cell(value: str) -> list[Para]:
        return [Para("Table Text", [(xml_safe(value), None)])]

    rows: list[Row] = []
    for code in result.codes:
        ch = code.characters
        rows.append(Row(
            [Para("Table Theme 1", [(xml_safe(code.path.replace("/", " / ")), None)])],
            [*(cell(f"{code.segments_per_coder[n]:,}") for n in result.coders),
             cell(_num(ch.percent)), cell(_num(ch.kappa)), cell(_alpha(ch))],
        ))
    ov = result.overall["characters"]
    rows.append(Row([Para("Table Theme 1", [("All codes (pooled)", "Table Rating")])],
                    [*([] for _ in result.coders), cell(_num(ov.percent)), cell(_num(ov.kappa)),
                     cell(_alpha(ov))]))
    header = Row([Para("Table Heading", [(heads[0], None)])],
                 [[Para("Table Heading", [(xml_safe(h), None)])] for h in heads[1:]],
                 header=True)
    return TablePlan(header, rows, centred=True)


def note_sentences(result: AgreementReport) -> list[str]:
    scope = result.scope
    out = [
        f"Coders: {_names(result.coders)}. Level: characters. Units: every character of the "
        f"{scope['documents']} document(s) in scope ({scope['characters']:,} characters), coded "
        "or not, per code.",
        "Percent = percent agreement; kappa = Cohen's kappa; alpha = Krippendorff's alpha "
        "(nominal), with a 95% percentile bootstrap interval over characters.",
        f"Segments are counted per coder; two segments match when they overlap by at least "
        f"{scope['tolerance']:.0%} of the shorter one (the segment level, not shown).",
    ]
    family = result.unitized
    if family is not None:
        out.append(
            "Krippendorff's unitized alphas (Krippendorff et al., 2016), over the coders' own "
            f"segments and the uncoded gaps between them ({family.units:,} segments), all codes "
            f"as values of one variable: u\u03b1 = {_num(family.u_alpha)}, boundaries only "
            f"|u\u03b1 = {_num(family.boundaries_alpha)}, codes given segments "
            f"cu\u03b1 = {_num(family.cu_alpha)}; unitized alphas have no interval.")
    if scope.get("more_than_two_coders"):
        out.append(f"With more than two coders, {scope['more_than_two_coders']}.")
    return out


def export_agreement_docx(
    session: Session, result: AgreementReport, out: Path, *, title: str = TITLE,
    table_number: int = 1,
) -> Path:
    """Write the table, its note and the methods paragraph to ``out``; return the path."""
    from sqlalchemy import select

    from crosscase.db.models import ProjectInfo

    name = session.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1)) or ""
    methods = methods_text(session, result)
    today = date.today()
    doc = report.new_report(name, title, f"{today.day} {today:%B %Y}", theme_levels=1)
    plan = build_plan(result)
    report.fit(plan)
    # numbers need little room; the code's path takes what is left
    width, _ = report.usable_pt(plan.landscape)
    coders = len(result.coders)
    numbers = [62.0] * coders + [46.0, 46.0, 96.0]
    plan.widths = [max(width - sum(numbers), 120.0), *numbers]
    section = doc.sections[0]
    report.page(section, landscape=plan.landscape)
    report.footer_page_number(section)
    report.caption(doc, table_number, title)
    report.write_table(doc, plan, section)
    report.note(doc, note_sentences(result))
    heading = doc.add_paragraph()
    report.styled(heading, "Heading 2")
    heading.add_run("Methods text")
    doc.add_paragraph(xml_safe(methods))
    return write_private(Path(out), lambda p: doc.save(str(p)))
