"""Which records adapter a force pushes its cases through, and with what options."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned


class RecordsSetting(TenantOwned, db.Model):
    """A force's choice of records adapter (set from tenants/<slug>.toml `[records]`); none means no pushes."""

    __tablename__ = "records_setting"
    __table_args__ = (UniqueConstraint("tenant_id", name="uq_records_setting_tenant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    adapter: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
