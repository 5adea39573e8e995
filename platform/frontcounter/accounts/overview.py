"""What a signed-in member of the public has with every force: cases, upcoming bookings and drafts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for

from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy import platform_wide
from frontcounter.tenancy.models import Tenant

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

LIMIT = 100


@dataclass(frozen=True)
class AccountDraft:
    """An application the person started and has not sent: where to carry on (an account_drafts hook result)."""

    tenant_id: int
    service_key: str
    href: str
    updated_at: datetime | None = None
    summary: str = ""


@dataclass
class AccountOverview:
    """Rows for the account page, newest first."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)


def _service_name(key: str) -> str:
    service = registry().services.get(key)
    return str(service.name) if service is not None else key


def _status(case: Case) -> str:
    service = registry().services.get(case.service_key)
    if service is None or service.workflow is None:
        return case.state
    try:
        return str(service.workflow.state(case.state).public_label)
    except KeyError:
        return case.state


def account_overview(account_id: int) -> AccountOverview:
    """The person's cases, upcoming bookings and drafts with every force (three queries and the drafts hook)."""
    from frontcounter.bookings.models import Booking, BookingState, Slot  # at call time: both import accounts
    from frontcounter.bookings.times import now_utc, slot_when
    from frontcounter.cases.models import Case

    overview = AccountOverview()
    with platform_wide("the person's own cases, bookings and drafts on their account page"):
        forces = {t.id: t for t in db.session.scalars(db.select(Tenant))}
        cases = db.session.scalars(
            db.select(Case).where(Case.applicant_account_id == account_id).order_by(Case.id.desc()).limit(LIMIT)
        ).all()
        rows = db.session.execute(
            db.select(Booking, Case, Slot)
            .join(Case, Booking.case_id == Case.id)
            .join(Slot, Booking.slot_id == Slot.id)
            .where(
                Case.applicant_account_id == account_id,
                Booking.state == BookingState.CONFIRMED.value,
                Slot.ends_at > now_utc(),
            )
            .order_by(Slot.starts_at)
            .limit(LIMIT)
        ).all()
        drafts = [d for found in registry().hook.account_drafts(account_id=account_id) for d in (found or [])]
    for case in cases:
        force = forces.get(case.tenant_id)
        if force is None:
            continue
        overview.cases.append({
            "reference": case.reference,
            "force": force.display_name,
            "service": _service_name(case.service_key),
            "status": _status(case),
            "href": url_for("cases_public.track", force=force.slug, reference=case.reference),
        })
    for _booking, case, slot in rows:
        force = forces.get(case.tenant_id)
        if force is None:
            continue
        overview.bookings.append({
            "reference": case.reference,
            "force": force.display_name,
            "service": _service_name(case.service_key),
            "when": slot_when(slot.starts_at, slot.ends_at),
            "href": url_for("cases_public.track", force=force.slug, reference=case.reference),
        })
    for draft in sorted(drafts, key=lambda d: d.updated_at.timestamp() if d.updated_at else 0.0, reverse=True):
        force = forces.get(draft.tenant_id)
        if force is not None:
            overview.drafts.append({
                "force": force.display_name,
                "service": _service_name(draft.service_key),
                "summary": draft.summary,
                "updated_at": draft.updated_at,
                "href": draft.href,
            })
    return overview
