"""Signed tracking links that let an applicant without an account follow their case.

Links expire after the force's `tracking_link_days` (default 90); an expired link's page offers a
new one, emailed to the applicant's address.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import make_response, render_template
from flask.sessions import SessionMixin
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts.tokens import make_token, read_expired_token, read_token, read_token_and_age
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy.context import current_tenant_or_none
from frontcounter.web.urls import external_url

DEFAULT_DAYS = 90


def link_lifetime() -> timedelta:
    """How long the current force's tracking links work."""
    tenant = current_tenant_or_none()
    return timedelta(days=tenant.tracking_link_days if tenant else DEFAULT_DAYS)


def tracking_token(case: Case) -> str:
    """Return a token that opens this case's tracking page (and nothing else)."""
    return make_token("track-case", {"id": case.id, "ref": case.reference})


def case_id_from_token(token: str, reference: str) -> int | None:
    """Return the case id a valid, unexpired token grants for `reference`, or None."""
    data = read_token("track-case", token, max_age=int(link_lifetime().total_seconds()))
    if not data or data.get("ref") != reference:
        return None
    return int(data["id"])


def remember_case(session: SessionMixin, case_id: int) -> None:
    """Let this browser see the case again without its link (the last 20 cases it followed)."""
    followed = session.get("tracked_cases", [])
    if case_id not in followed:
        session["tracked_cases"] = [*followed, case_id][-20:]


def unchanged_since_now(token: str | None, reference: str) -> tuple[Callable[[], bool], float] | None:
    """For a valid link to `reference` while this process hears case changes: a check that the case has not
    changed since now, and the seconds the link still works; else None."""
    from frontcounter.tenancy.watch import current_watch

    watch = current_watch()
    found = read_token_and_age("track-case", token or "") if watch is not None and token else None
    if found is None or not isinstance(found[0], dict) or found[0].get("ref") != reference \
            or not isinstance(found[0].get("id"), int):
        return None
    case_id, left = found[0]["id"], link_lifetime().total_seconds() - found[1]
    if left <= 0:
        return None
    mark = watch.case_mark(case_id)
    return (lambda: watch.case_mark(case_id) == mark), left


def is_expired_token(token: str, reference: str) -> bool:
    """True when `token` is a genuine link for `reference` that is past its age limit."""
    data = read_expired_token("track-case", token)
    return bool(data) and data.get("ref") == reference and case_id_from_token(token, reference) is None


def is_past_link_age(created_at: datetime | None) -> bool:
    """True when something created at `created_at` (e.g. a payment's return link) is older than links may be."""
    if created_at is None:
        return False
    created = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - created > link_lifetime()


def tracking_url(case: Case) -> str:
    """Return the absolute tracking link for the case's applicant."""
    return external_url("cases_public.track", reference=case.reference, token=tracking_token(case))


def expired_link_page(reference: str, form: object | None = None) -> Response:
    """The 410 page for an expired link, with a form to email a new one."""
    from frontcounter.cases.link_forms import NewLinkForm

    html = render_template("cases/link_expired.html", reference=reference, form=form or NewLinkForm())
    return make_response(html, 410)


def send_tracking_link(case_id: int, lang: str = "en") -> str:
    """Job: email a fresh tracking link to the case's applicant."""
    from frontcounter.notifications import send_email

    case = db.session.get(Case, case_id)
    if case is None or not case.applicant_email:
        return "no case"
    with force_locale(lang):
        send_email(case.applicant_email, _("Your new link to track %(reference)s", reference=case.reference),
                   "email/tracking_link", case=case, link=tracking_url(case))
    return "sent"
