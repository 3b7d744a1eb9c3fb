"""``crosscase query PROJECT EXPR``: a coding query's segments with citations; save the
result as a new code, or the query itself under a name to run again."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from crosscase.cli.common import add_project, print_json, shown

if TYPE_CHECKING:
    from crosscase.db.project import Project

EXAMPLE = '"Hybridity/Trading income" AND "Tensions and mission drift" IN case:"Case A"'


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("expression", nargs="?", metavar="EXPR",
                   help=f"the query, e.g. '{EXAMPLE}'; operators AND OR NOT NEAR/N "
                        "SAME paragraph|turn|document FOLLOWED BY, filters IN case:\"..\", "
                        "WHERE role = \"manager\", BY coder:\"..\", and parentheses")
    p.add_argument("--json", action="store_true",
                   help="JSON output (the shape of 'segments --json')")
    p.add_argument("--save-as", metavar="CODE",
                   help="also code the result with a new code (a path: parents are made)")
    p.add_argument("--save-query", metavar="NAME",
                   help="also save the query under NAME (replacing a query of that name)")
    p.add_argument("--run", metavar="NAME", help="run the query saved under NAME")
    p.add_argument("--list", action="store_true", help="list the saved queries")
    p.add_argument("--delete", metavar="NAME", help="delete the saved query NAME")


def run(args: argparse.Namespace) -> int:
    from crosscase.analysis import query
    from crosscase.domain.errors import UsageError

    given = [x for x in (args.expression, args.run) if x]
    if args.list or args.delete:
        if given:
            raise UsageError("--list and --delete take no query")
    elif len(given) != 1:
        raise UsageError("give a query EXPR, or --run NAME, --list or --delete NAME")
    writes = bool(args.save_as or args.save_query or args.delete)
    try:
        with _open(args, writes) as project:
            if args.list:
                with project.session() as s:
                    rows = query.saved(s)
                if args.json:
                    print_json([{"name": n, "expression": e} for n, e in rows])
                else:
                    for name, expr in rows:
                        print(shown(f"{name}: {expr}"))
                return 0
            if args.delete:
                from crosscase.commands.queries import DeleteQuery

                DeleteQuery(args.delete).do(project)
                print(shown(f"deleted query '{args.delete}'"))
                return 0
            with project.session() as s:
                from crosscase.services import rounds

                expr = args.expression or query.saved_expression(s, args.run)
                query.check(s, expr)
                # a coder of an open reliability round reads only their own codings there
                result = query.run(s, expr, blind=rounds.blind_for(s, project.coder_name))
                save_code = None
                if args.save_as:
                    from crosscase.commands.queries import save_as_code

                    spans = [(g.document_id, g.start, g.end) for g in result.segments]
                    save_code = save_as_code(s, args.save_as, spans, query=expr)
            if args.save_query:
                from crosscase.commands.queries import SaveQuery

                SaveQuery(args.save_query, expr).do(project)
            if save_code is not None:
                save_code.do(project)
    except query.QueryError as exc:
        print(f"crosscase: {shown(exc.message)}", file=sys.stderr)
        print(exc.pointer(), file=sys.stderr)
        return exc.exit_code
    if args.json:
        print_json(result.as_json())
    else:
        for case, segs in result.by_case():
            print(shown(f"== {case}"))
            for seg in segs:
                text = " ".join(seg.text.split())
                print(shown(f"  \"{text}\" {seg.citation()}"))
        n = result.documents
        print(f"{len(result.segments)} segments in {n} document{'' if n == 1 else 's'}")
    if args.save_query:
        print(shown(f"saved query '{args.save_query}'"), file=sys.stderr if args.json else sys.stdout)
    if args.save_as:
        print(shown(f"coded {len(result.segments)} segments as '{args.save_as}'"),
              file=sys.stderr if args.json else sys.stdout)
    return 0


def _open(args: argparse.Namespace, writes: bool) -> Project:
    """Read-only unless the command saves something (so a query runs beside a writer)."""
    from crosscase.cli import common

    if writes:
        return common.open_(args)  # the shared --coder names who saves
    project = common.open_location(args.project_path, readonly=True)
    project.coder_name = common.coder_name(args)  # whose view the query reads
    common.started()
    return project
