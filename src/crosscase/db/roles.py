"""Roles on a shared project's server: owner, manager, coder, reader.

The server itself enforces them, so a member's own ``psql`` session can do no
more than Crosscase lets them do. Installed with the schema (:func:`install`)
and kept in step on every upgrade; PostgreSQL only (a project file has one
writer and no roles).

Four group roles per project database (roles are shared by the whole server,
so they are named after the database: ``<db>_owner``, ``<db>_manager``,
``<db>_coder``, ``<db>_reader``). Each holds the one below it:

- reader: connects, reads every table.
- coder: codes (inserts and deletes their own codings), writes memos,
  framework cells and pins, saved queries, and the event and change logs.
- manager: the codebook, cases, documents and what hangs off them,
  attributes, document sets, reliability rounds, the project's settings, and
  anyone's codings.
- owner: everything, and adds or removes members (:func:`add_member`).

A member is a login role holding one group role and tied to a coder through
``coder.login``. Row-level security on ``coding`` keeps blind coding blind on
the server: a member whose coder is in an open reliability round reads only
their own codings in that round's documents.

The role that creates the project owns its tables and is bound by none of
this (the table owner passes row-level security unless it is forced; forcing
it would leave the creator, usually the database's owner, blind to the
project it set up, while a superuser passes it anyway). Members, including
owners, are never the table owner: everything they can do comes from the
grants below.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.exc import DBAPIError

from crosscase.db.models import Event, utcnow
from crosscase.domain.errors import UsageError
from crosscase.domain.names import clean_name

if TYPE_CHECKING:
    from crosscase.db.project import Project

log = logging.getLogger("crosscase")

#: the roles, most powerful first
ROLES = ("owner", "manager", "coder", "reader")

#: SQLSTATE of the member functions' refusals (a login that may not be a member)
INVALID_PARAMETER = "22023"

#: the longest name PostgreSQL keeps for a role (bytes)
MAX_IDENTIFIER = 63


def group_role(database: str, role: str) -> str:
    """The server-wide name of ``role``'s group role for the project in ``database``."""
    if role not in ROLES:
        raise UsageError(f"no role {role!r} (one of: {', '.join(ROLES)})")
    name = f"{database}_{role}"
    if len(name.encode()) <= MAX_IDENTIFIER:
        return name
    # a long database name: a shortened prefix and a hash keep the name unique
    digest = hashlib.sha256(database.encode()).hexdigest()[:8]
    head = database.encode()[: MAX_IDENTIFIER - len(role) - 10].decode(errors="ignore")
    return f"{head}_{digest}_{role}"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _raw(conn: Connection) -> Any:
    """psycopg's own connection under ``conn`` (same transaction): the statements
    below carry ``%`` and ``:`` that SQLAlchemy's parameter parsing must not see."""
    return conn.connection.driver_connection


# -- what each role may do ------------------------------------------------------
# {db}, {schema}, {owner}, {manager}, {coder}, {reader} are quoted identifiers.

#: Start from nothing on every install, so a grant dropped by a later version
#: goes away too; the whole install runs in one transaction, so nobody sees the gap.
RESET = """
REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {owner}, {manager}, {coder}, {reader};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {owner}, {manager}, {coder}, {reader};
"""

#: The ladder: each role holds the one below it, so it can do what that one can.
LADDER = """
GRANT {reader} TO {coder};
GRANT {coder} TO {manager};
GRANT {manager} TO {owner};
"""

#: reader: connect and read everything. The database and its schema are closed
#: to everyone else on the server (PUBLIC): only members connect, nobody else
#: creates objects in the schema.
READER = """
REVOKE ALL ON DATABASE {db} FROM PUBLIC;
REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC;
GRANT CONNECT ON DATABASE {db} TO {reader};
GRANT USAGE ON SCHEMA {schema} TO {reader};
GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {reader};
"""

