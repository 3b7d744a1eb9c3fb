from __future__ import annotations

import argparse

from crosscase.cli.common import add_project, open_, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("code", metavar="CODE", help="code path (A/B) or unique name")
    p.add_argument("--pattern", required=True, help="regular expression (case-insensitive)")
    p.add_argument("--scope", default="match", choices=["match", "sentence", "paragraph", "turn"],
                   help="how much text around each hit to code (default: match)")
    p.add_argument("--case", help="only this case")
    p.add_argument("--dry-run", action="store_true", help="list the hits, code nothing")


def run(args: argparse.Namespace) -> int:
    from crosscase.commands.coding import ApplyCodings
    from crosscase.services import cases, codebook, search
    from crosscase.services.coding import CodingSpec

    with open_(args) as project:
        with project.session() as s:
            code_id = codebook.resolve(s, args.code)
            case_ids = [cases.resolve(s, args.case)] if args.case else None
            hits = search.search(s, search.compile_pattern(args.pattern), scope=args.scope,
                                 case_ids=case_ids)
        if args.dry_run:
            for h in hits:
                print(shown(f"{h.case} / {h.document} {h.start}-{h.end}: "
                            f"{' '.join(h.text.split())[:90]}"))
            print(f"{len(hits)} hits")
            return 0
        cmd = ApplyCodings([CodingSpec(h.document_id, code_id, h.start, h.end) for h in hits],
                           label="Autocode")
        if hits:
            cmd.do(project)
    print(f"{len(hits)} hits: coded {len(cmd.ids)}, {cmd.skipped} already coded")
    return 0
