"""Public pages for cases: track one (signed in, or with the emailed link), and your cases."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, session

from frontcounter.accounts.auth import current_account, login_required
from frontcounter.cases import engine, tracking
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.cases.tracking import case_id_from_token
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry

bp = Blueprint("cases_public", __name__, url_prefix="/<force>")


def visible_case(reference: str, token: str | None) -> Case:
    """Return the case when the visitor owns it (account or tracking link), else 404."""
    case = engine.find_case(reference) or abort(404)
    account = current_account()
    if account is not None and case.applicant_account_id == account.id:
        return case
    if token and tracking.is_expired_token(token, reference):
        abort(tracking.expired_link_page(reference))
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
    workflow = engine.workflow_for(case.service_key)
    events = db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True)).order_by(CaseEvent.id)
    ).all()
    return render_template("cases/track.html", case=case, state=workflow.state(case.state), workflow=workflow,
                           events=events, service=registry().services[case.service_key])


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


@bp.get("/your-cases")
@login_required
def mine() -> str:
    """Every case the signed-in person has with this force."""
    account = current_account()
    cases = db.session.scalars(
        db.select(Case).where(Case.applicant_account_id == account.id).order_by(Case.id.desc()).limit(200)
    ).all()
    return render_template("cases/mine.html", cases=cases, services=registry().services)
