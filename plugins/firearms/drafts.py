"""Applications in progress (save and return): answers kept page by page until the applicant sends them.

A draft is not a case: it has no reference, sits in no staff queue and runs no timers, so people who
start and never finish leave nothing for the force to work. It belongs to a signed-in account, or to
a guest who holds it in their session and gets it back through a signed link we email them. Uploads
made while drafting are Documents without a case until the application is sent.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from frontcounter.accounts.tokens import make_token, read_token
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.tenancy import TenantOwned
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

RESUME_PURPOSE = "firearms-draft"
RESUME_DAYS = 28
LINKS_PER_DAY = 5  # "come back later" emails one draft may ask for in a day


def new_public_id() -> str:
    """Return a fresh unguessable id for a draft (what sessions and resume links carry)."""
    return secrets.token_urlsafe(18)


class Draft(TenantOwned, db.Model):
    """An application being filled in: the cleaned answers per page, and the uploads so far."""

    __tablename__ = "firearms_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    @property
    def answers(self) -> dict[str, Any]:
        """The cleaned answers of every page completed so far, by page."""
        return dict((self.data or {}).get("answers") or {})

    @property
    def documents(self) -> dict[str, int]:
        """The uploads made so far: document kind -> Document id."""
        return dict((self.data or {}).get("documents") or {})

    def save_answers(self, page: str, answers: dict[str, Any]) -> None:
        """Keep one page's cleaned answers (a new dict, so the JSON column sees the change)."""
        self.data = {**(self.data or {}), "answers": {**self.answers, page: answers}}

    def forget_answers(self, page: str) -> None:
        """Drop one page's answers (the page is no longer needed)."""
        self.data = {**(self.data or {}), "answers": {k: v for k, v in self.answers.items() if k != page}}

    def attach(self, kind: str, document: Document) -> Document | None:
        """Keep `document` as this draft's upload of `kind`; return the one it replaces, if any."""
        previous_id = self.documents.get(kind)
        self.data = {**(self.data or {}), "documents": {**self.documents, kind: document.id}}
        return db.session.get(Document, previous_id) if previous_id else None

    def may_email_link(self, now: datetime) -> bool:
        """True while this draft has asked for fewer than LINKS_PER_DAY resume links today."""
        sent = (self.data or {}).get("links_sent") or {}
        return sent.get("day") != now.date().isoformat() or int(sent.get("count", 0)) < LINKS_PER_DAY

    def note_link_emailed(self, now: datetime) -> None:
        """Count one more resume link sent today."""
        sent = (self.data or {}).get("links_sent") or {}
        today = now.date().isoformat()
        count = int(sent.get("count", 0)) + 1 if sent.get("day") == today else 1
        self.data = {**(self.data or {}), "links_sent": {"day": today, "count": count}}

    def document(self, kind: str) -> Document | None:
        """The upload of `kind` made for this draft, or None."""
        document_id = self.documents.get(kind)
        found = db.session.get(Document, document_id) if document_id else None
        return found if found is not None and found.case_id in (None, self.case_id) else None


def find_draft(public_id: str | None) -> Draft | None:
    """Return the current force's unsent draft with this public id, or None."""
    if not public_id:
        return None
    return db.session.scalar(db.select(Draft).filter_by(public_id=public_id, case_id=None))


def draft_of_account(account_id: int) -> Draft | None:
    """Return the account's latest unsent draft in the current force, or None."""
    return db.session.scalar(
        db.select(Draft).filter_by(account_id=account_id, case_id=None).order_by(Draft.id.desc()).limit(1)
    )


def resume_token(draft: Draft) -> str:
    """Return the signed token of a guest's 'come back later' link to `draft`."""
    return make_token(RESUME_PURPOSE, {"draft": draft.public_id})


def draft_from_token(token: str) -> Draft | None:
    """Return the unsent draft a valid resume token points to (links last 28 days), or None."""
    payload = read_token(RESUME_PURPOSE, token, max_age=RESUME_DAYS * 24 * 3600)
    if not isinstance(payload, dict):
        return None
    return find_draft(str(payload.get("draft") or ""))
