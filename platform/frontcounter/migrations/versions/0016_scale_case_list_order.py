"""Cases listed in deadline order straight from an index: open work, and every case of a service

Revision ID: 0016_scale
Revises: 0015_settings_version
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_scale'
down_revision = '0015_settings_version'
branch_labels = None
depends_on = None


def upgrade():
    # The queue's default view (open work, soonest deadline first) reads its first page off this index.
    op.create_index('ix_case_open_deadline', 'case', ['tenant_id', 'service_key', 'deadline_at', 'id'], unique=False,
                    postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))
    # "All cases" in the queue and the API's case list: a service's cases in deadline order, at any size.
    op.create_index('ix_case_service_deadline', 'case', ['tenant_id', 'service_key', 'deadline_at', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_case_service_deadline', table_name='case')
    op.drop_index('ix_case_open_deadline', table_name='case')
