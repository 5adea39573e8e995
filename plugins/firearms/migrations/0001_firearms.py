"""firearms plugin: referees, certificates, background checks

Revision ID: 0001_firearms
Revises:
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_firearms"
down_revision = None
branch_labels = ("firearms",)
depends_on = "core"


def upgrade():
    op.create_table('firearms_background_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_firearms_background_check_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_firearms_background_check_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firearms_background_check'))
    )
    with op.batch_alter_table('firearms_background_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firearms_background_check_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_firearms_background_check_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('firearms_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('holder_email', sa.String(length=320), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('extended_to', sa.Date(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('renewal_reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_firearms_certificate_case_id_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_firearms_certificate_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firearms_certificate')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_firearms_certificate_tenant_id'))
    )
    with op.batch_alter_table('firearms_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firearms_certificate_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_firearms_certificate_expiry', ['tenant_id', 'expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_firearms_certificate_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('firearms_referee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('relationship', sa.String(length=40), nullable=False),
    sa.Column('years_known', sa.Integer(), nullable=False),
    sa.Column('lives_in_gb', sa.Boolean(), nullable=False),
    sa.Column('token_nonce', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('photo_likeness', sa.Boolean(), nullable=False),
    sa.Column('declaration', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_firearms_referee_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_firearms_referee_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firearms_referee'))
    )
    with op.batch_alter_table('firearms_referee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firearms_referee_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_firearms_referee_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('firearms_referee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firearms_referee_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_firearms_referee_case_id'))

    op.drop_table('firearms_referee')
    with op.batch_alter_table('firearms_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firearms_certificate_tenant_id'))
        batch_op.drop_index('ix_firearms_certificate_expiry')
        batch_op.drop_index(batch_op.f('ix_firearms_certificate_case_id'))

    op.drop_table('firearms_certificate')
    with op.batch_alter_table('firearms_background_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firearms_background_check_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_firearms_background_check_case_id'))

    op.drop_table('firearms_background_check')
