"""Roles on a shared project, enforced by a real PostgreSQL server.

Each member logs in with their own login and password, through Crosscase and
through a plain psycopg connection (what their own psql session could do).
"""

from __future__ import annotations

import itertools
import json
import os
import pty
import select
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from pgserver import PostgresServer
from sqlalchemy import text

from crosscase.cli.main import main
from crosscase.commands.cases import CreateCase
from crosscase.commands.codebook import CreateCode, EditCode
from crosscase.commands.coding import ApplyCodings, RemoveCodings
from crosscase.commands.memo import SetMemo
from crosscase.commands.rounds import CloseRound, OpenRound
from crosscase.db import roles
from crosscase.db.project import Project, open_project
from crosscase.domain.errors import PermissionRefused, UsageError
from crosscase.services import documents
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

PASSWORD = "correct horse 'battery' staple"
_logins = itertools.count(1)


@dataclass
class Team:
    server: PostgresServer
    url: str  # the superuser's, who created the project
    db: str
    logins: dict[str, str]  # role -> login
    docs: list[int]
    code: int  # a code of the default codebook

    def login_url(self, login: str) -> str:
        return self.server.url(self.db, user=login, password=PASSWORD)

    def open_as(self, role: str) -> Project:
        return open_project(self.login_url(self.logins[role]))

    def psql(self, role: str) -> psycopg.Connection[tuple[object, ...]]:
        """A member's own connection: autocommit, no Crosscase in between."""
        return psycopg.connect(self.login_url(self.logins[role]), autocommit=True)


def _unique(name: str) -> str:
    return f"{name}_{next(_logins)}"


@pytest.fixture
def team(pg_server: PostgresServer, pg_url: str, tmp_path: Path) -> Iterator[Team]:
    """A shared project with two documents in one case and one member per role
    (their coders named after the role)."""
    db = urlsplit(pg_url).path.lstrip("/")
    project = new_project(pg_url)
    try:
        paths = []
        for i, words in enumerate(["Water was scarce in the dry season.",
                                   "The council met twice about the wells."]):
            f = tmp_path / f"interview{i}.txt"
            f.write_text(words * 5, encoding="utf-8")
            paths.append(f)
        report = documents.import_files(project, paths, "Village A")
        assert not report.failed
        with project.session() as s:
            docs = [int(d) for d in s.scalars(text("SELECT id FROM document ORDER BY id"))]
            code = int(s.scalar(text("SELECT min(id) FROM code")))
        logins = {}
        for role in roles.ROLES:
            logins[role] = _unique(f"{role}_login")
            roles.add_member(project, logins[role], role, coder_name=f"{role.title()} person",
                             password=PASSWORD)
    finally:
        project.close()
    yield Team(pg_server, pg_url, db, logins, docs, code)


def _codings(conn: psycopg.Connection[tuple[object, ...]]) -> set[tuple[int, str]]:
    """(document id, coder name) of every coding the connection's user sees."""
    rows = conn.execute("SELECT c.document_id, k.name FROM coding c "
                        "JOIN coder k ON k.id = c.coder_id").fetchall()
    return {(int(str(d)), str(n)) for d, n in rows}


def _coder_id(team: Team, name: str) -> int:
    with psycopg.connect(team.url) as conn:
        row = conn.execute("SELECT id FROM coder WHERE name = %s", [name]).fetchone()
        assert row is not None
        return int(str(row[0]))


# -- installing ----------------------------------------------------------------------


