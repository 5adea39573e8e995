"""Who among a force's staff may use the core's queue and case pages (and the case API) for a service.

A service declares `staff_roles`; anyone else is refused (fail closed: a service that declares none is
for force admins only). A member of staff may also open a case assigned to them by name.
"""

from __future__ import annotations

from collections.abc import Collection

from frontcounter.cases.models import Case
from frontcounter.plugins.manager import registry

ADMIN = "force_admin"


def allowed_roles(service_key: str) -> tuple[str, ...]:
    """The roles that may work a service's cases in the core pages (force admins always may)."""
    service = registry().services.get(service_key)
    if service is None:
        return ()
    return (*service.staff_roles, ADMIN)


def may_use_service(service_key: str, *, roles: Collection[str] | None = None) -> bool:
    """True when the signed-in staff member (or a holder of `roles`, e.g. an API token) may work this service."""
    allowed = allowed_roles(service_key)
    if not allowed:
        return False
    if roles is not None:
        return not set(roles).isdisjoint(allowed)
    from frontcounter.accounts.auth import has_role

    return has_role(*allowed)


def may_open_case(case: Case, *, roles: Collection[str] | None = None) -> bool:
    """True when the staff member may open `case`: they work its service, or it is assigned to them."""
    if may_use_service(case.service_key, roles=roles):
        return True
    if roles is not None:
        return False
    from frontcounter.accounts.auth import current_staff_member

    me = current_staff_member()
    return me is not None and case.assignee_id is not None and case.assignee_id == me.id
