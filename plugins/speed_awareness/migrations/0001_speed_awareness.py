"""speed awareness plugin: offers, venues, trainers

Revision ID: 0001_speed_awareness
Revises: 
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_speed_awareness"
down_revision = None
branch_labels = ('speed_awareness',)
depends_on = "core"


def upgrade():
    op.create_table('speed_awareness_venue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_speed_awareness_venue_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speed_awareness_venue'))
    )
    with op.batch_alter_table('speed_awareness_venue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speed_awareness_venue_tenant_id'), ['tenant_id'], unique=False)
    op.create_table('speed_awareness_trainer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_member.id'], name=op.f('fk_speed_awareness_trainer_staff_member_id_staff_member'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_speed_awareness_trainer_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speed_awareness_trainer'))
    )
    with op.batch_alter_table('speed_awareness_trainer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speed_awareness_trainer_tenant_id'), ['tenant_id'], unique=False)
    op.create_table('speed_awareness_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('driver_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('licence_number', sa.String(length=16), nullable=False),
    sa.Column('offence_date', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('motorway', sa.Boolean(), nullable=False),
    sa.Column('vehicle', sa.String(length=16), nullable=False),
    sa.Column('limit_mph', sa.Integer(), nullable=False),
    sa.Column('recorded_mph', sa.Integer(), nullable=False),
    sa.Column('course_type', sa.String(length=40), nullable=False),
    sa.Column('admission_received_on', sa.Date(), nullable=False),
    sa.Column('book_by', sa.Date(), nullable=False),
    sa.Column('complete_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('erase_after', sa.Date(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_speed_awareness_offer_case_id_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_speed_awareness_offer_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speed_awareness_offer')),
    sa.UniqueConstraint('tenant_id', 'reference', name=op.f('uq_speed_awareness_offer_tenant_id'))
    )
    with op.batch_alter_table('speed_awareness_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speed_awareness_offer_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_speed_awareness_offer_erase', ['status', 'erase_after'], unique=False)
        batch_op.create_index('ix_speed_awareness_offer_licence', ['tenant_id', 'licence_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_speed_awareness_offer_tenant_id'), ['tenant_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('speed_awareness_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speed_awareness_offer_tenant_id'))
        batch_op.drop_index('ix_speed_awareness_offer_licence')
        batch_op.drop_index('ix_speed_awareness_offer_erase')
        batch_op.drop_index(batch_op.f('ix_speed_awareness_offer_case_id'))
    op.drop_table('speed_awareness_offer')
    with op.batch_alter_table('speed_awareness_trainer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speed_awareness_trainer_tenant_id'))
    op.drop_table('speed_awareness_trainer')
    with op.batch_alter_table('speed_awareness_venue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speed_awareness_venue_tenant_id'))
    op.drop_table('speed_awareness_venue')
    # ### end Alembic commands ###
