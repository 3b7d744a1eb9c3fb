"""``crosscase members URL [--add LOGIN --role ROLE [--coder NAME] [--password-prompt]]
[--remove LOGIN] [--json]``: who may do what in a shared project.

A member is a login on the project's server holding one role (owner, manager,
coder or reader) and working as one coder. The server enforces the role, so
it holds for every program the member uses. A new login's password is typed
at a prompt (never on the command line) and reaches the server only as a
SCRAM verifier; Crosscase keeps it nowhere. Only owners (and the project's
creator) add and remove members.
"""

from __future__ import annotations

import argparse
import sys

from crosscase.cli.common import location, print_json, shown, started, with_password

ROLE_CHOICES = ("owner", "manager", "coder", "reader")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project_path", metavar="URL", help="the shared project's postgresql:// URL")
    p.add_argument("--add", metavar="LOGIN",
                   help="make LOGIN a member (its login role is created if the server has none)")
    p.add_argument("--role", choices=ROLE_CHOICES, help="the role of the member added")
    p.add_argument("--coder", metavar="NAME",
                   help="the coder the member works as (default: the login's name)")
    p.add_argument("--password-prompt", action="store_true",
                   help="ask for the new login's password (not echoed)")
    p.add_argument("--remove", metavar="LOGIN", help="take LOGIN's role on this project away")
    p.add_argument("--json", action="store_true", help="JSON output")


def _new_password(login: str) -> str:
    import getpass

    from crosscase.domain.errors import UsageError

    try:
        first = getpass.getpass(f"Password for {login}: ")
        second = getpass.getpass(f"Password for {login} again: ")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        raise UsageError("no password given") from None
    if not first:
        raise UsageError("no password given")
    if first != second:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


def run(args: argparse.Namespace) -> int:
    from crosscase.db import roles
    from crosscase.db.project import Project
    from crosscase.domain.errors import UsageError

    if args.add is not None and args.role is None:
        raise UsageError("--add needs --role (owner, manager, coder or reader)")
    if args.add is None and (args.role or args.coder or args.password_prompt):
        raise UsageError("--role, --coder and --password-prompt go with --add")
    if args.add is not None and args.remove is not None:
        raise UsageError("give --add or --remove, not both")
    where = location(args.project_path)
    if not isinstance(where, str):
        raise UsageError(f"{where}: members and roles are for shared projects on a server "
                         "(a postgresql:// URL); a project file has none")
    changes = args.add is not None or args.remove is not None
    password = _new_password(args.add) if args.add is not None and args.password_prompt else None

    def attempt(given: str | None) -> Project:
        from crosscase.db.server import open_shared

        return open_shared(where, readonly=not changes, password=given)

    project = with_password(where, attempt)
    started()
    with project:
        if args.add is not None:
            added = roles.add_member(project, args.add, args.role, coder_name=args.coder,
                                     password=password)
            if not args.json:
                print(shown(f"{added.login} is now {added.role}, working as coder {added.coder}"))
        if args.remove is not None:
            roles.remove_member(project, args.remove)
            if not args.json:
                print(shown(f"{args.remove} is no longer a member"))
        listed = roles.members(project)
    if args.json:
        print_json([m.as_json() for m in listed])
        return 0
    if changes:
        return 0
    for m in listed:
        print(shown(f"{m.login}: {m.role or 'no role'}, coder {m.coder or '(none)'}"))
    print(f"{len(listed)} member(s)")
    return 0
