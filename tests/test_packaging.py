"""A non-editable install carries its migrations, codebook and sample data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    return next(out.glob("crosscase-*.whl"))


def test_wheel_holds_migrations_resources_and_samples(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "crosscase/migrations/env.py" in names
    assert "crosscase/migrations/versions/0001_initial_schema.py" in names
    assert "crosscase/migrations/versions/0002_framework_cells.py" in names
    assert "crosscase/migrations/versions/0003_coding_span_index.py" in names
    assert "crosscase/resources/codebook.json" in names
    assert "crosscase/sample_data/cases.json" in names
    assert "crosscase/sample_data/demo_codings.jsonl" in names
    assert "crosscase/exchange/refi/schemas/Project.xsd" in names


def test_installed_wheel_creates_and_upgrades_projects(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = f"""
import sys
sys.path.insert(0, {str(site)!r})
import crosscase
assert crosscase.__file__.startswith({str(site)!r}), crosscase.__file__
from pathlib import Path
from alembic import command
from sqlalchemy import create_engine
from crosscase.db.project import _alembic_config, open_project
from crosscase.services.projects import new_project
p = new_project(Path({str(tmp_path / 'n.crosscase')!r}))
p.close()
e = create_engine('sqlite:///{tmp_path / 'o.crosscase'}')
with e.begin() as c:
    command.upgrade(_alembic_config(c), '0001')
e.dispose()
p = open_project(Path({str(tmp_path / 'o.crosscase')!r}))
assert p.backup_path is not None
p.close()
print('ok')
"""
    r = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"
