"""When there are no home visit times to choose from: the team is told (once per case, by email to the
case's assignee or else the licensing team, and a flag on the queues page), the applicant is told when to
expect a new link, and once staff have added times the waiting applicants are emailed it."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from frontcounter.accounts.models import Account, StaffMember
from frontcounter.bookings.queries import available_query
from frontcounter.calendar import force_calendar, uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.web.urls import external_url
from frontcounter_firearms.public_visits import BOOKABLE_STATE, VISIT, VISIT_RULES

SERVICE = "firearms"
WAITING = "visit_times_wanted"  # Case.data key: {"since": ISO date, "expect_by": ISO date}
NEW_LINK_WORKING_DAYS = 5
TEAM_ROLES = ("caseworker", "supervisor")


def times_free(case: Case | None = None) -> bool:
    """True when at least one home visit time can be chosen online now."""
    query = available_query(SERVICE, kind=VISIT, case=case, rules=VISIT_RULES).limit(1)
    return db.session.scalar(query) is not None


def expected_by(case: Case) -> date | None:
    """The date the applicant was told to expect a new link by, while they wait for visit times."""
    waiting = (case.data or {}).get(WAITING) or {}
    return date.fromisoformat(waiting["expect_by"]) if waiting.get("expect_by") else None


def team_emails(case: Case) -> list[str]:
    """Who hears that a case has no visit times: its assignee, or else the force's licensing team."""
    if case.assignee is not None:
        return [case.assignee.account.email]
    rows = db.session.execute(
        db.select(StaffMember, Account.email).join(Account, Account.id == StaffMember.account_id).order_by(Account.id)
    ).all()
    return [email for member, email in rows if member.has_role(*TEAM_ROLES)]


def report_no_times(case: Case) -> date:
    """Note that the case waits for visit times and email the team (once); return the date the applicant
    should have a new link by (5 working days on); not committed."""
    already = expected_by(case)
    if already is not None:
        return already
    today = uk_today()
    by = force_calendar().add_working_days(today, NEW_LINK_WORKING_DAYS)
    case.data = {**case.data, WAITING: {"since": today.isoformat(), "expect_by": by.isoformat()}}
    link = external_url("bookings.slots", service_key=SERVICE)
    for email in team_emails(case):
        send_email(
            email,
            _("No home visit times for case %(reference)s", reference=case.reference),
            "email/firearms/notice",
            greeting=email,
            lines=[
                _(
                    "The applicant on case %(reference)s cannot choose a home visit time: there are none free.",
                    reference=case.reference,
                ),
                _(
                    "Add visit times, then email the waiting applicants a link from the firearms queues page by "
                    "%(date)s.",
                    date=by.strftime("%d/%m/%Y"),
                ),
            ],
            link=link,
            link_text=_("Add home visit times"),
        )
    return by


def waiting_cases() -> list[Case]:
    """The force's cases waiting for home visit times to be added (one query)."""
    rows = db.session.scalars(
        db.select(Case).where(Case.service_key == SERVICE, Case.state == BOOKABLE_STATE).order_by(Case.id)
    )
    return [case for case in rows if (case.data or {}).get(WAITING)]


def send_waiting_links() -> int:
    """Email each waiting applicant the link to choose a visit time, now that times are free; not committed."""
    from frontcounter_firearms.public_visits import ask_to_choose_visit

    if not times_free():
        return 0
    cases = waiting_cases()
    for case in cases:
        ask_to_choose_visit(case)
    return len(cases)
