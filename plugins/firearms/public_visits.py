"""Home visits chosen by the applicant: the booking rules, and the email asking them to choose a time."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.bookings import BookingRules
from frontcounter.cases.models import Case
from frontcounter.cases.notify import applicant_language
from frontcounter.cases.tracking import tracking_token
from frontcounter.notifications import send_email
from frontcounter.plugins.manager import registry
from frontcounter.web.urls import external_url

VISIT = "visit"
BOOKABLE_STATE = "visit_to_arrange"


def _may_book(case: Case) -> str | None:
    if case.state in (BOOKABLE_STATE, "visit_booked"):  # a booked visit may be moved to another time
        return None
    return _("You can choose a home visit time once we are ready to arrange your visit.")


VISIT_RULES = BookingRules(
    kinds={VISIT: _l("Home visit by a firearms enquiry officer")},
    hold_minutes=15,
    min_notice_hours=24,
    change_cutoff_hours=24,
    max_reschedules=2,
    may_book=_may_book,
    slot_managers=("caseworker", "field_officer"),  # the licensing team keeps its own visit diary
)


def visit_url(case: Case) -> str:
    """Return the absolute link to the page where the applicant chooses their home visit time."""
    return external_url("firearms.visit", reference=case.reference, token=tracking_token(case))


def ask_to_choose_visit(case: Case) -> None:
    """Email the applicant that they can now choose a home visit time, with the link to do it; with no times
    free, tell the team and tell the applicant when to expect the link instead."""
    from frontcounter_firearms.visit_times import WAITING, report_no_times, times_free

    service = registry().services[case.service_key]
    by = None if times_free(case) else report_no_times(case)  # staff are told in the force's language
    with applicant_language(case):
        if by is not None:
            send_email(
                case.applicant_email,
                _("%(service)s: your home visit (%(reference)s)", service=service.name, reference=case.reference),
                "email/firearms/no_visit_times",
                case=case,
                service=service,
                expect_by=by,
                link=visit_url(case),
            )
            return
        case.data = {key: value for key, value in (case.data or {}).items() if key != WAITING}
        send_email(
            case.applicant_email,
            _("%(service)s: choose a home visit time (%(reference)s)", service=service.name, reference=case.reference),
            "email/firearms/choose_visit",
            case=case,
            service=service,
            link=visit_url(case),
        )
