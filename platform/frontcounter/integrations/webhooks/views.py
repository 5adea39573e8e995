"""Force admin pages for webhooks: list, add (the secret shown once), choose events, delivery log, replay, switch on."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts.auth import current_account, staff_required
from frontcounter.accounts.models import Role
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_time
from frontcounter.extensions import db
from frontcounter.integrations.webhooks import queries
from frontcounter.integrations.webhooks.delivery import replay, switch_on
from frontcounter.integrations.webhooks.events import event_types
from frontcounter.integrations.webhooks.forms import EndpointForm, EventsForm
from frontcounter.integrations.webhooks.models import WebhookEndpoint
from frontcounter.integrations.webhooks.signing import HEADER, encrypt_secret, new_secret

bp = Blueprint("webhooks_admin", __name__, url_prefix="/<force>/staff/admin/webhooks")


@bp.before_request
@staff_required(Role.FORCE_ADMIN)
def _admins_only() -> None:
    return None


def _labels() -> dict[str, str]:
    return {name: str(t.label) for name, t in event_types().items()}


def _choices() -> list[tuple[str, str]]:
    return [(name, f"{label} ({name})") for name, label in _labels().items()]


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    return queries.endpoint_or_none(endpoint_id) or abort(404)


@bp.get("")
def endpoints() -> str:
    """The force's webhook endpoints with their events and state."""
    return render_template("webhooks/endpoints.html", endpoints=queries.endpoints(), labels=_labels())


@bp.route("/new", methods=["GET", "POST"])
def new_endpoint() -> Response | str:
    """Add an endpoint; the page that answers shows its signing secret, once."""
    form = EndpointForm()
    form.events.choices = _choices()
    if not form.validate_on_submit():
        return render_template("webhooks/new.html", form=form)
    account = current_account()
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=form.url.data,
        description=form.description.data or "",
        events=sorted(set(form.events.data)),
        secret_encrypted=encrypt_secret(secret),
        created_by=account.email if account else "",
        created_at=datetime.now(UTC),
    )
    db.session.add(endpoint)
    db.session.flush()
    audit("webhook.created", target=f"webhook:{endpoint.id}", after={"url": endpoint.url, "events": endpoint.events})
    db.session.commit()
    response = make_response(
        render_template("webhooks/created.html", endpoint=endpoint, secret=secret, header=HEADER, labels=_labels())
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:endpoint_id>")
def endpoint(endpoint_id: int) -> str:
    """One endpoint: its events, state and delivery log (newest first, a page at a time)."""
    row = _endpoint_or_404(endpoint_id)
    page = queries.deliveries(row, request.args.get("page", 1, type=int))
    return render_template("webhooks/endpoint.html", endpoint=row, page=page, labels=_labels(), uk_time=uk_time)


@bp.route("/<int:endpoint_id>/events", methods=["GET", "POST"])
def edit_events(endpoint_id: int) -> Response | str:
    """Choose which events the endpoint receives."""
    row = _endpoint_or_404(endpoint_id)
    form = EventsForm(obj=row) if request.method == "GET" else EventsForm()
    form.events.choices = _choices()
    if not form.validate_on_submit():
        return render_template("webhooks/events.html", form=form, endpoint=row)
    before = {"events": row.events, "description": row.description}
    row.events = sorted(set(form.events.data))
    row.description = form.description.data or ""
    audit("webhook.events_changed", target=f"webhook:{row.id}", before=before,
          after={"events": row.events, "description": row.description})
    db.session.commit()
    flash(_("Events saved."), "success")
    return redirect(url_for("webhooks_admin.endpoint", endpoint_id=row.id))


@bp.get("/<int:endpoint_id>/deliveries/<int:delivery_id>")
def delivery(endpoint_id: int, delivery_id: int) -> str:
    """One delivery: the event's body and every attempt with its response code and time."""
    row = _endpoint_or_404(endpoint_id)
    found = queries.delivery_or_none(row, delivery_id) or abort(404)
    return render_template("webhooks/delivery.html", endpoint=row, delivery=found, attempts=queries.attempts(found),
                           labels=_labels(), uk_time=uk_time)


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/replay")
def replay_delivery(endpoint_id: int, delivery_id: int) -> Response:
    """Send a delivery's event again (a new delivery with the same event id)."""
    row = _endpoint_or_404(endpoint_id)
    found = queries.delivery_or_none(row, delivery_id) or abort(404)
    again = replay(found)
    audit("webhook.replayed", target=f"webhook:{row.id}", after={"delivery": found.id, "replay": again.id})
    db.session.commit()
    flash(_("Event sent again."), "success")
    return redirect(url_for("webhooks_admin.endpoint", endpoint_id=row.id))


@bp.post("/<int:endpoint_id>/enable")
def enable(endpoint_id: int) -> Response:
    """Switch an endpoint back on after it was switched off, sending the events held meanwhile."""
    row = _endpoint_or_404(endpoint_id)
    if not row.is_active:
        held = switch_on(row)
        audit("webhook.switched_on", target=f"webhook:{row.id}", after={"held_sent": held})
        db.session.commit()
        flash(_("Webhook switched on. %(count)s held events are being sent.", count=held), "success")
    return redirect(url_for("webhooks_admin.endpoint", endpoint_id=row.id))


@bp.post("/<int:endpoint_id>/delete")
def delete(endpoint_id: int) -> Response:
    """Remove an endpoint with its delivery log: nothing more is sent to it."""
    row = _endpoint_or_404(endpoint_id)
    audit("webhook.deleted", target=f"webhook:{row.id}", before={"url": row.url, "events": row.events})
    queries.delete_endpoint(row)
    db.session.commit()
    flash(_("Webhook removed."), "success")
    return redirect(url_for("webhooks_admin.endpoints"))
