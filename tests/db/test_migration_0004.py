"""Revision 0004: every coding gets a coder, framework cells carry one, rounds and
saved queries have their tables; nothing is lost on the way."""

from __future__ import annotations

import getpass
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, select

from crosscase.db.models import Coder, Coding, FrameworkCell, ReliabilityRound, SavedQuery
from crosscase.db.project import _alembic_config, open_project


def project_at_0003(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0003")
        run = conn.exec_driver_sql
        run("INSERT INTO project (id, name, created, memo) VALUES (1, 'old', '2025-01-01', '')")
        run("INSERT INTO \"case\" (id, name, memo, position) VALUES (1, 'Case A', '', 0)")
        run("INSERT INTO coder (id, name) VALUES (1, 'ana')")
        run("INSERT INTO document (id, case_id, name, format, text, sha256, chars, words, memo,"
            " position, imported) VALUES (1, 1, 'interview', 'txt', 'Trust 𝒳 grows.', 'x', 14, 3,"
            " '', 0, '2025-01-01')")
        run("INSERT INTO code (id, name, color, definition, inclusion, exclusion, example, memo,"
            " position) VALUES (1, 'Trust', '#123456', '', '', '', '', '', 0)")
        run("INSERT INTO coding (id, document_id, code_id, coder_id, start, \"end\", snippet, memo,"
            " created) VALUES (1, 1, 1, 1, 0, 7, 'Trust 𝒳', '', '2025-01-01')")
        run("INSERT INTO coding (id, document_id, code_id, coder_id, start, \"end\", snippet, memo,"
            " created) VALUES (2, 1, 1, NULL, 8, 13, 'grows', '', '2025-01-01')")
        run("INSERT INTO framework_cell (id, code_id, case_id, summary, rating)"
            " VALUES (1, 1, 1, 'Strong trust', 'strong')")
    engine.dispose()


def test_codings_without_a_coder_get_one_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.crosscase"
    project_at_0003(path)
    with open_project(path) as p:
        assert p.backup_path is not None and p.backup_path.exists()
        with p.session() as s:
            rows = s.execute(
                select(Coding.id, Coding.snippet, Coder.name).join(Coder, Coder.id == Coding.coder_id)
                .order_by(Coding.id)
            ).all()
            assert [tuple(r) for r in rows] == [(1, "Trust 𝒳", "ana"), (2, "grows", getpass.getuser())]
            cell = s.get(FrameworkCell, 1)
            assert cell is not None and cell.summary == "Strong trust" and cell.coder_id is None
            assert s.scalars(select(ReliabilityRound)).all() == []
            assert s.scalars(select(SavedQuery)).all() == []
