"""Coders own framework judgements; reliability rounds; saved coding queries

Also gives every coding a coder: a coding with none (from an older file)
goes to a coder named after the person upgrading the file, so no coding is
left without one.

Revision: 0004 (after 0003)
"""

import getpass

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _login() -> str:
    try:
        return getpass.getuser() or "researcher"
    except Exception:  # noqa: BLE001 - any failure means no login name
        return "researcher"


def upgrade() -> None:
    op.create_table(
        "reliability_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("share", sa.Double(), nullable=False),
        sa.Column("stratum", sa.String(length=20), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("closed", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reliability_round")),
        sa.UniqueConstraint("name", name=op.f("uq_reliability_round_name")),
    )
    op.create_table(
        "round_coder",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"],
                                name=op.f("fk_round_coder_coder_id_coder"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["reliability_round.id"],
                                name=op.f("fk_round_coder_round_id_reliability_round"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "coder_id", name=op.f("pk_round_coder")),
    )
    op.create_table(
        "saved_query",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("expression", sa.Text(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"],
                                name=op.f("fk_saved_query_coder_id_coder"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_query")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_query_name")),
    )
    op.create_table(
        "round_document",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"],
                                name=op.f("fk_round_document_document_id_document"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["reliability_round.id"],
                                name=op.f("fk_round_document_round_id_reliability_round"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "document_id", name=op.f("pk_round_document")),
    )
    with op.batch_alter_table("framework_cell", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coder_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_framework_cell_coder_id_coder"), "coder",
                                    ["coder_id"], ["id"], ondelete="SET NULL")

    # every coding belongs to a coder
    bind = op.get_bind()
    orphans = bind.execute(sa.text("SELECT count(*) FROM coding WHERE coder_id IS NULL")).scalar()
    if orphans:
        name = _login()
        coder = bind.execute(sa.text("SELECT id FROM coder WHERE name = :n"), {"n": name}).scalar()
        if coder is None:
            bind.execute(sa.text("INSERT INTO coder (name) VALUES (:n)"), {"n": name})
            coder = bind.execute(sa.text("SELECT id FROM coder WHERE name = :n"),
                                 {"n": name}).scalar()
        bind.execute(sa.text("UPDATE coding SET coder_id = :c WHERE coder_id IS NULL"),
                     {"c": coder})


def downgrade() -> None:
    with op.batch_alter_table("framework_cell", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_framework_cell_coder_id_coder"),
                                 type_="foreignkey")
        batch_op.drop_column("coder_id")
    op.drop_table("round_document")
    op.drop_table("saved_query")
    op.drop_table("round_coder")
    op.drop_table("reliability_round")