def test_four_group_roles_that_cannot_log_in_and_a_second_install_changes_nothing(
        team: Team) -> None:
    admin = team.server.admin()
    try:
        names = [roles.group_role(team.db, r) for r in roles.ROLES]
        found = admin.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(%s)",
                              [names]).fetchall()
        assert sorted(found) == sorted((n, False) for n in names)
    finally:
        admin.close()
    project = open_project(team.url)
    try:
        def policies() -> list[tuple[object, ...]]:
            with project.engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(
                    "SELECT policyname, cmd, roles::text, qual, with_check FROM pg_policies "
                    "WHERE tablename = 'coding' ORDER BY policyname"))]

        before = policies()
        assert len(before) == 8
        with project.engine.begin() as conn:
            roles.install(conn)
        assert policies() == before
        with project.engine.connect() as conn:
            forced = conn.execute(text("SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                                       "WHERE relname = 'coding'")).one()
        assert tuple(forced) == (True, False)
    finally:
        project.close()
    # still every role works after the second install
    with team.psql("reader") as conn:
        assert conn.execute("SELECT count(*) FROM code").fetchone() != (0,)


def test_a_long_database_name_gives_role_names_postgresql_keeps_whole() -> None:
    long = "a_project_database_name_that_is_far_too_long_to_take_a_suffix_x"
    names = {roles.group_role(long, r) for r in roles.ROLES}
    assert len(names) == 4
    assert all(len(n.encode()) <= 63 and n.startswith("a_project") for n in names)
    assert roles.group_role(long, "coder") != roles.group_role(long + "y", "coder")


# -- reader --------------------------------------------------------------------------


def test_a_readers_own_connection_reads_and_cannot_write_anything(team: Team) -> None:
    with team.psql("reader") as conn:
        assert conn.execute("SELECT count(*) FROM document").fetchone() == (2,)
        for statement in (
            "INSERT INTO code (name, color, definition, inclusion, exclusion, example, memo, "
            "position) VALUES ('x', '#000000', '', '', '', '', '', 0)",
            "UPDATE code SET name = 'renamed'",
            "UPDATE \"case\" SET memo = 'mine'",
            "DELETE FROM coding",
            "DELETE FROM event",
            "INSERT INTO coder (name) VALUES ('me')",
            "CREATE TABLE mine (x int)",
            "SELECT crosscase_add_member('someone', 'x', NULL)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_a_reader_reads_through_crosscase_and_coding_is_refused_in_one_line(team: Team) -> None:
    project = team.open_as("reader")
    try:
        assert project.coder_name == "Reader person"
        with project.session() as s:
            assert s.scalar(text("SELECT count(*) FROM code")) > 0
        with pytest.raises(PermissionRefused, match="does not allow") as caught:
            ApplyCodings([CodingSpec(team.docs[0], team.code, 0, 5)]).do(project)
        assert "\n" not in str(caught.value)
        assert PASSWORD not in str(caught.value)
    finally:
        project.close()


# -- coder ---------------------------------------------------------------------------


def test_a_coder_codes_as_their_own_coder_whatever_coder_is_named(team: Team) -> None:
    project = team.open_as("coder")
    try:
        project.coder_name = "Somebody else"  # what --coder would do
        assert project.coder_name == "Coder person"
        cmd = ApplyCodings([CodingSpec(team.docs[0], team.code, 0, 5)])
        cmd.do(project)
        SetMemo("code", team.code, "seen in both villages").do(project)
        SetMemo("coding", cmd.ids[0], "first words").do(project)
        with pytest.raises(PermissionRefused):
            CreateCode("A code of my own").do(project)
        with pytest.raises(PermissionRefused):
            EditCode(team.code, name="Renamed").do(project)
        with pytest.raises(PermissionRefused):
            CreateCase("Village B").do(project)
        RemoveCodings(cmd.ids).do(project)
    finally:
        project.close()
    with psycopg.connect(team.url) as conn:
        assert conn.execute("SELECT count(*) FROM coding").fetchone() == (0,)
        assert conn.execute("SELECT memo FROM code WHERE id = %s", [team.code]).fetchone() == (
            "seen in both villages",)
        assert conn.execute("SELECT count(*) FROM \"case\"").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM coder WHERE name = 'Somebody else'"
                            ).fetchone() == (0,)


def test_a_coder_cannot_code_or_delete_as_someone_else(team: Team) -> None:
    manager = team.open_as("manager")
    try:
        theirs = ApplyCodings([CodingSpec(team.docs[1], team.code, 0, 5)])
        theirs.do(manager)
    finally:
        manager.close()
    other = _coder_id(team, "Manager person")
    mine = _coder_id(team, "Coder person")
    with team.psql("coder") as conn:
        insert = ("INSERT INTO coding (document_id, code_id, coder_id, start, \"end\", snippet, "
                  "memo, created) VALUES (%s, %s, %s, 0, 5, 'Water', '', now())")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(insert, [team.docs[0], team.code, other])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM coding WHERE id = %s", [theirs.ids[0]])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE coding SET coder_id = %s", [mine])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE code SET name = 'Renamed'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE coder SET login = current_user WHERE name = 'Manager person'")
        conn.execute(insert, [team.docs[0], team.code, mine])  # their own: fine
        assert conn.execute("DELETE FROM coding WHERE coder_id = %s", [mine]).rowcount == 1
    # through Crosscase: named as another coder, the server still refuses, in one line
    project = team.open_as("coder")
    try:
        project.login_coder = None
        project.coder_name = "Manager person"
        with pytest.raises(PermissionRefused, match="row-level security") as caught:
            ApplyCodings([CodingSpec(team.docs[0], team.code, 5, 9)]).do(project)
        assert "\n" not in str(caught.value)
        project.login_coder = "Coder person"
        with pytest.raises(PermissionRefused, match="only the coder who made"):
            RemoveCodings(theirs.ids).do(project)
    finally:
        project.close()
    with psycopg.connect(team.url) as conn:
        assert conn.execute("SELECT coder_id FROM coding").fetchall() == [(other,)]


# -- manager and owner ----------------------------------------------------------------


def test_a_manager_edits_the_codebook_and_cases_and_anyones_codings(team: Team) -> None:
    coder = team.open_as("coder")
    try:
        mine = ApplyCodings([CodingSpec(team.docs[0], team.code, 0, 5)])
        mine.do(coder)
    finally:
        coder.close()
    project = team.open_as("manager")
    try:
        created = CreateCode("Wells")
        created.do(project)
        EditCode(team.code, name="Scarcity").do(project)
        CreateCase("Village B").do(project)
        RemoveCodings(mine.ids).do(project)
    finally:
        project.close()
    with psycopg.connect(team.url) as conn:
        assert conn.execute("SELECT count(*) FROM code WHERE name IN ('Wells', 'Scarcity')"
                            ).fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM coding").fetchone() == (0,)
    with team.psql("manager") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT crosscase_add_member('someone_else', %s, NULL)",
                     [roles.group_role(team.db, "reader")])
    with team.psql("manager") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE coder SET login = current_user WHERE name = 'Coder person'")


