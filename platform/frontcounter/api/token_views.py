"""Force administration of API tokens: create one (its secret is shown once), list and revoke them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts.auth import current_account, staff_required
from frontcounter.accounts.forms import ROLE_LABELS
from frontcounter.accounts.models import Role
from frontcounter.api.token_forms import ApiTokenForm
from frontcounter.api.tokens import ApiToken, issue_token, revoke_token
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_time
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.services import enabled_service_keys

bp = Blueprint("api_tokens", __name__, url_prefix="/<force>/staff/admin/api-tokens")


@bp.before_request
@staff_required(Role.FORCE_ADMIN)
def _admins_only() -> None:
    return None


@bp.get("")
def tokens() -> str:
    """The force's API tokens, newest first, with when each was last used."""
    rows = db.session.scalars(db.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    names = {key: str(service.name) for key, service in registry().services.items()}
    return render_template(
        "api/tokens.html", tokens=rows, role_labels=ROLE_LABELS, uk_time=uk_time, service_names=names
    )


@bp.route("/new", methods=["GET", "POST"])
def new_token() -> Response | str:
    """Create a token; the page that answers shows its secret, once."""
    form = ApiTokenForm()
    services = registry().services
    form.services.choices = [(key, str(services[key].name)) for key in sorted(enabled_service_keys() & services.keys())]
    if not form.validate_on_submit():
        return render_template("api/tokens_new.html", form=form)
    account = current_account()
    token, secret = issue_token(
        form.name.data, form.roles.data, created_by=account.email if account else "", services=form.services.data
    )
    db.session.flush()
    audit("api_token.created", target=f"api_token:{token.id}",
          after={"name": token.name, "roles": token.roles, "services": token.services})
    db.session.commit()
    response = make_response(
        render_template("api/tokens_created.html", token=token, secret=secret, role_labels=ROLE_LABELS)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> Response:
    """Revoke a token: systems using it get 401 from now on."""
    token = db.session.scalar(db.select(ApiToken).filter_by(id=token_id)) or abort(404)
    if revoke_token(token):
        audit(
            "api_token.revoked",
            target=f"api_token:{token.id}",
            before={"revoked": False},
            after={"revoked": True, "name": token.name},
        )
        db.session.commit()
        flash(_("API token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.tokens"))
