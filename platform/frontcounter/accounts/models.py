"""Account (a person who signs in), StaffMember (their place in one force) and sign-in attempts."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned


class AccountKind(enum.StrEnum):
    """What sort of person an account belongs to."""

    PUBLIC = "public"
    STAFF = "staff"
    PLATFORM_ADMIN = "platform_admin"


class Role(enum.StrEnum):
    """Roles a member of force staff may hold."""

    CASEWORKER = "caseworker"
    FIELD_OFFICER = "field_officer"
    SUPERVISOR = "supervisor"
    FORCE_ADMIN = "force_admin"


class Account(db.Model):
    """A person who signs in: public, staff or platform admin (national, not tenant-owned)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default=AccountKind.PUBLIC.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Sessions carry the version they began under; raising it ends every session of the account at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def is_staff(self) -> bool:
        """True for force staff."""
        return self.kind == AccountKind.STAFF.value

    @property
    def is_platform_admin(self) -> bool:
        """True for platform admins, who span forces."""
        return self.kind == AccountKind.PLATFORM_ADMIN.value


class StaffMember(TenantOwned, db.Model):
    """A staff account's membership of one force, with its roles."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), unique=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    account: Mapped[Account] = relationship(lazy="joined")

    def has_role(self, *roles: str | Role) -> bool:
        """True when the member holds any of `roles` (force admins hold every role)."""
        held = set(self.roles or [])
        if Role.FORCE_ADMIN.value in held:
            return True
        return any((r.value if isinstance(r, Role) else r) in held for r in roles)


class SignInAttempt(db.Model):
    """One sign-in attempt, kept briefly to rate-limit guessing."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email_at", "email", "at"),
        Index("ix_sign_in_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
