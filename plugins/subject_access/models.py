"""The plugin's tables: the request's clock and answers, items found, systems searched, the disclosure link."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from frontcounter.extensions import db
from frontcounter.tenancy import TenantOwned
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column


class SarRequest(TenantOwned, db.Model):
    """One subject access request: who it is for, the regime, the clock, the outcome (one per case)."""

    __tablename__ = "subject_access_request"
    __table_args__ = (
        Index("ix_subject_access_request_open", "tenant_id", "open", "due_on"),
        Index("ix_subject_access_request_responded", "tenant_id", "responded_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    reference: Mapped[str] = mapped_column(String(32), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="online")  # online, post, email, api
    regime: Mapped[str] = mapped_column(String(16), default="uk_gdpr")
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str] = mapped_column(String(320), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_on: Mapped[date] = mapped_column(Date)
    identity_status: Mapped[str] = mapped_column(String(16), default="awaiting")  # or received, accepted, rejected
    identity_received_on: Mapped[date | None] = mapped_column(Date)
    identity_reason: Mapped[str] = mapped_column(Text, default="")
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminder_on: Mapped[date | None] = mapped_column(Date)
    clock_started_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    extended_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16), default="")  # disclosure, ncnd
    outcome_exemption: Mapped[str] = mapped_column(String(400), default="")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(320), default="")
    approved_by: Mapped[str] = mapped_column(String(320), default="")
    responded_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    searched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))

    @property
    def deadline(self) -> date | None:
        """The date the response is due: the extended one when extended, else the statutory one."""
        return self.extended_due_on or self.due_on


class SarClarification(TenantOwned, db.Model):
    """A clarification asked of the requester: recorded, and the deadline stands."""

    __tablename__ = "subject_access_clarification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    asked_on: Mapped[date] = mapped_column(Date)
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str] = mapped_column(String(320))


class SarItem(TenantOwned, db.Model):
    """Something found for the request: a service's record, a file, or material from a force system."""

    __tablename__ = "subject_access_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # service (the person_data hook) or system (a force system)
    origin: Mapped[str] = mapped_column(String(200))  # the service key or the system's name
    kind: Mapped[str] = mapped_column(String(64), default="")
    reference: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
    content_type: Mapped[str] = mapped_column(String(100), default="")
    included: Mapped[bool | None] = mapped_column(Boolean)  # None: not yet decided
    decision: Mapped[str] = mapped_column(String(16), default="")  # disclose, withhold, redact
    exemption: Mapped[str] = mapped_column(String(400), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    redact_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    redact_boxes: Mapped[list[dict[str, float]]] = mapped_column(JSON, default=list)
    redacted_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
    decided_by: Mapped[str] = mapped_column(String(320), default="")


class SarSystemSearch(TenantOwned, db.Model):
    """One of the force's own systems searched for the request: who, when and what was found."""

    __tablename__ = "subject_access_system_search"
    __table_args__ = (UniqueConstraint("case_id", "system"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(200))
    found: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    searched_by: Mapped[str] = mapped_column(String(320))
    searched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SarDisclosure(TenantOwned, db.Model):
    """The secure download of a response: the bundle, its expiring link, one-time codes and downloads."""

    __tablename__ = "subject_access_disclosure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str] = mapped_column(String(320), default="")
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    last_download_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    code_hash: Mapped[str] = mapped_column(String(64), default="")
    code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)


class SarDraft(TenantOwned, db.Model):
    """A request being filled in online, before it is sent (the browser keeps its public id)."""

    __tablename__ = "subject_access_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(43), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
