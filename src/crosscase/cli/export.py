"""``crosscase export PROJECT --format qdpx|qdc|docx|xlsx --out FILE`` with the report's choices."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crosscase.cli.common import add_project, open_, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--format", required=True, choices=["qdpx", "qdc", "docx", "xlsx"])
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    report = p.add_argument_group("Word and Excel reports")
    report.add_argument("--codes", action="append", metavar="CODE",
                        help="only this theme (path or unique name) and its sub-codes; "
                        "may be repeated")
    report.add_argument("--no-descendants", action="store_true",
                        help="with --codes: only the codes named, not their sub-codes")
    report.add_argument("--cases", action="append", metavar="CASE",
                        help="only this case; may be repeated")
    report.add_argument("--drop-empty", action="store_true",
                        help="leave out rows with nothing in any column")
    report.add_argument("--transpose", action="store_true",
                        help="cases as rows, themes as columns")
    report.add_argument("--max-quote-words", type=int, metavar="N",
                        help="cut longer quotes at a sentence or word boundary with an "
                        "ellipsis (the Excel export keeps them whole)")
    report.add_argument("--quotes", type=int, default=None, metavar="N",
                        help="fill each cell with up to N quotes (after the pinned ones)")
    report.add_argument("--citations", choices=["short", "full", "none"], default="short",
                        help="short: (P2, ¶11) with a legend in the note (default); "
                        "full: case, document, speaker; none")
    report.add_argument("--title", metavar="T", help="the table's title")
    report.add_argument("--no-appendix", action="store_true",
                        help="leave out the codebook appendix")
    report.add_argument("--charts", metavar="KINDS",
                        help="Word: add charts after the table as numbered figures, "
                        "comma-separated: heatmap, cooccur, profiles")
    report.add_argument("--no-rollup", action="store_true",
                        help="count each code's own passages only; a theme with sub-codes "
                        "then also shows its count including them")
    report.add_argument("--coder", nargs="+", dest="only_coders", metavar="NAME",
                        help="count and quote only these coders' codings (default: "
                        "everyone's); the note says whose")
    report.add_argument("--query", action="append", metavar="EXPR",
                        help="rows are coding queries instead of codes ('query by case'), "
                        "named by their expressions; may be repeated")


def report_options(args: argparse.Namespace, project: Any) -> dict[str, Any]:
    """The report's choices from the command line, codes and cases resolved."""
    from crosscase.exchange.reports.report_data import resolve_codes
    from crosscase.services import cases, coders

    with project.session() as s:
        code_ids = (resolve_codes(s, args.codes, descendants=not args.no_descendants)
                    if args.codes else None)
        case_ids = [cases.resolve(s, c) for c in args.cases] if args.cases else None
        coder_ids = coders.resolve_many(s, args.only_coders)
    options: dict[str, Any] = {
        "code_ids": code_ids, "case_ids": case_ids, "rollup": not args.no_rollup,
        "coder_ids": coder_ids,
    }
    if args.format == "docx":
        options.update(
            drop_empty=args.drop_empty, transpose=args.transpose,
            max_quote_words=args.max_quote_words, citations=args.citations,
            title=args.title, appendix=not args.no_appendix,
        )
        if args.charts:
            kinds = [k.strip() for k in args.charts.split(",") if k.strip()]
            bad = [k for k in kinds if k not in ("heatmap", "cooccur", "profiles")]
            if bad:
                from crosscase.domain.errors import UsageError

                raise UsageError(f"--charts takes heatmap, cooccur, profiles; not {', '.join(bad)}")
            options["charts"] = kinds
        if args.quotes is not None:
            options["quotes_per_cell"] = args.quotes
    return options


def run(args: argparse.Namespace) -> int:
    if args.only_coders:
        from crosscase.domain.errors import UsageError

        if args.format not in ("docx", "xlsx"):
            raise UsageError(f"--coder works with --format docx or xlsx, not {args.format} "
                             "(which keeps every coding with its coder)")
        if args.query:
            raise UsageError("--query works without --coder (use BY coder:\"NAME\" in "
                             "the query)")
        if args.charts:
            raise UsageError("--coder works without --charts (the charts count every "
                             "coder's codings)")
    if args.query:
        return _query_report(args)
    with open_(args) as project:
        if args.format in ("qdpx", "qdc"):
            from crosscase.exchange import refi

            fn = refi.export_qdpx if args.format == "qdpx" else refi.export_qdc
            report = fn(project, args.out)
            for line in report.lines() if report is not None else []:
                print(shown(line))
        else:
            from crosscase.exchange.reports import export_report

            export_report(project, args.out, args.format, **report_options(args, project))
    print(shown(f"wrote {args.out}"))
    return 0


def _query_report(args: argparse.Namespace) -> int:
    """``--query EXPR ...``: the report's table with one row per query."""
    import sys

    from crosscase.analysis import query
    from crosscase.domain.errors import UsageError
    from crosscase.exchange.reports import query_reports

    if args.format not in ("docx", "xlsx"):
        raise UsageError(f"--query works with --format docx or xlsx, not {args.format}")
    if args.codes:
        raise UsageError("--query takes no --codes (write \"CODE\"/* for a code and its "
                         "sub-codes)")
    try:
        with open_(args) as project, project.session() as s:
            from crosscase.services import cases, rounds

            case_ids = [cases.resolve(s, c) for c in args.cases] if args.cases else None
            blind = rounds.blind_for(s, project.coder_name)
            if args.format == "docx":
                query_reports.export_query_docx(
                    s, args.out, list(args.query), case_ids=case_ids, title=args.title,
                    drop_empty=args.drop_empty, transpose=args.transpose, blind=blind)
            else:
                query_reports.export_query_xlsx(s, args.out, list(args.query),
                                                case_ids=case_ids, blind=blind)
    except query.QueryError as exc:
        print(f"crosscase: {shown(exc.message)}", file=sys.stderr)
        print(exc.pointer(), file=sys.stderr)
        return exc.exit_code
    print(shown(f"wrote {args.out}"))
    return 0
