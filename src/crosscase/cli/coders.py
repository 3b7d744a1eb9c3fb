"""``crosscase coders PROJECT [--add NAME] [--json]``: who codes in this project."""

from __future__ import annotations

import argparse

from crosscase.cli.common import add_project, open_, print_json, shown


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_project(p)
    p.add_argument("--add", metavar="NAME", help="add a coder by name")
    p.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace) -> int:
    from crosscase.domain.errors import UsageError
    from crosscase.services import coders, rounds

    with open_(args) as project:
        if args.add is not None:
            name = coders.checked_name(args.add)
            with project.transaction() as s:
                if coders.find(s, name) is not None:
                    raise UsageError(f"there is already a coder '{name}'")
                coders.ensure(s, name)
                project.log(s, "coder.add", name=name)
            if not args.json:
                print(shown(f"added coder {name}"))
        with project.session() as s:
            listed = coders.listing(s)
            blind = {c.name: sorted(rounds.blind_for(s, c.name).documents) for c in listed}
    if args.json:
        print_json([{**c.as_json(), "blind_documents": blind[c.name]} for c in listed])
        return 0
    if args.add is not None:
        return 0
    for c in listed:
        note = f", codes {len(blind[c.name])} document(s) blind" if blind[c.name] else ""
        print(shown(f"{c.name}: {c.codings} coding(s) in {c.documents} document(s){note}"))
    print(f"{len(listed)} coder(s); you are {shown(project.coder_name)}")
    return 0
