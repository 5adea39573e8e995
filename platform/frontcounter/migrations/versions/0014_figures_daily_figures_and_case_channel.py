"""Management figures per UK day; cases record their channel and whether they met their deadlines

Revision ID: 0014_figures
Revises: 0013_billing
Create Date: 2026-12-06 09:22:48

Existing cases get the channel "online" (the server default); whether they met their deadlines is
unknown (NULL), so they are left out of deadline compliance. Run `frontcounter figures rebuild` (or let
the sweeper do it) to fill the daily tables.

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_figures'
down_revision = '0013_billing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('figure_rebuild',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('through_day', sa.Date(), nullable=False),
    sa.Column('rebuilt_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_rebuild'))
    )
    op.create_table('daily_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('service_key', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_daily_figure_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_figure')),
    sa.UniqueConstraint('tenant_id', 'day', 'service_key', 'channel', 'metric', name=op.f('uq_daily_figure_tenant_id'))
    )
    with op.batch_alter_table('daily_figure', schema=None) as batch_op:
        batch_op.create_index('ix_daily_figure_month', ['month', 'tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_figure_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('daily_state_time',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('service_key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_daily_state_time_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_state_time')),
    sa.UniqueConstraint('tenant_id', 'day', 'service_key', 'state', name=op.f('uq_daily_state_time_tenant_id'))
    )
    with op.batch_alter_table('daily_state_time', schema=None) as batch_op:
        batch_op.create_index('ix_daily_state_time_month', ['month', 'tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_daily_state_time_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), server_default='online', nullable=False))
        batch_op.add_column(sa.Column('deadline_met', sa.Boolean(), nullable=True))
        batch_op.create_index('ix_case_created', ['tenant_id', 'created_at'], unique=False)
    op.create_index('ix_case_open_age', 'case', ['tenant_id', 'service_key', 'created_at', 'deadline_at'],
                    unique=False, postgresql_where=sa.text('closed_at IS NULL'),
                    sqlite_where=sa.text('closed_at IS NULL'))

    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index('ix_case_event_tenant_at', ['tenant_id', 'at'], unique=False)

    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index('ix_refund_tenant_created', ['tenant_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index('ix_refund_tenant_created')

    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_case_event_tenant_at')

    op.drop_index('ix_case_open_age', table_name='case')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_created')
        batch_op.drop_column('deadline_met')
        batch_op.drop_column('channel')

    with op.batch_alter_table('daily_state_time', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_state_time_tenant_id'))
        batch_op.drop_index('ix_daily_state_time_month')

    op.drop_table('daily_state_time')
    with op.batch_alter_table('daily_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_figure_tenant_id'))
        batch_op.drop_index('ix_daily_figure_month')

    op.drop_table('daily_figure')
    op.drop_table('figure_rebuild')
