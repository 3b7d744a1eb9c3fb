"""Roles on a shared project's server: owner, manager, coder, reader.

Installed with the schema (``install``) and kept in step on every upgrade.
"""

from __future__ import annotations

from sqlalchemy import Connection


def install(conn: Connection) -> None:
    """Create or refresh the shared project's roles and row rules, in ``conn``'s transaction."""
