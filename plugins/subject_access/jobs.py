"""The daily sweep: remind requesters to send identity evidence, cancel when the force's days run out,
and close responses whose download link has expired."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.jobs.schedule import PeriodicTask
from frontcounter.tenancy import platform_wide, tenant_context
from frontcounter.tenancy.models import Tenant, TenantService
from frontcounter.tenancy.services import service_settings
from frontcounter_subject_access.disclosure import current_link, link_problem
from frontcounter_subject_access.models import SarRequest
from frontcounter_subject_access.requests import tell
from frontcounter_subject_access.workflow import SERVICE_KEY


def identity_chase(today: date | None = None) -> dict[str, int]:
    """In the force in scope: remind those awaiting identity, cancel those past the force's wait; counts."""
    today = today or uk_today()
    settings = service_settings(SERVICE_KEY)
    wait, every = int(settings["identity_wait_days"]), int(settings["identity_reminder_days"])
    done = {"reminded": 0, "cancelled": 0}
    rows = db.session.execute(
        db.select(SarRequest, Case).join(Case, Case.id == SarRequest.case_id)
        .where(SarRequest.open.is_(True), Case.state == "awaiting_identity")
    ).all()
    for sar, case in rows:
        cancel_on = sar.received_on + timedelta(days=wait)
        if today >= cancel_on:
            engine.fire(case, "cancel_no_identity", actor="system: no proof of identity", as_system=True)
            done["cancelled"] += 1
        elif today >= (sar.last_reminder_on or sar.received_on) + timedelta(days=every):
            sar.last_reminder_on, sar.reminders_sent = today, sar.reminders_sent + 1
            tell(sar, case, _("Reminder: we need proof of your identity"), [
                _("We cannot start work on your subject access request until we have proof of your identity."),
                _("Upload a photo or scan of your driving licence, passport or national identity card by %(day)s, "
                  "or we will have to close your request.", day=(cancel_on - timedelta(days=1)).strftime("%d/%m/%Y")),
            ], link_text=_("Upload proof of identity"))
            done["reminded"] += 1
    return done


def close_expired_links(today: date | None = None) -> int:
    """In the force in scope: close responses whose download link has expired or been revoked unused."""
    today = today or uk_today()
    closed = 0
    for case in db.session.scalars(db.select(Case).filter_by(service_key=SERVICE_KEY, state="disclosed")):
        link = current_link(case)
        if link is not None and link_problem(link, today):
            engine.fire(case, "close", actor="system: link expired", as_system=True)
            closed += 1
    return closed


def daily() -> str:
    """Every force with the service on: identity reminders and cancellations, expired links closed."""
    with platform_wide("subject access: forces with the service switched on"):
        tenant_ids = db.session.scalars(
            db.select(TenantService.tenant_id).filter_by(service_key=SERVICE_KEY, enabled=True)
        ).all()
    totals = {"reminded": 0, "cancelled": 0, "closed": 0}
    for tenant_id in tenant_ids:
        with tenant_context(db.session.get(Tenant, tenant_id)):
            for key, value in identity_chase().items():
                totals[key] += value
            totals["closed"] += close_expired_links()
            db.session.commit()
    return ", ".join(f"{k} {v}" for k, v in totals.items())


def periodic_tasks() -> list[PeriodicTask]:
    """The plugin's daily sweep."""
    return [PeriodicTask("subject-access-daily", daily, timedelta(hours=6))]
