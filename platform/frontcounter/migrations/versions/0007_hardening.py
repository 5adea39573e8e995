"""hardening: revocable sessions, tracking link age, email hand-over claims

Revision ID: 0007_hardening
Revises: 0006_payments
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_hardening'
down_revision = '0006_payments'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_link_days', sa.Integer(), server_default='90', nullable=False))
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('attempt_started_at')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('tracking_link_days')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
