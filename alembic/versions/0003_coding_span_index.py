"""An index for reading codings by code with their spans (the matrix)

Revision: 0003 (after 0002)
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coding_code_span", ["code_id", "document_id", "start", "end"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.drop_index("ix_coding_code_span")
