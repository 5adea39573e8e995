"""Guards that keep the statutory steps on the plugin's own pages: a transition fired elsewhere (the core's
case page, the API) cannot skip the clock, the second person's approval or the response."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from frontcounter.cases import Guard
from frontcounter.extensions import db

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

ON_OUR_PAGE = _l("Use the request's subject access page for this step.")


def _request(case: Case):  # type: ignore[no-untyped-def]
    from frontcounter_subject_access.models import SarRequest

    return db.session.scalar(db.select(SarRequest).filter_by(case_id=case.id))


def _clock_set(case: Case) -> str | None:
    sar = _request(case)
    return None if sar is not None and sar.clock_started_on is not None else str(ON_OUR_PAGE)


def _sent_for_approval(case: Case) -> str | None:
    sar = _request(case)
    return None if sar is not None and sar.outcome and sar.submitted_by else str(ON_OUR_PAGE)


def _second_person(case: Case) -> str | None:
    sar = _request(case)
    if sar is None or not sar.approved_by:
        return str(ON_OUR_PAGE)
    if sar.approved_by.casefold() == sar.submitted_by.casefold():
        return str(_l("A second person must approve: you sent this response for approval."))
    return None


CLOCK_SET = Guard("clock_set", _clock_set)
SENT_FOR_APPROVAL = Guard("outcome_chosen", _sent_for_approval)
SECOND_PERSON = Guard("second_person", _second_person)