def test_an_owner_adds_a_member_who_can_then_log_in(team: Team) -> None:
    newcomer = _unique("newcomer")
    project = team.open_as("owner")
    try:
        roles.add_member(project, newcomer, "reader", coder_name="New person", password="pw 1")
        listed = {m.login: m for m in roles.members(project)}
    finally:
        project.close()
    assert listed[newcomer] == roles.Member(newcomer, "reader", "New person")
    assert listed[team.logins["owner"]].role == "owner"
    with psycopg.connect(team.server.url(team.db, user=newcomer, password="pw 1")) as conn:
        assert conn.execute("SELECT name FROM coder WHERE login = current_user"
                            ).fetchone() == ("New person",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM coding")
    with psycopg.connect(team.url) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                              [newcomer]).fetchone()
        assert stored is not None and str(stored[0]).startswith("SCRAM-SHA-256$")
        assert conn.execute("SELECT detail FROM event WHERE action = 'member.add' "
                            "ORDER BY id DESC LIMIT 1").fetchone() is not None


def test_the_owner_group_cannot_make_a_superuser_or_a_group_role_a_member(team: Team) -> None:
    project = team.open_as("owner")
    try:
        with pytest.raises(UsageError, match="superuser"):
            roles.add_member(project, "postgres", "reader")
        with pytest.raises(UsageError, match="group role"):
            roles.add_member(project, roles.group_role(team.db, "owner"), "reader")
    finally:
        project.close()
    with psycopg.connect(team.url) as conn:
        assert conn.execute("SELECT count(*) FROM coder WHERE login = 'postgres'"
                            ).fetchone() == (0,)


def test_a_member_changes_role_and_is_removed(team: Team) -> None:
    login = team.logins["coder"]
    project = open_project(team.url)
    try:
        roles.add_member(project, login, "manager", coder_name="Coder person")
        assert {m.login: m.role for m in roles.members(project)}[login] == "manager"
        roles.remove_member(project, login)
        after = {m.login: m for m in roles.members(project)}
    finally:
        project.close()
    assert login not in after
    # the login is still there, but only members connect to the project's database
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        team.psql("coder").close()
    with psycopg.connect(team.url) as conn:  # their coder stays, untied
        assert conn.execute("SELECT login FROM coder WHERE name = 'Coder person'"
                            ).fetchone() == (None,)


# -- blind coding -----------------------------------------------------------------------


