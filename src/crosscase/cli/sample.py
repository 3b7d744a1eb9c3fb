"""``crosscase sample PROJECT --share X --by case --seed N --name ROUND [--coders A B]``.

Opens a reliability round on a stratified sample of documents (or of
paragraphs, recording the documents that hold them); ``--close ROUND`` closes
it and prints the agreement of its coders over its documents. With neither,
lists the rounds.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from crosscase.cli.common import add_project, open_, print_json, shown

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crosscase.db.project import Project


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--name", metavar="ROUND", help="open a round of this name")
    p.add_argument("--share", type=float, default=0.2,
                   help="the share of documents (or paragraphs) to sample (default 0.2)")
    p.add_argument("--by", choices=("case", "none"), default="case",
                   help="stratify by case: each case gets its share, at least one (default)")
    p.add_argument("--unit", choices=("document", "paragraph"), default="document",
                   help="sample documents (default) or paragraphs (the round records the "
                        "documents holding them)")
    p.add_argument("--seed", type=int, help="seed of the sample, so it can be drawn again "
                                            "(default: a new one, printed)")
    p.add_argument("--coders", nargs="+", metavar="NAME",
                   help="who double-codes the sample; they code it blind while it is open")
    p.add_argument("--close", metavar="ROUND", help="close this round and print its agreement")
    p.add_argument("--bootstrap", type=int, default=1000,
                   help="bootstrap samples for the agreement's 95%% intervals (default 1000)")
    p.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace) -> int:
    from crosscase.domain.errors import UsageError

    if args.name and args.close:
        raise UsageError("give --name ROUND to open a round or --close ROUND, not both")
    with open_(args) as project:
        if args.close:
            return _close(project, args)
        if args.name:
            return _open(project, args)
        from crosscase.services import rounds

        with project.session() as s:
            listed = rounds.rounds(s)
    if args.json:
        print_json([r.as_json() for r in listed])
        return 0
    for r in listed:
        state = "open" if r.is_open else f"closed {r.closed:%Y-%m-%d %H:%M}"
        print(shown(f"{r.name}: {len(r.documents)} document(s), {r.unit}s {r.share:g} by "
                    f"{r.stratum}, seed {r.seed}, coders {', '.join(r.coders) or 'none'}; {state}"))
    print(f"{len(listed)} round(s)")
    return 0


def _open(project: Project, args: argparse.Namespace) -> int:
    import random

    from crosscase.commands.rounds import OpenRound
    from crosscase.services import rounds

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    cmd = OpenRound(args.name, share=args.share, seed=seed, unit=args.unit, stratum=args.by,
                    coders=args.coders)
    cmd.do(project)
    with project.session() as s:
        info = rounds.find(s, cmd.name)
        listed = [_doc_label(s, d) for d in info.documents]
    if args.json:
        print_json({**info.as_json(), "document_names": listed})
        return 0
    print(shown(f"opened round {info.name}: {len(info.documents)} document(s) sampled "
                f"({info.unit}s, share {info.share:g}, by {info.stratum}, seed {info.seed})"))
    for label in listed:
        print(shown(f"  {label}"))
    if info.coders:
        print(shown(f"coders (blind while it is open): {', '.join(info.coders)}"))
    else:
        print("no coders named: nobody codes it blind (--coders A B)")
    return 0


def _doc_label(session: Session, document_id: int) -> str:
    from sqlalchemy import select

    from crosscase.db.models import Case, Document

    row = session.execute(
        select(Case.name, Document.name).join(Document, Document.case_id == Case.id)
        .where(Document.id == document_id)
    ).one()
    return f"{row[0]}/{row[1]}"


def _close(project: Project, args: argparse.Namespace) -> int:
    from crosscase.analysis.agreement import agreement
    from crosscase.cli.agreement import to_table
    from crosscase.commands.rounds import CloseRound
    from crosscase.domain.errors import UsageError
    from crosscase.services import rounds

    CloseRound(args.close).do(project)
    with project.session() as s:
        info = rounds.find(s, args.close)
        report = None
        note = ""
        if len(info.coders) < 2:
            note = "fewer than two coders in the round: no agreement to compute"
        else:
            try:
                report = agreement(s, info.coders, document_ids=info.documents,
                                   bootstrap=args.bootstrap, seed=info.seed)
            except UsageError as exc:
                note = str(exc)
    if args.json:
        print_json({"round": info.as_json(),
                    "agreement": report.as_json() if report is not None else None,
                    "note": note or None})
        return 0
    print(shown(f"closed round {info.name} ({len(info.documents)} document(s))"))
    if report is not None:
        print()
        print(to_table(report))
    else:
        print(shown(note))
    return 0
