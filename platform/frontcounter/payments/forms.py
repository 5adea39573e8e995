"""Reading money typed by a person: '£1,234.50' -> 123450 pence."""

from __future__ import annotations

import re

from flask_babel import gettext as _

_POUNDS = re.compile(r"^(\d{1,7})(?:\.(\d{1,2}))?$")


def parse_pounds(text: str) -> int:
    """Return the amount in pence of an amount in pounds, or raise ValueError with a message to show."""
    cleaned = (text or "").strip().replace(",", "").removeprefix("£").strip()
    if not cleaned:
        raise ValueError(_("Enter an amount in pounds, like 12.50"))
    match = _POUNDS.match(cleaned)
    if match is None:
        raise ValueError(_("Enter an amount in pounds and pence, like 12.50"))
    pounds, fraction = match.group(1), (match.group(2) or "0").ljust(2, "0")
    amount = int(pounds) * 100 + int(fraction)
    if amount <= 0:
        raise ValueError(_("Enter an amount of at least £0.01"))
    return amount
