"""``crosscase agreement PROJECT --coders A B [C...]``: how far coders agree, per code."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from crosscase.cli.common import add_project, open_, print_json, shown

if TYPE_CHECKING:
    from crosscase.analysis.agreement import AgreementReport, Coefficients


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--coders", nargs="+", metavar="NAME",
                   help="two or more coders to compare (default with --round: the round's)")
    p.add_argument("--round", metavar="NAME",
                   help="only the documents of this reliability round (and, unless --coders "
                        "says otherwise, its coders)")
    p.add_argument("--codes", nargs="+", metavar="CODE", help="only these codes (default: all used)")
    p.add_argument("--cases", nargs="+", metavar="CASE",
                   help="only the documents of these cases (default: every document coded)")
    p.add_argument("--double-coded", action="store_true",
                   help="only the documents every named coder coded (a reliability sample)")
    p.add_argument("--tolerance", type=float, default=0.8,
                   help="overlap of the shorter segment at which segments match (default 0.8)")
    p.add_argument("--bootstrap", type=int, default=1000,
                   help="bootstrap samples for the 95%% intervals (default 1000; 0: none)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--format", choices=("table", "csv", "docx"), default="table",
                   help="docx: an APA table with its note and a methods paragraph")
    p.add_argument("--out", type=Path, help="file to write (with --format csv or docx)")
    p.add_argument("--methods", action="store_true",
                   help="also print the methods paragraph (coders, share double-coded, "
                        "measures, how disagreements were resolved)")


def run(args: argparse.Namespace) -> int:
    from crosscase.analysis.agreement import agreement
    from crosscase.domain.errors import UsageError
    from crosscase.services import cases, codebook

    if args.format in ("csv", "docx") and args.out is None:
        raise UsageError(f"--format {args.format} needs --out FILE")
    if not args.coders and not args.round:
        raise UsageError("name the coders to compare (--coders A B) or a round (--round NAME)")
    with open_(args) as project, project.session() as s:
        round_documents = None
        if args.round:
            from crosscase.services import rounds

            info = rounds.find(s, args.round)
            round_documents = info.documents
            if not args.coders:
                if len(info.coders) < 2:
                    raise UsageError(f"the round {info.name} names fewer than two coders; "
                                     "give them with --coders A B")
                args.coders = info.coders
        code_ids = None
        if args.codes:
            nodes = codebook.tree(s)
            code_ids = [codebook.resolve(s, c, nodes) for c in args.codes]
        case_ids = [cases.resolve(s, c) for c in args.cases] if args.cases else None
        document_ids = None
        if args.double_coded:
            from crosscase.analysis.agreement import double_coded

            document_ids = double_coded(s, args.coders)
        if round_documents is not None:
            document_ids = [d for d in round_documents
                            if document_ids is None or d in set(document_ids)]
        report = agreement(s, args.coders, code_ids=code_ids, case_ids=case_ids,
                           document_ids=document_ids, tolerance=args.tolerance, bootstrap=args.bootstrap, seed=args.seed)
        if args.round:
            report.scope["round"] = args.round
        if args.format == "docx":
            from crosscase.exchange.reports.agreement_report import export_agreement_docx

            print(shown(f"wrote {export_agreement_docx(s, report, args.out)}"))
            return 0
        methods = None
        if args.methods:
            from crosscase.exchange.reports.agreement_report import methods_text

            methods = methods_text(s, report)
    if args.json:
        print_json(report.as_json())
        print()
        return 0
    if args.format == "csv":
        from crosscase.exchange.reports.report_data import write_private

        text = to_csv(report)

        def write(path: Path) -> None:
            path.write_text(text, encoding="utf-8", newline="")

        out = write_private(args.out, write)
        print(shown(f"wrote {out}"))
        return 0
    print(to_table(report))
    if methods:
        print()
        print("\n".join(shown(line) for line in methods.split("\n")))
    return 0


def _fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{value:5.2f}"


def _ci(c: Coefficients, name: str) -> str:
    ci = c.ci95.get(name)
    return "" if ci is None else f"[{ci[0]:.2f}, {ci[1]:.2f}]"


def to_table(report: AgreementReport) -> str:
    coders = shown(", ".join(report.coders))
    scope = report.scope
    lines = [
        f"Agreement of {coders}: {scope['codes']} code(s), {scope['documents']} document(s), "
        f"{scope['characters']:,} characters",
        "",
    ]
    width = max([len(shown(c.path)) for c in report.codes] + [len("All codes (pooled)")])
    head = (f"{'code':<{width}}  {'segments':>12}  {'%':>5}  {'kappa':>5}  {'B-P':>5}  {'alpha':>5}  "
            f"{'u-alpha':>7}  {'(k)u':>5}  alpha 95% CI")
    lines += [head, "-" * len(head)]
    for code in report.codes:
        ch = code.characters
        un = code.unitized
        u_alpha = _fmt(None if un is None else un.u_alpha)
        k_alpha = _fmt(None if un is None else un.per_value.get(code.path))
        counts = "/".join(str(code.segments_per_coder[n]) for n in report.coders)
        lines.append(f"{shown(code.path):<{width}}  {counts:>12}  {_fmt(ch.percent)}  {_fmt(ch.kappa)}  "
                     f"{_fmt(ch.brennan_prediger)}  {_fmt(ch.alpha)}  {u_alpha:>7}  {k_alpha}  "
                     f"{_ci(ch, 'alpha')}")
    ov = report.overall["characters"]
    family = report.unitized
    lines.append(f"{'All codes (pooled)':<{width}}  {'':>12}  {_fmt(ov.percent)}  {_fmt(ov.kappa)}  "
                 f"{_fmt(ov.brennan_prediger)}  {_fmt(ov.alpha)}  "
                 f"{_fmt(None if family is None else family.u_alpha):>7}  {'':>5}  {_ci(ov, 'alpha')}")
    lines += [
        "",
        "Note. Computed over every character of the documents in scope (coded or not), "
        "per code; B-P = Brennan and Prediger's kappa; intervals from a percentile bootstrap "
        f"over characters. Segments per coder: {coders}.",
        "u-alpha: Krippendorff's unitized alpha (Krippendorff et al. 2016) over the coders' own "
        "segments and the uncoded gaps, per code; (k)u: the code's agreement among the codes "
        "where coders' segments meet; unitized alphas have no interval.",
    ]
    if family is not None:
        lines.append(
            f"Unitized, all codes as values of one variable ({family.units:,} segments): "
            f"u-alpha {_fmt(family.u_alpha).strip()}, |u-alpha (boundaries only) "
            f"{_fmt(family.boundaries_alpha).strip()}, cu-alpha (codes given segments) "
            f"{_fmt(family.cu_alpha).strip()}.")
    if scope.get("more_than_two_coders"):
        lines.append(shown(f"With more than two coders, {scope['more_than_two_coders']}."))
    return "\n".join(lines)


def to_csv(report: AgreementReport) -> str:
    import csv
    import io

    from crosscase.exchange.reports.cells import csv_safe

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    levels = ("presence", "characters")
    header = ["code", *(f"segments {n}" for n in report.coders)]
    for level in levels:
        header += [f"{level} units", *(f"{level} {name}" for name in
                                        ("percent", "kappa", "brennan_prediger", "alpha")),
                   f"{level} alpha ci low", f"{level} alpha ci high"]
    header += ["unitized segments", "unitized u_alpha", "unitized (k)u_alpha"]
    w.writerow(header)

    def cells(c: Coefficients) -> list[object]:
        ci = c.ci95.get("alpha")
        return [c.units, c.percent, c.kappa, c.brennan_prediger, c.alpha,
                None if ci is None else ci[0], None if ci is None else ci[1]]

    for code in report.codes:
        row: list[object] = [csv_safe(code.path),
                             *(code.segments_per_coder[n] for n in report.coders)]
        for level in levels:
            row += cells(getattr(code, level))
        un = code.unitized
        row += ([None, None, None] if un is None
                else [un.units, un.u_alpha, un.per_value.get(code.path)])
        w.writerow(["" if v is None else round(v, 4) if isinstance(v, float) else v for v in row])
    return buf.getvalue()
