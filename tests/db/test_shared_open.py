"""A shared project on a real PostgreSQL server: created, opened, upgraded, refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from crosscase.commands.codebook import CreateCode
from crosscase.db import revisions
from crosscase.db.project import open_project
from crosscase.db.server import SharedProject, redacted
from crosscase.domain.errors import NotAProject, ProjectOpenError, SchemaTooNew
from crosscase.services.projects import new_project


def test_a_new_shared_project_opens_again_with_its_codebook(pg_url: str) -> None:
    p = new_project(pg_url)
    try:
        assert isinstance(p, SharedProject)
        assert p.location == redacted(pg_url)
        assert ":" not in p.location.split("@")[0].removeprefix("postgresql://")
        CreateCode("Ideas from users 💡").do(p)
    finally:
        p.close()
    again = open_project(pg_url)
    try:
        with again.engine.connect() as conn:
            names = set(conn.execute(text("SELECT name FROM code")).scalars())
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert "Ideas from users 💡" in names
        assert rev == revisions.HEAD
    finally:
        again.close()


def test_an_empty_database_is_not_a_project(pg_url: str) -> None:
    with pytest.raises(NotAProject, match="holds no Crosscase project"):
        open_project(pg_url)


def test_a_second_new_on_the_same_database_is_refused(pg_url: str) -> None:
    new_project(pg_url).close()
    with pytest.raises(ProjectOpenError, match="already holds a Crosscase project"):
        new_project(pg_url)


def test_a_newer_schema_is_refused(pg_url: str) -> None:
    p = new_project(pg_url)
    with p.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    p.close()
    with pytest.raises(SchemaTooNew, match="newer Crosscase"):
        open_project(pg_url)


def test_a_colleagues_import_reaches_the_other_clients_change_stream(pg_url: str,
                                                                      tmp_path: Path) -> None:
    """Imports are not commands, but a shared project's other clients hear them too."""
    import threading

    from crosscase.domain.changes import Change, Kind
    from crosscase.services import documents

    new_project(pg_url).close()
    listener = open_project(pg_url)
    importer = open_project(pg_url)
    heard: list[Change] = []
    arrived = threading.Event()

    def hear(change: Change) -> None:
        heard.append(change)
        arrived.set()

    try:
        assert isinstance(listener, SharedProject)
        listener.subscribe(hear)
        listener.listen()
        interview = tmp_path / "interview 😀.txt"
        interview.write_text("Interviewer: Who decides?\nManager: We do, 𝒳 together.\n",
                             encoding="utf-8")
        report = documents.import_files(importer, [interview], "Café case")
        assert not report.failed
        assert arrived.wait(10)  # generous: not a timing assertion
        (change,) = heard
        assert change.touches(Kind.DOCUMENTS)
        assert change.ids(Kind.DOCUMENTS) == frozenset(r.document_id for r in report.imported)
    finally:
        listener.close()
        importer.close()
