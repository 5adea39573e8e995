"""Forces carry a settings version, bumped with every change to the force or its services (per-process caches)

Revision ID: 0015_settings_version
Revises: 0014_figures
Create Date: 2026-12-06 09:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_settings_version'
down_revision = '0014_figures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tenant') as batch:
        batch.add_column(sa.Column('settings_version', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('tenant') as batch:
        batch.drop_column('settings_version')
