"""Address (5 years) and GP (10 years) history: coverage, gaps, overlaps, impossible dates, leap days."""

from __future__ import annotations

from datetime import date

import pytest
from frontcounter_firearms.dates import add_years
from frontcounter_firearms.history import address_history_problems, gp_history_problems

TODAY = date(2026, 3, 15)
FIVE_YEARS_AGO = date(2021, 3, 15)


def period(start: date, end: date | None = None) -> dict:
    return {"from_date": start, "to_date": end}


def test_one_address_since_exactly_five_years_ago_is_enough():
    assert address_history_problems([period(FIVE_YEARS_AGO)], TODAY) == []


def test_one_day_short_of_five_years_is_not():
    assert address_history_problems([period(date(2021, 3, 16))], TODAY) == [
        "Your addresses must cover the last 5 years: tell us where you lived between 15 March 2021 and 16 March 2021"
    ]


@pytest.mark.parametrize("moved_in", [date(2023, 3, 3), date(2023, 3, 4)])
def test_moving_the_same_day_or_the_next_day_is_not_a_gap(moved_in):
    history = [period(date(2019, 1, 1), date(2023, 3, 3)), period(moved_in)]
    assert address_history_problems(history, TODAY) == []


def test_a_gap_names_its_dates():
    history = [period(date(2019, 1, 1), date(2023, 3, 3)), period(date(2023, 6, 1))]
    assert address_history_problems(history, TODAY) == ["There is a gap between 3 March 2023 and 1 June 2023"]


def test_a_single_missing_day_is_a_gap():
    history = [period(date(2019, 1, 1), date(2023, 3, 3)), period(date(2023, 3, 5))]
    assert address_history_problems(history, TODAY) == ["There is a gap between 3 March 2023 and 5 March 2023"]


def test_addresses_may_be_given_in_any_order():
    history = [period(date(2023, 6, 1)), period(date(2019, 1, 1), date(2023, 5, 31))]
    assert address_history_problems(history, TODAY) == []


def test_an_overlap_beyond_a_day_names_both_addresses_and_the_dates():
    history = [period(date(2023, 2, 1)), period(date(2019, 1, 1), date(2023, 3, 3))]
    assert address_history_problems(history, TODAY) == [
        "Address 1 and address 2 overlap between 1 February 2023 and 3 March 2023"
    ]


def test_an_address_inside_another_is_an_overlap():
    history = [period(date(2019, 1, 1)), period(date(2022, 1, 1), date(2022, 6, 1))]
    assert address_history_problems(history, TODAY) == [
        "Address 1 and address 2 overlap between 1 January 2022 and 1 June 2022"
    ]


def test_gaps_and_overlaps_older_than_five_years_do_not_matter():
    history = [
        period(date(2010, 1, 1), date(2015, 1, 1)),
        period(date(2014, 1, 1), date(2016, 1, 1)),  # overlaps the first, long ago
        period(date(2018, 1, 1)),  # a gap in 2016-2017, long ago
    ]
    assert address_history_problems(history, TODAY) == []


def test_a_gap_that_ends_inside_the_five_years_is_reported():
    history = [period(date(2015, 1, 1), date(2020, 1, 1)), period(date(2021, 3, 16))]
    assert address_history_problems(history, TODAY) == ["There is a gap between 1 January 2020 and 16 March 2021"]


def test_every_gap_and_overlap_is_reported_together():
    history = [
        period(date(2019, 1, 1), date(2022, 1, 1)),
        period(date(2022, 2, 1), date(2024, 1, 1)),
        period(date(2023, 6, 1)),
    ]
    assert address_history_problems(history, TODAY) == [
        "There is a gap between 1 January 2022 and 1 February 2022",
        "Address 2 and address 3 overlap between 1 June 2023 and 1 January 2024",
    ]


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([period(date(2026, 3, 16))], "Address 1: the date you moved in must be today or in the past"),
        (
            [period(date(2019, 1, 1), date(2026, 3, 16)), period(date(2026, 3, 1))],
            "Address 1: the date you moved out must be today or in the past",
        ),
        (
            [period(date(2019, 1, 1)), period(date(2023, 1, 1), date(2022, 1, 1))],
            "Address 2: the date you moved in must be before the date you moved out",
        ),
        (
            [period(date(2019, 1, 1)), period(date(2022, 1, 1), date(2022, 1, 1))],
            "Address 2: the date you moved in must be before the date you moved out",
        ),
        ([period(date(2019, 1, 1), date(2026, 3, 15))], "Add your current address, without a date you moved out"),
        (
            [period(date(2019, 1, 1)), period(date(2020, 1, 1))],
            "Only your current address can be without a date you moved out",
        ),
    ],
)
def test_impossible_dates_are_reported_before_gaps(history, message):
    assert address_history_problems(history, TODAY) == [message]


def test_moving_in_today_is_allowed():
    history = [period(date(2019, 1, 1), TODAY), period(TODAY)]
    assert address_history_problems(history, TODAY) == []


def test_on_a_leap_day_five_years_back_is_28_february():
    leap_day = date(2024, 2, 29)
    assert add_years(leap_day, -5) == date(2019, 2, 28)
    assert address_history_problems([period(date(2019, 2, 28))], leap_day) == []
    assert address_history_problems([period(date(2019, 3, 1))], leap_day) == [
        "Your addresses must cover the last 5 years: tell us where you lived between 28 February 2019 and 1 March 2019"
    ]


def test_gp_history_covers_ten_years_in_its_own_words():
    practices = [period(date(2017, 1, 1), date(2020, 1, 1)), period(date(2020, 2, 1))]
    assert gp_history_problems(practices, TODAY) == [
        "Your GP practices must cover the last 10 years: tell us which practice you were registered with between "
        "15 March 2016 and 1 January 2017",
        "There is a gap between 1 January 2020 and 1 February 2020",
    ]
    assert gp_history_problems([period(date(2016, 3, 15))], TODAY) == []
    assert gp_history_problems([period(date(2016, 3, 15), date(2020, 1, 1))], TODAY) == [
        "Add your current GP practice, without a date you left"
    ]


def test_dates_in_messages_follow_the_page_language(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("cy"):
        problems = address_history_problems(
            [period(date(2019, 1, 1), date(2023, 3, 3)), period(date(2023, 6, 1))], TODAY
        )
    assert "3 Mawrth 2023" in problems[0] and "1 Mehefin 2023" in problems[0]
