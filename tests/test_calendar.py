"""The UK calendar gives the statutory answers on tables we keep (bank holidays from bundled data)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from frontcounter.calendar import (
    ENGLAND_AND_WALES,
    NORTHERN_IRELAND,
    SCOTLAND,
    add_calendar_days,
    add_calendar_months,
    calendar_for,
    holidays_known_until,
    uk_date,
    uk_today,
)

EW = calendar_for(ENGLAND_AND_WALES)
D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-04-03", False),  # Good Friday
        ("2026-04-06", False),  # Easter Monday
        ("2026-04-07", True),
        ("2026-12-25", False),  # Christmas Day (Friday)
        ("2026-12-28", False),  # Boxing Day substitute (Monday)
        ("2026-12-29", True),
        ("2027-12-27", False),  # Christmas Day substitute
        ("2027-12-28", False),  # Boxing Day substitute
        ("2027-01-01", False),  # New Year's Day
        ("2022-01-03", False),  # New Year's Day substitute (1 Jan was a Saturday)
        ("2026-12-05", False),  # Saturday
        ("2026-12-07", True),  # Monday
    ],
)
def test_working_days_in_england_and_wales(day: str, working: bool) -> None:
    assert EW.is_working_day(D(day)) is working


def test_nations_differ_and_a_force_adds_its_own_closures() -> None:
    assert not calendar_for(SCOTLAND).is_working_day(D("2027-01-04"))  # 2 January substitute in Scotland
    assert EW.is_working_day(D("2027-01-04"))
    assert not calendar_for(NORTHERN_IRELAND).is_working_day(D("2027-03-17"))  # St Patrick's Day
    assert not calendar_for(ENGLAND_AND_WALES, ["2026-12-07"]).is_working_day(D("2026-12-07"))
    with pytest.raises(ValueError, match="unknown nation"):
        calendar_for("wales").is_working_day(D("2026-12-07"))


@pytest.mark.parametrize(
    ("start", "end", "between"),
    [
        ("2026-12-07", "2026-12-08", 0),  # adjacent days: both ends excluded
        ("2026-12-07", "2026-12-11", 3),  # Mon -> Fri: Tue, Wed, Thu
        ("2026-12-04", "2026-12-21", 10),  # Fri -> Mon two weeks on
        ("2026-12-18", "2027-01-04", 7),  # over Christmas and New Year (3 holidays on weekdays)
        ("2026-03-27", "2026-04-13", 8),  # over Easter
        ("2026-12-11", "2026-12-07", 0),  # end before start
    ],
)
def test_working_days_between_excludes_both_ends(start: str, end: str, between: int) -> None:
    assert EW.working_days_between(D(start), D(end)) == between


@pytest.mark.parametrize(
    ("start", "days", "result"),
    [
        ("2026-12-07", 3, "2026-12-10"),  # Mon + 3: Thursday
        ("2026-12-10", 3, "2026-12-15"),  # Thu + 3 over a weekend: Tuesday
        ("2026-12-23", 3, "2026-12-30"),  # over Christmas: 24, 29, 30
        ("2026-04-02", 1, "2026-04-07"),  # Maundy Thursday + 1: Tuesday after Easter
        ("2026-12-07", 0, "2026-12-07"),
    ],
)
def test_add_working_days(start: str, days: int, result: str) -> None:
    assert EW.add_working_days(D(start), days) == D(result)


@pytest.mark.parametrize(
    ("start", "result"),
    [
        ("2026-01-03", "2026-02-03"),
        ("2026-08-31", "2026-09-30"),  # 31st to a 30-day month
        ("2027-01-31", "2027-02-28"),
        ("2028-01-31", "2028-02-29"),  # leap year
        ("2028-02-29", "2028-03-29"),
        ("2026-12-15", "2027-01-15"),  # over the year end
    ],
)
def test_one_calendar_month_the_ico_way(start: str, result: str) -> None:
    assert add_calendar_months(D(start)) == D(result)


@pytest.mark.parametrize(
    ("start", "result"),
    [
        ("2026-11-25", "2026-12-29"),  # due Fri 25 Dec -> Christmas, Boxing substitute -> Tue 29th
        ("2026-03-06", "2026-04-07"),  # due Mon 6 Apr (Easter Monday) -> Tue 7 Apr
        ("2026-10-03", "2026-11-03"),  # a Tuesday: unchanged
        ("2026-01-31", "2026-03-02"),  # 28 Feb 2026 is a Saturday -> Monday 2 March
    ],
)
def test_one_month_moved_to_the_next_working_day(start: str, result: str) -> None:
    assert EW.month_then_working_day(D(start)) == D(result)


def test_three_months_for_an_extended_request() -> None:
    assert EW.month_then_working_day(D("2026-11-30"), months=3) == D("2027-03-01")  # 28 Feb 2027 is a Sunday


def test_calendar_days() -> None:
    assert add_calendar_days(D("2026-12-20"), 14) == D("2027-01-03")


def test_uk_date_is_london_not_utc() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST); in winter the two agree.
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == D("2026-07-01")
    assert uk_date(datetime(2026, 12, 30, 23, 30, tzinfo=UTC)) == D("2026-12-30")
    assert abs((uk_today() - datetime.now(UTC).date()).days) <= 1


def test_bundled_holidays_cover_the_next_twelve_months() -> None:
    """Fails when govuk-bank-holidays' bundled data runs out within a year: upgrade the package."""
    horizon = uk_today() + timedelta(days=365)
    for nation in (ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND):
        known = holidays_known_until(nation)
        # The last holiday of a year is Boxing Day (or its substitute): data must reach the horizon's year end.
        assert known.year >= horizon.year, f"{nation}: bank holidays known only until {known}"


ROOT = Path(__file__).resolve().parents[1]
_FORBIDDEN = re.compile(r"\bdate\.today\(\)|datetime\.now\(UTC\)\.date\(\)|datetime\.utcnow\(\)")


def test_no_server_or_utc_dates_for_uk_days() -> None:
    """A UK day comes from frontcounter.calendar, never date.today() or a UTC date (core and plugins)."""
    offenders = []
    for folder in (ROOT / "platform" / "frontcounter", *sorted((ROOT / "plugins").glob("*"))):
        for path in folder.rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _FORBIDDEN.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "use frontcounter.calendar.uk_today():\n" + "\n".join(offenders)