def test_blind_coders_read_only_their_own_codings_in_the_rounds_documents(team: Team) -> None:
    a, b = _unique("coder_a"), _unique("coder_b")
    owner = open_project(team.url)
    try:
        roles.add_member(owner, a, "coder", coder_name="Ann", password=PASSWORD)
        roles.add_member(owner, b, "coder", coder_name="Ben", password=PASSWORD)
        round_ = OpenRound("Spring", share=0.5, stratum="none", seed=1, coders=["Ann", "Ben"])
        round_.do(owner)
    finally:
        owner.close()
    (blind_doc,) = round_.document_ids
    (open_doc,) = [d for d in team.docs if d != blind_doc]
    for login in (a, b):
        project = open_project(team.server.url(team.db, user=login, password=PASSWORD))
        try:
            ApplyCodings([CodingSpec(blind_doc, team.code, 0, 5),
                          CodingSpec(open_doc, team.code, 0, 5)]).do(project)
        finally:
            project.close()
    everything = {(blind_doc, "Ann"), (open_doc, "Ann"), (blind_doc, "Ben"), (open_doc, "Ben")}
    with psycopg.connect(team.server.url(team.db, user=a, password=PASSWORD),
                         autocommit=True) as conn:
        assert _codings(conn) == {(blind_doc, "Ann"), (open_doc, "Ann"), (open_doc, "Ben")}
        # not by counting or by id either
        assert conn.execute("SELECT count(*) FROM coding WHERE document_id = %s",
                            [blind_doc]).fetchone() == (1,)
        # nor from the logs: Ben's change in the round's document is hidden from Ann,
        # his change elsewhere is not; while blind she reads only her own events
        seen = [json.loads(row[0])["documents"] for row in conn.execute(
            "SELECT change FROM change_log c JOIN coder k ON k.id = c.coder_id "
            "WHERE k.name = 'Ben'")]
        assert seen == [] or all(blind_doc not in docs for docs in seen)
        assert conn.execute("SELECT count(*) FROM event WHERE coder = 'Ben'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM event WHERE coder = 'Ann'").fetchone()[0] >= 1
    with team.psql("manager") as conn:
        ben = [json.loads(row[0])["documents"] for row in conn.execute(
            "SELECT change FROM change_log c JOIN coder k ON k.id = c.coder_id "
            "WHERE k.name = 'Ben'")]
        assert any(blind_doc in docs for docs in ben)  # the manager reads Ben's whole log
    with team.psql("manager") as conn:  # not in the round: sees all
        assert _codings(conn) == everything
    with team.psql("coder") as conn:  # a coder who is not in the round: sees all
        assert _codings(conn) == everything
    manager = team.open_as("manager")
    try:
        CloseRound("Spring").do(manager)
    finally:
        manager.close()
    with psycopg.connect(team.server.url(team.db, user=a, password=PASSWORD),
                         autocommit=True) as conn:
        assert _codings(conn) == everything
        assert conn.execute("SELECT count(*) FROM event WHERE coder = 'Ben'").fetchone()[0] >= 1


# -- the command line -------------------------------------------------------------------


def test_members_on_the_command_line(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    login = _unique("cli_reader")
    assert main(["members", team.url, "--add", login, "--role", "reader",
                 "--coder", "Cli person"]) == 0
    capsys.readouterr()
    assert main(["members", team.url, "--json"]) == 0
    import json

    listed = {m["login"]: m for m in json.loads(capsys.readouterr().out)}
    assert listed[login] == {"login": login, "role": "reader", "coder": "Cli person"}
    assert main(["members", team.url, "--remove", login]) == 0
    capsys.readouterr()
    assert main(["members", team.url]) == 0
    out = capsys.readouterr().out
    assert login not in out and team.logins["owner"] in out
    with pytest.raises(SystemExit) as refused:
        main(["members", team.url, "--add", login, "--role", "boss"])
    assert refused.value.code == 2
    assert "--role" in capsys.readouterr().err


def _at_a_terminal(argv: list[str], answers: list[str]) -> tuple[int, str]:
    """Run the crosscase program at a terminal of its own (a pseudo-terminal),
    typing each answer when a password is asked; its exit code and what it showed."""
    program = str(Path(sys.executable).with_name("crosscase"))
    pid, fd = pty.fork()
    if pid == 0:  # the child: the program, with the pseudo-terminal as its terminal
        os.execv(program, [program, *argv])
    shown, asked = b"", 0
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the program has ended
                break
            if not chunk:
                break
            shown += chunk
            while asked < len(answers) and shown.count(b"Password for") > asked:
                os.write(fd, answers[asked].encode() + b"\n")
                asked += 1
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_a_new_members_password_is_typed_at_a_prompt(team: Team) -> None:
    login = _unique("typed")
    code, shown = _at_a_terminal(
        ["members", team.url, "--add", login, "--role", "coder", "--password-prompt"],
        ["s3cret word", "s3cret word"])
    assert code == 0, shown
    assert "s3cret" not in shown  # not echoed
    with psycopg.connect(team.server.url(team.db, user=login, password="s3cret word")) as conn:
        assert conn.execute("SELECT name FROM coder WHERE login = current_user"
                            ).fetchone() == (login,)
    other = _unique("typo")
    code, shown = _at_a_terminal(
        ["members", team.url, "--add", other, "--role", "coder", "--password-prompt"],
        ["first try", "second try"])
    assert code == 2 and "the two passwords differ" in shown
    with psycopg.connect(team.url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            [other]).fetchone() == (0,)


def test_a_project_without_roles_gets_them_with_its_first_member(pg_server: PostgresServer,
                                                                 pg_url: str) -> None:
    project = new_project(pg_url, empty=True)
    db = urlsplit(pg_url).path.lstrip("/")
    try:
        with project.engine.begin() as conn:  # as a project made before roles were installed
            conn.execute(text("DROP FUNCTION crosscase_add_member(text, text, text)"))
        login = _unique("first")
        roles.add_member(project, login, "reader", password=PASSWORD)
    finally:
        project.close()
    with psycopg.connect(pg_server.url(db, user=login, password=PASSWORD)) as conn:
        assert conn.execute("SELECT name FROM coder WHERE login = current_user"
                            ).fetchone() == (login,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE project SET name = 'mine'")
