"""Document: one stored file (an upload or a generated PDF), owned by a force and usually a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned


class Document(TenantOwned, db.Model):
    """A file kept in the document storage: what it is, who it belongs to, and where its bytes are.

    `content_type` is detected from the content, never taken from the browser; `filename` is a
    display name only (the bytes live under `storage_key`, which the platform chooses).
    `public` documents are shown to the case's applicant; the others only to the force's staff.
    """

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    generated: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def is_pdf(self) -> bool:
        """True for a PDF (served as a download, never shown inline)."""
        return self.content_type == "application/pdf"
