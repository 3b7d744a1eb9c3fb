"""Versions on rows edited in place; the change log; coders' logins and roles

Every row people edit in place (project, cases, documents, participants,
attributes and their values, codes, codings, framework cells) gets a
``version`` that grows with each update, so a write against a stale version
can be refused. ``change_log`` keeps each command's Change for the other
clients of a shared project. A coder may be tied to a database login with a
role (owner, manager, coder, reader); both are used on a shared server only.

Revision: 0005 (after 0004)
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VERSIONED = ("project", "case", "document", "participant", "attribute", "case_value",
             "document_value", "participant_value", "code", "coding", "framework_cell")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                          nullable=False))
    with op.batch_alter_table("coder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column("role", sa.String(length=20), server_default="coder",
                                      nullable=False))
        batch_op.create_unique_constraint(batch_op.f("uq_coder_login"), ["login"])
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("client", sa.String(length=40), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"],
                                name=op.f("fk_change_log_coder_id_coder"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )


def downgrade() -> None:
    op.drop_table("change_log")
    with op.batch_alter_table("coder", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_coder_login"), type_="unique")
        batch_op.drop_column("role")
        batch_op.drop_column("login")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