#: coder: codings are inserts and deletes (row-level security keeps them to the
#: coder's own) and resizing (spans and memo only: never whose or which code);
#: framework judgements and pins, saved queries; the event and change logs that
#: every command appends to; memos on what they read (the memo and its version,
#: nothing else of the row). No writing to ``coder``: members get their coder
#: row when they are added.
CODER = """
GRANT INSERT, DELETE ON {schema}.coding TO {coder};
GRANT UPDATE ("start", "end", snippet, memo, version) ON {schema}.coding TO {coder};
GRANT INSERT, UPDATE, DELETE ON {schema}.framework_cell, {schema}.framework_pin,
    {schema}.saved_query TO {coder};
GRANT INSERT ON {schema}.event, {schema}.change_log TO {coder};
GRANT UPDATE (memo, version) ON {schema}.project, {schema}."case", {schema}.document,
    {schema}.participant, {schema}.code TO {coder};
"""

#: the sequences behind the coder's inserts (looked up by their tables: the
#: names are PostgreSQL's choice)
CODER_SEQUENCE_TABLES = ("coding", "framework_cell", "saved_query", "event", "change_log")

#: manager: the codebook, cases, documents and everything hanging off them,
#: attributes and values, document sets, reliability rounds, the project row;
#: anyone's codings (merging codes moves them). Coders by name only: which
#: login works as which coder is the owner's to say.
MANAGER = """
GRANT INSERT, UPDATE, DELETE ON
    {schema}.code, {schema}."case", {schema}.document, {schema}.paragraph, {schema}.page,
    {schema}.turn, {schema}.participant, {schema}.annotation, {schema}.attribute,
    {schema}.case_value, {schema}.document_value, {schema}.participant_value,
    {schema}.document_set, {schema}.document_set_member, {schema}.reliability_round,
    {schema}.round_document, {schema}.round_coder, {schema}.coding
    TO {manager};
GRANT UPDATE ON {schema}.project TO {manager};
GRANT INSERT (name, guid, role), UPDATE (name, guid), DELETE ON {schema}.coder TO {manager};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {manager};
"""

#: owner: everything on every table (the members themselves through the
#: functions below).
OWNER = """
GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {owner};
GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {owner};
"""

# -- blind coding, on the server ------------------------------------------------

#: the coders the current login works as (normally one)
MINE = "(SELECT c.id FROM {schema}.coder c WHERE c.login = current_user)"

#: a coding row the current login may see: their own, or one in a document
#: that is in no open round of theirs
VISIBLE = """(
    coder_id IN {mine}
    OR NOT EXISTS (
        SELECT 1 FROM {schema}.round_document rd
        JOIN {schema}.reliability_round r ON r.id = rd.round_id AND r.closed IS NULL
        JOIN {schema}.round_coder rc ON rc.round_id = rd.round_id
        JOIN {schema}.coder c ON c.id = rc.coder_id
        WHERE rd.document_id = coding.document_id AND c.login = current_user))"""

