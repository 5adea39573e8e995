"""payment purposes and each force's payment settings

Revision ID: 0006_payments
Revises: 0005_contract
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_payments'
down_revision = '0005_contract'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=64), server_default='fee', nullable=False))
        batch_op.create_index('ix_payment_case_purpose', ['case_id', 'purpose', 'state'], unique=False)
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payments', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade():
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('payments')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_case_purpose')
        batch_op.drop_column('purpose')
