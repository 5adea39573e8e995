"""Read the staff slot forms (GOV.UK date inputs, times as typed) into SlotSpecs, or errors per field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from frontcounter.bookings.recurrence import weekly
from frontcounter.bookings.rules import BookingRules
from frontcounter.bookings.slots import MAX_CAPACITY, SlotSpec
from frontcounter.bookings.times import now_utc, parse_time, uk_to_utc
from frontcounter.date_input import read_date as read_date_input

MAX_WEEKS = 52
MAX_SERIES = 300
WEEKDAYS = range(7)


@dataclass
class SlotForm:
    """What was typed (to show again), errors by field id (in page order), and the slots it describes."""

    values: dict[str, object]
    errors: dict[str, str] = field(default_factory=dict)
    specs: list[SlotSpec] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there are no errors."""
        return not self.errors


def whole_number(text: str, low: int, high: int) -> int | None:
    """Return the whole number typed, when it is from `low` to `high`; else None."""
    text = (text or "").strip()
    if not text.isdecimal() or len(text) > 6:
        return None
    number = int(text)
    return number if low <= number <= high else None


def read_date(
    form: Mapping[str, str], prefix: str, errors: dict[str, str], what: str, *, future_only: bool = True
) -> date | None:
    """Read a slot's GOV.UK date input (years 2000 to 2100, by default today or later): the core's reader."""
    return read_date_input(form, prefix, errors, what, future_only=future_only, years=(2000, 2100))


@dataclass
class _Shared:
    """The fields both forms share, as read."""

    kind: str
    start: time | None
    end: time | None
    capacity: int | None
    location: str

    def specs(self, day_times: list[tuple[datetime, datetime]]) -> list[SlotSpec]:
        return [SlotSpec(self.kind, s, e, self.capacity or 0, self.location) for s, e in day_times]

    def on(self, day: date) -> tuple[datetime, datetime]:
        assert self.start is not None and self.end is not None
        return uk_to_utc(day, self.start), uk_to_utc(day, self.end)

    def weekly(self, first: date, weeks: int, weekdays: set[int]) -> list[tuple[datetime, datetime]]:
        assert self.start is not None and self.end is not None
        return weekly(first, weeks, weekdays, self.start, self.end)


def _shared(form: MultiDict[str, str], rules: BookingRules, errors: dict[str, str]) -> _Shared:
    """Kind, start and end time, places and location."""
    kind = form.get("kind", "").strip()
    if kind not in rules.kinds:
        if len(rules.kinds) == 1:
            kind = next(iter(rules.kinds))
        else:
            errors["kind"] = _("Select the type of slot")
    start = parse_time(form.get("start", ""))
    end = parse_time(form.get("end", ""))
    if start is None:
        errors["start"] = _("Enter a start time, like 10:00 or 2:30pm")
    if end is None:
        errors["end"] = _("Enter an end time, like 12:45 or 4pm")
    elif start is not None and end <= start:
        errors["end"] = _("The end time must be after the start time")
    capacity = whole_number(form.get("capacity", ""), 1, MAX_CAPACITY)
    if capacity is None:
        errors["capacity"] = _("Places must be a whole number from 1 to %(max)d", max=MAX_CAPACITY)
    location = form.get("location", "").strip()
    if len(location) > 300:
        errors["location"] = _("Location must be 300 characters or fewer")
    return _Shared(kind, start, end, capacity, location)


def read_single(form: MultiDict[str, str], rules: BookingRules) -> SlotForm:
    """Read the one-slot form: kind, date, start, end, places, location."""
    result = SlotForm(values=form.to_dict())
    errors: dict[str, str] = {}
    shared = _shared(form, rules, errors)
    day = read_date(form, "date", errors, _("the date"))
    if not errors and day is not None and shared.on(day)[0] <= now_utc():
        errors["start"] = _("The slot must start in the future")
    result.errors = in_order(errors, ("kind", "date-day", "start", "end", "capacity", "location"))
    if result.ok and day is not None:
        result.specs = shared.specs([shared.on(day)])
    return result


def read_weekly(form: MultiDict[str, str], errors: dict[str, str]) -> tuple[date | None, set[int], int | None]:
    """Read a weekly series: the first date, the weekdays (0 is Monday) and how many weeks; errors by field."""
    first = read_date(form, "first", errors, _("the first date"))
    weekdays = {int(d) for d in form.getlist("weekdays") if d in {str(n) for n in WEEKDAYS}}
    if not weekdays:
        errors["weekdays"] = _("Select at least one day of the week")
    weeks = whole_number(form.get("weeks", ""), 1, MAX_WEEKS)
    if weeks is None:
        errors["weeks"] = _("Weeks must be a whole number from 1 to %(max)d", max=MAX_WEEKS)
    return first, weekdays, weeks


def read_recurring(form: MultiDict[str, str], rules: BookingRules) -> SlotForm:
    """Read the recurring form: the same, plus weekdays and for how many weeks from the first date."""
    result = SlotForm(values={**form.to_dict(), "weekdays": form.getlist("weekdays")})
    errors: dict[str, str] = {}
    shared = _shared(form, rules, errors)
    first, weekdays, weeks = read_weekly(form, errors)
    day_times: list[tuple[datetime, datetime]] = []
    if not errors and first is not None and weeks is not None:
        now = now_utc()
        day_times = [t for t in shared.weekly(first, weeks, weekdays) if t[0] > now]
        if not day_times:
            errors["weekdays"] = _("None of the chosen days fall in those weeks after now")
        elif len(day_times) > MAX_SERIES:
            errors["weeks"] = _(
                "That makes %(num)d slots: the most at once is %(max)d. Choose fewer weeks.",
                num=len(day_times),
                max=MAX_SERIES,
            )
    result.errors = in_order(errors, ("kind", "first-day", "weekdays", "weeks", "start", "end", "capacity", "location"))
    if result.ok:
        result.specs = shared.specs(day_times)
    return result


def in_order(errors: dict[str, str], order: tuple[str, ...]) -> dict[str, str]:
    """Return `errors` in page order, so the error summary lists them as the fields appear."""
    return {key: errors[key] for key in order if key in errors}
