"""The scheme's rules as pure functions: eligibility, default deadlines, changing a booking, retention.

Eligibility (national scheme, see DOMAIN.md):
- the driver's admission arrived within 42 days of the offence (day 42 is still in time);
- no course in the 3 years before the offence date: a course after the day 3 years before the offence
  (up to the offence date) rules the driver out; one exactly 3 years before, or earlier, does not;
  courses after the offence date are not counted (the rule looks back from the offence);
- recorded speed at most limit + 10% + 9 mph, computed exactly (30 -> 42, 70 -> 86, 25 -> 36.5);
- the course fits the offence: RIDE only for motorcycles, the motorway course only for offences on a
  motorway. The motorway course does not also require a 70 mph limit: smart motorways set variable
  limits (40 to 60 mph) and those offences are what the course is for.

Changing a booking (the applicant's own changes; staff are not limited, as in the bookings core):
- no changes inside the force's cut-off (change_cutoff_hours before the start): refused;
- between the cut-off and LATE_CHANGE_DAYS (7) days before the start a change is allowed but the
  late-change fee applies (late_change_fee_pence);
- at most max_reschedules changes (default 2);
- the new session must start in the future and on or before the offer's complete-by date.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from flask_babel import gettext as _
from frontcounter.bookings.times import in_uk, now_utc
from frontcounter.tenancy.contact import contact_text
from frontcounter_speed_awareness.courses import COURSE_TYPES

ADMISSION_DAYS = 42
COURSE_FREE_YEARS = 3
SPEED_MARGIN_PERCENT = 10
SPEED_MARGIN_MPH = 9
RETENTION_MONTHS = 42  # 3.5 years
MOTORCYCLE = "motorcycle"

# Defaults when an offer arrives without its own deadlines (the API allows it; the CSV does not).
# Common practice, not statute: book within 28 days of the offer, finish within 16 weeks of the
# offence, which leaves time to prosecute inside the 6-month limit if the course is not done.
DEFAULT_BOOK_DAYS = 28
DEFAULT_COMPLETE_DAYS = 16 * 7
MIN_DAYS_TO_COMPLETE_AFTER_BOOKING = 14

DEFAULT_MAX_RESCHEDULES = 2
DEFAULT_CHANGE_CUTOFF_HOURS = 72
LATE_CHANGE_DAYS = 7


class OfferFacts(Protocol):
    """What eligibility needs to know about an offer (an imported row or a stored Offer)."""

    offence_date: date
    limit_mph: int
    recorded_mph: int
    course_type: str
    vehicle: str
    motorway: bool


def uk_today() -> date:
    """Today's date in the UK."""
    return in_uk(now_utc()).date()


def add_months(day: date, months: int) -> date:
    """Return `day` moved by `months` (negative for earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def max_allowed_speed(limit_mph: int) -> float:
    """The highest recorded speed that may still be offered a course: limit + 10% + 9 mph."""
    return limit_mph * (100 + SPEED_MARGIN_PERCENT) / 100 + SPEED_MARGIN_MPH


def speed_within_threshold(limit_mph: int, recorded_mph: int) -> bool:
    """True when `recorded_mph` is at most limit + 10% + 9 mph (exact integer arithmetic, no rounding)."""
    return recorded_mph * 100 <= limit_mph * (100 + SPEED_MARGIN_PERCENT) + SPEED_MARGIN_MPH * 100


def course_free_since(offence_date: date) -> date:
    """The day 3 years before the offence: a course after it (up to the offence) rules the driver out."""
    return add_months(offence_date, -12 * COURSE_FREE_YEARS)


def eligibility_problems(offer: OfferFacts, previous_courses: Iterable[date], admission_received_on: date) -> list[str]:
    """Every reason the driver may not be offered this course (an empty list when eligible)."""
    problems: list[str] = []
    days = (admission_received_on - offer.offence_date).days
    if days < 0:
        problems.append(_("The admission is dated before the offence."))
    elif days > ADMISSION_DAYS:
        problems.append(
            _(
                "The admission arrived %(days)d days after the offence: it must arrive within %(limit)d days.",
                days=days,
                limit=ADMISSION_DAYS,
            )
        )
    since = course_free_since(offer.offence_date)
    recent = sorted(d for d in previous_courses if since < d <= offer.offence_date)
    if recent:
        problems.append(
            _(
                "The driver attended a course on %(date)s, less than %(years)d years before the offence.",
                date=recent[-1].strftime("%d/%m/%Y"),
                years=COURSE_FREE_YEARS,
            )
        )
    if not speed_within_threshold(offer.limit_mph, offer.recorded_mph):
        problems.append(
            _(
                "%(speed)d mph is too fast for a course in a %(limit)d mph limit: the most is %(most)s mph.",
                speed=offer.recorded_mph,
                limit=offer.limit_mph,
                most=f"{max_allowed_speed(offer.limit_mph):g}",
            )
        )
    course = COURSE_TYPES.get(offer.course_type)
    if course is None:
        problems.append(_("%(course)s is not a course this service offers.", course=offer.course_type))
    else:
        if course.motorcycles_only and offer.vehicle != MOTORCYCLE:
            problems.append(_("The RIDE course is only for offences on a motorcycle."))
        if course.motorway_only and not offer.motorway:
            problems.append(_("The motorway course is only for offences on a motorway."))
    return problems


def default_deadlines(offence_date: date, offered_on: date) -> tuple[date, date]:
    """Return (book_by, complete_by) for an offer that came without them (see DEFAULT_* above).

    complete_by is 16 weeks after the offence; book_by is 28 days after the offer, but never later
    than 14 days before complete_by (so there is time to go on a course after booking).
    """
    complete_by = offence_date + timedelta(days=DEFAULT_COMPLETE_DAYS)
    book_by = min(
        offered_on + timedelta(days=DEFAULT_BOOK_DAYS), complete_by - timedelta(days=MIN_DAYS_TO_COMPLETE_AFTER_BOOKING)
    )
    return book_by, complete_by


def deadline_problems(book_by: date, complete_by: date, offence_date: date, today: date) -> list[str]:
    """Why an offer's deadlines do not make sense (an empty list when they do)."""
    problems: list[str] = []
    if complete_by <= offence_date:
        problems.append(_("The complete-by date must be after the offence date."))
    if book_by > complete_by:
        problems.append(_("The book-by date must not be after the complete-by date."))
    if book_by < today:
        problems.append(_("The book-by date has already passed."))
    if complete_by < today:
        problems.append(_("The complete-by date has already passed."))
    return problems


