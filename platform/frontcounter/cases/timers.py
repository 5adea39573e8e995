"""Fire due case timers: a transition or a reminder, skipped when the case has moved on."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from frontcounter.cases.engine import TransitionRefused, fire, workflow_for
from frontcounter.cases.models import Case, CaseTimer
from frontcounter.extensions import db
from frontcounter.tenancy.context import platform_wide, tenant_context
from frontcounter.tenancy.models import Tenant

log = logging.getLogger(__name__)


def fire_due_timers(now: datetime | None = None, limit: int = 500) -> int:
    """Fire every due timer across forces (each in its force's scope); return how many fired."""
    now = now or datetime.now(UTC)
    with platform_wide("sweeper: find due case timers in every force"):
        due = db.session.execute(
            db.select(CaseTimer.id, CaseTimer.tenant_id)
            .where(CaseTimer.fired_at.is_(None), CaseTimer.cancelled_at.is_(None), CaseTimer.due_at <= now)
            .order_by(CaseTimer.due_at).limit(limit)
        ).all()
    fired = 0
    for timer_id, tenant_id in due:
        tenant = db.session.get(Tenant, tenant_id)
        with tenant_context(tenant):
            fired += _fire_one(timer_id, now)
    return fired


def _fire_one(timer_id: int, now: datetime) -> int:
    timer = db.session.get(CaseTimer, timer_id, with_for_update=True)
    if timer is None or timer.fired_at is not None or timer.cancelled_at is not None:
        return 0
    case = db.session.get(Case, timer.case_id)
    timer.fired_at = now
    if case is None or case.state != timer.state:
        db.session.commit()
        return 0
    workflow = workflow_for(case.service_key)
    spec = next((t for t in workflow.timers if t.key == timer.key), None)
    try:
        if spec is not None and spec.transition:
            fire(case, spec.transition, actor="system: timer", as_system=True)
        elif spec is not None and spec.remind:
            from frontcounter.cases.notify import notify_reminder

            notify_reminder(case, spec.remind)
        db.session.commit()
        return 1
    except TransitionRefused as refused:
        db.session.rollback()
        log.warning("Timer %s on %s refused: %s", timer_id, case.reference, refused.message)
        timer = db.session.get(CaseTimer, timer_id)
        timer.fired_at = now
        db.session.commit()
        return 0
