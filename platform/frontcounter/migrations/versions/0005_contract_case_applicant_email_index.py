"""index cases by applicant email (finding a person's data)

Revision ID: 0005_contract
Revises: 0004_calendar
Create Date: 2026-12-06 04:00:00

"""
from alembic import op


revision = '0005_contract'
down_revision = '0004_calendar'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_applicant_email', ['tenant_id', 'applicant_email'], unique=False)


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_applicant_email')
