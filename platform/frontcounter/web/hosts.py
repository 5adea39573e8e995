"""Resolve a force from the request's host name (forces may have their own host names)."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from frontcounter.tenancy.resolve import HostTenantMiddleware


class LazyHostMiddleware:
    """Load the host-name map from the tenants table (refreshed each minute) and rewrite paths."""

    def __init__(self, app: Flask, wsgi_app: Any, ttl: float = 60.0) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.ttl = ttl
        self._loaded_at = 0.0
        self._inner = HostTenantMiddleware(wsgi_app, {})

    def _refresh(self) -> None:
        from frontcounter.extensions import db
        from frontcounter.tenancy.models import Tenant

        hosts: dict[str, str] = {}
        try:
            with self.app.app_context():
                for slug, names in db.session.execute(db.select(Tenant.slug, Tenant.hostnames)):
                    for name in names or []:
                        hosts[name] = slug
        except Exception:  # noqa: BLE001 - no database yet: no host names
            hosts = {}
        self._inner = HostTenantMiddleware(self.wsgi_app, hosts)
        self._loaded_at = time.monotonic()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if time.monotonic() - self._loaded_at > self.ttl:
            self._refresh()
        return self._inner(environ, start_response)

    def reload(self) -> None:
        """Re-read host names now (after `tenants apply`)."""
        self._loaded_at = 0.0
