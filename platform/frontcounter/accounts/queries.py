"""Queries about the force's staff that several pages share."""

from __future__ import annotations

from frontcounter.accounts.models import Account, StaffMember
from frontcounter.extensions import db


def staff_choices() -> list[tuple[int, str]]:
    """Return (staff member id, full name) for everyone in the current force, by name (one query)."""
    rows = db.session.execute(
        db.select(StaffMember.id, Account.full_name)
        .join(Account, Account.id == StaffMember.account_id)
        .order_by(Account.full_name)
    ).all()
    return [(row.id, row.full_name) for row in rows]