def _setting(settings: Mapping[str, Any], key: str, default: int) -> int:
    value = settings.get(key)
    return default if value is None else int(value)


def max_reschedules(settings: Mapping[str, Any]) -> int:
    """How many times an applicant may move one booking (the force's setting, else the default 2)."""
    return _setting(settings, "max_reschedules", DEFAULT_MAX_RESCHEDULES)


def change_cutoff(settings: Mapping[str, Any]) -> timedelta:
    """How long before a session applicants can no longer change it."""
    return timedelta(hours=_setting(settings, "change_cutoff_hours", DEFAULT_CHANGE_CUTOFF_HOURS))


def change_problems(
    booking_session_start: datetime,
    now: datetime,
    settings: Mapping[str, Any],
    reschedules_so_far: int,
    new_session_start: datetime,
    complete_by: date,
) -> list[str]:
    """Every reason an applicant may not move their booking to the session starting `new_session_start`.

    Datetimes must be timezone-aware; complete_by is compared with the new session's UK date.
    """
    problems: list[str] = []
    cutoff = change_cutoff(settings)
    if booking_session_start - cutoff <= now:
        problems.append(
            _(
                "Changes close %(hours)d hours before the course. Contact %(contact)s if you cannot go.",
                hours=int(cutoff.total_seconds() // 3600),
                contact=contact_text(),
            )
        )
    allowed = max_reschedules(settings)
    if reschedules_so_far >= allowed:
        problems.append(
            _("You have already changed this booking %(num)d times, the most allowed.", num=reschedules_so_far)
        )
    if new_session_start <= now:
        problems.append(_("Choose a course that has not started yet."))
    elif in_uk(new_session_start).date() > complete_by:
        problems.append(
            _(
                "Choose a course on or before %(date)s, the date you must complete a course by.",
                date=complete_by.strftime("%d/%m/%Y"),
            )
        )
    return problems


def is_late_change(booking_session_start: datetime, now: datetime, settings: Mapping[str, Any]) -> bool:
    """True when a change now falls between the cut-off and 7 days before the session (the fee applies)."""
    before_start = booking_session_start - now
    return change_cutoff(settings) < before_start < timedelta(days=LATE_CHANGE_DAYS)


def change_fee_pence(booking_session_start: datetime, now: datetime, settings: Mapping[str, Any]) -> int:
    """The fee for changing a booking now: the late-change fee inside the last 7 days (before the cut-off), else 0."""
    if not is_late_change(booking_session_start, now, settings):
        return 0
    return _setting(settings, "late_change_fee_pence", 0)


def retention_expires(completed_on: date) -> date:
    """The day a completion record may be erased: 3 years 6 months after the course was completed."""
    return add_months(completed_on, RETENTION_MONTHS)
