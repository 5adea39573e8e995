"""The scheme's rules: who is eligible, default deadlines, changing a booking, how long records are kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from frontcounter_speed_awareness.courses import COURSE_TYPES, parse_course_type
from frontcounter_speed_awareness.rules import (
    add_months,
    change_fee_pence,
    change_problems,
    deadline_problems,
    default_deadlines,
    eligibility_problems,
    max_allowed_speed,
    retention_expires,
)

OFFENCE = date(2025, 3, 10)


def offence(**changes):
    """The facts of a typical eligible offence: 36 mph in a 30 limit, in a car, on an ordinary road."""
    facts = {
        "offence_date": OFFENCE,
        "limit_mph": 30,
        "recorded_mph": 36,
        "course_type": "national_speed_awareness",
        "vehicle": "car",
        "motorway": False,
    }
    return SimpleNamespace(**{**facts, **changes})


def test_a_typical_offence_is_eligible():
    assert eligibility_problems(offence(), [], OFFENCE + timedelta(days=10)) == []


@pytest.mark.parametrize(("days", "eligible"), [(0, True), (41, True), (42, True), (43, False)])
def test_the_admission_must_arrive_within_42_days_of_the_offence(days, eligible):
    problems = eligibility_problems(offence(), [], OFFENCE + timedelta(days=days))
    assert (problems == []) is eligible
    if not eligible:
        assert problems == ["The admission arrived 43 days after the offence: it must arrive within 42 days."]


def test_an_admission_dated_before_the_offence_is_refused():
    assert eligibility_problems(offence(), [], OFFENCE - timedelta(days=1)) == [
        "The admission is dated before the offence."
    ]


@pytest.mark.parametrize(
    ("course_on", "eligible"),
    [
        (date(2022, 3, 10), True),  # exactly 3 years before the offence
        (date(2022, 3, 9), True),
        (date(2022, 3, 11), False),  # 3 years less a day
        (date(2025, 3, 10), False),  # the day of the offence
        (date(2025, 3, 11), True),  # after the offence: the rule looks back from the offence
    ],
)
def test_no_course_in_the_3_years_before_the_offence(course_on, eligible):
    problems = eligibility_problems(offence(), [course_on], OFFENCE)
    assert (problems == []) is eligible
    if not eligible:
        assert "less than 3 years before the offence" in problems[0]


def test_three_years_before_a_leap_day_is_the_28th_of_february():
    leap = offence(offence_date=date(2024, 2, 29))
    assert eligibility_problems(leap, [date(2021, 2, 28)], date(2024, 3, 1)) == []
    assert eligibility_problems(leap, [date(2021, 3, 1)], date(2024, 3, 1)) != []


@pytest.mark.parametrize(("limit", "fastest_eligible"), [(20, 31), (30, 42), (40, 53), (50, 64), (60, 75), (70, 86)])
def test_speed_at_most_limit_plus_10_percent_plus_9(limit, fastest_eligible):
    assert eligibility_problems(offence(limit_mph=limit, recorded_mph=fastest_eligible), [], OFFENCE) == []
    too_fast = eligibility_problems(offence(limit_mph=limit, recorded_mph=fastest_eligible + 1), [], OFFENCE)
    assert too_fast == [
        f"{fastest_eligible + 1} mph is too fast for a course in a {limit} mph limit: "
        f"the most is {fastest_eligible:g} mph."
    ]


def test_the_threshold_is_exact_not_rounded():
    assert max_allowed_speed(15) == pytest.approx(25.5)
    assert eligibility_problems(offence(limit_mph=15, recorded_mph=25), [], OFFENCE) == []
    assert "the most is 25.5 mph" in eligibility_problems(offence(limit_mph=15, recorded_mph=26), [], OFFENCE)[0]


def test_ride_is_only_for_motorcycles():
    assert eligibility_problems(offence(course_type="ride", vehicle="motorcycle"), [], OFFENCE) == []
    assert eligibility_problems(offence(course_type="ride", vehicle="car"), [], OFFENCE) == [
        "The RIDE course is only for offences on a motorcycle."
    ]


def test_the_motorway_course_is_only_for_motorways_at_any_limit():
    assert (
        eligibility_problems(
            offence(course_type="motorway_awareness", motorway=True, limit_mph=70, recorded_mph=80), [], OFFENCE
        )
        == []
    )
    # Smart motorways set lower limits: the course is still the right one there.
    assert (
        eligibility_problems(
            offence(course_type="motorway_awareness", motorway=True, limit_mph=50, recorded_mph=60), [], OFFENCE
        )
        == []
    )
    assert eligibility_problems(offence(course_type="motorway_awareness"), [], OFFENCE) == [
        "The motorway course is only for offences on a motorway."
    ]


def test_every_reason_is_given_at_once():
    problems = eligibility_problems(
        offence(course_type="ride", recorded_mph=50), [date(2024, 1, 1)], OFFENCE + timedelta(days=60)
    )
    assert len(problems) == 4


def test_course_types_have_lengths_and_accept_the_national_short_names():
    assert COURSE_TYPES["national_speed_awareness"].duration == timedelta(hours=2, minutes=45)
    assert set(COURSE_TYPES) == {
        "national_speed_awareness",
        "motorway_awareness",
        "safe_and_considerate_driving",
        "ride",
    }
    assert parse_course_type("NSAC") == "national_speed_awareness"
    assert parse_course_type("National Speed Awareness") == "national_speed_awareness"
    assert parse_course_type("RIDE") == "ride"
    assert parse_course_type("speed") is None


def test_default_deadlines_leave_time_to_go_on_a_course():
    book_by, complete_by = default_deadlines(OFFENCE, OFFENCE + timedelta(days=20))
    assert complete_by == OFFENCE + timedelta(weeks=16)
    assert book_by == OFFENCE + timedelta(days=48)
    late_book_by, _ = default_deadlines(OFFENCE, OFFENCE + timedelta(days=90))
    assert late_book_by == complete_by - timedelta(days=14)


def test_deadlines_that_make_no_sense_are_reported():
    today = OFFENCE + timedelta(days=20)
    assert deadline_problems(today + timedelta(days=10), today + timedelta(days=60), OFFENCE, today) == []
    assert deadline_problems(today + timedelta(days=70), today + timedelta(days=60), OFFENCE, today) == [
        "The book-by date must not be after the complete-by date."
    ]
    assert deadline_problems(today - timedelta(days=1), today + timedelta(days=60), OFFENCE, today) == [
        "The book-by date has already passed."
    ]


# -- changing a booking ---------------------------------------------------------------------------

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
SETTINGS = {"change_cutoff_hours": 72, "late_change_fee_pence": 1000}
COMPLETE_BY = date(2025, 7, 31)


def change(
    start_in: timedelta, *, reschedules: int = 0, new_in: timedelta = timedelta(days=20), settings: dict | None = None
) -> list[str]:
    return change_problems(NOW + start_in, NOW, settings or SETTINGS, reschedules, NOW + new_in, COMPLETE_BY)


def test_a_booking_can_be_changed_well_before_the_course():
    assert change(timedelta(days=10)) == []


def test_changes_close_at_the_cut_off():
    assert change(timedelta(hours=72, minutes=1)) == []
    assert change(timedelta(hours=72)) == [
        "Changes close 72 hours before the course. Contact your police force on 101 if you cannot go."
    ]
    assert change(timedelta(hours=2)) != []
    assert change(timedelta(hours=30), settings={"change_cutoff_hours": 24}) == []


def test_a_booking_can_be_changed_at_most_twice_by_default():
    assert change(timedelta(days=10), reschedules=1) == []
    assert change(timedelta(days=10), reschedules=2) == [
        "You have already changed this booking 2 times, the most allowed."
    ]
    assert change(timedelta(days=10), reschedules=2, settings={**SETTINGS, "max_reschedules": 3}) == []


def test_the_new_course_must_be_in_the_future_and_by_the_complete_by_date():
    assert change(timedelta(days=10), new_in=-timedelta(hours=1)) == ["Choose a course that has not started yet."]
    last_day = datetime(2025, 7, 31, 18, 0, tzinfo=UTC)  # 19:00 UK time on the complete-by date
    assert change(timedelta(days=10), new_in=last_day - NOW) == []
    assert change(timedelta(days=10), new_in=last_day - NOW + timedelta(hours=6)) == [
        "Choose a course on or before 31/07/2025, the date you must complete a course by."
    ]


def test_a_late_change_costs_the_late_change_fee():
    assert change_fee_pence(NOW + timedelta(days=8), NOW, SETTINGS) == 0
    assert change_fee_pence(NOW + timedelta(days=7), NOW, SETTINGS) == 0
    assert change_fee_pence(NOW + timedelta(days=6, hours=23), NOW, SETTINGS) == 1000
    assert change_fee_pence(NOW + timedelta(hours=73), NOW, SETTINGS) == 1000
    assert change_fee_pence(NOW + timedelta(hours=72), NOW, SETTINGS) == 0  # inside the cut-off: refused instead


# -- retention ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "erase"),
    [
        (date(2025, 1, 15), date(2028, 7, 15)),
        (date(2025, 8, 31), date(2029, 2, 28)),
        (date(2026, 8, 31), date(2030, 2, 28)),
        (date(2027, 8, 31), date(2031, 2, 28)),
        (date(2024, 8, 31), date(2028, 2, 29)),
    ],
)
def test_completion_records_are_kept_three_and_a_half_years(completed, erase):
    assert retention_expires(completed) == erase


def test_add_months_goes_both_ways_and_across_years():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 1, 31), -2) == date(2024, 11, 30)
    assert add_months(date(2024, 2, 29), -36) == date(2021, 2, 28)
