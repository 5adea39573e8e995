"""firearms plugin: the referee's own years known (kept beside the applicant's answer) and phone

Revision ID: 0003_firearms_live
Revises: 0002_firearms_draft
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_firearms_live"
down_revision = "0002_firearms_draft"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("firearms_referee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referee_years_known", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=30), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("firearms_referee", schema=None) as batch_op:
        batch_op.drop_column("phone")
        batch_op.drop_column("referee_years_known")
