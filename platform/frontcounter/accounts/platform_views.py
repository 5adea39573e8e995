"""Platform admins: sign in (with a second factor) and see every force."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from werkzeug.wrappers import Response

from frontcounter.accounts import second_factor, service
from frontcounter.accounts.auth import platform_admin_required, safe_next, sign_out
from frontcounter.accounts.forms import SignInForm
from frontcounter.extensions import db
from frontcounter.tenancy.context import platform_wide
from frontcounter.tenancy.models import Tenant, TenantService

bp = Blueprint("platform", __name__, url_prefix="/platform")
REALM = "platform"


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str:
    """Platform admin sign-in, step one."""
    form = SignInForm()
    next_url = safe_next(request.args.get("next"), url_for("platform.forces"))
    status = 200
    if form.validate_on_submit():
        try:
            account = service.authenticate(form.email.data, form.password.data)
        except service.SignInRefused as refused:
            form.email.errors.append(refused.message)
            status = 429 if refused.locked else 200
        else:
            if not account.is_platform_admin:
                form.email.errors.append(_("Enter a correct email address and password"))
            else:
                db.session.commit()
                second_factor.start(account, REALM, next_url)
                return redirect(url_for("platform.two_factor"))
    return render_template("staff/sign_in.html", form=form, platform=True), status  # type: ignore[return-value]


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor() -> Response | str:
    """Platform admin sign-in, step two."""
    return second_factor.handle(REALM, "platform.sign_in")


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_view() -> Response:
    """Sign out."""
    sign_out()
    return redirect(url_for("platform.sign_in"))


@bp.get("/")
@platform_admin_required
def forces() -> str:
    """Every force with how many services it has switched on."""
    with platform_wide("platform admin overview of all forces"):
        counts = dict(
            db.session.execute(
                db.select(TenantService.tenant_id, func.count())
                .where(TenantService.enabled.is_(True))
                .group_by(TenantService.tenant_id)
            ).all()
        )
    tenants = db.session.scalars(db.select(Tenant).order_by(Tenant.name)).all()
    return render_template("platform/forces.html", tenants=tenants, counts=counts)
