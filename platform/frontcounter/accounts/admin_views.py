"""Force administration: switch services on or off, edit their settings, manage staff."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError, fields
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from frontcounter.accounts import ratelimit
from frontcounter.accounts import service as accounts
from frontcounter.accounts.auth import end_sessions, staff_required
from frontcounter.accounts.forms import ROLE_LABELS, StaffMemberForm
from frontcounter.accounts.models import Account, Role, StaffMember
from frontcounter.audit import record as audit
from frontcounter.extensions import db
from frontcounter.plugins.fields import Money, pounds_to_pence
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.context import current_tenant
from frontcounter.tenancy.models import TenantService
from frontcounter.tenancy.services import forget_cached_services, service_settings

bp = Blueprint("force_admin", __name__, url_prefix="/<force>/staff/admin")


@bp.before_request
@staff_required(Role.FORCE_ADMIN)
def _admins_only() -> None:
    return None


def _row(key: str) -> TenantService | None:
    return db.session.scalar(db.select(TenantService).filter_by(service_key=key))


@bp.get("/services")
def services() -> str:
    """Every installed service and whether this force has it switched on."""
    rows = {r.service_key: r for r in db.session.scalars(db.select(TenantService))}
    installed = sorted(registry().services.values(), key=lambda s: str(s.name))
    return render_template("staff/admin_services.html", installed=installed, rows=rows)


def settings_fields(service_key: str) -> list[dict[str, Any]]:
    """Describe a service's settings for the form: name, label, hint, kind."""
    schema_cls = registry().services[service_key].settings_schema
    if schema_cls is None:
        return []
    out = []
    for name, field in schema_cls().fields.items():
        if isinstance(field, fields.List | fields.Nested | fields.Dict):
            continue  # lists and tables are set in the tenants/ file, not on this form
        if isinstance(field, Money):
            kind = "money"
        elif isinstance(field, fields.Boolean):
            kind = "bool"
        else:
            kind = "int" if isinstance(field, fields.Integer) else "text"
        out.append(
            {
                "name": name,
                "label": field.metadata.get("label", name.replace("_", " ").capitalize()),
                "hint": field.metadata.get("hint", ""),
                "kind": kind,
            }
        )
    return out


