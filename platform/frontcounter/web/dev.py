"""Development tools: the local mailbox page that shows every email the platform sent."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from frontcounter.extensions import db
from frontcounter.notifications.models import EmailMessage

bp = Blueprint("dev", __name__, url_prefix="/_dev")


@bp.before_request
def _only_when_enabled() -> None:
    if not current_app.config.get("MAILBOX_PAGE"):
        abort(404)


@bp.get("/mailbox")
def mailbox() -> str:
    """List emails sent, newest first (filter with ?to=), paginated."""
    to = request.args.get("to", "").strip().lower()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    query = db.select(EmailMessage).order_by(EmailMessage.id.desc())
    if to:
        query = query.where(EmailMessage.to == to)
    pagination = db.paginate(query, page=page, per_page=25, error_out=False)
    return render_template("dev/mailbox.html", pagination=pagination, to=to)


@bp.get("/mailbox/<int:message_id>")
def message(message_id: int) -> str:
    """Show one email: HTML part in a sandboxed frame and the plain-text part."""
    email = db.session.get(EmailMessage, message_id) or abort(404)
    return render_template("dev/message.html", email=email)


@bp.get("/mailbox/<int:message_id>/html")
def message_html(message_id: int):  # type: ignore[no-untyped-def]
    """The HTML part of one email, for the sandboxed frame."""
    email = db.session.get(EmailMessage, message_id) or abort(404)
    return email.html_body, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "sandbox"}
