"""Shared fixtures. Qt runs offscreen: set before any QApplication exists."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CROSSCASE_CODER", "tester")
# the machine's last coder is remembered under the user's configuration folder: a private one
os.environ["XDG_CONFIG_HOME"] = __import__("tempfile").mkdtemp(prefix="crosscase-config-")

from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import pytest  # noqa: E402

from crosscase.db.project import Project, open_project  # noqa: E402
from crosscase.services.projects import new_project  # noqa: E402

pytest_plugins = ["pgfixtures"]  # pg_server, pg_url: a private PostgreSQL server


#: the folders whose tests run against a project file and a shared project alike
BOTH_ENGINES = ("commands", "services", "analysis", "exchange")
ENGINE_FIXTURES = {"project", "empty_project", "study", "bench", "demo_project"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The core's tests run twice: on a project file and on a shared project on the
    run's PostgreSQL server, so the second engine cannot rot."""
    if not ENGINE_FIXTURES & set(metafunc.fixturenames) or "where" not in metafunc.fixturenames:
        return
    parts = Path(metafunc.definition.path).relative_to(Path(__file__).parent).parts
    if parts and parts[0] in BOTH_ENGINES:
        metafunc.parametrize("where", ["file", "server"], indirect=True)


@pytest.fixture
def where(request: pytest.FixtureRequest) -> str:
    """Where the test's project lives: "file" (a .crosscase file) or "server"."""
    return str(getattr(request, "param", "file"))


class Templates:
    """Shared projects built once per run, copied for each test (CREATE DATABASE ... TEMPLATE)."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.made: set[str] = set()

    def copy(self, name: str, build: Callable[[str], Project]) -> tuple[Project, str]:
        if name not in self.made:
            built = build(self.server.create_database(name))
            built.close()  # a template must have no connection while it is copied
            self.made.add(name)
        url = self.server.create_database(template=name)
        return open_project(url), url


@pytest.fixture(scope="session")
def templates(request: pytest.FixtureRequest) -> Templates:
    return Templates(request.getfixturevalue("pg_server"))


def _made(request: pytest.FixtureRequest, where: str, tmp_path: Path, template: str,
          build: Callable[[str | Path], Project], filename: str) -> Iterator[Project]:
    if where == "file":
        p = build(tmp_path / filename)
        yield p
        p.close()
        return
    tpl: Templates = request.getfixturevalue("templates")
    p, url = tpl.copy(template, build)
    try:
        yield p
    finally:
        p.close()
        tpl.server.drop_database(urlsplit(url).path.lstrip("/"))


@pytest.fixture
def project(request: pytest.FixtureRequest, where: str, tmp_path: Path) -> Iterator[Project]:
    """A new project with the default codebook (a file, or a shared project)."""
    yield from _made(request, where, tmp_path, "tpl_default",
                     lambda at: new_project(at, name="study" if isinstance(at, str) else None),
                     "study.crosscase")


@pytest.fixture
def empty_project(request: pytest.FixtureRequest, where: str, tmp_path: Path) -> Iterator[Project]:
    yield from _made(request, where, tmp_path, "tpl_empty",
                     lambda at: new_project(at, empty=True,
                                            name="empty" if isinstance(at, str) else None),
                     "empty.crosscase")


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per test run (copy it before writing)."""
    from crosscase.demo import build_demo

    out = tmp_path_factory.mktemp("demo")
    return build_demo(out)


@pytest.fixture
def demo_project(request: pytest.FixtureRequest, where: str, demo_file: Path,
                 tmp_path: Path) -> Iterator[Project]:
    """A private, writable copy of the coded demo project (a file, or pushed to the server)."""
    import shutil

    if where == "server":
        from crosscase.exchange.shared import push

        def pushed(url: str) -> Project:
            push(demo_file, url)
            return open_project(url)

        yield from _made(request, where, tmp_path, "tpl_demo", pushed, "")  # type: ignore[arg-type]
        return
    dest = tmp_path / demo_file.name
    shutil.copy(demo_file, dest)
    p = open_project(dest)
    yield p
    p.close()
