"""``crosscase cooccur PROJECT``: which codes meet in the same passages, by case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crosscase.cli.common import add_project, open_, shown

FORMATS = ("table", "json", "csv", "xlsx", "docx")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--codes", nargs="+", action="extend", metavar="CODE",
                   help="the codes to compare (paths or unique names; default: every code "
                   "without sub-codes)")
    p.add_argument("--cols", default="cases", metavar="COLS",
                   help="columns: cases, documents, or a case, document or participant "
                   "attribute (e.g. role)")
    p.add_argument("--rollup", action="store_true",
                   help="a code's passages include its sub-codes' (each passage once)")
    p.add_argument("--case", action="append", metavar="CASE",
                   help="only this case; may be repeated")
    p.add_argument("--json", action="store_true",
                   help='pairs {"a", "b", "count", "c"} overall and per column')
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="table (default), json, csv, xlsx or docx (xlsx and docx need --out)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE")


def run(args: argparse.Namespace) -> int:
    from crosscase.domain.errors import UsageError

    fmt = "json" if args.json and args.format is None else (args.format or "table")
    if args.json and fmt != "json":
        raise UsageError("--json and --format cannot be used together")
    if fmt in ("xlsx", "docx") and args.out is None:
        raise UsageError(f"--format {fmt} needs --out FILE")
    with open_(args) as project:
        from crosscase.analysis.cooccurrence import compute_cooccurrence
        from crosscase.exchange.reports import cooccurrence_files as files
        from crosscase.services import cases, codebook, rounds

        with project.session() as s:
            code_ids = [codebook.resolve(s, c) for c in args.codes] if args.codes else None
            case_ids = [cases.resolve(s, c) for c in args.case] if args.case else None
            # a coder of an open reliability round sees only their own codings in its documents
            blind = rounds.blind_for(s, project.coder_name)
        if code_ids is not None and len(set(code_ids)) < 2:
            raise UsageError("name at least two different codes")
        co = compute_cooccurrence(project, code_ids=code_ids, cols=args.cols,
                                  rollup=args.rollup, case_ids=case_ids, blind=blind)
        if args.out is not None:
            if fmt == "table":
                fmt = "csv" if args.out.suffix.lower() != ".json" else "json"
            from sqlalchemy import select

            from crosscase.db.models import ProjectInfo

            with project.session() as s:
                name = s.scalar(select(ProjectInfo.name).where(ProjectInfo.id == 1)) or ""
            files.write_cooccurrence(co, args.out, fmt, project_name=name)
            print(shown(f"wrote {args.out}"))
            return 0
    render = {"table": files.to_table, "json": files.to_json, "csv": files.to_csv}[fmt]
    text = render(co)
    if fmt == "table":  # names escaped line by line; JSON and CSV escape their own
        text = "".join(shown(line) + "\n" for line in text.splitlines())
    sys.stdout.write(text)
    return 0
