"""POST /notifications/notify-callback: GOV.UK Notify's delivery receipts, signed with a bearer token."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, jsonify, request

from frontcounter.extensions import csrf, db
from frontcounter.notifications.models import EmailMessage
from frontcounter.notifications.settings import setting
from frontcounter.notifications.status import apply_notify_status

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
csrf.exempt(bp)  # a machine posts here, authenticated by the bearer token


def _problem(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


@bp.post("/notify-callback")
def notify_callback() -> tuple[Response, int] | tuple[str, int]:
    """Record the delivery status Notify reports for one email (404 while the email is unknown, so Notify retries)."""
    token = setting("NOTIFY_CALLBACK_TOKEN")
    if not token:
        return _problem(404, "Notify callbacks are not switched on (NOTIFY_CALLBACK_TOKEN).")
    supplied = request.headers.get("Authorization", "").encode()
    if not hmac.compare_digest(supplied, f"Bearer {token}".encode()):
        return _problem(401, "Wrong or missing bearer token.")
    receipt = request.get_json(silent=True)
    if not isinstance(receipt, dict) or not receipt.get("id") or not receipt.get("status"):
        return _problem(400, "Expected a JSON delivery receipt with id and status.")
    message = db.session.scalar(db.select(EmailMessage).filter_by(provider_ref=str(receipt["id"])).with_for_update())
    if message is None:
        db.session.rollback()
        return _problem(404, "No email with that notification id.")
    apply_notify_status(message, str(receipt["status"]))
    db.session.commit()
    return "", 204
