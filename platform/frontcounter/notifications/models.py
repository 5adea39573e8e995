"""EmailMessage: every email the platform sends, with its delivery status."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from frontcounter.extensions import db

# Delivery statuses, in GOV.UK Notify's words where it has one:
#   queued             recorded; the outbox job will hand it to the transport
#   sending, created   accepted by GOV.UK Notify, outcome not known yet (a callback or the poll tells)
#   sent               accepted by the SMTP server (SMTP tells nothing more)
#   delivered          GOV.UK Notify confirmed delivery, or the local mailbox stored it
#   permanent-failure  the address does not exist or the provider refused it for good
#   temporary-failure  the recipient's inbox was full or unavailable (Notify gave up)
#   technical-failure  could not be handed over; the outbox retries it with back-off
PENDING_STATUSES = ("sending", "created")
FINAL_STATUSES = ("sent", "delivered", "permanent-failure", "temporary-failure")


class EmailMessage(db.Model):
    """One email: recipient, content, the force it was sent for (if any) and its delivery status.

    Not TenantOwned: account emails (verification, password reset) are national. Staff views of a
    force's emails must filter on tenant_id themselves.
    """

    __tablename__ = "email_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id", ondelete="SET NULL"), index=True)
    to: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    transport: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="created")
    error: Mapped[str] = mapped_column(Text, default="")
    # The provider's id for the email (GOV.UK Notify's notification id), to match callbacks and polls.
    provider_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A hand-over in progress: set and committed before anything is sent, cleared once the outcome is recorded.
    attempt_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)

    def record_status(self, status: str, error: str = "") -> None:
        """Set the delivery status (and error text), stamping when it changed."""
        if status != self.status or error != self.error:
            self.status_at = datetime.now(UTC)
        self.status, self.error = status, error[:2000]
