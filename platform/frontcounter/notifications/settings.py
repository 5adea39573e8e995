"""Email settings: read from the app config, falling back to the environment.

SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS and MAIL_FROM choose SMTP.
NOTIFY_API_KEY (with NOTIFY_EMAIL_TEMPLATE_ID and optionally NOTIFY_BASE_URL) chooses GOV.UK Notify;
NOTIFY_CALLBACK_TOKEN switches on the delivery-receipt callback. With neither, emails stay in the
local mailbox (/_dev/mailbox).
"""

from __future__ import annotations

import os

from flask import current_app

NOTIFY_API_URL = "https://api.notifications.service.gov.uk"


def setting(key: str, default: str = "") -> str:
    """Return config[key] when the app sets it, else the environment variable `key`, else `default`."""
    value = current_app.config.get(key, os.environ.get(key, default))
    return "" if value is None else str(value)
