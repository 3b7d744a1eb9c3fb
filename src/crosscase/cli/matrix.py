"""``crosscase matrix PROJECT``: the cross-case matrix as a table, CSV, JSON, Excel or Word."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crosscase.cli.common import add_project, open_, shown

MEASURE_NAMES = ("segments", "documents", "participants", "words", "share", "rate", "presence")
FORMATS = ("table", "csv", "json", "xlsx", "docx")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument(
        "--cols", default="cases", metavar="COLS",
        help="columns: cases, documents, or a case, document or participant attribute "
        "(e.g. role; scope:name if the name is used twice)",
    )
    p.add_argument("--measure", default="segments", choices=MEASURE_NAMES,
                   help="what the cells count (default: segments)")
    p.add_argument("--rollup", action="store_true",
                   help="a code also counts its sub-codes' passages (each passage once)")
    p.add_argument("--keep-empty-columns", action="store_true",
                   help="by an attribute, also show the values no coded passage falls in "
                   "(left out of the table, CSV and JSON by default, e.g. the interviewer's role)")
    p.add_argument("--format", default="table", choices=FORMATS, dest="format")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write to FILE (needed for xlsx and docx)")
    p.add_argument("--code", action="append", metavar="CODE",
                   help="only this code (path or unique name); may be repeated")
    p.add_argument("--case", action="append", metavar="CASE",
                   help="only this case; may be repeated")
    p.add_argument("--coder", nargs="+", dest="only_coders", metavar="NAME",
                   help="count only these coders' codings")
    p.add_argument("--query", action="append", metavar="EXPR",
                   help="rows are coding queries instead of codes ('query by case'), "
                        "named by their expressions; may be repeated")


def run(args: argparse.Namespace) -> int:
    from crosscase.domain.errors import UsageError

    fmt = args.format
    if fmt in ("xlsx", "docx") and args.out is None:
        raise UsageError(f"--format {fmt} needs --out FILE")
    if args.query:
        return _query_rows(args)
    with open_(args) as project:
        with project.session() as s:
            from crosscase.services import cases, codebook, coders

            code_ids = [codebook.resolve(s, c) for c in args.code] if args.code else None
            case_ids = [cases.resolve(s, c) for c in args.case] if args.case else None
            coder_ids = coders.resolve_many(s, args.only_coders)
        options = {"cols": args.cols, "rollup": args.rollup, "code_ids": code_ids,
                   "case_ids": case_ids}
        if fmt == "docx":
            from crosscase.exchange.reports.docx_report import export_docx

            export_docx(project, args.out, measure=args.measure, content=("counts",),
                        coder_ids=coder_ids, **options)
            print(shown(f"wrote {args.out}"))
            return 0
        if fmt == "xlsx":
            from crosscase.exchange.reports.xlsx_report import export_xlsx

            export_xlsx(project, args.out, measures=[args.measure], coder_ids=coder_ids,
                        **options)
            print(shown(f"wrote {args.out}"))
            return 0
        from crosscase.analysis.matrix import compute_matrix
        from crosscase.exchange.reports import matrix_files

        matrix = compute_matrix(project, measure=args.measure,
                                drop_empty_columns=not args.keep_empty_columns,
                                coder_ids=coder_ids, **options)
    if args.out is not None:
        matrix_files.write_matrix(matrix, args.out, fmt)
        print(shown(f"wrote {args.out}"))
        return 0
    render = {"table": matrix_files.to_table, "csv": matrix_files.to_csv,
              "json": matrix_files.to_json}[fmt]
    sys.stdout.write(render(matrix))
    return 0


def _query_rows(args: argparse.Namespace) -> int:
    """``--query EXPR ...``: one row per query, columns and measure as for codes."""
    from crosscase.analysis import query
    from crosscase.domain.errors import UsageError
    from crosscase.exchange.reports import matrix_files

    if args.code or args.rollup or args.only_coders:
        raise UsageError("--query works without --code, --rollup or --coder "
                         "(use BY coder:\"NAME\" in the query, \"CODE\"/* for its sub-codes)")
    try:
        with open_(args) as project, project.session() as s:
            from crosscase.services import cases, rounds

            case_ids = [cases.resolve(s, c) for c in args.case] if args.case else None
            blind = rounds.blind_for(s, project.coder_name)
            for expr in args.query:
                query.check(s, expr)
            if args.format in ("xlsx", "docx"):
                from crosscase.exchange.reports import query_reports

                write = (query_reports.export_query_docx if args.format == "docx"
                         else query_reports.export_query_xlsx)
                write(s, args.out, list(args.query), measure=args.measure, cols=args.cols,
                      case_ids=case_ids, blind=blind)
                print(shown(f"wrote {args.out}"))
                return 0
            matrix = query.query_matrix(s, list(args.query), cols=args.cols,
                                        measure=args.measure, case_ids=case_ids,
                                        blind=blind)
    except query.QueryError as exc:
        print(f"crosscase: {shown(exc.message)}", file=sys.stderr)
        print(exc.pointer(), file=sys.stderr)
        return exc.exit_code
    if args.out is not None:
        matrix_files.write_matrix(matrix, args.out, args.format)
        print(shown(f"wrote {args.out}"))
        return 0
    render = {"table": matrix_files.to_table, "csv": matrix_files.to_csv,
              "json": matrix_files.to_json}[args.format]
    sys.stdout.write(render(matrix))
    return 0
