"""Queries about the force's staff that several pages share."""

from __future__ import annotations

from frontcounter.accounts.models import Account, StaffMember
from frontcounter.extensions import db


def staff_choices(*roles: str) -> list[tuple[int, str]]:
    """(staff member id, full name) of the current force's staff holding any of `roles` (none: everyone), by name.

    Force admins hold every role, so they are always listed. One query.
    """
    rows = db.session.execute(
        db.select(StaffMember, Account.full_name)
        .join(Account, Account.id == StaffMember.account_id)
        .order_by(Account.full_name)
    ).all()
    return [(member.id, name) for member, name in rows if not roles or member.has_role(*roles)]
