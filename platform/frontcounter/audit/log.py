"""Write audit events in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request

from frontcounter.audit.models import AuditEvent
from frontcounter.extensions import db


def record(
    action: str,
    *,
    target: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """Add an audit event for the current force (committed with the caller's transaction)."""
    actor_id = None
    if actor is None:
        actor = "system"
        if has_request_context():
            from frontcounter.accounts.auth import current_account

            account = current_account()
            if account is not None:
                actor, actor_id = account.email, account.id
    event = AuditEvent(
        at=datetime.now(UTC),
        actor_id=actor_id,
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=after,
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)
    return event
