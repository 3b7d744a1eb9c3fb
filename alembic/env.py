"""Alembic environment for Crosscase project files.

Crosscase runs migrations itself (see crosscase.db.project); the connection
is handed in through ``config.attributes["connection"]``.
"""

from alembic import context

from crosscase.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when run by the alembic CLI
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