#: Policies name the lowest role they serve; every role above holds it, and a
#: member's policies add up (a manager gets the reader's and the manager's).
#: Managers and owners are never blind on the server: they merge and delete
#: codes, which must reach every coding (the workbench still hides what a
#: blind manager should not see).
POLICIES = """
ALTER TABLE {schema}.coding ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS crosscase_read ON {schema}.coding;
DROP POLICY IF EXISTS crosscase_read_all ON {schema}.coding;
DROP POLICY IF EXISTS crosscase_add_own ON {schema}.coding;
DROP POLICY IF EXISTS crosscase_add_any ON {schema}.coding;
DROP POLICY IF EXISTS crosscase_edit ON {schema}.coding;
DROP POLICY IF EXISTS crosscase_edit_any ON {schema}.coding;
DROP POLICY IF EXISTS crosscase_remove ON {schema}.coding;
DROP POLICY IF EXISTS crosscase_remove_any ON {schema}.coding;
CREATE POLICY crosscase_read ON {schema}.coding FOR SELECT TO {reader} USING {visible};
CREATE POLICY crosscase_read_all ON {schema}.coding FOR SELECT TO {manager} USING (true);
CREATE POLICY crosscase_add_own ON {schema}.coding FOR INSERT TO {coder}
    WITH CHECK (coder_id IN {mine});
CREATE POLICY crosscase_add_any ON {schema}.coding FOR INSERT TO {manager} WITH CHECK (true);
CREATE POLICY crosscase_edit ON {schema}.coding FOR UPDATE TO {coder}
    USING {visible} WITH CHECK {visible};
CREATE POLICY crosscase_edit_any ON {schema}.coding FOR UPDATE TO {manager}
    USING (true) WITH CHECK (true);
CREATE POLICY crosscase_remove ON {schema}.coding FOR DELETE TO {coder} USING {visible};
CREATE POLICY crosscase_remove_any ON {schema}.coding FOR DELETE TO {manager} USING (true);
"""

#: The logs must not tell a blind coder what a colleague coded in the round's
#: documents. A change-log entry by someone else that touches a document of
#: an open round the current login codes blind is hidden (its codings' ids and
#: codes would show where and with what the colleague coded); so is, while
#: the login is blind in any open round, every event-log entry of someone else
#: (the event log's details are free-form). Both logs are append-only: members
#: add their own entries and change none.
BLIND_IN_OPEN_ROUND = """EXISTS (
        SELECT 1 FROM {schema}.round_coder rc
        JOIN {schema}.reliability_round r ON r.id = rc.round_id AND r.closed IS NULL
        JOIN {schema}.coder c ON c.id = rc.coder_id
        WHERE c.login = current_user)"""

LOG_POLICIES = """
ALTER TABLE {schema}.change_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS crosscase_read ON {schema}.change_log;
DROP POLICY IF EXISTS crosscase_read_all ON {schema}.change_log;
DROP POLICY IF EXISTS crosscase_add ON {schema}.change_log;
CREATE POLICY crosscase_read ON {schema}.change_log FOR SELECT TO {reader} USING (
    coder_id IN {mine}
    OR NOT EXISTS (
        SELECT 1 FROM json_array_elements_text((change::json) -> 'documents') AS d(id)
        JOIN {schema}.round_document rd ON rd.document_id = d.id::int
        JOIN {schema}.reliability_round r ON r.id = rd.round_id AND r.closed IS NULL
        JOIN {schema}.round_coder rc ON rc.round_id = rd.round_id
        JOIN {schema}.coder c ON c.id = rc.coder_id
        WHERE c.login = current_user));
CREATE POLICY crosscase_read_all ON {schema}.change_log FOR SELECT TO {manager} USING (true);
CREATE POLICY crosscase_add ON {schema}.change_log FOR INSERT TO {coder} WITH CHECK (true);
ALTER TABLE {schema}.event ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS crosscase_read ON {schema}.event;
DROP POLICY IF EXISTS crosscase_read_all ON {schema}.event;
DROP POLICY IF EXISTS crosscase_add ON {schema}.event;
CREATE POLICY crosscase_read ON {schema}.event FOR SELECT TO {reader} USING (
    coder IN (SELECT c.name FROM {schema}.coder c WHERE c.login = current_user)
    OR NOT {blind_now});
CREATE POLICY crosscase_read_all ON {schema}.event FOR SELECT TO {manager} USING (true);
CREATE POLICY crosscase_add ON {schema}.event FOR INSERT TO {coder} WITH CHECK (true);
"""

