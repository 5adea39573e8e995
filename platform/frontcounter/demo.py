"""Demo data for a local copy: staff sign-ins in every force, and each plugin's demo data."""

from __future__ import annotations

import os

from frontcounter.accounts.models import Account, AccountKind, StaffMember
from frontcounter.accounts.service import add_staff_member, create_account, find_account
from frontcounter.extensions import db
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant
from frontcounter.tenancy.services import tenant_hooks

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - printed for local demo accounts only
DEMO_STAFF = (
    ("admin", "Alex Admin", ["force_admin"]),
    ("caseworker", "Casey Worker", ["caseworker"]),
    ("officer", "Frankie Officer", ["field_officer"]),
    ("supervisor", "Sam Supervisor", ["supervisor", "caseworker"]),
)


def _demo_email(who: str, slug: str) -> str:
    return f"{who}@{slug}.demo.police.uk"


def seed() -> list[str]:
    """Create demo staff in every force and plugin demo data in the demo forces (idempotent); return lines to print.

    The demo forces are FRONTCOUNTER_DEMO_FORCES (comma-separated slugs), by default dorset and hampshire.
    """
    demo_forces = {s.strip() for s in os.environ.get("FRONTCOUNTER_DEMO_FORCES", "dorset,hampshire").split(",")}
    lines = [
        f"Demo password for every account below: {DEMO_PASSWORD}",
        "Staff set up an authenticator at first sign-in; in demo mode the page shows the current code.",
    ]
    if find_account("platform@demo.police.uk") is None:
        create_account(
            "platform@demo.police.uk", DEMO_PASSWORD, "Pat Platform", AccountKind.PLATFORM_ADMIN, verified=True
        )
    if find_account("public@example.com") is None:
        create_account("public@example.com", DEMO_PASSWORD, "Jo Public", verified=True)
    db.session.commit()
    lines.append("  platform admin: platform@demo.police.uk  (sign in at /platform/sign-in)")
    lines.append("  member of the public: public@example.com  (sign in at /account/sign-in)")
    for tenant in db.session.scalars(db.select(Tenant).order_by(Tenant.slug)).all():
        with tenant_context(tenant) as ref:
            for who, name, roles in DEMO_STAFF:
                email = _demo_email(who, ref.slug)
                exists = db.session.scalar(
                    db.select(StaffMember.id).join(StaffMember.account).where(Account.email == email)
                )
                if exists is None:
                    add_staff_member(email, name, roles, password=DEMO_PASSWORD)
            db.session.commit()
            plugin_lines: list[str] = []
            if ref.slug in demo_forces:
                plugin_lines = [line for found in tenant_hooks().seed_demo_data(tenant=ref) for line in found or ()]
                db.session.commit()
        if ref.slug in demo_forces:
            lines.append(
                f"  {ref.name} staff: "
                + ", ".join(_demo_email(w, ref.slug) for w, _n, _r in DEMO_STAFF)
                + f"  (sign in at /{ref.slug}/staff/sign-in)"
            )
        lines.extend(plugin_lines)
    lines.append("  every other force has the same four, e.g. admin@surrey.demo.police.uk")
    from frontcounter.billing.demo import seed_demo_forces

    lines.extend(seed_demo_forces(demo_forces))
    return lines
