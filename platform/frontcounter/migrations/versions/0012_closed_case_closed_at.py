"""Cases record when they closed; open work has its own small index

Revision ID: 0012_closed
Revises: 0011_tokens
Create Date: 2026-12-06 09:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_closed'
down_revision = '0011_tokens'
branch_labels = None
depends_on = None


def _backfill() -> None:
    """Mark cases already in a terminal state as closed at their last change (needs the app's plugins)."""
    from flask import current_app, has_app_context

    if not has_app_context() or "frontcounter.plugins" not in current_app.extensions:
        return
    from frontcounter.plugins.manager import registry

    case = sa.table('case', sa.column('service_key'), sa.column('state'),
                    sa.column('closed_at'), sa.column('updated_at'))
    for key, service in registry().services.items():
        terminal = [s.name for s in service.workflow.states if s.terminal] if service.workflow else []
        if terminal:
            op.execute(case.update()
                       .where(case.c.service_key == key, case.c.state.in_(terminal), case.c.closed_at.is_(None))
                       .values(closed_at=case.c.updated_at))


def upgrade():
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    _backfill()
    op.create_index('ix_case_open', 'case', ['tenant_id', 'service_key', 'state', 'deadline_at'], unique=False,
                    postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))
    op.create_index('ix_case_closed', 'case', ['tenant_id', 'closed_at'], unique=False)


def downgrade():
    op.drop_index('ix_case_closed', table_name='case')
    op.drop_index('ix_case_open', table_name='case')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
