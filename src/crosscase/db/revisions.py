"""The schema revisions this Crosscase knows, readable without importing alembic.

Opening a project only compares the file's revision with the head; importing
alembic to learn it would cost more than the rest of a command. A new
migration adds its revision at the end of ``REVISIONS``;
tests/db/test_revisions.py checks that this list is exactly what alembic's
ScriptDirectory reports, in order.
"""

from __future__ import annotations

#: every migration's revision, oldest first
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005")

#: the revision a new project is stamped with and an older one upgraded to
HEAD: str = REVISIONS[-1]

#: the table alembic keeps the revision in (its default name)
VERSION_TABLE = "alembic_version"
