"""The response: the bundle PDF, approval by a second person, and the secure download link.

The link expires after the force's number of days, can be revoked, and opens only for the
requester: signed in to the account the request was made from, or with a one-time code emailed to
the requester. Every download is counted and audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from frontcounter.accounts.service import find_account
from frontcounter.audit import record as audit
from frontcounter.calendar import add_calendar_days, uk_today
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.models import Document
from frontcounter.documents.pdf import html_to_pdf, render_html
from frontcounter.documents.records import save_document
from frontcounter.extensions import db
from frontcounter.refusals import Refused
from frontcounter.web.urls import external_url
from frontcounter_subject_access.models import SarDisclosure, SarItem, SarRequest
from frontcounter_subject_access.redaction import image_to_pdf, redact_text
from frontcounter_subject_access.requests import request_for, tell
from frontcounter_subject_access.review import DISCLOSE, NCND, REDACT, check_second_person, stored_bytes
from frontcounter_subject_access.search import items
from pypdf import PdfReader, PdfWriter

RESPONSE = "sar-response"
CODE_MINUTES = 30
MAX_CODE_ATTEMPTS = 5


def _hash(value: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


# -- the bundle --------------------------------------------------------------------------------------------


def _record_rows(found: SarItem) -> list[tuple[str, str]]:
    terms = found.redact_terms if found.decision == REDACT else []
    rows = []
    for key, value in sorted((found.data or {}).items()):
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        rows.append((key.replace("_", " ").capitalize(), redact_text(text, terms)))
    return rows


def _file_pdf(found: SarItem) -> bytes | None:
    document_id = found.redacted_document_id if found.decision == REDACT else found.document_id
    document = db.session.get(Document, document_id) if document_id else None
    if document is None:
        return None
    data = stored_bytes(document)
    return data if document.content_type == "application/pdf" else image_to_pdf(data)


def _front(case: Case, sar: SarRequest, entries: list[dict[str, Any]], withheld: list[SarItem]) -> bytes:
    template = "pdf/subject_access/ncnd.html" if sar.outcome == NCND else "pdf/subject_access/bundle.html"
    return html_to_pdf(render_html(template, case=case, sar=sar, entries=entries, withheld=withheld,
                                   recipient_name=sar.full_name,
                                   recipient_address=str((sar.answers or {}).get("address", "")).splitlines(),
                                   signed_by=_approver_name(sar), signed_role=_("Data protection team")))


def _approver_name(sar: SarRequest) -> str:
    account = find_account(sar.approved_by) if sar.approved_by else None
    return account.full_name if account is not None and account.full_name else sar.approved_by


def build_bundle(case: Case, sar: SarRequest) -> bytes:
    """The response PDF: covering letter and index, the records found, then each disclosed file in order."""
    disclosed = [i for i in items(case) if i.included and i.decision in (DISCLOSE, REDACT)]
    withheld = [i for i in items(case) if i.included and i.decision not in (DISCLOSE, REDACT)]
    if sar.outcome == NCND:
        return _front(case, sar, [], [])
    files = [(i, _file_pdf(i)) for i in disclosed]
    entries = [{"number": n, "item": i, "rows": _record_rows(i) if i.document_id is None else [], "pages": ""}
               for n, (i, _pdf) in enumerate(files, start=1)]
    front = _front(case, sar, entries, withheld)  # first pass: how long the letter and records are
    page = len(PdfReader(BytesIO(front)).pages) + 1
    for entry, (_i, pdf) in zip(entries, files, strict=True):
        if pdf is not None:
            count = len(PdfReader(BytesIO(pdf)).pages)
            entry["pages"] = f"{page}" if count == 1 else f"{page}–{page + count - 1}"
            page += count
    writer = PdfWriter()
    writer.append(BytesIO(_front(case, sar, entries, withheld)))
    for _i, pdf in files:
        if pdf is not None:
            writer.append(BytesIO(pdf))
    writer.add_metadata({"/Title": _("Response to subject access request %(reference)s", reference=case.reference)})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# -- approval ------------------------------------------------------------------------------------------------


def approve(case: Case, sar: SarRequest, actor: str, download_days: int) -> str:
    """A second person approves: the response is built; the download link is made and emailed (its token
    returned), or, for a requester who asked for paper, staff print and post it (empty token)."""
    check_second_person(sar, actor)
    sar.approved_by = actor
    engine.fire(case, "approve", actor=actor)
    pdf = build_bundle(case, sar)
    document = save_document(pdf, case=case, kind=RESPONSE, filename=f"{case.reference} response.pdf",
                             content_type="application/pdf", public=False, actor=actor)
    sar.response_document_id = document.id
    if (sar.answers or {}).get("delivery") == "post":
        audit("subject_access.approved", target=f"case:{case.reference}",
              after={"outcome": sar.outcome, "document": document.id, "delivery": "post"}, actor=actor)
        tell(sar, case, _("Your response is ready"), [
            _("We have finished your subject access request and are posting our response to you, as you asked."),
            _("If you are unhappy with our response you can complain to the Information Commissioner's Office "
              "(ico.org.uk, 0303 123 1113)."),
        ])
        return ""
    token = secrets.token_urlsafe(32)
    today = uk_today()
    link = SarDisclosure(case_id=case.id, document_id=document.id, token_hash=_hash(token), created_on=today,
                         expires_on=add_calendar_days(today, download_days))
    db.session.add(link)
    db.session.flush()
    audit("subject_access.approved", target=f"case:{case.reference}",
          after={"outcome": sar.outcome, "document": document.id, "expires_on": link.expires_on.isoformat()},
          actor=actor)
    tell(sar, case, _("Your response is ready"), [
        _("We have finished your subject access request. Download our response with the secure link below."),
        _("When you open the link we will email you a one-time code to enter. The link works until %(day)s.",
          day=link.expires_on.strftime("%d/%m/%Y")),
        _("If you are unhappy with our response you can complain to the Information Commissioner's Office "
          "(ico.org.uk, 0303 123 1113)."),
    ], link=external_url("subject_access.download", token=token), link_text=_("Download your response"))
    return token


def send_back(case: Case, note: str, actor: str) -> None:
    """The approver sends the response back for changes, with a note."""
    engine.fire(case, "send_back", actor=actor, note=note, public_note=False)
    sar = request_for(case)
    sar.outcome, sar.submitted_by, sar.approved_by = "", "", ""


# -- the download link -----------------------------------------------------------------------------------


def by_token(token: str) -> SarDisclosure | None:
    """The disclosure a link token opens, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(db.select(SarDisclosure).filter_by(token_hash=_hash(token)))


