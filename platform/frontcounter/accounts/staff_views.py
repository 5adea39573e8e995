"""The force's staff area: sign-in with a second factor, sign-out, dashboard."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts import second_factor, service
from frontcounter.accounts.auth import current_account, safe_next, sign_out, staff_required
from frontcounter.accounts.forms import SignInForm
from frontcounter.accounts.models import StaffMember
from frontcounter.extensions import db
from frontcounter.tenancy.context import current_tenant
from frontcounter.tenancy.services import enabled_services, tenant_hooks

bp = Blueprint("staff", __name__, url_prefix="/<force>/staff")


def _realm() -> str:
    return f"force:{current_tenant().slug}"


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str:
    """Staff sign-in, step one: email and password for this force."""
    form = SignInForm()
    next_url = safe_next(request.args.get("next"), url_for("staff.dashboard"))
    status = 200
    if form.validate_on_submit():
        try:
            account = service.authenticate(form.email.data, form.password.data)
        except service.SignInRefused as refused:
            form.email.errors.append(refused.message)
            status = 429 if refused.locked else 200
        else:
            member = None
            if account.is_staff:
                member = db.session.scalar(db.select(StaffMember).filter_by(account_id=account.id))
            if member is None and not account.is_platform_admin:
                form.email.errors.append(_("Enter a correct email address and password"))
            else:
                db.session.commit()
                second_factor.start(account, _realm(), next_url)
                return redirect(url_for("staff.two_factor"))
    return render_template("staff/sign_in.html", form=form), status  # type: ignore[return-value]


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor() -> Response | str:
    """Staff sign-in, step two: the authenticator code (set it up the first time)."""
    return second_factor.handle(_realm(), "staff.sign_in")


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_view() -> Response:
    """Sign out of the staff area."""
    sign_out()
    return redirect(url_for("staff.sign_in"))


@bp.get("/")
@staff_required()
def dashboard() -> str:
    """The staff dashboard: the force's services and what plugins offer staff."""
    from frontcounter.cases.access import may_use_service

    tenant = current_tenant()
    links: list[dict[str, Any]] = [
        {"text": _("%(service)s: work queue", service=service.name),
         "href": url_for("cases_staff.queue", service_key=service.key)}
        for service in enabled_services()
        if service.workflow is not None and may_use_service(service.key)
    ]
    from frontcounter.bookings.rules import takes_bookings

    links += [
        {"text": _("%(service)s: slots", service=service.name),
         "href": url_for("bookings.slots", service_key=service.key)}
        for service in enabled_services()
        if takes_bookings(service.key)
    ]
    for group in tenant_hooks().staff_dashboard_links(tenant=tenant):
        links.extend(group or [])
    return render_template("staff/dashboard.html", services=enabled_services(), links=links, account=current_account())
