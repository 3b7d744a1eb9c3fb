"""Push a project file to a real PostgreSQL server and pull it back: every row, every id."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from pgserver import PostgresServer
from sqlalchemy import Connection, create_engine, func, insert, select, text, update

from crosscase.commands.codebook import CreateCode, EditCode
from crosscase.commands.coding import ApplyCodings
from crosscase.db.models import Base, Code, Coder, Coding, Document, Event
from crosscase.db.project import open_project
from crosscase.db.server import SharedProject
from crosscase.domain.errors import CrosscaseError, NotAProject, ProjectOpenError
from crosscase.domain.progress import Progress
from crosscase.exchange.shared import PushRefused, pull, push
from crosscase.services import codebook
from crosscase.services.coding import CodingSpec
from crosscase.services.projects import new_project

Tables = dict[str, list[tuple[Any, ...]]]


def rows(conn: Connection) -> Tables:
    """Every table of the project, each ``SELECT * ORDER BY`` its primary key."""
    return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables}


def file_rows(path: Path) -> Tables:
    with open_project(path, readonly=True) as p, p.engine.connect() as conn:
        return rows(conn)


def server_rows(url: str) -> Tables:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return rows(conn)
    finally:
        engine.dispose()


def server_tables(pg_server: PostgresServer, url: str) -> list[str]:
    """The tables in the database at ``url`` (its own connection, closed after)."""
    import psycopg

    with psycopg.connect(url) as conn:
        return sorted(r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "demo.crosscase"
    shutil.copy(demo_file, dest)
    return dest


def test_push_then_pull_gives_back_every_row_with_its_id(
        demo_copy: Path, pg_url: str, tmp_path: Path) -> None:
    before = demo_copy.read_bytes()
    original = file_rows(demo_copy)
    assert len(original["coding"]) > 100 and len(original["event"]) > 10

    started = time.perf_counter()
    report = push(demo_copy, pg_url)
    pushed = time.perf_counter() - started
    assert report.copy is not None and report.merge is None
    assert report.copy.rows == {name: len(r) for name, r in original.items()}
    assert demo_copy.read_bytes() == before  # the file is only read
    assert server_rows(pg_url) == original

    out = tmp_path / "pulled.crosscase"
    started = time.perf_counter()
    pull(pg_url, out)
    pulled = time.perf_counter() - started
    print(f"\ndemo project ({sum(map(len, original.values()))} rows): "
          f"push {pushed:.2f} s, pull {pulled:.2f} s")
    assert file_rows(out) == original
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert out.stat().st_mode & 0o077 == 0


def test_the_pushed_project_opens_and_new_rows_get_fresh_ids(
        demo_copy: Path, pg_url: str) -> None:
    original = file_rows(demo_copy)
    push(demo_copy, pg_url)
    top = {name: max(r[0] for r in got) for name, got in original.items()
           if got and name in ("coding", "code", "event", "coder")}
    p = open_project(pg_url)
    try:
        assert isinstance(p, SharedProject)
        p.coder_name = "Newcomer"
        code = CreateCode("Pushed and then added 𝒳")
        code.do(p)
        assert code.id is not None
        with p.session() as s:
            doc = s.scalar(select(Document.id).order_by(Document.id))
            assert doc is not None
        apply = ApplyCodings([CodingSpec(doc, code.id, 0, 5)])
        apply.do(p)
        with p.session() as s:
            assert apply.ids and min(apply.ids) > top["coding"]
            assert code.id > top["code"]
            newcomer = s.scalar(select(Coder.id).where(Coder.name == "Newcomer"))
            assert newcomer is not None and newcomer > top["coder"]
            assert (s.scalar(select(func.max(Event.id))) or 0) > top["event"]
            assert s.scalar(select(func.count()).select_from(Coding)) == len(original["coding"]) + 1
    finally:
        p.close()


AWKWARD = ("\ufeffA BOM first, then 𝒳 and 😀 outside the BMP,\r\nCRLF line ends,\r\n"
           "combining marks: e\u0301 a\u0308 \u1100\u1161\u11a8, and a lone CR\rhere.\n")


def awkward_project(path: Path, *, nul: bool = False) -> None:
    """A project holding text the importers would normalise (as a file from elsewhere may)."""
    long_text = AWKWARD + "".join(f"Line {i} 𝒳 naïve\r\n" for i in range(60_000))
    original = bytes(range(256)) * 8192  # 2 MiB, NULs and every byte value included
    with new_project(path, empty=True) as p, p.transaction() as s:
        case_id = s.execute(text("INSERT INTO \"case\" (name, memo, position, version) "
                                 "VALUES ('Ca\u0301se 😀', '', 0, 1) RETURNING id")).scalar()
        body = long_text + ("\x00 hidden" if nul else "")
        s.execute(insert(Document).values(
            case_id=case_id, name="awkward 𝒳", format="txt", text=body, sha256="0" * 64,
            chars=len(body), words=0, original_name="awkward.bin", original=original,
            memo="memo with \r\n and 😀"))


def test_awkward_text_and_binaries_come_across_exactly(pg_url: str, tmp_path: Path) -> None:
    src = tmp_path / "awkward.crosscase"
    awkward_project(src)
    original = file_rows(src)
    push(src, pg_url)
    out = tmp_path / "back.crosscase"
    pull(pg_url, out)
    back = file_rows(out)
    assert back == original
    with open_project(out, readonly=True) as p, p.session() as s:
        body, blob = s.execute(select(Document.text, Document.original)).one()
    assert body.startswith("\ufeffA BOM first, then 𝒳 and 😀") and "\r\nCRLF" in body
    assert "e\u0301 a\u0308" in body and len(body) > 1_000_000
    assert blob == bytes(range(256)) * 8192


def test_a_nul_in_a_document_is_refused_by_name_and_nothing_is_pushed(
        pg_server: PostgresServer, pg_url: str, tmp_path: Path) -> None:
    src = tmp_path / "nul.crosscase"
    awkward_project(src, nul=True)
    with pytest.raises(PushRefused) as caught:
        push(src, pg_url)
    message = str(caught.value)
    assert "'awkward 𝒳'" in message and "NUL" in message and "\n" not in message
    assert server_tables(pg_server, pg_url) == []


def test_a_value_the_server_refuses_half_way_leaves_the_database_empty(
        pg_server: PostgresServer, demo_copy: Path, pg_url: str) -> None:
    with open_project(demo_copy) as p, p.transaction() as s:
        last = s.scalar(select(func.max(Coding.id)))
        # SQLite keeps any length; the server's varchar(40) does not
        s.execute(update(Coding).where(Coding.id == last).values(guid="g" * 41))
    with pytest.raises(PushRefused) as caught:
        push(demo_copy, pg_url)
    assert "'coding'" in str(caught.value) and "too long" in str(caught.value)
    assert server_tables(pg_server, pg_url) == []


def test_a_push_whose_connection_is_killed_leaves_the_database_empty(
        pg_server: PostgresServer, demo_copy: Path, pg_url: str) -> None:
    database = pg_url.rsplit("/", 1)[1]
    killed: list[str] = []

    def kill_midway(progress: Progress) -> None:
        if progress.done >= progress.total // 2 and not killed:
            killed.append(progress.label)
            with pg_server.admin() as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", [database])

    with pytest.raises(CrosscaseError) as caught:
        push(demo_copy, pg_url, Progress(on_change=kill_midway))
    assert killed, "the push never reached half way"
    message = str(caught.value)
    assert "connection to the server was lost" in message and "nothing was pushed" in message
    assert "\n" not in message and "Traceback" not in message
    assert server_tables(pg_server, pg_url) == []
    push(demo_copy, pg_url)  # and a second push goes through
    assert server_rows(pg_url) == file_rows(demo_copy)


def with_guids(path: Path) -> None:
    with open_project(path) as p, p.transaction() as s:
        for cid in s.scalars(select(Code.id)):
            s.execute(update(Code).where(Code.id == cid).values(guid=f"guid-{cid:04d}"))


def test_pushing_a_pulled_copy_back_merges_its_new_work_with_a_conflict(
        demo_copy: Path, pg_url: str, tmp_path: Path) -> None:
    with_guids(demo_copy)
    push(demo_copy, pg_url)
    copy = tmp_path / "offline.crosscase"
    pull(pg_url, copy)
    with open_project(pg_url) as shared, shared.session() as s:
        tree = codebook.tree(s)
        renamed = next(i for i, n in tree.items() if n.parent is None)
        old_name = tree[renamed].name
        n_codings = s.scalar(select(func.count()).select_from(Coding))
    # offline, Ben renames a code and codes a passage
    with open_project(copy) as p:
        p.coder_name = "Ben"
        EditCode(renamed, name="Renamed offline").do(p)
        with p.session() as s:
            doc = s.scalar(select(Document.id).order_by(Document.id.desc()))
            assert doc is not None
        ApplyCodings([CodingSpec(doc, renamed, 1, 9)]).do(p)
    before = copy.read_bytes()
    report = push(copy, pg_url, coder="Ann")
    assert report.merge is not None and report.copy is None
    assert copy.read_bytes() == before
    text_ = report.text()
    assert len(report.merge.conflicts) == 1
    assert "a code renamed or moved" in report.merge.conflicts[0]
    assert repr(old_name) in text_ and "'Renamed offline'" in text_
    assert "codings: 1 added" in text_
    with open_project(pg_url) as shared, shared.session() as s:
        assert s.scalar(select(func.count()).select_from(Coding)) == n_codings + 1
        ben = s.scalar(select(Coder.id).where(Coder.name == "Ben"))
        assert s.scalar(select(func.count()).select_from(Coding)
                        .where(Coding.coder_id == ben)) == 1
        assert s.scalar(select(Code.name).where(Code.id == renamed)) == old_name
        last = s.execute(select(Event.action, Event.coder).order_by(Event.id.desc())).first()
        assert last is not None and tuple(last) == ("project.merge", "Ann")


def test_pull_onto_an_existing_file_is_refused_and_leaves_it(
        demo_copy: Path, pg_url: str, tmp_path: Path) -> None:
    push(demo_copy, pg_url)
    target = tmp_path / "mine.crosscase"
    target.write_bytes(b"my own work\n")
    with pytest.raises(ProjectOpenError, match="mine.crosscase: already exists"):
        pull(pg_url, target)
    assert target.read_bytes() == b"my own work\n"
    # (reading the demo copy may leave SQLite's -wal and -shm beside it)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("demo.")) == [
        "mine.crosscase"]


def test_a_failed_pull_leaves_nothing(pg_server: PostgresServer, demo_copy: Path, pg_url: str,
                                      tmp_path: Path) -> None:
    out = tmp_path / "pulled.crosscase"
    with pytest.raises(NotAProject, match="holds no Crosscase project"):
        pull(pg_url, out)
    push(demo_copy, pg_url)
    database = pg_url.rsplit("/", 1)[1]

    def kill_midway(progress: Progress) -> None:
        if progress.done >= progress.total // 2:
            with pg_server.admin() as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", [database])

    with pytest.raises(CrosscaseError, match="connection to the server was lost .* "
                       "pulled.crosscase was not written"):
        pull(pg_url, out, Progress(on_change=kill_midway))
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("demo.")] == []


def test_a_database_with_other_tables_is_refused(pg_url: str, demo_copy: Path) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE coding (x int)")
    with pytest.raises(ProjectOpenError, match="already has a table 'coding'"):
        push(demo_copy, pg_url)


def test_an_older_file_is_upgraded_first_then_pushed(pg_url: str, tmp_path: Path) -> None:
    from alembic import command

    from crosscase.db import revisions
    from crosscase.db.project import _alembic_config

    path = tmp_path / "old.crosscase"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0004")
        conn.exec_driver_sql("INSERT INTO project (id, name, created, memo) "
                             "VALUES (1, 'old', '2025-01-01 00:00:00.000000', 'kept 😀')")
        conn.exec_driver_sql("INSERT INTO \"case\" (id, name, memo, position) "
                             "VALUES (7, 'Case A', 'kept', 0)")
    engine.dispose()
    push(path, pg_url)
    assert len(list(tmp_path.glob("old.before-upgrade-*.crosscase"))) == 1
    assert server_rows(pg_url) == file_rows(path)
    with open_project(pg_url) as p, p.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            == revisions.HEAD
        assert conn.execute(text('SELECT id, memo FROM "case"')).one() == (7, "kept")
