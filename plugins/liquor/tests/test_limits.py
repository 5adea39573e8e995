"""Every statutory limit on temporary event notices, at and just past its edge."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from frontcounter_liquor.limits import NoticeFacts, check_limits, event_problems

START = datetime(2027, 6, 5, 18, 0)


def notice(n: int = 0, *, user: str = "u", premises: str = "p", holder: bool = False, late: bool = False,
           start: datetime | None = None, hours: int = 4) -> NoticeFacts:
    begins = start or START + timedelta(days=3 * n)
    return NoticeFacts(user, premises, holder, late, begins, begins + timedelta(hours=hours), reference=f"R{n}")


def codes(new, held) -> list[str]:
    return [b.code for b in check_limits(new, held)]


def others(count: int, **kw) -> list[NoticeFacts]:
    return [notice(n, **kw) for n in range(1, count + 1)]


@pytest.mark.parametrize(("held", "breach"), [(14, False), (15, True)])
def test_fifteen_notices_per_premises_per_year(held, breach):
    existing = [notice(n, user=f"user{n}") for n in range(1, held + 1)]
    assert ("premises_notices" in codes(notice(0, user="new"), existing)) is breach


@pytest.mark.parametrize(("new_hours", "breach"), [(4, False), (30, True)])
def test_twenty_one_days_per_premises_per_year(new_hours, breach):
    existing = [notice(n, user=f"user{n}", hours=24 + 4) for n in range(1, 11)]  # 10 events over 2 days each: 20 days
    new = notice(0, user="new", start=datetime(2027, 12, 1, 10), hours=new_hours)  # 1 day, or 2 days
    assert ("premises_days" in codes(new, existing)) is breach


def test_an_event_to_midnight_uses_one_day_and_past_midnight_two():
    assert len(notice(start=datetime(2027, 1, 1, 18), hours=6).days) == 1  # to 00:00
    assert len(notice(start=datetime(2027, 1, 1, 18), hours=8).days) == 2  # to 02:00


@pytest.mark.parametrize(("holder", "held", "breach"), [(False, 4, False), (False, 5, True), (True, 49, False),
                                                        (True, 50, True)])
def test_notices_per_user_per_year(holder, held, breach):
    existing = [notice(n, premises=f"p{n}", holder=holder) for n in range(1, held + 1)]
    assert ("user_notices" in codes(notice(0, premises="new", holder=holder), existing)) is breach


@pytest.mark.parametrize(("holder", "late_held", "breach"), [(False, 1, False), (False, 2, True), (True, 9, False),
                                                             (True, 10, True)])
def test_late_notices_per_user_per_year(holder, late_held, breach):
    existing = [notice(n, premises=f"p{n}", holder=holder, late=True) for n in range(1, late_held + 1)]
    new = notice(0, premises="new", holder=holder, late=True)
    assert ("user_late_notices" in codes(new, existing)) is breach
    assert "user_late_notices" not in codes(notice(0, premises="new", holder=holder, late=False), existing)


def test_notices_of_another_year_do_not_count():
    existing = [notice(n, premises=f"p{n}", start=datetime(2026, 3, n, 12)) for n in range(1, 11)]
    assert codes(notice(0, premises="new"), existing) == []


@pytest.mark.parametrize(("gap_hours", "breach"), [(23, True), (24, False)])
def test_twenty_four_hours_between_events_of_the_same_user_at_the_same_premises(gap_hours, breach):
    held = notice(1, start=START, hours=5)
    new = notice(2, start=START + timedelta(hours=5 + gap_hours), hours=3)
    assert ("gap" in codes(new, [held])) is breach
    before = notice(3, start=START - timedelta(hours=3 + gap_hours), hours=3)
    assert ("gap" in codes(before, [held])) is breach


def test_the_gap_is_per_user_and_premises():
    held = notice(1, start=START)
    assert codes(notice(2, user="other", start=START), [held]) == []
    assert codes(notice(2, premises="other", start=START), [held]) == []


@pytest.mark.parametrize(("people", "hours", "fields"), [
    (499, 168, set()), (500, 1, {"people"}), (600, 1, {"people"}), (10, 169, {"end_date"}),
])
def test_people_and_hours_per_event(people, hours, fields):
    assert set(event_problems(people, START, START + timedelta(hours=hours))) == fields


def test_explanations_say_what_the_limit_is():
    existing = [notice(n, premises=f"p{n}") for n in range(1, 6)]
    [breach] = check_limits(notice(0, premises="new"), existing)
    assert "5" in breach.message and "2027" in breach.message
