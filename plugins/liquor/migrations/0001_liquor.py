"""liquor plugin: temporary event notices and licence applications

Revision ID: 0001_liquor
Revises:
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_liquor"
down_revision = None
branch_labels = ("liquor",)
depends_on = "0004_calendar"


def _common(name: str) -> list:
    return [
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f(f"fk_{name}_tenant_id_tenant"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f(f"fk_{name}_case_id_case"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("case_id", name=op.f(f"uq_{name}_case_id")),
    ]


def upgrade():
    op.create_table(
        "liquor_event_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("user_dob", sa.Date(), nullable=False),
        sa.Column("user_email", sa.String(length=320), nullable=False),
        sa.Column("user_phone", sa.String(length=40), nullable=False),
        sa.Column("user_address", sa.Text(), nullable=False),
        sa.Column("user_key", sa.String(length=260), nullable=False),
        sa.Column("personal_licence", sa.Boolean(), nullable=False),
        sa.Column("licence_number", sa.String(length=60), nullable=False),
        sa.Column("licence_authority", sa.String(length=200), nullable=False),
        sa.Column("premises_address", sa.Text(), nullable=False),
        sa.Column("premises_postcode", sa.String(length=10), nullable=False),
        sa.Column("open_land", sa.Text(), nullable=False),
        sa.Column("premises_key", sa.String(length=300), nullable=False),
        sa.Column("authority_key", sa.String(length=40), nullable=False),
        sa.Column("authority_name", sa.String(length=200), nullable=False),
        sa.Column("authority_email", sa.String(length=320), nullable=False),
        sa.Column("authority_reference", sa.String(length=60), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("alcohol", sa.Boolean(), nullable=False),
        sa.Column("alcohol_on_premises", sa.String(length=8), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("objection_due", sa.Date(), nullable=False),
        sa.Column("breaches", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=24), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=False),
        sa.Column("hearing_on", sa.DateTime(), nullable=True),
        sa.Column("counted", sa.Boolean(), nullable=False),
        *_common("liquor_event_notice"),
    )
    with op.batch_alter_table("liquor_event_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_liquor_event_notice_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_liquor_event_notice_premises", ["tenant_id", "premises_key", "first_year"], unique=False)
        batch_op.create_index("ix_liquor_event_notice_user", ["tenant_id", "user_key", "first_year"], unique=False)
        batch_op.create_index("ix_liquor_event_notice_due", ["tenant_id", "objection_due"], unique=False)
    op.create_table(
        "liquor_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("authority_key", sa.String(length=40), nullable=False),
        sa.Column("authority_name", sa.String(length=200), nullable=False),
        sa.Column("authority_email", sa.String(length=320), nullable=False),
        sa.Column("authority_reference", sa.String(length=60), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_email", sa.String(length=320), nullable=False),
        sa.Column("applicant_dob", sa.Date(), nullable=True),
        sa.Column("premises_name", sa.String(length=200), nullable=False),
        sa.Column("premises_address", sa.Text(), nullable=False),
        sa.Column("premises_postcode", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("unspent_convictions", sa.Boolean(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("response", sa.String(length=24), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_by", sa.String(length=320), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        *_common("liquor_application"),
    )
    with op.batch_alter_table("liquor_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_liquor_application_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_liquor_application_due", ["tenant_id", "respond_by"], unique=False)


def downgrade():
    op.drop_table("liquor_application")
    op.drop_table("liquor_event_notice")
