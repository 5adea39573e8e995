"""The public pages: what a temporary event notice is, the notice form, the check page (standard, late or too
late, limits, authority) and sending it. Mounted at /<force>/liquor/."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account
from frontcounter.calendar import uk_today
from frontcounter.cases.engine import TransitionRefused, find_case
from frontcounter.cases.public_views import visible_case
from frontcounter.cases.tracking import tracking_url
from frontcounter.extensions import db
from frontcounter.payments.service import PaymentRefused, start_payment
from frontcounter.tenancy import current_tenant
from frontcounter.tenancy.services import service_settings
from frontcounter_liquor.authorities import SERVICE_KEY
from frontcounter_liquor.decisions import OBJECTIVES
from frontcounter_liquor.notice_input import ACTIVITIES, ALCOHOL_WHERE, notice_from_json, read_notice
from frontcounter_liquor.notices import (
    NoticeRefused,
    give_notice,
    notice_of,
    out_of_time_message,
    preview,
    withdraw_notice,
)
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

bp = Blueprint("liquor", __name__, template_folder="templates")
DRAFTS = "liquor_notice"  # session: force slug -> the checked notice, between the form and the check page
DATE_FIELDS = ("user_dob", "start_date", "end_date")


def _may_give() -> bool:
    return current_account() is not None or SERVICE_KEY in session.get("guest_services", [])


def _gate() -> None:
    if not _may_give():
        abort(redirect(url_for("force.start", service_key=SERVICE_KEY)))


def form_values(form: MultiDict[str, str]) -> dict[str, Any]:
    """The posted notice as read_notice takes it: GOV.UK date inputs joined into ISO dates."""
    raw: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    raw["activities"] = form.getlist("activities")
    for name in DATE_FIELDS:
        parts = [form.get(f"{name}-{p}", "").strip() for p in ("year", "month", "day")]
        if all(p.isdecimal() for p in parts) and len(parts[0]) == 4:
            raw[name] = f"{parts[0]}-{int(parts[1]):02d}-{int(parts[2]):02d}"
        else:
            raw[name] = "" if not any(parts) else "not-a-date"
    return raw


def _anchor(errors: dict[str, str]) -> dict[str, str]:
    """Point date errors at the day box, as GOV.UK date inputs expect."""
    return {(f"{k}-day" if k in DATE_FIELDS else k): v for k, v in errors.items()}


@bp.get("/")
def start() -> str:
    """What a temporary event notice is, the limits and the fee, and the start button."""
    return render_template("liquor/public/start.html", settings=service_settings(SERVICE_KEY))


@bp.route("/notice", methods=["GET", "POST"])
def notice_form() -> Response | str:
    """The notice: the premises user, the premises, the event; checked before the check page."""
    _gate()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = dict(request.form.items())
        values["activities"] = request.form.getlist("activities")
        notice, errors = read_notice(form_values(request.form), uk_today())
        if notice is not None:
            session[DRAFTS] = {**session.get(DRAFTS, {}), current_tenant().slug: notice.to_json()}
            return redirect(url_for("liquor.check"))
    else:
        account = current_account()
        values = {"user_email": account.email if account else "", "user_name": account.full_name if account else ""}
    return render_template("liquor/public/notice.html", errors=_anchor(errors), values=values,
                           activities=ACTIVITIES, alcohol_where=ALCOHOL_WHERE)


def _draft() -> Any:
    stored = session.get(DRAFTS, {}).get(current_tenant().slug)
    if not stored:
        return None
    try:
        return notice_from_json(stored)
    except (KeyError, TypeError, ValueError):
        return None


@bp.route("/notice/check", methods=["GET", "POST"])
def check() -> Response | str:
    """Standard, late or too late (before anything is sent), the limits, the authority, then send."""
    _gate()
    notice = _draft()
    if notice is None:
        return redirect(url_for("liquor.notice_form"))
    received = uk_today()
    seen = preview(notice, received)
    error = ""
    if request.method == "POST":
        account = current_account()
        try:
            case = give_notice(notice, received, source="online", actor=account.email if account else notice.user_email,
                               account_id=account.id if account else None)
        except NoticeRefused as refused:
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            session[DRAFTS] = {k: v for k, v in session.get(DRAFTS, {}).items() if k != current_tenant().slug}
            session["liquor_sent"] = case.reference
            return redirect(url_for("liquor.sent", reference=case.reference))
    return render_template("liquor/public/check.html", notice=notice, seen=seen, received=received,
                           error=error or ("" if seen.timing.valid else out_of_time_message(seen.timing)),
                           activities=ACTIVITIES, alcohol_where=ALCOHOL_WHERE, settings=service_settings(SERVICE_KEY))


@bp.get("/notice/sent/<reference>")
def sent(reference: str) -> str:
    """The confirmation: the reference, who has a copy, the fee, what happens next."""
    if session.get("liquor_sent") != reference:
        abort(404)
    case = find_case(reference) or abort(404)
    notice = notice_of(case) or abort(404)
    return render_template("liquor/public/sent.html", case=case, notice=notice, link=tracking_url(case),
                           settings=service_settings(SERVICE_KEY))


def _own_case(reference: str) -> Any:
    """The visitor's own notice: just given in this session, their account's, or opened by tracking link."""
    if session.get("liquor_sent") == reference:
        case = find_case(reference)
    else:
        case = visible_case(reference, request.form.get("token"))
    if case is None or case.service_key != SERVICE_KEY:
        abort(404)
    return case


@bp.post("/cases/<reference>/pay")
def pay(reference: str) -> Response:
    """Pay the fee through the force, where it collects for the licensing authority."""
    settings = service_settings(SERVICE_KEY)
    if not settings["collect_fee"]:
        abort(404)
    case = _own_case(reference)
    notice = notice_of(case) or abort(404)
    try:
        url = start_payment(case, settings["fee_pence"],
                            _("Temporary event notice fee for %(authority)s", authority=notice.authority_name),
                            fulfil_transition=None)
    except PaymentRefused:
        db.session.rollback()
        return redirect(tracking_url(case))
    db.session.commit()
    return redirect(url)


@bp.post("/cases/<reference>/withdraw")
def withdraw(reference: str) -> Response:
    """Withdraw a notice before the event: it no longer counts towards the limits; the authority is told."""
    case = _own_case(reference)
    notice = notice_of(case) or abort(404)
    try:
        withdraw_notice(case, notice, actor=case.applicant_email)
    except TransitionRefused:
        db.session.rollback()
        abort(409)
    db.session.commit()
    flash(_("You have withdrawn your notice."), "success")
    return redirect(tracking_url(case))


@bp.app_template_global("liquor_objective_label")
def objective_label(key: str) -> str:
    """The licensing objective's name."""
    return str(OBJECTIVES.get(key, key))


bp.add_app_template_global(notice_of, "liquor_notice_of")
