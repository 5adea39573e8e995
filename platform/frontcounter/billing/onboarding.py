"""Force onboarding: letter of intent, collaboration agreement, acceptance test, live, left, each with its date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from frontcounter.audit import record as audit
from frontcounter.billing.models import Onboarding
from frontcounter.calendar import uk_today
from frontcounter.extensions import db
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant


@dataclass(frozen=True)
class Step:
    """One onboarding step: the Onboarding column holding its date and its name."""

    field: str
    label: object  # lazy gettext


STEPS = (
    Step("letter_of_intent_on", _l("Letter of intent")),
    Step("agreement_signed_on", _l("Collaboration agreement signed")),
    Step("acceptance_signed_off_on", _l("Acceptance test signed off")),
    Step("live_on", _l("Live")),
    Step("left_on", _l("Left the platform")),
)


class OnboardingRefused(ValueError):
    """Dates that cannot be recorded; `errors` maps field to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def onboarding_for(force_id: int) -> Onboarding | None:
    """The force's onboarding row, if any step was recorded."""
    return db.session.scalar(db.select(Onboarding).filter_by(force_id=force_id))


def all_onboarding() -> dict[int, Onboarding]:
    """Every force's onboarding row by force id (one query)."""
    return {row.force_id: row for row in db.session.scalars(db.select(Onboarding))}


def stage(row: Onboarding | None) -> Step | None:
    """The furthest step the force has reached, or None."""
    reached = [step for step in STEPS if row is not None and getattr(row, step.field) is not None]
    return reached[-1] if reached else None


def record_dates(tenant: Tenant, dates: dict[str, date | None], *, actor: str) -> Onboarding:
    """Record the force's onboarding dates (none in the future, each step on or after the one before); audited."""
    errors: dict[str, str] = {}
    previous: date | None = None
    today = uk_today()
    for step in STEPS:
        day = dates.get(step.field)
        if day is None:
            continue
        if day > today:
            errors[step.field] = _("The date of ‘%(step)s’ must be today or in the past", step=step.label)
        elif previous is not None and day < previous:
            errors[step.field] = _("The date of ‘%(step)s’ must be on or after the step before it", step=step.label)
        previous = day
    if errors:
        raise OnboardingRefused(errors)
    row = onboarding_for(tenant.id)
    if row is None:
        row = Onboarding(force_id=tenant.id)
        db.session.add(row)
    before = {s.field: _iso(getattr(row, s.field, None)) for s in STEPS}
    for step in STEPS:
        setattr(row, step.field, dates.get(step.field))
    after = {s.field: _iso(dates.get(s.field)) for s in STEPS}
    if before != after:
        with tenant_context(tenant):
            audit("billing.onboarding", target=f"force:{tenant.slug}", before=before, after=after, actor=actor)
    db.session.flush()
    return row


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
