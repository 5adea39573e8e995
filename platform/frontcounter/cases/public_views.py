"""Public pages for cases: track one (signed in, or with the emailed link), and your cases."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, g, render_template, request, session
from flask_babel import gettext as _

from frontcounter.accounts import ratelimit
from frontcounter.accounts.auth import current_account, login_required
from frontcounter.cases import engine
from frontcounter.cases.lookup import send_tracking_link
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.cases.tracking import case_id_from_token, tracking_token
from frontcounter.extensions import db
from frontcounter.payments.owed import email_pay_link, pay_url
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.services import switched_off_service

bp = Blueprint("cases_public", __name__, url_prefix="/<force>")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def client_ip() -> str:
    """The visitor's address, for rate limits."""
    return (request.remote_addr or "unknown")[:64]


@bp.app_template_global("tracking_token")
def _tracking_token_global(case: Case) -> str:
    """Template global: the token that opens this case's pages for its applicant on any device."""
    return tracking_token(case)


def may_see_case(case: Case) -> bool:
    """True when this browser may see the case without a link: its applicant is signed in, or it followed it."""
    account = current_account()
    if account is not None and case.applicant_account_id == account.id:
        return True
    return case.id in session.get("tracked_cases", [])


def visible_case(reference: str, token: str | None) -> Case:
    """Return the case when the visitor owns it (account or tracking link), else 404."""
    case = engine.find_case(reference) or abort(404)
    account = current_account()
    if account is not None and case.applicant_account_id == account.id:
        return case
    if token and case_id_from_token(token, reference) == case.id:
        session.setdefault("tracked_cases", [])
        if case.id not in session["tracked_cases"]:
            session["tracked_cases"] = [*session["tracked_cases"], case.id][-20:]
        return case
    if case.id in session.get("tracked_cases", []):
        return case
    abort(404)


@bp.get("/track/<reference>")
def track(reference: str) -> str:
    """The tracking page: where the case is, what happened, and what comes next."""
    case = visible_case(reference, request.args.get("token"))
    g.service_switched_off = switched_off_service(case.service_key)
    workflow = engine.workflow_for(case.service_key)
    events = db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True)).order_by(CaseEvent.id)
    ).all()
    return render_template("cases/track.html", case=case, state=workflow.state(case.state), workflow=workflow,
                           events=events, service=registry().services[case.service_key], pay_at=pay_url(case),
                           token=tracking_token(case))


@bp.post("/track/<reference>/pay-later")
def pay_later(reference: str) -> str:
    """Pay later: email the applicant a link to pay from any device, and say so."""
    case = visible_case(reference, request.form.get("token"))
    key = f"pay-later:{case.reference}"
    emailed = False
    if not ratelimit.is_locked(key, client_ip()):  # a few emails per case, not a mail cannon
        emailed = email_pay_link(case)
        ratelimit.record(key, client_ip(), False)  # commits, with the email
    return render_template("cases/pay_later.html", case=case, emailed=emailed, pay_at=pay_url(case),
                           token=tracking_token(case))


@bp.route("/track", methods=["GET", "POST"])
def find() -> str | tuple[str, int]:
    """Track an application: the reference and email address get the tracking link emailed, rate limited.

    The answer is the same whether or not such an application exists, so the page reveals nothing.
    """
    reference = request.form.get("reference", "").strip().upper()[:32]
    email = request.form.get("email", "").strip()[:320]
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not reference:
            errors["reference"] = _("Enter the reference of your application")
        if not EMAIL.match(email):
            errors["email"] = _("Enter an email address in the correct format, like name@example.com")
        if not errors:
            if not send_tracking_link(reference, email, client_ip()):
                minutes = max(1, current_app.config["SIGN_IN_WINDOW_SECONDS"] // 60)
                errors["reference"] = _("Too many attempts. Wait %(n)d minutes and try again.", n=minutes)
                return render_template("cases/find.html", reference=reference, email=email, errors=errors), 429
            return render_template("cases/find_sent.html", email=email)
    status = 400 if errors else 200
    return render_template("cases/find.html", reference=reference, email=email, errors=errors), status


@bp.get("/your-cases")
@login_required
def mine() -> str:
    """Every case the signed-in person has with this force."""
    account = current_account()
    cases = db.session.scalars(
        db.select(Case).where(Case.applicant_account_id == account.id).order_by(Case.id.desc()).limit(200)
    ).all()
    return render_template("cases/mine.html", cases=cases, services=registry().services)
