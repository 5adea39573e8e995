"""Look-ups the billing pages need, kept out of the view functions."""

from __future__ import annotations

from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.plugins.service import Service
from frontcounter.tenancy.models import Tenant


def force_by_slug(slug: str) -> Tenant | None:
    """The force with this slug, if any."""
    return db.session.scalar(db.select(Tenant).filter_by(slug=slug))


def all_forces() -> list[Tenant]:
    """Every force, by name."""
    return list(db.session.scalars(db.select(Tenant).order_by(Tenant.name)))


def billable_services() -> list[Service]:
    """Installed services that declare a billable transaction, by key."""
    return sorted((s for s in registry().services.values() if s.billable), key=lambda s: s.key)
