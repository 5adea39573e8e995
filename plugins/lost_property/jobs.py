"""The sweeper's work for lost property: expire lost reports past their date, and tell finders when they
may claim an unclaimed item."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

from flask_babel import gettext as _
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.jobs.schedule import PeriodicTask
from frontcounter.tenancy import Tenant, platform_wide, tenant_context
from frontcounter.tenancy.services import is_enabled
from frontcounter_lost_property import notify
from frontcounter_lost_property.claims import finder_may_claim_now
from frontcounter_lost_property.items import finder_link
from frontcounter_lost_property.lost import expire
from frontcounter_lost_property.models import FoundItem, LostReport
from frontcounter_lost_property.workflow import SERVICE_KEY

log = logging.getLogger(__name__)


def periodic_tasks() -> list[PeriodicTask]:
    """The plugin's periodic tasks, for the periodic_tasks hook."""
    return [
        PeriodicTask("lost-property-expire-reports", expire_reports, timedelta(hours=6)),
        PeriodicTask("lost-property-finder-claims", tell_finders, timedelta(hours=6)),
    ]


def _each(rows: list[tuple[int, int]], model: type, work: Callable[[object], bool]) -> int:
    done = 0
    for row_id, tenant_id in rows:
        with tenant_context(db.session.get(Tenant, tenant_id)):
            if not is_enabled(SERVICE_KEY):
                continue
            found = db.session.get(model, row_id)
            done += bool(found is not None and work(found))
            db.session.commit()
    return done


def expire_reports(today: date | None = None) -> int:
    """Close open lost reports whose date has passed, emailing each owner; returns how many."""
    today = today or uk_today()
    with platform_wide("sweeper: lost reports past their expiry in every force"):
        rows = db.session.execute(db.select(LostReport.id, LostReport.tenant_id).where(
            LostReport.status == "open", LostReport.expires_on < today).order_by(LostReport.id)).all()
    return _each([tuple(r) for r in rows], LostReport, expire)  # type: ignore[arg-type]


def _tell_finder(item: object) -> bool:
    assert isinstance(item, FoundItem)
    if item.finder_told_on is not None or not finder_may_claim_now(item):
        return False
    item.finder_told_on = uk_today()
    case = item.case

    def build() -> tuple[str, str, list[str], str]:
        return (_("Lost property: you can now claim the item you found (%(reference)s)", reference=case.reference),
                item.finder_name, [_("Nobody has claimed the item you handed in. As the finder you can now claim it."),
                                   _("Claim it here:")], finder_link(case))

    notify.email(case.applicant_email, case.language, build)
    return True


def tell_finders(today: date | None = None) -> int:
    """Email finders who asked for an unclaimed item once the finder period is over; returns how many."""
    today = today or uk_today()
    with platform_wide("sweeper: finders who may now claim in every force"):
        rows = db.session.execute(
            db.select(FoundItem.id, FoundItem.tenant_id).join(Case, Case.id == FoundItem.case_id).where(
                Case.state == "received", FoundItem.finder_wants_item.is_(True), FoundItem.finder_told_on.is_(None),
                FoundItem.received_on <= today - timedelta(days=1)).order_by(FoundItem.id)).all()
    return _each([tuple(r) for r in rows], FoundItem, _tell_finder)  # type: ignore[arg-type]
