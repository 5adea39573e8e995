"""The statutory clock on tables: one calendar month the ICO way, to the next working day; extensions and Part 3."""

from __future__ import annotations

from datetime import date

import pytest
from frontcounter.calendar import WorkingCalendar
from frontcounter_subject_access import rules

ENGLAND = WorkingCalendar("england-and-wales")
SCOTLAND = WorkingCalendar("scotland")


@pytest.mark.parametrize(
    ("start", "due", "why"),
    [
        (date(2025, 1, 3), date(2025, 2, 3), "same date next month (a Monday)"),
        (date(2026, 1, 5), date(2026, 2, 5), "same date next month (a Thursday)"),
        (date(2026, 8, 31), date(2026, 9, 30), "31st to a 30-day month: its last day"),
        (date(2025, 1, 31), date(2025, 2, 28), "31 January to February: 28th"),
        (date(2024, 1, 31), date(2024, 2, 29), "31 January in a leap year: 29 February"),
        (date(2026, 1, 30), date(2026, 3, 2), "February's last day is a Saturday: the Monday after"),
        (date(2026, 2, 7), date(2026, 3, 9), "lands on a Saturday: Monday"),
        (date(2026, 3, 3), date(2026, 4, 7), "Good Friday then Easter Monday: the Tuesday"),
        (date(2026, 11, 25), date(2026, 12, 29), "Christmas Day, weekend, Boxing Day substitute: the 29th"),
        (date(2025, 12, 31), date(2026, 2, 2), "31 December to 31 January, a Saturday: Monday 2 February"),
    ],
)
def test_deadline_is_one_calendar_month_then_the_next_working_day(start, due, why):
    assert rules.statutory_deadline(start, ENGLAND) == due, why


def test_the_force_nation_decides_the_bank_holidays():
    start = date(2025, 12, 2)
    assert rules.statutory_deadline(start, ENGLAND) == date(2026, 1, 2)
    assert rules.statutory_deadline(start, SCOTLAND) == date(2026, 1, 5)  # 2 January is a Scottish bank holiday


def test_a_force_closure_day_is_not_a_working_day():
    closed = WorkingCalendar("england-and-wales", frozenset({date(2025, 2, 3)}))
    assert rules.statutory_deadline(date(2025, 1, 3), closed) == date(2025, 2, 4)


@pytest.mark.parametrize(
    ("received", "identity", "start"),
    [
        (date(2026, 3, 10), date(2026, 3, 15), date(2026, 3, 15)),  # identity later: it starts the clock
        (date(2026, 3, 10), date(2026, 3, 1), date(2026, 3, 10)),  # identity sent first: the request does
        (date(2026, 3, 10), date(2026, 3, 10), date(2026, 3, 10)),
    ],
)
def test_the_clock_starts_when_request_and_identity_are_both_received(received, identity, start):
    assert rules.clock_start(received, identity) == start


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2025, 1, 31), 1, date(2025, 3, 31)),
        (date(2025, 1, 31), 2, date(2025, 4, 30)),
        (date(2026, 1, 3), 2, date(2026, 4, 7)),  # 3 April 2026 is Good Friday, 6 April Easter Monday
    ],
)
def test_an_extension_counts_further_months_from_the_start(start, months, due):
    assert rules.extended_deadline(start, months, ENGLAND) == due


@pytest.mark.parametrize(
    ("regime", "months", "today", "already", "refused"),
    [
        (rules.UK_GDPR, 2, date(2026, 2, 5), False, None),  # on the last day of the first month
        (rules.UK_GDPR, 1, date(2026, 1, 20), False, None),
        (rules.UK_GDPR, 2, date(2026, 2, 6), False, "too_late"),  # the day after: too late to tell them
        (rules.PART3, 1, date(2026, 1, 20), False, "part3"),  # law enforcement: never
        (rules.UK_GDPR, 3, date(2026, 1, 20), False, "bad_months"),  # at most two further months
        (rules.UK_GDPR, 1, date(2026, 1, 20), True, "already_extended"),
    ],
)
def test_extension_rules(regime, months, today, already, refused):
    deadline = date(2026, 2, 5)
    if refused is None:
        rules.check_extension(regime, months, today, deadline, already)
        return
    with pytest.raises(rules.ExtensionRefused) as error:
        rules.check_extension(regime, months, today, deadline, already)
    assert error.value.code == refused


def test_days_remaining_is_negative_when_overdue_and_none_before_the_clock():
    assert rules.days_remaining(date(2026, 2, 5), date(2026, 2, 1)) == 4
    assert rules.days_remaining(date(2026, 2, 5), date(2026, 2, 9)) == -4
    assert rules.days_remaining(None, date(2026, 2, 9)) is None