#: A coder deleting a colleague's coding is refused with a reason, not silently
#: skipped (a policy alone would just leave the row out of the delete). Managers,
#: the table's owner (also for the cascades of deleting a code or a document)
#: and superusers pass.
DELETE_GUARD = """
CREATE OR REPLACE FUNCTION {schema}.crosscase_coding_delete_guard() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF OLD.coder_id IN {mine}
       OR pg_has_role(current_user, {manager_literal}, 'MEMBER')
       OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'only the coder who made coding % (or a manager) may delete it', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$fn$;
DROP TRIGGER IF EXISTS crosscase_coding_delete_guard ON {schema}.coding;
CREATE TRIGGER crosscase_coding_delete_guard BEFORE DELETE ON {schema}.coding
    FOR EACH ROW EXECUTE FUNCTION {schema}.crosscase_coding_delete_guard();
"""

# -- members --------------------------------------------------------------------

#: Adding and removing members runs as the role that installed the project (it
#: could create roles): an owner who may not create roles on the server may
#: still add members to this project, and nothing else: only the four group
#: roles, only login roles that are not superusers. A password arrives as a
#: SCRAM verifier made by the client, never in clear.
MEMBER_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {schema}.crosscase_add_member(who text, grp_name text, verifier text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    other text;
BEGIN
    IF grp_name NOT IN ({group_literals}) THEN
        RAISE EXCEPTION '% is not a role of this project', grp_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF who IN ({group_literals}) THEN
        RAISE EXCEPTION '% is a group role, not a person', who USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who) THEN
        IF verifier IS NULL THEN
            EXECUTE format('CREATE ROLE %I LOGIN', who);
        ELSE
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', who, verifier);
        END IF;
    ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who AND (rolsuper OR NOT rolcanlogin)) THEN
        RAISE EXCEPTION '% is a superuser or cannot log in; it cannot be made a member', who
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- one role per member: give up the others first
    FOR other IN
        SELECT g.rolname FROM pg_auth_members am
        JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
        WHERE m.rolname = who AND g.rolname IN ({group_literals}) AND g.rolname <> grp_name
    LOOP
        EXECUTE format('REVOKE %I FROM %I', other, who);
    END LOOP;
    EXECUTE format('GRANT %I TO %I', grp_name, who);
END
$fn$;

