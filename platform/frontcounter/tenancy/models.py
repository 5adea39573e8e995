"""Tenant (a police force), the services it switches on, and the TenantOwned mixin."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from frontcounter.extensions import db
from frontcounter.tenancy.context import TenantRef, localised


class Tenant(db.Model):
    """A police force: one tenant of the platform."""

    __tablename__ = "tenant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(8), unique=True)
    area: Mapped[str] = mapped_column(String(500), default="")
    # The force's name and area in Welsh, shown on Welsh pages (empty: the English is used).
    name_cy: Mapped[str] = mapped_column(String(200), default="", server_default="")
    area_cy: Mapped[str] = mapped_column(String(500), default="", server_default="")
    postcode_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["en"])
    hostnames: Mapped[list[str]] = mapped_column(JSON, default=list)
    branding: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    contact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Working days: the nation whose bank holidays apply, and the force's own closure days (ISO dates).
    nation: Mapped[str] = mapped_column(String(32), default="england-and-wales", server_default="england-and-wales")
    closure_days: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # The force's payment settings: {"provider": "govuk_pay", "expiry_minutes": 90}; secrets stay in the environment.
    payments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # How long emailed tracking links (and payment return links) keep working.
    tracking_link_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Bumped in the same transaction as every change to the force or its services (tenancy/cache.py); starts at
    # a random number so a force made again with the same id (tests, restores) never matches an old cache entry.
    settings_version: Mapped[int] = mapped_column(
        BigInteger, default=lambda: secrets.randbelow(2**40), server_default="0"
    )

    @property
    def display_name(self) -> str:
        """The force's name in the page's language."""
        return localised(self.name, self.name_cy)

    @property
    def display_area(self) -> str:
        """The force's area in the page's language."""
        return localised(self.area, self.area_cy)

    def snapshot(self) -> TenantRef:
        """Return an immutable copy for the current-tenant context."""
        return TenantRef(
            id=self.id,
            slug=self.slug,
            name=self.name,
            code=self.code,
            languages=tuple(self.languages or ["en"]),
            branding=dict(self.branding or {}),
            contact=dict(self.contact or {}),
            area=self.area or "",
            name_cy=self.name_cy or "",
            area_cy=self.area_cy or "",
            nation=self.nation or "england-and-wales",
            closure_days=tuple(self.closure_days or ()),
            payments=dict(self.payments or {}),
            tracking_link_days=self.tracking_link_days or 90,
        )


class TenantOwned:
    """Mixin for every tenant-owned model: a tenant_id column and automatic, fail-closed scoping."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=False)


class TenantService(TenantOwned, db.Model):
    """A service switched on or off for a force, with the force's settings for it."""

    __tablename__ = "tenant_service"
    __table_args__ = (UniqueConstraint("tenant_id", "service_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
