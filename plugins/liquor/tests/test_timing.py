"""Standard, late or out of time, and the police objection window, against a table of statutory cases worked
by hand (England and Wales bank holidays: Christmas 2026 is Fri 25 and Mon 28 Dec, New Year Fri 1 Jan 2027,
Easter 2027 is Fri 26 and Mon 29 Mar)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from frontcounter.calendar import calendar_for
from frontcounter_liquor.timing import NoticeKind, classify, objection_due, within_window

CAL = calendar_for("england-and-wales")
S, L, X = NoticeKind.STANDARD, NoticeKind.LATE, NoticeKind.OUT_OF_TIME

CASES = [
    # received, first day of the event, clear working days, kind
    ("weekends: Mon to Mon two weeks on", date(2026, 11, 2), date(2026, 11, 16), 9, L),
    ("weekends: Fri to Mon", date(2026, 10, 30), date(2026, 11, 16), 10, S),
    ("weekends: Mon to Tue", date(2026, 11, 2), date(2026, 11, 17), 10, S),
    ("weekends: one week", date(2026, 11, 9), date(2026, 11, 16), 4, X),
    ("weekends: Fri to Mon week after", date(2026, 11, 6), date(2026, 11, 16), 5, L),
    ("received on a Saturday", date(2026, 11, 7), date(2026, 11, 16), 5, L),
    ("Thu to the Fri after next", date(2026, 11, 5), date(2026, 11, 13), 5, L),
    ("event the next day", date(2026, 11, 5), date(2026, 11, 6), 0, X),
    ("Easter: would be standard without the holidays", date(2027, 3, 19), date(2027, 4, 5), 8, L),
    ("Easter: would be late without the holidays", date(2027, 3, 24), date(2027, 4, 2), 4, X),
    ("Easter: 9 clear days", date(2027, 3, 18), date(2027, 4, 5), 9, L),
    ("Easter: 10 clear days", date(2027, 3, 17), date(2027, 4, 5), 10, S),
    ("Christmas: Fri 18 Dec to Sat 2 Jan", date(2026, 12, 18), date(2027, 1, 2), 7, L),
    ("Christmas: Mon 14 Dec to Mon 4 Jan", date(2026, 12, 14), date(2027, 1, 4), 11, S),
    ("Christmas: Tue 15 Dec to Mon 4 Jan", date(2026, 12, 15), date(2027, 1, 4), 10, S),
    ("Christmas: Wed 16 Dec to Mon 4 Jan", date(2026, 12, 16), date(2027, 1, 4), 9, L),
    ("Christmas: Wed 23 Dec to Thu 7 Jan", date(2026, 12, 23), date(2027, 1, 7), 7, L),
    ("Christmas: Christmas Eve to Tue 5 Jan", date(2026, 12, 24), date(2027, 1, 5), 4, X),
]


@pytest.mark.parametrize(("label", "received", "first_day", "days", "kind"), CASES, ids=[c[0] for c in CASES])
def test_notice_kind(label, received, first_day, days, kind):
    timing = classify(received, first_day, CAL)
    assert (timing.working_days, timing.kind) == (days, kind)
    assert timing.valid is (kind is not X)


def test_the_dates_shown_for_a_notice_that_is_too_late():
    timing = classify(date(2026, 12, 24), date(2027, 1, 5), CAL)
    # Counting back from Tue 5 Jan: Mon 4 Jan, Thu 31, Wed 30, Tue 29 and Thu 24 Dec are the 5 clear working
    # days, so the last day to give a late notice was Wed 23 Dec.
    assert timing.last_late_day == date(2026, 12, 23)
    assert CAL.working_days_between(timing.last_late_day, date(2027, 1, 5)) == 5


WINDOWS = [
    ("Monday receipt", date(2026, 11, 2), date(2026, 11, 5)),
    ("Friday receipt runs over the weekend", date(2026, 11, 6), date(2026, 11, 11)),
    ("Saturday receipt", date(2026, 11, 7), date(2026, 11, 11)),
    ("Easter", date(2027, 3, 25), date(2027, 4, 1)),
    ("Christmas", date(2026, 12, 23), date(2026, 12, 30)),
    ("New Year", date(2026, 12, 30), date(2027, 1, 5)),
]


@pytest.mark.parametrize(("label", "received", "due"), WINDOWS, ids=[w[0] for w in WINDOWS])
def test_objection_window_is_three_working_days_from_receipt(label, received, due):
    assert objection_due(received, 3, CAL) == due
    assert within_window(due, due)
    assert not within_window(CAL.next_working_day(due + timedelta(days=1)), due)


def test_a_force_closure_day_lengthens_the_window():
    closed = calendar_for("england-and-wales", ["2026-11-04"])
    assert objection_due(date(2026, 11, 2), 3, closed) == date(2026, 11, 6)
