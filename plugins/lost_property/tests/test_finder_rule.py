"""The finder's claim: 28 days after hand-in (or the force's period) for categories a finder may have, never
for phones and other devices, identity documents, bank cards or suspected stolen items; and the retention
and lost-report dates."""

from __future__ import annotations

from datetime import date

import pytest
from frontcounter_lost_property.dates import disposal_date, finder_claim_date, report_expiry

RECEIVED = date(2026, 1, 31)

TABLE = [
    # category, finder wants it, days, first day the finder may claim
    ("cash", True, 28, date(2026, 2, 28)),
    ("jewellery", True, 28, date(2026, 2, 28)),
    ("other", True, 28, date(2026, 2, 28)),
    ("cash", True, 14, date(2026, 2, 14)),
    ("cash", False, 28, None),  # the finder did not ask for it
    ("phone", True, 28, None),  # data-bearing devices never go to the finder
    ("id_documents", True, 28, None),
    ("bank_cards", True, 28, None),
    ("suspected_stolen", True, 28, None),
    ("weapon", True, 28, None),  # not a category the service takes at all
]


@pytest.mark.parametrize(("category", "wants", "days", "expected"), TABLE)
def test_finder_claim_date_by_category(category, wants, days, expected):
    assert finder_claim_date(category, RECEIVED, wants, days) == expected


def test_nothing_opens_before_the_item_is_received():
    assert finder_claim_date("cash", None, True, 28) is None
    assert disposal_date(None, 90) is None


@pytest.mark.parametrize(("received", "days", "expected"), [
    (date(2026, 1, 1), 90, date(2026, 4, 1)),
    (date(2028, 2, 1), 28, date(2028, 2, 29)),  # a leap year counts its 29 February
    (date(2026, 12, 20), 28, date(2027, 1, 17)),  # across the new year and bank holidays alike
])
def test_retention_period_ends_in_calendar_days(received, days, expected):
    assert disposal_date(received, days) == expected


def test_a_lost_report_stays_open_for_the_forces_period():
    assert report_expiry(date(2026, 3, 1), 60) == date(2026, 4, 30)
