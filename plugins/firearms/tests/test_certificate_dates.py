"""Certificate dates: 5-year validity, renewal reminders 14 weeks ahead, s.28B extension, the 21-day appeal window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from frontcounter_firearms.rules import (
    MEDICAL_CONDITIONS,
    appeal_deadline,
    declared_conditions,
    expiry_for,
    reminder_date,
    renewal_reminder_due,
    section_28b_extension,
)

EXPIRY = date(2026, 9, 30)


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (date(2026, 3, 15), date(2031, 3, 15)),
        (date(2028, 2, 29), date(2033, 2, 28)),  # no 29 February in 2033: never longer than 5 years
        (date(2027, 2, 28), date(2032, 2, 28)),
        (date(2026, 12, 31), date(2031, 12, 31)),
    ],
)
def test_a_certificate_lasts_five_years(issued, expires):
    assert expiry_for(issued) == expires


def test_the_reminder_is_due_exactly_fourteen_weeks_before_expiry():
    assert reminder_date(EXPIRY) == date(2026, 6, 24) == EXPIRY - timedelta(days=98)
    assert renewal_reminder_due(EXPIRY, date(2026, 6, 24))
    assert not renewal_reminder_due(EXPIRY, date(2026, 6, 23))


def test_the_reminder_stays_due_until_expiry_and_not_after():
    assert renewal_reminder_due(EXPIRY, date(2026, 8, 1))
    assert renewal_reminder_due(EXPIRY, EXPIRY)
    assert not renewal_reminder_due(EXPIRY, EXPIRY + timedelta(days=1))


def test_a_force_may_remind_earlier():
    assert reminder_date(EXPIRY, weeks=16) == EXPIRY - timedelta(weeks=16)
    assert renewal_reminder_due(EXPIRY, EXPIRY - timedelta(weeks=16), weeks=16)
    assert not renewal_reminder_due(EXPIRY, EXPIRY - timedelta(weeks=16), weeks=14)


def test_a_renewal_received_exactly_eight_weeks_before_expiry_extends_the_certificate_eight_weeks():
    received = EXPIRY - timedelta(weeks=8)
    assert received == date(2026, 8, 5)
    assert section_28b_extension(EXPIRY, received) == date(2026, 11, 25)


def test_a_renewal_received_one_day_short_of_eight_weeks_does_not():
    assert section_28b_extension(EXPIRY, date(2026, 8, 6)) is None


def test_an_early_renewal_extends_and_a_late_one_does_not():
    assert section_28b_extension(EXPIRY, date(2026, 3, 1)) == EXPIRY + timedelta(weeks=8)
    assert section_28b_extension(EXPIRY, EXPIRY + timedelta(days=3)) is None


@pytest.mark.parametrize(
    ("refused", "deadline"),
    [
        (date(2026, 3, 1), date(2026, 3, 22)),
        (date(2026, 12, 20), date(2027, 1, 10)),
        (date(2028, 2, 20), date(2028, 3, 12)),  # through a leap day
    ],
)
def test_the_appeal_window_is_21_days(refused, deadline):
    assert appeal_deadline(refused) == deadline


def test_the_medical_declaration_asks_about_each_condition_once():
    keys = [key for key, _label in MEDICAL_CONDITIONS]
    assert len(keys) == len(set(keys)) == 9
    labels = " ".join(str(label) for _key, label in MEDICAL_CONDITIONS)
    for condition in (
        "PTSD",
        "Suicidal",
        "Depression",
        "Dementia",
        "bipolar",
        "personality disorder",
        "epilepsy",
        "Alcohol or drug misuse",
        "Any other",
    ):
        assert condition in labels


def test_declared_conditions_lists_the_yes_answers_in_order():
    answers = {key: False for key, _label in MEDICAL_CONDITIONS} | {"other": True, "dementia": True}
    assert declared_conditions(answers) == ["dementia", "other"]