def current_link(case: Case) -> SarDisclosure | None:
    """The case's latest download link, or None."""
    return db.session.scalar(db.select(SarDisclosure).filter_by(case_id=case.id).order_by(SarDisclosure.id.desc()))


def link_problem(link: SarDisclosure, today: date | None = None) -> str | None:
    """Why the link no longer works ('revoked', 'expired'), or None."""
    if link.revoked_at is not None:
        return "revoked"
    if (today or uk_today()) > link.expires_on:
        return "expired"
    return None


def send_code(link: SarDisclosure, case: Case, sar: SarRequest, token: str) -> None:
    """Email a new six-digit one-time code for the link (valid for 30 minutes)."""
    if link_problem(link):
        raise Refused(_("This link no longer works."), "link_closed")
    code = f"{secrets.randbelow(1_000_000):06d}"
    link.code_hash = _hash(f"{link.id}:{code}")
    link.code_expires_at = datetime.now(UTC) + timedelta(minutes=CODE_MINUTES)
    link.code_attempts = 0
    audit("subject_access.code_sent", target=f"case:{case.reference}", after={"disclosure": link.id},
          actor=f"requester:{sar.email}")
    tell(sar, case, _("Your one-time code"), [
        _("Your code to download your response is %(code)s.", code=code),
        _("It works once, for %(minutes)d minutes. If you did not ask for it, you can ignore this email.",
          minutes=CODE_MINUTES),
    ], link=external_url("subject_access.download", token=token), link_text=_("Download your response"))


def check_code(link: SarDisclosure, code: str) -> None:
    """Accept the one-time code once (it is then used up), or raise Refused."""
    if link_problem(link):
        raise Refused(_("This link no longer works."), "link_closed")
    expires = link.code_expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if not link.code_hash or expires is None or expires < datetime.now(UTC):
        raise Refused(_("The code has expired. Ask for a new code."), "code_expired")
    if link.code_attempts >= MAX_CODE_ATTEMPTS:
        raise Refused(_("Too many wrong codes. Ask for a new code."), "too_many_attempts")
    if not hmac.compare_digest(link.code_hash, _hash(f"{link.id}:{code.strip()}")):
        link.code_attempts += 1
        raise Refused(_("The code is not right. Check the email we sent and try again."), "wrong_code")
    link.code_hash, link.code_expires_at = "", None


def record_download(link: SarDisclosure, case: Case, who: str) -> Document:
    """Count and audit one download; the first one closes the request. Returns the bundle."""
    problem = link_problem(link)
    if problem:
        raise Refused(_("This link no longer works."), problem)
    document = db.session.get(Document, link.document_id) if link.document_id else None
    if document is None:
        raise Refused(_("This link no longer works."), "missing")
    link.downloads += 1
    link.last_download_at = datetime.now(UTC)
    audit("subject_access.downloaded", target=f"case:{case.reference}",
          after={"disclosure": link.id, "downloads": link.downloads}, actor=who)
    if case.state == "disclosed":
        engine.fire(case, "close", actor="system: downloaded", as_system=True)
    return document


def revoke(link: SarDisclosure, case: Case, actor: str) -> None:
    """Stop the link working at once."""
    if link.revoked_at is None:
        link.revoked_at = datetime.now(UTC)
        link.revoked_by = actor
        audit("subject_access.link_revoked", target=f"case:{case.reference}", after={"disclosure": link.id},
              actor=actor)
