"""A per-process cache of each force's settings (its row and its services), checked on every use.

Every change to a force or to one of its services bumps the force's `settings_version` in the same
transaction (a flush listener), so one small indexed query per request tells whether the cached copy is
still the database's: a change made by any process shows on the very next request everywhere. The cache
lives in the app (`app.extensions`), so two apps in one process (tests) never share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from frontcounter.extensions import db
from frontcounter.tenancy.context import TenantRef
from frontcounter.tenancy.models import Tenant, TenantService
from frontcounter.tenancy.watch import SettingsWatch, announce, current_watch, listen_for_commits, settings_pending

_TENANT = Tenant.__table__
_SERVICE = TenantService.__table__


@dataclass(frozen=True)
class ServiceRow:
    """A force's stored choice for one service (read-only: never change `settings` in place)."""

    service_key: str
    enabled: bool
    settings: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class ForceSettings:
    """One force's snapshot, its services by key, and the settings version they were read at."""

    version: int
    tenant: TenantRef
    services: dict[str, ServiceRow]


def _connection() -> Any:
    """The session's connection, after the flush an ORM query would have made (pending changes count)."""
    session = db.session
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection()


def _entries() -> dict[int, ForceSettings]:
    return current_app.extensions.setdefault("frontcounter.force_settings", {})


def _load(where: Any) -> ForceSettings | None:
    """Read a force and its services from the database (no ORM, no scoping: the force is the key)."""
    conn = db.session.connection()
    row = conn.execute(select(_TENANT).where(where)).mappings().first()
    if row is None:
        return None
    tenant = Tenant(**{k: v for k, v in row.items() if k != "settings_version"}).snapshot()
    services = {
        found.service_key: ServiceRow(found.service_key, bool(found.enabled), dict(found.settings or {}))
        for found in conn.execute(
            select(_SERVICE.c.service_key, _SERVICE.c.enabled, _SERVICE.c.settings).where(
                _SERVICE.c.tenant_id == row["id"]
            )
        )
    }
    loaded = ForceSettings(int(row["settings_version"] or 0), tenant, services)
    _entries()[tenant.id] = loaded
    return loaded


def _watched() -> tuple[SettingsWatch, dict[Any, tuple[int, ForceSettings]]] | None:
    """The live settings listener and the entries it vouches for, when no settings change is pending here."""
    watch = current_watch()
    if watch is None or settings_pending(db.session()):
        return None
    return watch, current_app.extensions.setdefault("frontcounter.force_settings_watched", {})


def _heard_or_loaded(watch: SettingsWatch, watched: dict[Any, tuple[int, ForceSettings]], key: int | str,
                     where: Any) -> ForceSettings | None:
    """The copy kept under `key` (slug or id) if no change was heard since, else loaded and kept."""
    serial = watch.serial  # read before the database: a change heard meanwhile makes this copy stale
    kept = watched.get(key)
    if kept is not None and kept[0] == serial:
        return kept[1]
    found = _load(where)
    if found is not None:
        watched[found.tenant.slug] = watched[found.tenant.id] = (serial, found)
    return found


def force_by_slug(slug: str) -> ForceSettings | None:
    """The force with this slug (None when there is none), from the cache when its version still matches."""
    watching = _watched()
    if watching is not None:
        return _heard_or_loaded(*watching, slug, _TENANT.c.slug == slug)
    found = _connection().execute(
        select(_TENANT.c.id, _TENANT.c.settings_version).where(_TENANT.c.slug == slug)
    ).first()
    if found is None:
        return None
    cached = _entries().get(found.id)
    if cached is not None and cached.version == found.settings_version and cached.tenant.slug == slug:
        return cached
    return _load(_TENANT.c.slug == slug)


def force_by_id(tenant_id: int) -> ForceSettings | None:
    """The force with this id, from the cache when its version still matches."""
    watching = _watched()
    if watching is not None:
        return _heard_or_loaded(*watching, tenant_id, _TENANT.c.id == tenant_id)
    version = _connection().execute(
        select(_TENANT.c.settings_version).where(_TENANT.c.id == tenant_id)
    ).scalar()
    cached = _entries().get(tenant_id)
    if cached is not None and version is not None and cached.version == version:
        return cached
    return _load(_TENANT.c.id == tenant_id)


def _bump_versions(session: Session, flush_context: object, instances: object) -> None:
    """Before a flush that changes a force or its services: bump the force's settings version (same transaction)."""
    changed: set[int] = set()
    announced = False
    for obj in chain(session.new, session.dirty, session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, Tenant | TenantService) and not announced:
            announce(session)  # every process's cached settings and pages are stale once this commits
            announced = True
        if isinstance(obj, TenantService) and obj.tenant_id is not None:
            changed.add(obj.tenant_id)
        elif isinstance(obj, Tenant) and obj not in session.new and obj.id is not None:
            changed.add(obj.id)
    if changed:
        session.connection().execute(
            update(_TENANT).where(_TENANT.c.id.in_(sorted(changed))).values(
                settings_version=_TENANT.c.settings_version + 1
            )
        )


def install() -> None:
    """Bump settings versions on every flush that changes a force or its services (idempotent)."""
    if not event.contains(Session, "before_flush", _bump_versions):
        event.listen(Session, "before_flush", _bump_versions)
    listen_for_commits()
