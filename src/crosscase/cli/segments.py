from __future__ import annotations

import argparse

from crosscase.cli.common import add_project, open_, print_json, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--code", help="only this code (path or unique name)")
    p.add_argument("--case", help="only this case")
    p.add_argument("--every-coding", action="store_true",
                   help="list every coding, also those nested in or overlapping another of "
                        "the same code (default: one segment per passage, as the matrix counts)")
    p.add_argument("--coder", nargs="+", dest="only_coders", metavar="NAME",
                   help="only these coders' codings (default: everyone's; a coder of an open "
                        "reliability round sees only their own in its documents)")
    p.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace) -> int:
    from crosscase.services import cases, codebook, coders, rounds, segments

    with open_(args) as project, project.session() as s:
        code_ids = [codebook.resolve(s, args.code)] if args.code else None
        case_ids = [cases.resolve(s, args.case)] if args.case else None
        coder_ids = coders.resolve_many(s, args.only_coders)
        segs = segments.fetch(s, code_ids=code_ids, case_ids=case_ids,
                              per_passage=not args.every_coding, coder_ids=coder_ids,
                              blind=rounds.blind_for(s, project.coder_name))
    if args.json:
        print_json([
            {k: v for k, v in seg.as_json().items() if k not in ("document_id", "case_id", "code_id")}
            for seg in segs
        ])
        return 0
    for seg in segs:
        text = " ".join(seg.text.split())
        print(shown(f"[{seg.code}] \"{text}\" {seg.citation()}"))
    print(f"{len(segs)} segments")
    return 0
