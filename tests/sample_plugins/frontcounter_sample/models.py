"""The sample plugin's one tenant-owned model."""

from __future__ import annotations

from frontcounter.extensions import db
from frontcounter.tenancy import TenantOwned
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class SamplePermit(TenantOwned, db.Model):
    """A permit someone applied for."""

    __tablename__ = "sample_permit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    vehicle: Mapped[str] = mapped_column(String(20))
