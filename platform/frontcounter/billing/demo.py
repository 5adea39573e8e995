"""Demo billing data: onboarding dates and last month's transactions for a demo force, so a statement can be
issued on a fresh copy (`frontcounter demo seed`; idempotent)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from frontcounter.billing.ledger import record_transaction
from frontcounter.billing.models import PlatformCharge
from frontcounter.billing.months import month_bounds, next_month, previous_month
from frontcounter.billing.onboarding import onboarding_for, record_dates
from frontcounter.calendar import UK
from frontcounter.extensions import db
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant
from frontcounter.tenancy.services import enabled_services

DEMO_SOURCE = "demo"


def seed_force(tenant: Tenant) -> list[str]:
    """Give a demo force onboarding dates and a month of transactions last month; return lines to print.

    Run again, it adds nothing and prints the same lines."""
    first = previous_month()
    days = (next_month(first) - first).days
    if onboarding_for(tenant.id) is None:
        record_dates(tenant, {
            "letter_of_intent_on": first - timedelta(days=120), "agreement_signed_on": first - timedelta(days=60),
            "acceptance_signed_off_on": first + timedelta(days=9), "live_on": next_month(first),
        }, actor="demo")
    with tenant_context(tenant):
        start, end = month_bounds(first)
        count = db.session.scalar(db.select(db.func.count(PlatformCharge.id)).where(
            PlatformCharge.source.startswith(f"{DEMO_SOURCE}:"), PlatformCharge.occurred_at >= start,
            PlatformCharge.occurred_at < end)) or 0
        billable = [s for s in enabled_services() if s.billable] if count == 0 else []
        for rank, service in enumerate(billable):
            for n in range(max(40 - 9 * rank, 5)):
                day = first + timedelta(days=(n * 3 + rank) % days)
                when = datetime.combine(day, time(10 + n % 8, 15), tzinfo=UK)
                source = f"{DEMO_SOURCE}:{first:%Y-%m}:{service.key}:{n}"
                record_transaction(service.billable or "", service.key, source, when=when)
                count += 1
    return [f"  {tenant.name}: {count} demo transactions in {first:%B %Y}; issue its statement at /platform/billing/"]


def seed_demo_forces(slugs: set[str]) -> list[str]:
    """seed_force() for each demo force that exists."""
    lines: list[str] = []
    for tenant in db.session.scalars(db.select(Tenant).where(Tenant.slug.in_(sorted(slugs))).order_by(Tenant.slug)):
        lines.extend(seed_force(tenant))
        db.session.commit()
    return lines


