"""Shared fixtures. Qt runs offscreen: set before any QApplication exists."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CROSSCASE_CODER", "tester")
# the machine's last coder is remembered under the user's configuration folder: a private one
os.environ["XDG_CONFIG_HOME"] = __import__("tempfile").mkdtemp(prefix="crosscase-config-")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from crosscase.db.project import Project  # noqa: E402
from crosscase.services.projects import new_project  # noqa: E402

pytest_plugins = ["pgfixtures"]  # pg_server, pg_url: a private PostgreSQL server


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new project with the default codebook."""
    p = new_project(tmp_path / "study.crosscase")
    yield p
    p.close()


@pytest.fixture
def empty_project(tmp_path: Path) -> Iterator[Project]:
    p = new_project(tmp_path / "empty.crosscase", empty=True)
    yield p
    p.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per test run (copy it before writing)."""
    from crosscase.demo import build_demo

    out = tmp_path_factory.mktemp("demo")
    return build_demo(out)


@pytest.fixture
def demo_project(demo_file: Path, tmp_path: Path) -> Iterator[Project]:
    """A private, writable copy of the coded demo project."""
    import shutil

    from crosscase.db.project import open_project

    dest = tmp_path / demo_file.name
    shutil.copy(demo_file, dest)
    p = open_project(dest)
    yield p
    p.close()
