"""The one reader of GOV.UK date inputs: three boxes named <prefix>-day, <prefix>-month and <prefix>-year."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _

from frontcounter.calendar import uk_today

PARTS = ("day", "month", "year")


def date_parts(form: Mapping[str, str], prefix: str) -> dict[str, str]:
    """The three boxes as typed (trimmed), to show again next to an error."""
    return {part: (form.get(f"{prefix}-{part}") or "").strip() for part in PARTS}


def is_blank(form: Mapping[str, str], prefix: str) -> bool:
    """True when none of the three boxes has anything in it."""
    return not any(date_parts(form, prefix).values())


def read_date(
    form: Mapping[str, str],
    prefix: str,
    errors: dict[str, str],
    what: str,
    *,
    future_only: bool = False,
    years: tuple[int, int] = (1900, 2100),
    key: str | None = None,
) -> date | None:
    """Read a date input; on a problem add a GOV.UK message about `what` under `key` (default <prefix>-day).

    Messages: "Enter <what>" (all blank), "<What> must be a real date" (not a date, a part missing, or a
    year outside `years` or not four digits), "<What> must be today or in the future" (`future_only`,
    against the UK date).
    """
    key = key or f"{prefix}-day"
    raw = date_parts(form, prefix)
    if not any(raw.values()):
        errors[key] = _("Enter %(what)s", what=what)
        return None
    try:
        if not all(v.isdigit() for v in raw.values()) or len(raw["year"]) != 4:
            raise ValueError(raw)
        found = date(int(raw["year"]), int(raw["month"]), int(raw["day"]))
        if not years[0] <= found.year <= years[1]:
            raise ValueError(found.year)
    except ValueError:
        errors[key] = _("%(what)s must be a real date", what=what[:1].upper() + what[1:])
        return None
    if future_only and found < uk_today():
        errors[key] = _("%(what)s must be today or in the future", what=what[:1].upper() + what[1:])
        return None
    return found


def joined_date(form: Mapping[str, str], prefix: str) -> str | None:
    """The boxes joined as 'YYYY-MM-DD' for a schema to validate (None when all are blank)."""
    raw = date_parts(form, prefix)
    if not any(raw.values()):
        return None
    return f"{raw['year']:0>4}-{raw['month']:0>2}-{raw['day']:0>2}"
