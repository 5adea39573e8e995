"""Error reporting to Sentry (or a compatible service) when SENTRY_DSN is set, with personal data scrubbed."""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_SECRET_HEADERS = {"authorization", "cookie", "x-csrftoken", "pay-signature", "stripe-signature"}
_SECRET_KEYS = re.compile(r"pass|token|secret|pin|code|email|name|address|postcode|birth|licence|phone", re.I)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {k: "[scrubbed]" if _SECRET_KEYS.search(str(k)) else _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Remove people's data from an event before it leaves: form data, cookies, secret headers, emails."""
    request = event.get("request") or {}
    request.pop("cookies", None)
    request.pop("data", None)
    request.pop("query_string", None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in _SECRET_HEADERS:
            headers[name] = "[scrubbed]"
    event.pop("user", None)
    for key in ("message", "logentry", "exception", "breadcrumbs", "extra"):
        if key in event:
            event[key] = _scrub(event[key])
    return event


def init_sentry(dsn: str, environment: str, release: str = "") -> bool:
    """Start sentry-sdk with the Flask and rq integrations; False (and nothing started) when `dsn` is empty."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.rq import RqIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[FlaskIntegration(), RqIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )
    return True
