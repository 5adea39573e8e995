"""Welsh force names and areas; the language each case was made in

Revision ID: 0008_live
Revises: 0007_hardening
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_live'
down_revision = '0007_hardening'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_cy', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('area_cy', sa.String(length=500), server_default='', nullable=False))
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))


def downgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('area_cy')
        batch_op.drop_column('name_cy')
