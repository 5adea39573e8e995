"""Tell a force's admins that one of their webhook endpoints was switched off after repeated failures."""

from __future__ import annotations

from flask_babel import gettext as _

from frontcounter.accounts.models import Account, Role, StaffMember
from frontcounter.extensions import db
from frontcounter.integrations.webhooks.models import WebhookEndpoint
from frontcounter.notifications.send import send_email
from frontcounter.tenancy.context import current_tenant
from frontcounter.web.urls import external_url


def force_admin_emails() -> list[str]:
    """The email addresses of the current force's active admins (one query)."""
    members = db.session.execute(
        db.select(StaffMember.roles, Account.email)
        .join(Account, Account.id == StaffMember.account_id)
        .where(Account.is_active.is_(True))
    ).all()
    return sorted({email for roles, email in members if Role.FORCE_ADMIN.value in (roles or [])})


def tell_admins_switched_off(endpoint: WebhookEndpoint) -> None:
    """Email every force admin that `endpoint` is off, with a link to its page (sent after commit)."""
    link = external_url("webhooks_admin.endpoint", force=current_tenant().slug, endpoint_id=endpoint.id)
    for email in force_admin_emails():
        subject = _("Webhook switched off: %(url)s", url=endpoint.url)
        send_email(email, subject, "email/webhooks/switched_off", endpoint=endpoint, link=link)
