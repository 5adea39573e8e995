"""tenant nation and closure days (the UK calendar)

Revision ID: 0004_calendar
Revises: 0003_primitives
Create Date: 2026-12-06 03:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_calendar'
down_revision = '0003_primitives'
branch_labels = ('core',)
depends_on = None


def upgrade():
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nation', sa.String(length=32), server_default='england-and-wales', nullable=False))
        batch_op.add_column(sa.Column('closure_days', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade():
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('closure_days')
        batch_op.drop_column('nation')
