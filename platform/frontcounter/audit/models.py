"""AuditEvent: one staff action or state change (append-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontcounter.appendonly import AppendOnly, AppendOnlyError
from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned


class AuditEvent(AppendOnly, TenantOwned, db.Model):
    """Who did what to which record in a force, when, with the before and after values."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_tenant_at", "tenant_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(320), default="")
    action: Mapped[str] = mapped_column(String(100), index=True)
    target: Mapped[str] = mapped_column(String(200), default="", index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    ip: Mapped[str] = mapped_column(String(64), default="")


# Kept for callers that name it: changing an audit event raises AppendOnlyError.
AuditIsAppendOnly = AppendOnlyError
