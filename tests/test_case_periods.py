"""Deadlines and timers from force settings: timedelta, settings keys, calendar and working days to the UK day's end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from frontcounter.cases import Days, State, Timer, Transition, Workflow
from frontcounter.cases.periods import due_at
from frontcounter.tenancy.context import TenantRef, tenant_context

ENGLAND = TenantRef(id=1, slug="e", name="E", code="E")
SCOTLAND = TenantRef(id=2, slug="s", name="S", code="S", nation="scotland")
CLOSED_2_JAN = TenantRef(id=3, slug="c", name="C", code="C", closure_days=("2026-01-05",))
CASE = SimpleNamespace(service_key="svc", data={"urgent": True})
SETTINGS = {"referee_days": 10, "reply_working_days": 3}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _london_end(day: str) -> datetime:
    """23:59:59.999999 London time on `day`, in UTC."""
    from frontcounter.calendar import uk_end_of_day

    return uk_end_of_day(datetime.fromisoformat(day).date()).astimezone(UTC)


def _by_urgency(case, settings):
    return Days(2, working=True) if case.data.get("urgent") else "referee_days"


# (force, period, moment the case moved (UTC), expected end)
CASES = [
    # A timedelta is exact, to the second, as before.
    (ENGLAND, timedelta(hours=36), "2026-03-02T10:00:00", _utc("2026-03-03T22:00:00")),
    # A settings key: that many calendar days, to the end of the UK day.
    (ENGLAND, "referee_days", "2026-03-02T10:00:00", _london_end("2026-03-12")),
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (BST): one day later is the end of 3 June.
    (ENGLAND, Days(1), "2026-06-01T23:30:00", _london_end("2026-06-03")),
    (ENGLAND, Days(7), "2026-01-05T09:00:00", _london_end("2026-01-12")),
    # Working days: Easter 2026 (Good Friday 3 April, Easter Monday 6 April) in England.
    (ENGLAND, Days(3, working=True), "2026-04-01T12:00:00", _london_end("2026-04-08")),
    (ENGLAND, Days("reply_working_days", working=True), "2026-04-01T12:00:00", _london_end("2026-04-08")),
    # Scotland keeps Easter Monday as a working day.
    (SCOTLAND, Days(3, working=True), "2026-04-01T12:00:00", _london_end("2026-04-07")),
    # Christmas and New Year: 25, 26 (Saturday, substitute Monday 28 December) 2026 and 1 January 2027.
    (ENGLAND, Days(2, working=True), "2026-12-24T10:00:00", _london_end("2026-12-30")),
    # A force's own closure day is not a working day.
    (CLOSED_2_JAN, Days(1, working=True), "2026-01-02T10:00:00", _london_end("2026-01-06")),
    # A function of (case, settings) may return any period, an int of days, a datetime or None.
    (ENGLAND, _by_urgency, "2026-04-01T12:00:00", _london_end("2026-04-07")),
    (ENGLAND, lambda case, settings: 14, "2026-02-15T10:00:00", _london_end("2026-03-01")),
    (ENGLAND, lambda case, settings: _utc("2026-05-01T09:00:00"), "2026-04-01T12:00:00", _utc("2026-05-01T09:00:00")),
    (ENGLAND, lambda case, settings: None, "2026-04-01T12:00:00", None),
    (ENGLAND, None, "2026-04-01T12:00:00", None),
]


@pytest.mark.parametrize(("force", "period", "moved", "expected"), CASES)
def test_a_period_ends_where_the_table_says(force, period, moved, expected):
    with tenant_context(force):
        assert due_at(period, CASE, _utc(moved), SETTINGS) == expected


def test_a_missing_setting_is_an_error_not_a_silent_default():
    with tenant_context(ENGLAND), pytest.raises(KeyError, match="no_such_days"):
        due_at("no_such_days", CASE, _utc("2026-04-01T12:00:00"), SETTINGS)


def test_a_workflow_rejects_what_is_not_a_period():
    with pytest.raises(ValueError, match="not a timedelta"):
        Workflow(states=[State("a", "A", deadline=7)], transitions=[])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a timedelta"):
        Workflow(states=[State("a", "A")], transitions=[Transition("t", ("a",), "a", "T")],
                 timers=[Timer("a", 3.5, transition="t")])  # type: ignore[arg-type]


def test_the_diagram_names_settings_and_working_days():
    flow = Workflow(
        states=[State("a", "A"), State("b", "B")],
        transitions=[Transition("t", ("a",), "b", "T"), Transition("u", ("b",), "a", "U")],
        timers=[Timer("a", Days("referee_days"), transition="t"), Timer("b", Days(5, working=True), transition="u")],
    )
    assert "a --> b: after referee_days setting: days" in flow.mermaid()
    assert "b --> a: after 5 working days" in flow.mermaid()
