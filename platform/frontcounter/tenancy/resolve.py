"""Resolve the force of a request from the /<force>/ path prefix or from the host name."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, g, request

from frontcounter.tenancy.cache import force_by_slug
from frontcounter.tenancy.context import (
    current_tenant_or_none,
    reset_request_tenant,
    set_request_tenant,
)
from frontcounter.tenancy.services import remember_services

# Paths that stay national even on a force's own host name.
NATIONAL_PREFIXES = (
    "/assets/", "/static/", "/govuk/", "/api/", "/healthz", "/account/", "/platform/", "/_dev/", "/language/",
    "/accessibility", "/payments/webhooks/", "/notifications/",
)


def _pull_force(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values or "force" not in values:
        return
    slug = values.pop("force")
    found = force_by_slug(slug)
    if found is None:
        abort(404)
    g._fc_tenant_token = set_request_tenant(found.tenant)
    remember_services(found)


def _add_force(endpoint: str, values: dict[str, Any]) -> None:
    if "force" in values:
        return
    tenant = current_tenant_or_none()
    if tenant is not None and _endpoint_takes_force(endpoint):
        values["force"] = tenant.slug


def _endpoint_takes_force(endpoint: str) -> bool:
    from flask import current_app

    rules = current_app.url_map._rules_by_endpoint.get(endpoint, ())
    return any("force" in rule.arguments for rule in rules)


def _reset(exc: BaseException | None) -> None:
    token = g.pop("_fc_tenant_token", None)
    if token is not None:
        reset_request_tenant(token)


class HostTenantMiddleware:
    """WSGI middleware: on a force's own host name, serve /x as /<force>/x."""

    def __init__(self, wsgi_app: Any, hosts: dict[str, str]) -> None:
        self.wsgi_app = wsgi_app
        self.hosts = {h.lower(): slug for h, slug in hosts.items()}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        host = (environ.get("HTTP_HOST") or "").split(":")[0].lower()
        slug = self.hosts.get(host)
        path = environ.get("PATH_INFO", "/")
        if slug and not path.startswith(NATIONAL_PREFIXES) and not (path + "/").startswith(f"/{slug}/"):
            environ["PATH_INFO"] = f"/{slug}{path}"
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Install force resolution on `app`."""
    app.url_value_preprocessor(_pull_force)
    app.url_defaults(_add_force)
    app.teardown_request(_reset)


def request_force_slug() -> str | None:
    """Return the slug of the force this request is for, if any."""
    tenant = current_tenant_or_none()
    return tenant.slug if tenant and request else None
