"""Data protection across services: find what a force holds about a person, erase it, apply retention.

Built on the `person_data`, `erase_person` and `retention_policies` hooks (types in
frontcounter.dataprotection), called per force for the services it has switched on, so every service
(third-party plugins included) is searched, erased and kept for its period the same way, and audited.
"""

from __future__ import annotations

import logging
from datetime import date

from frontcounter.appendonly import erasing
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_today
from frontcounter.dataprotection import ErasureResult, PersonQuery, PersonRecord, RetentionPolicy
from frontcounter.extensions import db
from frontcounter.tenancy.context import current_tenant, platform_wide, tenant_context
from frontcounter.tenancy.models import Tenant
from frontcounter.tenancy.services import tenant_hooks

log = logging.getLogger(__name__)
RETENTION_ACTOR = "system: retention"


def _flat(groups: list) -> list:  # type: ignore[type-arg]
    return [item for group in groups for item in (group or [])]


def _searched_on(person: PersonQuery) -> list[str]:
    """Which kinds of detail a search used (for the audit log, which must not repeat the person's data)."""
    return [name for name, value in (("email", person.email), ("name", person.name),
                                     ("date_of_birth", person.date_of_birth), ("references", person.references))
            if value]


def find_person(person: PersonQuery) -> list[PersonRecord]:
    """Every record the services switched on in the force in scope hold about `person`, by service."""
    records = _flat(tenant_hooks().person_data(tenant=current_tenant(), person=person))
    return sorted(records, key=lambda r: (r.service_key, r.kind, r.reference))


def erase_person(person: PersonQuery, reason: str, *, actor: str | None = None) -> list[ErasureResult]:
    """Erase or anonymise `person` in every switched-on service of the force in scope; audited; not committed."""
    if not reason.strip():
        raise ValueError("erase_person needs a reason")
    with erasing(reason):
        results = [r for r in tenant_hooks().erase_person(tenant=current_tenant(), person=person, reason=reason) if r]
    audit(
        "person.erased",
        target="person",
        after={
            "reason": reason,
            "searched_on": _searched_on(person),
            "services": [{"service": r.service_key, "erased": r.erased, "anonymised": r.anonymised,
                          "notes": [str(n) for n in r.notes]} for r in results],
        },
        actor=actor,
    )
    return results


def retention_policies() -> list[RetentionPolicy]:
    """The retention periods the services switched on in the force in scope declare."""
    return _flat(tenant_hooks().retention_policies(tenant=current_tenant()))


def apply_retention(today: date | None = None) -> int:
    """Apply every retention policy of the force in scope for the UK date `today`; audit each that did something."""
    today = today or uk_today()
    done = 0
    for policy in retention_policies():
        with erasing(f"retention: {policy.service_key} {policy.key}"):
            count = int(policy.apply(today) or 0)
        if count:
            audit("retention.applied", target=f"retention:{policy.service_key}:{policy.key}",
                  after={"count": count, "today": today.isoformat(), "policy": str(policy.description)},
                  actor=RETENTION_ACTOR)
        done += count
    return done


def retention_sweep(today: date | None = None) -> int:
    """The sweeper's daily task: apply retention in every force, committed per force; return the records erased."""
    with platform_wide("retention: every force applies its services' retention periods"):
        tenant_ids = db.session.scalars(db.select(Tenant.id).order_by(Tenant.id)).all()
    total = 0
    for tenant_id in tenant_ids:
        with tenant_context(db.session.get(Tenant, tenant_id)):
            try:
                total += apply_retention(today)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("Retention failed in force %s", tenant_id)
    return total