CREATE OR REPLACE FUNCTION {schema}.crosscase_remove_member(who text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    other text;
BEGIN
    FOR other IN
        SELECT g.rolname FROM pg_auth_members am
        JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
        WHERE m.rolname = who AND g.rolname IN ({group_literals})
    LOOP
        EXECUTE format('REVOKE %I FROM %I', other, who);
    END LOOP;
END
$fn$;

REVOKE ALL ON FUNCTION {schema}.crosscase_add_member(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION {schema}.crosscase_remove_member(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.crosscase_add_member(text, text, text) TO {owner};
GRANT EXECUTE ON FUNCTION {schema}.crosscase_remove_member(text) TO {owner};
"""


def _names(conn: Connection) -> tuple[str, str, dict[str, str]]:
    database = str(conn.execute(text("SELECT current_database()")).scalar())
    schema = str(conn.execute(text("SELECT current_schema()")).scalar())
    return database, schema, {r: group_role(database, r) for r in ROLES}


def install(conn: Connection) -> None:
    """Create or refresh the shared project's roles and row rules, in ``conn``'s transaction.

    Idempotent. Group roles that exist already are kept; when they are missing
    and the installing role may not create roles, the project is left without
    roles (only its creator can use it) and a warning says so.
    """
    if conn.dialect.name != "postgresql":
        return
    database, schema, groups = _names(conn)
    present = set(conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:n)"),
                               {"n": list(groups.values())}).scalars())
    missing = [groups[r] for r in ROLES if groups[r] not in present]
    if missing:
        allowed = conn.execute(text(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar()
        if not allowed:
            log.warning("shared project %s: the login may not create roles, so the project "
                        "has no roles yet (%s and the others); they are made when a login "
                        "that may create roles adds the first member", database, missing[0])
            return
    raw = _raw(conn)
    for name in missing:
        raw.execute(f"CREATE ROLE {_ident(name)} NOLOGIN")
    mine = MINE.format(schema=_ident(schema))
    values = {
        "db": _ident(database), "schema": _ident(schema),
        **{r: _ident(groups[r]) for r in ROLES},
        "mine": mine,
        "manager_literal": _literal(groups["manager"]),
        "group_literals": ", ".join(_literal(groups[r]) for r in ROLES),
    }
    values["visible"] = VISIBLE.format(**values)
    values["blind_now"] = BLIND_IN_OPEN_ROUND.format(**values)
    for block in (RESET, LADDER, READER, CODER, MANAGER, OWNER, POLICIES, LOG_POLICIES,
                  DELETE_GUARD, MEMBER_FUNCTIONS):
        raw.execute(block.format(**values))
    for table in CODER_SEQUENCE_TABLES:
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                {"t": f"{_ident(schema)}.{_ident(table)}"}).scalar()
        if sequence:  # already quoted by PostgreSQL
            raw.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {values['coder']}")


# -- members ----------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A login on the shared project: the role it holds on the server, and its coder."""

    login: str
    role: str | None  # None: tied to a coder but holding no role (removed)
    coder: str | None

    def as_json(self) -> dict[str, Any]:
        return {"login": self.login, "role": self.role, "coder": self.coder}


@contextmanager
def _connection(target: Project | Connection | Engine) -> Iterator[Connection]:
    if isinstance(target, Connection):
        yield target
    elif isinstance(target, Engine):
        with target.begin() as conn:
            yield conn
    else:
        with target.transaction() as session:
            yield session.connection()


def _check_shared(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        raise UsageError("members and roles are for shared projects on a server "
                         "(a postgresql:// URL); a project file has none")


def _checked_login(login: str) -> str:
    name = str(login).strip()
    if not name or "\x00" in name or name != clean_name(name):
        raise UsageError(f"{login!r} is not a usable login name")
    if len(name.encode()) > MAX_IDENTIFIER:
        raise UsageError(f"a login name is at most {MAX_IDENTIFIER} bytes")
    if name.lower().startswith("pg_"):
        raise UsageError(f"{name}: names starting with pg_ are reserved by PostgreSQL")
    return name


def add_member(target: Project | Connection | Engine, login: str, role: str,
               coder_name: str | None = None, password: str | None = None) -> Member:
    """Make ``login`` a member with ``role`` (replacing any role it had), working as
    the coder ``coder_name`` (default: the login's name; made if new).

    The login role is created when the server has none of that name: with
    ``password`` (sent as a SCRAM verifier, never in clear) or without one,
    for servers that let people in by peer or certificate authentication.
    """
    login = _checked_login(login)
    if role not in ROLES:
        raise UsageError(f"no role {role!r} (one of: {', '.join(ROLES)})")
    coder = clean_name(str(coder_name if coder_name is not None else login)).strip()
    if not coder or len(coder) > 200:
        raise UsageError("a member's coder needs a name of 1 to 200 characters")
    with _connection(target) as conn:
        _check_shared(conn)
        _database, schema, groups = _names(conn)
        if not _installed(conn, schema):
            install(conn)  # a project made before roles, or by a login that could not make them
            if not _installed(conn, schema):
                raise UsageError("this shared project has no roles on its server yet; add the "
                                 "first member with a login that may create roles")
        verifier = None
        if password:
            raw = _raw(conn)
            verifier = raw.pgconn.encrypt_password(
                password.encode(), login.encode(), b"scram-sha-256").decode()
        try:
            conn.execute(text(f"SELECT {_ident(schema)}.crosscase_add_member(:m, :g, :v)"),
                         {"m": login, "g": groups[role], "v": verifier})
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == INVALID_PARAMETER:
                raise UsageError(str(exc.orig).strip().splitlines()[0]) from None
            raise
        _tie(conn, login, role, coder)
        if not isinstance(target, (Connection, Engine)):
            _log(conn, target, "member.add", login=login, role=role, coder=coder)
    return Member(login, role, coder)


def _log(conn: Connection, project: Project, action: str, **detail: str) -> None:
    """The event log's line for a change of members (who made it, and what)."""
    conn.execute(insert(Event).values(at=utcnow(), coder=project.coder_name, action=action,
                                      detail=json.dumps(detail, ensure_ascii=False)))


def _tie(conn: Connection, login: str, role: str, coder: str) -> None:
    """``coder.login``: the coder ``coder`` is worked by ``login`` (and no other coder is)."""
    row = conn.execute(text("SELECT id, login FROM coder WHERE name = :n"), {"n": coder}).first()
    if row is not None and row.login not in (None, login):
        raise UsageError(f"the coder {coder!r} is already worked by the login {row.login!r}; "
                         "remove that member first")
    conn.execute(text("UPDATE coder SET login = NULL WHERE login = :l AND name <> :n"),
                 {"l": login, "n": coder})
    if row is None:
        conn.execute(text("INSERT INTO coder (name, login, role) VALUES (:n, :l, :r)"),
                     {"n": coder, "l": login, "r": role})
    else:
        conn.execute(text("UPDATE coder SET login = :l, role = :r WHERE id = :i"),
                     {"l": login, "r": role, "i": row.id})


def _installed(conn: Connection, schema: str) -> bool:
    return conn.execute(text("SELECT to_regprocedure(:f) IS NOT NULL"), {
        "f": f"{_ident(schema)}.crosscase_add_member(text, text, text)"}).scalar() is True


def remove_member(target: Project | Connection | Engine, login: str) -> None:
    """Take every role of this project from ``login``; its coder (and their codings)
    stay, no longer tied to it. The login role itself is left on the server."""
    login = str(login).strip()
    with _connection(target) as conn:
        _check_shared(conn)
        _database, schema, _groups = _names(conn)
        known = {m.login for m in _members(conn)}
        if login not in known:
            raise UsageError(f"{login!r} is not a member of this project")
        conn.execute(text(f"SELECT {_ident(schema)}.crosscase_remove_member(:m)"), {"m": login})
        conn.execute(text("UPDATE coder SET login = NULL WHERE login = :l"), {"l": login})
        if not isinstance(target, (Connection, Engine)):
            _log(conn, target, "member.remove", login=login)


def members(target: Project | Connection | Engine) -> list[Member]:
    """Every login holding one of this project's roles, or tied to one of its coders,
    by login name; the role is what the server says it holds."""
    with _connection(target) as conn:
        _check_shared(conn)
        return _members(conn)


def _members(conn: Connection) -> list[Member]:
    _database, _schema, groups = _names(conn)
    by_group = {g: r for r, g in groups.items()}
    held: dict[str, str] = {}
    for login, group in conn.execute(text(
            "SELECT m.rolname, g.rolname FROM pg_auth_members am "
            "JOIN pg_roles g ON g.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
            "WHERE g.rolname = ANY(:g) AND m.rolcanlogin"), {"g": list(groups.values())}):
        role = by_group[group]
        if login not in held or ROLES.index(role) < ROLES.index(held[login]):
            held[login] = role
    coders = {str(login): str(name) for login, name in conn.execute(
        text("SELECT login, name FROM coder WHERE login IS NOT NULL"))}
    return [Member(login, held.get(login), coders.get(login))
            for login in sorted(set(held) | set(coders), key=str.casefold)]


def login_coder(conn: Connection) -> str | None:
    """The name of the coder tied to the current login (``coder.login = current_user``),
    or None: then the coder is whoever the person says they are."""
    if conn.dialect.name != "postgresql":
        return None
    name = conn.execute(text("SELECT name FROM coder WHERE login = current_user")).scalar()
    return None if name is None else str(name)
