"""The test run's own PostgreSQL server (tests/pgserver.py, tests/pgfixtures.py)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pgserver import PostgresError, PostgresServer
from psycopg import sql


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT table_name FROM information_schema.tables"
                            " WHERE table_schema = 'public'").fetchall()
    return {r[0] for r in rows}


def database_exists(server: PostgresServer, name: str) -> bool:
    with server.admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@pytest.fixture
def other_pg_url(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url.rsplit("/", 1)[1])


def test_server_is_postgresql_15_or_newer(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        version, number = conn.execute(
            "SELECT version(), current_setting('server_version_num')::int").fetchone()  # type: ignore[misc]
    assert version.startswith("PostgreSQL ")
    assert number >= 150000


def test_each_pg_url_is_its_own_empty_database(pg_url: str, other_pg_url: str) -> None:
    assert pg_url != other_pg_url
    assert tables(pg_url) == set() and tables(other_pg_url) == set()
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE only_here (id int)")
    assert tables(pg_url) == {"only_here"}
    assert tables(other_pg_url) == set()


def test_database_from_template_has_the_templates_table(pg_server: PostgresServer) -> None:
    template = pg_server.create_database()
    try:
        with psycopg.connect(template) as conn:
            conn.execute("CREATE TABLE seeded (name text)")
            conn.execute("INSERT INTO seeded VALUES ('from the template')")
        copy = pg_server.create_database(template=template.rsplit("/", 1)[1])
        try:
            with psycopg.connect(copy) as conn:
                rows = conn.execute("SELECT name FROM seeded").fetchall()
            assert rows == [("from the template",)]
        finally:
            pg_server.drop_database(copy.rsplit("/", 1)[1])
    finally:
        pg_server.drop_database(template.rsplit("/", 1)[1])


def test_drop_database_ends_open_connections(pg_server: PostgresServer) -> None:
    url = pg_server.create_database("kept_open")
    conn = psycopg.connect(url)
    try:
        pg_server.drop_database("kept_open")
        assert not database_exists(pg_server, "kept_open")
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    finally:
        conn.close()


def test_tcp_login_needs_the_roles_password(pg_server: PostgresServer, pg_url: str,
                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # no password may come from the environment or a password file
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    role, password = f"coder_{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    database = pg_url.rsplit("/", 1)[1]
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(password)))
    try:
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(pg_server.url(database, user=role)).close()
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(pg_server.url(database, user=role, password="wrong")).close()
        with psycopg.connect(pg_server.url(database, user=role, password=password)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)
    finally:
        with pg_server.admin() as admin:
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_missing_server_programs_say_how_to_install_them(tmp_path: Path) -> None:
    server = PostgresServer(bindir=tmp_path)  # a folder without initdb, pg_ctl, postgres
    with pytest.raises(PostgresError) as caught:
        server.start()
    message = str(caught.value)
    assert "\n" not in message
    assert "initdb" in message and "sudo apt-get install -y postgresql" in message
    assert server.base is None and server.port is None


def test_a_killed_runs_server_is_stopped_and_removed_by_the_next_run(tmp_path: Path) -> None:
    """A test run killed outright (SIGKILL, a timeout) cannot stop its server; the next
    run that starts one stops and removes it."""
    program = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
        "from pgserver import PostgresServer\n"
        "server = PostgresServer()\n"
        "server.start()\n"
        "print(server.base, flush=True)\n"
        "time.sleep(120)\n"
    )
    run = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, text=True)
    try:
        assert run.stdout is not None
        orphan = Path(run.stdout.readline().strip())
    finally:
        run.kill()
        run.wait()
    postmaster = int((orphan / "data" / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, 0)  # still running: nobody stopped it
    server = PostgresServer()
    server.start()
    try:
        assert not orphan.exists()
        with pytest.raises(ProcessLookupError):
            for _ in range(100):  # the postmaster exits as soon as it is told
                os.kill(postmaster, 0)
                time.sleep(0.05)
    finally:
        server.stop()
