"""Which services the current force has switched on, and its settings for each."""

from __future__ import annotations

from typing import Any

from flask import abort, g, has_request_context

from frontcounter.plugins.manager import TenantHooks, registry
from frontcounter.plugins.service import Service
from frontcounter.tenancy.cache import ForceSettings, ServiceRow, force_by_id
from frontcounter.tenancy.context import current_tenant


def _rows() -> dict[str, ServiceRow]:
    tenant = current_tenant()
    cache_key = f"_fc_services_{tenant.id}"
    if has_request_context() and cache_key in g:
        return g.get(cache_key)
    found = force_by_id(tenant.id)
    rows = found.services if found is not None else {}
    if has_request_context():
        setattr(g, cache_key, rows)
    return rows


def remember_services(found: ForceSettings) -> None:
    """Keep the force's services (just read with its settings version) for the rest of this request."""
    setattr(g, f"_fc_services_{found.tenant.id}", found.services)
    g._fc_settings_version = found.version


def forget_cached_services() -> None:
    """Drop this request's cached view of the force's services (after an admin change)."""
    if has_request_context():
        for key in [k for k in g if k.startswith("_fc_services_")]:
            g.pop(key)


def enabled_service_keys() -> set[str]:
    """Return keys of the services the current force has switched on and that are installed."""
    installed = registry().services
    return {key for key, row in _rows().items() if row.enabled and key in installed}


def enabled_services() -> list[Service]:
    """Return the installed services the current force has switched on, by name."""
    installed = registry().services
    return sorted((installed[k] for k in enabled_service_keys()), key=lambda s: str(s.name))


def is_enabled(key: str) -> bool:
    """True when the current force has switched on service `key`."""
    return key in enabled_service_keys()


def service_settings(key: str) -> dict[str, Any]:
    """Return the current force's effective settings for service `key` (defaults filled in)."""
    service = registry().services[key]
    row = _rows().get(key)
    return service.settings_from_stored(row.settings if row else {})


def tenant_hooks() -> TenantHooks:
    """Return hook callers gated by the current force's switched-on services."""
    return registry().for_tenant(enabled_service_keys())


def switched_off_service(key: str) -> Service | None:
    """The installed service `key` when the current force had it and has switched it off, else None."""
    row = _rows().get(key)
    if row is None or row.enabled:
        return None
    return registry().services.get(key)


def require_enabled(key: str) -> None:
    """Abort with 404 unless the current force has switched on service `key`."""
    if not is_enabled(key):
        abort(404)
