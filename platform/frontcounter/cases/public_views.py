"""Public pages for cases: track one (signed in, or with the emailed link), and your cases."""

from __future__ import annotations

import re
from functools import partial

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts import ratelimit
from frontcounter.accounts.auth import current_account, login_required
from frontcounter.cases import engine, tracking
from frontcounter.cases.applicant_actions import ActionInvalid, applicant_actions, offered_action, take_action
from frontcounter.cases.lookup import send_tracking_link
from frontcounter.cases.models import Case
from frontcounter.cases.queries import cases_of_account, public_events
from frontcounter.cases.tracking import case_id_from_token, tracking_token
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.refusals import Refused
from frontcounter.tenancy.services import switched_off_service
from frontcounter.web.pagecache import record_page

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
    if token and tracking.is_expired_token(token, reference):
        abort(tracking.expired_link_page(reference))
    if token and case_id_from_token(token, reference) == case.id:
        tracking.remember_case(session, case.id)
        return case
    if case.id in session.get("tracked_cases", []):
        return case
    abort(404)


@bp.get("/track/<reference>")
def track(reference: str) -> str:
    """The tracking page: where the case is, what happened, and what comes next."""
    token = request.args.get("token")
    unchanged = tracking.unchanged_since_now(token, reference)  # read before the case, so no change slips by
    case = visible_case(reference, token)
    from frontcounter.payments.owed import pay_url  # at call time: payments imports cases

    def page() -> str:
        g.service_switched_off = switched_off_service(case.service_key)
        workflow = engine.workflow_for(case.service_key)
        return render_template("cases/track.html", case=case, state=workflow.state(case.state), workflow=workflow,
                               events=public_events(case), service=registry().services[case.service_key],
                               pay_at=pay_url(case), token=tracking_token(case))

    if unchanged is None or current_account() is not None:
        return page()
    still_good, lasts = unchanged
    return record_page(page, still_good=still_good, lasts=lasts, also_allowed=frozenset({"tracked_cases"}),
                       remember=partial(tracking.remember_case, case_id=case.id))


@bp.app_template_global("applicant_actions")
def applicant_actions_global(case: Case) -> list:
    """The actions the applicant may take now, for the tracking page's list (cases/_applicant_actions.html)."""
    return applicant_actions(case)


@bp.route("/track/<reference>/do/<name>", methods=["GET", "POST"])
def applicant_action(reference: str, name: str) -> Response | str | tuple[str, int]:
    """Confirm an action the applicant may take on their case (withdraw, answer, cancel), with a note and file."""
    case = visible_case(reference, request.args.get("token"))
    token = request.args.get("token")
    transition = offered_action(case, name)
    back = url_for("cases_public.track", reference=reference, token=token)
    if transition is None:
        flash(_("You cannot do that on this case now."), "error")
        return redirect(back)
    errors: dict[str, str] = {}
    if request.method == "POST":
        account = current_account()
        try:
            take_action(case, transition, actor=account.email if account else case.applicant_email,
                        note=request.form.get("note", ""), upload=request.files.get("upload"))
            db.session.commit()
        except ActionInvalid as invalid:
            db.session.rollback()
            errors = invalid.errors
        except Refused as refused:
            db.session.rollback()
            errors = {"confirm": refused.message}
        else:
            state = engine.workflow_for(case.service_key).state(case.state)
            flash(transition.applicant_page.done or _("Done. Your case is now: %(state)s.", state=state.public_label),
                  "success")
            return redirect(back)
    page = render_template(
        [f"{case.service_key}/public/applicant_action.html", "cases/applicant_action.html"],
        case=case, transition=transition, errors=errors, back=back, token=token, note=request.form.get("note", ""),
        service=registry().services[case.service_key],
    )
    return (page, 400) if errors else page


@bp.post("/track/<reference>/new-link")
def new_link(reference: str) -> str:
    """Email a new tracking link when the address is the applicant's (the same answer either way)."""
    from flask_babel import get_locale

    from frontcounter.cases.link_forms import NewLinkForm
    from frontcounter.jobs.outbox import defer

    case = engine.find_case(reference) or abort(404)
    form = NewLinkForm()
    if not form.validate_on_submit():
        return tracking.expired_link_page(reference, form)  # type: ignore[return-value]
    if (case.applicant_email or "").strip().lower() == form.email.data:
        defer(tracking.send_tracking_link, case.id, str(get_locale() or "en"))
        db.session.commit()
    return render_template("cases/new_link_sent.html", email=form.email.data)


@bp.post("/track/<reference>/pay-later")
def pay_later(reference: str) -> str:
    """Pay later: email the applicant a link to pay from any device, and say so."""
    from frontcounter.payments.owed import email_pay_link, pay_url  # at call time: payments imports cases

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
    return render_template("cases/mine.html", cases=cases_of_account(account.id), services=registry().services)