@bp.route("/services/<service_key>", methods=["GET", "POST"])
def service_settings_view(service_key: str) -> Response | str:
    """Switch one service on or off and edit its settings (validated by the plugin's schema)."""
    service = registry().services.get(service_key) or abort(404)
    row = _row(service_key)
    values: dict[str, Any] = service_settings(service_key) if row else service.default_settings()
    enabled = bool(row and row.enabled)
    errors: dict[str, str] = {}
    form_fields = settings_fields(service_key)
    if request.method == "POST":
        enabled = request.form.get("enabled") == "yes"
        raw: dict[str, Any] = {}
        for f in form_fields:
            if f["kind"] == "bool":
                raw[f["name"]] = request.form.get(f["name"]) == "yes"
            elif f["kind"] == "money":
                typed = request.form.get(f["name"], "").strip()[:20]
                try:
                    raw[f["name"]] = pounds_to_pence(typed)
                except ValueError:
                    raw[f["name"]] = typed
                    errors[f["name"]] = (
                        _("Enter %(label)s", label=f["label"].lower()) if not typed
                        else _("Enter %(label)s in pounds, like 12.50", label=f["label"].lower())
                    )
            else:
                raw[f["name"]] = request.form.get(f["name"], "").strip()
                if f["kind"] == "int" and raw[f["name"]].lstrip("-").isdigit():
                    raw[f["name"]] = int(raw[f["name"]])
        values = {**values, **raw}
        kept = {k: v for k, v in (row.settings if row else {}).items() if k not in raw}
        try:
            clean = service.validate_settings({**kept, **{k: v for k, v in raw.items() if k not in errors}})
            if errors:
                raise ValidationError({})
        except ValidationError as err:
            messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
            found = {k: " ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in messages.items()}
            errors = {**found, **errors}
        else:
            before = {"enabled": bool(row and row.enabled), "settings": dict(row.settings) if row else {}}
            if row is None:
                row = TenantService(service_key=service_key)
                db.session.add(row)
            defaults = service.default_settings()
            # Store only what differs from the defaults, so later statutory changes reach this force.
            row.enabled, row.settings = enabled, {k: v for k, v in clean.items() if defaults.get(k) != v}
            audit(
                "service.settings_changed",
                target=f"service:{service_key}",
                before=before,
                after={"enabled": enabled, "settings": clean},
            )
            db.session.commit()
            forget_cached_services()
            registry().hook.tenant_settings_changed(tenant=current_tenant(), service_key=service_key, settings=clean)
            flash(_("%(name)s settings saved.", name=service.name), "success")
            return redirect(url_for("force_admin.services"))
    return render_template(
        "staff/admin_service.html", service=service, fields=form_fields, values=values, enabled=enabled, errors=errors
    )


@bp.get("/staff")
def staff() -> str:
    """The force's staff and their roles."""
    members = db.session.scalars(db.select(StaffMember).join(Account).order_by(Account.full_name)).all()
    return render_template("staff/admin_staff.html", members=members, role_labels=ROLE_LABELS)


@bp.route("/staff/new", methods=["GET", "POST"])
def add_staff() -> Response | str:
    """Add a staff member; they set a password through the reset link we email."""
    form = StaffMemberForm()
    if form.validate_on_submit():
        try:
            member = accounts.add_staff_member(form.email.data, form.full_name.data, form.roles.data)
            audit("staff.added", target=f"staff:{member.id}", after={"email": form.email.data, "roles": member.roles})
            db.session.commit()
        except (ValueError, IntegrityError):
            db.session.rollback()
            form.email.errors.append(_("That email address is already used by another account"))
        else:
            accounts.send_password_reset(form.email.data)
            db.session.commit()
            flash(
                _("%(name)s added. We have emailed them a link to set a password.", name=form.full_name.data), "success"
            )
            return redirect(url_for("force_admin.staff"))
    return render_template("staff/admin_staff_member.html", form=form, member=None)


@bp.route("/staff/<int:member_id>", methods=["GET", "POST"])
def edit_staff(member_id: int) -> Response | str:
    """Change a staff member's name or roles."""
    member = db.session.scalar(db.select(StaffMember).filter_by(id=member_id)) or abort(404)
    form = StaffMemberForm(obj=member.account, roles=member.roles)
    form.email.render_kw = {"disabled": True}
    if request.method == "POST":
        form.email.data = member.account.email
    if form.validate_on_submit():
        before = {"roles": list(member.roles), "full_name": member.account.full_name}
        member.roles = sorted(set(form.roles.data))
        if set(before["roles"]) - set(member.roles):
            end_sessions(member.account)  # a role taken away stops working now, not at the next sign-in
        member.account.full_name = form.full_name.data
        audit(
            "staff.changed",
            target=f"staff:{member.id}",
            before=before,
            after={"roles": member.roles, "full_name": member.account.full_name},
        )
        db.session.commit()
        flash(_("Changes to %(name)s saved.", name=member.account.full_name), "success")
        return redirect(url_for("force_admin.staff"))
    locked = ratelimit.is_locked_out(member.account.email) or ratelimit.is_locked_out(
        ratelimit.second_factor_key(member.account_id)
    )
    return render_template("staff/admin_staff_member.html", form=form, member=member, locked=locked)


@bp.post("/staff/<int:member_id>/remove")
def remove_staff(member_id: int) -> Response:
    """Take a staff member out of the force; their sessions end at once."""
    member = db.session.scalar(db.select(StaffMember).filter_by(id=member_id)) or abort(404)
    name = member.account.full_name
    end_sessions(member.account)
    audit("staff.removed", target=f"staff:{member.id}", before={"email": member.account.email, "roles": member.roles})
    db.session.delete(member)
    db.session.commit()
    flash(_("%(name)s has been removed and signed out.", name=name), "success")
    return redirect(url_for("force_admin.staff"))


@bp.post("/staff/<int:member_id>/unlock")
def unlock_staff(member_id: int) -> Response:
    """Clear a staff member's failed password and security-code attempts so they can sign in now."""
    member = db.session.scalar(db.select(StaffMember).filter_by(id=member_id)) or abort(404)
    ratelimit.clear(member.account.email, ratelimit.second_factor_key(member.account_id))
    audit("staff.unlocked", target=f"staff:{member.id}", after={"email": member.account.email})
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=member.account.full_name), "success")
    return redirect(url_for("force_admin.edit_staff", member_id=member.id))
