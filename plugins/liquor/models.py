"""The licensing service's own tables: temporary event notices and licence applications, each on a case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from frontcounter.extensions import db
from frontcounter.tenancy import TenantOwned
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship


class EventNotice(TenantOwned, db.Model):
    """A temporary event notice as the premises user gave it, with its timing and the police decision.

    user_key (name and date of birth, normalised) and premises_key (postcode and first line, or the open
    land's description, normalised) group notices for the annual limits; first_year and last_year index them.
    """

    __tablename__ = "liquor_event_notice"
    __table_args__ = (
        Index("ix_liquor_event_notice_premises", "tenant_id", "premises_key", "first_year"),
        Index("ix_liquor_event_notice_user", "tenant_id", "user_key", "first_year"),
        Index("ix_liquor_event_notice_due", "tenant_id", "objection_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # standard or late
    source: Mapped[str] = mapped_column(String(16), default="online")  # online, api, staff
    user_name: Mapped[str] = mapped_column(String(200))
    user_dob: Mapped[date] = mapped_column(Date)
    user_email: Mapped[str] = mapped_column(String(320))
    user_phone: Mapped[str] = mapped_column(String(40), default="")
    user_address: Mapped[str] = mapped_column(Text, default="")
    user_key: Mapped[str] = mapped_column(String(260))
    personal_licence: Mapped[bool] = mapped_column(Boolean, default=False)
    licence_number: Mapped[str] = mapped_column(String(60), default="")
    licence_authority: Mapped[str] = mapped_column(String(200), default="")
    premises_address: Mapped[str] = mapped_column(Text, default="")
    premises_postcode: Mapped[str] = mapped_column(String(10), default="")
    open_land: Mapped[str] = mapped_column(Text, default="")
    premises_key: Mapped[str] = mapped_column(String(300))
    authority_key: Mapped[str] = mapped_column(String(40))
    authority_name: Mapped[str] = mapped_column(String(200))
    authority_email: Mapped[str] = mapped_column(String(320))
    authority_reference: Mapped[str] = mapped_column(String(60), default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime)  # UK wall-clock time
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    alcohol: Mapped[bool] = mapped_column(Boolean, default=False)
    alcohol_on_premises: Mapped[str] = mapped_column(String(8), default="")  # on, off, both
    received_on: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer)
    objection_due: Mapped[date] = mapped_column(Date)
    breaches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision: Mapped[str] = mapped_column(String(24), default="")  # no_objection, modifications, objection
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(320), default="")
    hearing_on: Mapped[datetime | None] = mapped_column(DateTime)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)  # False once withdrawn

    case = relationship("Case", lazy="joined")

    @property
    def counter_notice_required(self) -> bool:
        """True when the notice exceeds an annual or 24-hour limit: the authority must give a counter notice."""
        return bool(self.breaches)


class LicenceApplication(TenantOwned, db.Model):
    """A premises licence application or variation, or a personal licence application, sent to the police."""

    __tablename__ = "liquor_application"
    __table_args__ = (Index("ix_liquor_application_due", "tenant_id", "respond_by"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # premises_new, premises_variation, personal
    source: Mapped[str] = mapped_column(String(16), default="api")
    authority_key: Mapped[str] = mapped_column(String(40))
    authority_name: Mapped[str] = mapped_column(String(200))
    authority_email: Mapped[str] = mapped_column(String(320))
    authority_reference: Mapped[str] = mapped_column(String(60), default="")
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_email: Mapped[str] = mapped_column(String(320))
    applicant_dob: Mapped[date | None] = mapped_column(Date)
    premises_name: Mapped[str] = mapped_column(String(200), default="")
    premises_address: Mapped[str] = mapped_column(Text, default="")
    premises_postcode: Mapped[str] = mapped_column(String(10), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    unspent_convictions: Mapped[bool] = mapped_column(Boolean, default=False)
    received_on: Mapped[date] = mapped_column(Date)
    respond_by: Mapped[date] = mapped_column(Date)
    response: Mapped[str] = mapped_column(String(24), default="")  # representation, none, objection
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_by: Mapped[str] = mapped_column(String(320), default="")
    outcome: Mapped[str] = mapped_column(String(24), default="")

    case = relationship("Case", lazy="joined")
