"""Framework cells: the researcher's summary, rating and pinned quotes per code and case

Revision: 0002 (after 0001)
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEFAULT_SCALE = '["absent", "weak", "moderate", "strong"]'


def upgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rating_scale", sa.Text(), nullable=False, server_default=DEFAULT_SCALE)
        )
    op.create_table(
        "framework_cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("rating", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_framework_cell_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["code.id"],
            name=op.f("fk_framework_cell_code_id_code"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_cell")),
        sa.UniqueConstraint("code_id", "case_id", name="uq_framework_cell_code_case"),
    )
    with op.batch_alter_table("framework_cell", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_framework_cell_case_id"), ["case_id"], unique=False)
    op.create_table(
        "framework_pin",
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"],
            ["framework_cell.id"],
            name=op.f("fk_framework_pin_cell_id_framework_cell"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["coding.id"],
            name=op.f("fk_framework_pin_coding_id_coding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cell_id", "coding_id", name=op.f("pk_framework_pin")),
    )


def downgrade() -> None:
    op.drop_table("framework_pin")
    with op.batch_alter_table("framework_cell", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_framework_cell_case_id"))
    op.drop_table("framework_cell")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("rating_scale")
