"""Helpers for the licensing tests: a valid notice as posted, and giving one on a fixed day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from frontcounter.calendar import calendar_for

CAL = calendar_for("england-and-wales")


def notice_values(first_day: date, **changes: Any) -> dict[str, Any]:
    """A notice as the API takes it (JSON values), for an event on `first_day` in Harbour Council's area."""
    values = {
        "user_name": "Sam Organiser", "user_dob": "1980-04-01", "user_email": "sam@example.com",
        "user_address": "1 Quay Road, Poole", "personal_licence": False,
        "premises_address": "St Mary's Hall\nHigh Street", "premises_postcode": "BH15 1AA",
        "start_date": first_day.isoformat(), "start_time": "18:00",
        "end_date": first_day.isoformat(), "end_time": "23:00",
        "people": 120, "activities": ["entertainment"], "alcohol": True, "alcohol_where": "on",
    }
    values.update(changes)
    return values


def form_values(first_day: date, **changes: Any) -> dict[str, Any]:
    """The same notice as the web form posts it (GOV.UK date inputs, yes/no radios)."""
    values = notice_values(first_day, **changes)
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in ("user_dob", "start_date", "end_date") and value:
            day = date.fromisoformat(value)
            out.update({f"{key}-day": str(day.day), f"{key}-month": str(day.month), f"{key}-year": str(day.year)})
        elif isinstance(value, bool):
            out[key] = "yes" if value else "no"
        else:
            out[key] = value if isinstance(value, list) else str(value)
    out.setdefault("premises_type", "address")
    return out


def give(force, received: date, first_day: date, **changes: Any):
    """Give a notice received on `received` for an event on `first_day`; returns the case reference."""
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context
    from frontcounter_liquor.notice_input import read_notice
    from frontcounter_liquor.notices import give_notice

    with tenant_context(force):
        notice, errors = read_notice(notice_values(first_day, **changes), received)
        assert not errors, errors
        case = give_notice(notice, received, source="online", actor="test")
        db.session.commit()
        return case.reference


def later(day: date, days: int) -> date:
    """`days` calendar days after `day`."""
    return day + timedelta(days=days)
