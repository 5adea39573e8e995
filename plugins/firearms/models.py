"""The firearms plugin's tenant-owned rows: referees, certificates issued, background checks run.

The application's answers themselves live in Case.data (validated page by page by schemas.py).
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from frontcounter.extensions import db
from frontcounter.tenancy import TenantOwned
from frontcounter_firearms.rules import MIN_YEARS_KNOWN
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column


def new_nonce() -> str:
    """Return a fresh random value to bind a referee's link to (rotate it to void old links)."""
    return secrets.token_urlsafe(16)


class Referee(TenantOwned, db.Model):
    """Someone who vouches for an applicant, and whether they confirmed or declined (by their link)."""

    __tablename__ = "firearms_referee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    relationship: Mapped[str] = mapped_column(String(40))
    years_known: Mapped[int] = mapped_column(Integer)  # the applicant's answer
    referee_years_known: Mapped[int | None] = mapped_column(Integer)  # the referee's own answer, when they reply
    phone: Mapped[str] = mapped_column(String(30), default="")
    lives_in_gb: Mapped[bool] = mapped_column(Boolean)
    token_nonce: Mapped[str] = mapped_column(String(64), default=new_nonce)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    declined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    photo_likeness: Mapped[bool] = mapped_column(Boolean, default=False)
    declaration: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def years_conflict(self) -> bool:
        """True when the referee's own years known differ from the applicant's, or fall under 2 years."""
        theirs = self.referee_years_known
        return theirs is not None and (theirs != self.years_known or theirs < MIN_YEARS_KNOWN)

    @property
    def has_confirmed(self) -> bool:
        """True when the referee confirmed the particulars and the photograph, and has not declined."""
        return self.confirmed_at is not None and self.declined_at is None and self.photo_likeness and self.declaration


class CertificateKind(enum.StrEnum):
    """The two certificates a force issues to individuals."""

    FAC = "fac"
    SGC = "sgc"


def certificate_number(force_code: str, kind: str, year: int, serial: int) -> str:
    """Return a certificate number like 'ALP/FAC/2026/00123' (unique within the force)."""
    return f"{force_code}/{CertificateKind(kind).value.upper()}/{year}/{serial:05d}"


class Certificate(TenantOwned, db.Model):
    """A firearm or shotgun certificate the force issued: its number, holder and the dates it runs."""

    __tablename__ = "firearms_certificate"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_firearms_certificate_expiry", "tenant_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(3))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_email: Mapped[str] = mapped_column(String(320), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    extended_to: Mapped[date | None] = mapped_column(Date)  # s.28B: renewal received in time
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    renewal_reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def in_force_until(self) -> date:
        """The last day the certificate is in force (its s.28B extension when there is one)."""
        return max(self.expires_on, self.extended_to or self.expires_on)

    def in_force_on(self, day: date) -> bool:
        """True when the certificate is in force on `day`: issued, not expired (or extended), not revoked."""
        return self.revoked_at is None and self.issued_on <= day <= self.in_force_until


class CheckStatus(enum.StrEnum):
    """The outcome of one intelligence check."""

    CLEAR = "clear"
    FLAGGED = "flagged"
    ERROR = "error"


class BackgroundCheck(TenantOwned, db.Model):
    """One intelligence system's answer about an applicant: clear, flagged (with detail) or an error."""

    __tablename__ = "firearms_background_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
