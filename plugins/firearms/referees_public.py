"""Referees online: each is emailed a link of their own, then confirms (or declines) without an account.

The link carries the referee's id and their current nonce; answering rotates the nonce, so a link
works once. Requests go out when the case starts waiting for referees (and again, to whoever has not
answered, when the applicant changes referees); the workflow's timer flags the case after 7 days.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from frontcounter.accounts.tokens import make_token, read_token
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.cases.notify import applicant_language
from frontcounter.documents.models import Document
from frontcounter.documents.storage import storage
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.tenancy.services import service_settings
from frontcounter.web.urls import external_url
from frontcounter_firearms.guards import PHOTO
from frontcounter_firearms.models import Referee, new_nonce

PURPOSE = "firearms-referee"
ANSWERING_STATES = ("awaiting_referees_gp", "referees_overdue")


def referee_token(referee: Referee) -> str:
    """Return the signed token of the referee's link (void once they answer)."""
    return make_token(PURPOSE, {"id": referee.id, "nonce": referee.token_nonce})


def referee_from_token(token: str) -> Referee | None:
    """Return the referee a token belongs to while it is still their current link, else None."""
    payload = read_token(PURPOSE, token, max_age=None)
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        return None
    referee = db.session.scalar(db.select(Referee).filter_by(id=payload["id"]))
    if referee is None or referee.token_nonce != payload.get("nonce"):
        return None
    return referee


def may_answer(referee: Referee, case: Case) -> bool:
    """True while the referee has not answered and the case is waiting for referees."""
    return referee.confirmed_at is None and referee.declined_at is None and case.state in ANSWERING_STATES


def reply_by(today: date | None = None) -> date:
    """Return the last day a referee asked today has to reply (the force's setting, 7 days by default)."""
    return (today or uk_today()) + timedelta(days=int(service_settings("firearms")["referee_days"]))


def request_references(case: Case) -> int:
    """Email each referee of `case` who has not answered yet their link; return how many were asked."""
    referees = db.session.scalars(
        db.select(Referee)
        .where(Referee.case_id == case.id, Referee.confirmed_at.is_(None), Referee.declined_at.is_(None))
        .order_by(Referee.id)
    ).all()
    for referee in referees:
        request_reference(referee, case)
    return len(referees)


def request_reference(referee: Referee, case: Case) -> None:
    """Email one referee their own link to confirm the applicant's details (in the applicant's language)."""
    with applicant_language(case):
        send_email(
            referee.email,
            _("Please confirm a firearms application for %(name)s", name=case.applicant_name),
            "email/firearms/referee_request",
            referee=referee,
            case=case,
            deadline=reply_by(),
            link=external_url("firearms.referee", token=referee_token(referee)),
        )


def answer(referee: Referee, *, confirmed: bool, years_known: int | None = None, likeness: bool = False) -> None:
    """Record the referee's answer and void their link. Their years known are kept beside the applicant's
    answer, never in its place (staff see any conflict)."""
    before = {"years_known": referee.years_known}
    now = datetime.now(UTC)
    if confirmed:
        referee.confirmed_at = now
        referee.declaration = True
        referee.photo_likeness = likeness
        referee.referee_years_known = years_known
    else:
        referee.declined_at = now
    referee.token_nonce = new_nonce()
    audit(
        "firearms.referee.confirmed" if confirmed else "firearms.referee.declined",
        target=f"case:{db.session.get(Case, referee.case_id).reference}",
        before=before,
        after={
            "referee": referee.email,
            "referee_years_known": referee.referee_years_known,
            "photo_likeness": likeness,
        },
        actor=f"referee:{referee.email}",
    )


def photo_data_url(case: Case) -> str | None:
    """Return the applicant's photo as a data: URL to show the referee inline, or None when there is none."""
    document = db.session.scalar(
        db.select(Document).where(Document.case_id == case.id, Document.kind == PHOTO).order_by(Document.id.desc())
    )
    if document is None or not document.content_type.startswith("image/"):
        return None
    with storage().open(document.storage_key) as stream:
        encoded = base64.b64encode(stream.read()).decode("ascii")
    return f"data:{document.content_type};base64,{encoded}"
