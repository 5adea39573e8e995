"""sample plugin: permits table

Revision ID: 0001_sample
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_sample"
down_revision = None
branch_labels = ("sample",)
depends_on = "core"


def upgrade():
    op.create_table(
        "sample_permit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("vehicle", sa.String(length=20), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_sample_permit_tenant_id_tenant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_permit")),
    )
    with op.batch_alter_table("sample_permit") as batch_op:
        batch_op.create_index(batch_op.f("ix_sample_permit_tenant_id"), ["tenant_id"], unique=False)


def downgrade():
    op.drop_table("sample_permit")
