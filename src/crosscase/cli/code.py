from __future__ import annotations

import argparse
from pathlib import Path

from crosscase.cli.common import add_project, err, open_, print_json, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("document", metavar="DOC", nargs="?", help="document name, Case/Name, or id")
    p.add_argument("code", metavar="CODE", nargs="?", help="code path (A/B) or unique name")
    p.add_argument("--start", type=int, help="first character (code points, from 0)")
    p.add_argument("--end", type=int, help="end character, exclusive")
    p.add_argument("--quote", help="the exact passage to code")
    p.add_argument("--occurrence", type=int, default=1, help="which occurrence of --quote (from 1)")
    p.add_argument("--memo", default="", help="a memo on the coding")
    p.add_argument("--from", dest="from_file", type=Path, metavar="FILE",
                   help="CSV or JSON Lines rows: document, code, start/end or quote, memo")
    p.add_argument("--json", action="store_true", help="print the new codings as JSON")


def run(args: argparse.Namespace) -> int:
    from crosscase.commands.coding import ApplyCodings
    from crosscase.domain.errors import UsageError
    from crosscase.services import coding, segments

    with open_(args) as project:
        failed = 0
        with project.session() as s:
            if args.from_file:
                if args.document or args.code:
                    raise UsageError("give DOC and CODE, or --from FILE, not both")
                rows = coding.read_row_file(args.from_file)
                for note in rows.notes:
                    err(shown(note))
                specs, errors = coding.specs_from_rows(s, rows)
                for e in errors:
                    err(shown(f"{rows.name}, row {e.line}: {e.message}"))
                failed = len(errors)
                if not specs and not errors:
                    raise UsageError(f"{rows.name}: holds no coding rows")
                if not specs:
                    err(shown(f"{rows.name}: no row could be used; nothing was coded"))
            else:
                if not (args.document and args.code):
                    raise UsageError("give DOC and CODE (or --from FILE)")
                specs = [coding.spec_for(s, args.document, args.code, start=args.start,
                                         end=args.end, quote=args.quote,
                                         occurrence=args.occurrence, memo=args.memo)]
        cmd = ApplyCodings(specs)
        if specs:
            cmd.do(project)
        with project.session() as s:
            made = segments.fetch(s, coding_ids=cmd.ids) if cmd.ids else []
    if args.json:
        print_json([seg.as_json() for seg in made])
    else:
        for seg in made:
            print(shown(f"coded {seg.start}-{seg.end} as {seg.code}: "
                        f"\"{_short(seg.text)}\" {seg.citation()}"))
        if cmd.skipped:
            print(f"{cmd.skipped} already coded, skipped")
    return 1 if failed else 0


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
