"""Billing: prices with history, force onboarding, the transaction ledger (platform_charge), statements, credits

Revision ID: 0013_billing
Revises: 0012_closed
Create Date: 2026-12-06 09:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_billing'
down_revision = '0012_closed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('billing_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_key', sa.String(length=64), nullable=False),
    sa.Column('net_pence', sa.Integer(), nullable=False),
    sa.Column('vat_basis_points', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('set_by', sa.String(length=320), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_price')),
    sa.UniqueConstraint('service_key', 'effective_from', name=op.f('uq_billing_price_service_key'))
    )
    op.create_table('billing_onboarding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.Column('letter_of_intent_on', sa.Date(), nullable=True),
    sa.Column('agreement_signed_on', sa.Date(), nullable=True),
    sa.Column('acceptance_signed_off_on', sa.Date(), nullable=True),
    sa.Column('live_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['force_id'], ['tenant.id'], name=op.f('fk_billing_onboarding_force_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_onboarding')),
    sa.UniqueConstraint('force_id', name=op.f('uq_billing_onboarding_force_id'))
    )
    op.create_table('billing_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('net_pence', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.Column('total_pence', sa.Integer(), nullable=False),
    sa.Column('transactions', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=320), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_billing_statement_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_statement')),
    sa.UniqueConstraint('tenant_id', 'month', name=op.f('uq_billing_statement_tenant_id'))
    )
    with op.batch_alter_table('billing_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_statement_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('billing_statement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('service_key', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_pence', sa.Integer(), nullable=False),
    sa.Column('net_pence', sa.Integer(), nullable=False),
    sa.Column('vat_basis_points', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.Column('total_pence', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['billing_statement.id'], name=op.f('fk_billing_statement_line_statement_id_billing_statement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_billing_statement_line_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_statement_line'))
    )
    with op.batch_alter_table('billing_statement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_statement_line_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_statement_line_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('billing_credit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('net_pence', sa.Integer(), nullable=False),
    sa.Column('vat_basis_points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=320), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['billing_statement.id'], name=op.f('fk_billing_credit_statement_id_billing_statement')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_billing_credit_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_credit'))
    )
    with op.batch_alter_table('billing_credit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_credit_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_credit_tenant_id'), ['tenant_id'], unique=False)

    # The ledger: every billable transaction (not only payments), with the day's price and VAT rate.
    with op.batch_alter_table('platform_charge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('vat_basis_points', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('payment_id', existing_type=sa.Integer(), nullable=True)
    charge = sa.table('platform_charge', sa.column('kind'), sa.column('source'), sa.column('vat_basis_points'),
                      sa.column('occurred_at'), sa.column('created_at'), sa.column('payment_id'),
                      sa.column('amount_pence'), sa.column('vat_pence'))
    op.execute(charge.update().values(
        kind='paid_application',
        source=sa.literal('payment:') + sa.cast(charge.c.payment_id, sa.String),
        occurred_at=charge.c.created_at,
        vat_basis_points=2000,
    ))
    with op.batch_alter_table('platform_charge', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=24), nullable=False)
        batch_op.alter_column('source', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('vat_basis_points', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('occurred_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_unique_constraint('uq_platform_charge_source', ['tenant_id', 'kind', 'source'])
        batch_op.create_index('ix_platform_charge_tenant_occurred', ['tenant_id', 'occurred_at'], unique=False)


def downgrade():
    op.execute(sa.text("DELETE FROM platform_charge WHERE payment_id IS NULL"))
    with op.batch_alter_table('platform_charge', schema=None) as batch_op:
        batch_op.drop_index('ix_platform_charge_tenant_occurred')
        batch_op.drop_constraint('uq_platform_charge_source', type_='unique')
        batch_op.alter_column('payment_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('occurred_at')
        batch_op.drop_column('vat_basis_points')
        batch_op.drop_column('source')
        batch_op.drop_column('kind')
    with op.batch_alter_table('billing_credit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_credit_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_billing_credit_statement_id'))
    op.drop_table('billing_credit')
    with op.batch_alter_table('billing_statement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_statement_line_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_billing_statement_line_statement_id'))
    op.drop_table('billing_statement_line')
    with op.batch_alter_table('billing_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_statement_tenant_id'))
    op.drop_table('billing_statement')
    op.drop_table('billing_onboarding')
    op.drop_table('billing_price')
