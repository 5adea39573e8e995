"""firearms plugin: drafts of applications (save and return)

Revision ID: 0002_firearms_draft
Revises: 0001_firearms
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_firearms_draft"
down_revision = '0001_firearms'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('firearms_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_firearms_draft_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_firearms_draft_case_id_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_firearms_draft_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firearms_draft')),
    sa.UniqueConstraint('public_id', name=op.f('uq_firearms_draft_public_id'))
    )
    with op.batch_alter_table('firearms_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firearms_draft_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_firearms_draft_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('firearms_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firearms_draft_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_firearms_draft_account_id'))
    op.drop_table('firearms_draft')
