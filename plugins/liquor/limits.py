"""The statutory limits on temporary event notices (Licensing Act 2003, ss.100 and 107), as pure checks.

Per event: at most 499 people at any one time and 168 hours. Per premises per calendar year: 15 notices
and 21 days. Per premises user per calendar year: 5 notices (at most 2 of them late), or 50 (10 late)
for the holder of a personal licence. At least 24 hours between the end of one event and the start of the
next given by the same premises user for the same premises. Where an annual or 24-hour limit is exceeded
the licensing authority must give a counter notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

MAX_PEOPLE = 499
MAX_HOURS = 168
PREMISES_NOTICES_PER_YEAR = 15
PREMISES_DAYS_PER_YEAR = 21
USER_NOTICES = 5
USER_LATE = 2
HOLDER_NOTICES = 50
HOLDER_LATE = 10
GAP = timedelta(hours=24)


@dataclass(frozen=True)
class NoticeFacts:
    """What the limits look at in one notice."""

    user_key: str
    premises_key: str
    personal_licence: bool
    late: bool
    start: datetime
    end: datetime
    reference: str = ""

    @property
    def days(self) -> set[date]:
        """Calendar days the event takes place on (an event to 02:00 uses the next day too; to 00:00 does not)."""
        last = (self.end - timedelta(microseconds=1)).date()
        return {self.start.date() + timedelta(days=n) for n in range((last - self.start.date()).days + 1)}

    @property
    def years(self) -> set[int]:
        """Calendar years the event falls in."""
        return {day.year for day in self.days}


@dataclass(frozen=True)
class Breach:
    """A limit a notice exceeds: a stable code and an explanation for people."""

    code: str
    message: str


def event_problems(people: int, start: datetime, end: datetime) -> dict[str, str]:
    """Per-event limits (a notice breaking them is not a temporary event notice at all): field -> message."""
    problems: dict[str, str] = {}
    if people > MAX_PEOPLE:
        problems["people"] = _("A temporary event can have at most %(max)d people at any one time.", max=MAX_PEOPLE)
    if end > start and end - start > timedelta(hours=MAX_HOURS):
        problems["end_date"] = _("A temporary event can last at most %(hours)d hours (7 days).", hours=MAX_HOURS)
    return problems


def check_limits(new: NoticeFacts, held: Iterable[NoticeFacts]) -> list[Breach]:
    """Every annual and 24-hour limit `new` would exceed, given the notices the force already holds."""
    held = [h for h in held if not (new.reference and h.reference == new.reference)]
    breaches: list[Breach] = []
    for year in sorted(new.years):
        at_premises = [h for h in held if h.premises_key == new.premises_key and year in h.years]
        if len(at_premises) + 1 > PREMISES_NOTICES_PER_YEAR:
            breaches.append(Breach("premises_notices", _(
                "These premises already have %(count)d notices in %(year)d. The limit is %(max)d a year.",
                count=len(at_premises), year=year, max=PREMISES_NOTICES_PER_YEAR)))
        used = {d for h in at_premises for d in h.days if d.year == year}
        total = len(used | {d for d in new.days if d.year == year})
        if total > PREMISES_DAYS_PER_YEAR:
            breaches.append(Breach("premises_days", _(
                "With this event, these premises would have temporary events on %(total)d days in %(year)d. "
                "The limit is %(max)d days a year.", total=total, year=year, max=PREMISES_DAYS_PER_YEAR)))
        by_user = [h for h in held if h.user_key == new.user_key and year in h.years]
        allowed = HOLDER_NOTICES if new.personal_licence else USER_NOTICES
        if len(by_user) + 1 > allowed:
            breaches.append(Breach("user_notices", _(
                "You have already given %(count)d notices for %(year)d. The limit is %(max)d a year.",
                count=len(by_user), year=year, max=allowed)))
        if new.late:
            late_allowed = HOLDER_LATE if new.personal_licence else USER_LATE
            late = [h for h in by_user if h.late]
            if len(late) + 1 > late_allowed:
                breaches.append(Breach("user_late_notices", _(
                    "You have already given %(count)d late notices for %(year)d. The limit is %(max)d a year.",
                    count=len(late), year=year, max=late_allowed)))
    for h in held:
        if h.user_key == new.user_key and h.premises_key == new.premises_key:
            if new.start < h.end + GAP and h.start < new.end + GAP:
                breaches.append(Breach("gap", _(
                    "You have another event at these premises (%(reference)s) less than 24 hours before or after "
                    "this one. There must be at least 24 hours between them.", reference=h.reference)))
                break
    return breaches
