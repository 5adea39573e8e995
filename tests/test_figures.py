"""Management figures: the daily aggregation and the grouped reads agree with figures worked out by hand from a
fixed set of cases, payments, refunds and history; UK days; channels; deadlines; statement counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from frontcounter.cases import engine
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.extensions import db
from frontcounter.figures import aggregation, queries
from frontcounter.figures.queries import Period
from frontcounter.payments.models import Payment, Refund
from frontcounter.tenancy import tenant_context
from sqlalchemy import event

from tests.conftest import make_force


def at(text: str) -> datetime:
    """A UTC moment written as 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def add_case(ref, n: int, created: str, *, channel="online", closed=None, met=None, deadline=None,
             history=(), state="submitted", service="sample") -> Case:
    """A case with its history: `history` is [(when, transition, from_state, to_state), ...] after 'opened'."""
    with tenant_context(ref):
        case = Case(reference=f"{ref.code}-SM-26-{n:06d}", service_key=service, state=state,
                    applicant_email=f"p{n}@example.com", created_at=at(created), channel=channel,
                    closed_at=at(closed) if closed else None, deadline_met=met,
                    deadline_at=at(deadline) if deadline else None)
        db.session.add(case)
        db.session.flush()
        db.session.add(CaseEvent(case_id=case.id, at=at(created), actor="t", transition="opened", from_state=None,
                                 to_state="awaiting_payment"))
        for when, name, source, target in history:
            db.session.add(CaseEvent(case_id=case.id, at=at(when), actor="t", transition=name, from_state=source,
                                     to_state=target))
        db.session.commit()
        return case


def add_payment(ref, case: Case, pence: int, created: str, state="success", refund=None) -> None:
    """A payment (and optionally a refund: (pence, created, state))."""
    with tenant_context(ref):
        payment = Payment(case_id=case.id, provider="sandbox", amount_pence=pence, state=state, description="Fee",
                          created_at=at(created))
        db.session.add(payment)
        db.session.flush()
        if refund:
            pence_back, when, refund_state = refund
            payment.refunded_pence = pence_back
            db.session.add(Refund(payment_id=payment.id, amount_pence=pence_back, reason="r", state=refund_state,
                                  actor="t", created_at=at(when)))
        db.session.commit()


@pytest.fixture
def fixed(app):
    """Alpha's four cases and Bravo's one, as described in each test's expectations."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"sample": True})
        bravo = make_force("bravo", "BRV", {"sample": True})
        a1 = add_case(alpha, 1, "2026-03-10 10:00", closed="2026-03-20 12:00", met=True, state="issued", history=[
            ("2026-03-10 10:05", "pay", "awaiting_payment", "submitted"),
            ("2026-03-12 10:05", "start_check", "submitted", "checking"),
            ("2026-03-20 12:05", "approve", "checking", "issued")])
        # 23:30 UTC on 31 March is 00:30 on 1 April in the UK (summer time began on 29 March 2026).
        a2 = add_case(alpha, 2, "2026-03-31 23:30", channel="staff", closed="2026-04-15 11:40", met=False,
                      state="refused", history=[
                          ("2026-03-31 23:40", "pay", "awaiting_payment", "submitted"),
                          ("2026-04-05 23:40", "start_check", "submitted", "checking"),
                          ("2026-04-15 11:40", "refuse", "checking", "refused")])
        a3 = add_case(alpha, 3, "2026-04-02 09:00", channel="api", deadline="2026-04-10 23:00")
        add_case(alpha, 4, "2026-01-15 09:00", state="awaiting_payment")
        add_payment(alpha, a1, 2500, "2026-03-10 10:01", refund=(1000, "2026-04-03 10:00", "success"))
        add_payment(alpha, a2, 2500, "2026-03-31 23:35")
        add_payment(alpha, a3, 2500, "2026-04-02 09:01", state="failed")
        b1 = add_case(bravo, 1, "2026-03-11 10:00", closed="2026-03-12 10:00", met=False, state="issued")
        add_payment(bravo, b1, 9900, "2026-03-11 10:01")
        aggregation.rebuild(date(2026, 1, 1), date(2026, 4, 30))
        db.session.commit()
        return alpha, bravo


PERIOD = Period(date(2026, 1, 1), date(2026, 4, 1))


def test_monthly_figures_match_the_hand_count(app, fixed):
    alpha, _bravo = fixed
    with app.app_context(), tenant_context(alpha):
        figures = queries.monthly(PERIOD)
    jan, feb, mar, apr = (figures.by_month[date(2026, month, 1)] for month in (1, 2, 3, 4))
    assert jan.applications == {"online": 1, "staff": 0, "api": 0} and jan.payments == 0
    assert feb.total_applications == 0
    assert mar.applications == {"online": 1, "staff": 0, "api": 0}
    assert (mar.payments, mar.income_pence, mar.refunded_pence) == (1, 2500, 0)
    assert (mar.closed, mar.deadline_checked, mar.deadline_met, mar.compliance) == (1, 1, 1, 100)
    # Case 2 and its payment fall in April by the UK clock; the refund of March's payment was made in April.
    assert apr.applications == {"online": 0, "staff": 1, "api": 1}
    assert (apr.payments, apr.income_pence, apr.refunds, apr.refunded_pence, apr.net_pence) == (1, 2500, 1, 1000, 1500)
    assert (apr.closed, apr.deadline_checked, apr.deadline_met, apr.compliance) == (1, 1, 0, 0)
    total = figures.total
    assert (total.total_applications, total.payments, total.net_pence, total.compliance) == (4, 2, 4000, 50)
    assert total.staff_share == 25
    assert set(figures.by_service) == {"sample"}


def test_time_in_each_state_is_averaged_over_the_stays_that_ended(app, fixed):
    alpha, _bravo = fixed
    with app.app_context(), tenant_context(alpha):
        stays = {row.state: row for row in queries.state_times(PERIOD)}
    assert set(stays) == {"awaiting_payment", "submitted", "checking"}
    assert (stays["awaiting_payment"].visits, stays["awaiting_payment"].seconds) == (2, 300 + 600)
    assert (stays["submitted"].visits, stays["submitted"].seconds) == (2, 2 * 86400 + 5 * 86400)
    assert stays["submitted"].average_days == 3.5
    checking = (8 * 86400 + 2 * 3600) + (9 * 86400 + 12 * 3600)
    assert (stays["checking"].visits, stays["checking"].seconds) == (2, checking)
    assert stays["checking"].average_days == 8.8


def test_backlog_by_age_and_overdue(app, fixed):
    alpha, _bravo = fixed
    with app.app_context(), tenant_context(alpha):
        [row] = queries.backlog(now=at("2026-04-20 12:00"))
    assert row.service_key == "sample"
    assert row.ages == {"0-7": 0, "8-30": 1, "31-90": 0, "91+": 1}
    assert (row.total, row.overdue) == (2, 1)


def test_each_force_sees_only_its_own_and_the_nation_sees_both(app, fixed):
    alpha, bravo = fixed
    with app.app_context():
        with tenant_context(bravo):
            mine = queries.monthly(PERIOD).total
            assert [b.total for b in queries.backlog()] == []
        assert (mine.total_applications, mine.income_pence, mine.compliance) == (1, 9900, 0)
        national = queries.monthly(PERIOD, national=True).total
        assert (national.total_applications, national.income_pence, national.closed) == (5, 14900, 3)
        forces = queries.by_force(PERIOD)
        assert forces[alpha.id].total_applications == 4 and forces[bravo.id].income_pence == 9900
        assert queries.open_by_force() == {alpha.id: 2}


def test_a_service_filter_and_a_rebuild_of_one_day_leave_the_rest(app, fixed):
    alpha, _bravo = fixed
    with app.app_context():
        with tenant_context(alpha):
            assert queries.monthly(PERIOD, "lost_property").total.total_applications == 0
        aggregation.rebuild(date(2026, 4, 1), date(2026, 4, 1))  # case 2 and its payment again, nothing twice
        db.session.commit()
        with tenant_context(alpha):
            assert queries.monthly(PERIOD).total.total_applications == 4
            assert queries.monthly(PERIOD).total.income_pence == 5000


def test_uk_days_in_winter_and_summer(app):
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"sample": True})
        add_case(alpha, 1, "2026-01-31 23:30")  # GMT: still 31 January
        add_case(alpha, 2, "2026-06-30 23:30")  # BST: 1 July
        add_case(alpha, 3, "2026-10-25 00:30")  # 01:30 BST, the night the clocks go back: 25 October
        aggregation.rebuild(date(2026, 1, 1), date(2026, 12, 31))
        with tenant_context(alpha):
            figures = queries.monthly(Period(date(2026, 1, 1), date(2026, 12, 1))).by_month
        assert [month.month for month, f in figures.items() if f.total_applications] == [1, 7, 10]


def test_the_engine_records_channel_and_deadlines(app):
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"sample": True})
        with tenant_context(alpha):
            late = engine.open_case("sample", applicant_email="late@example.com")
            on_time = engine.open_case("sample", applicant_email="ok@example.com", channel="staff")
            never = engine.open_case("sample", applicant_email="none@example.com", channel="nonsense")
            late.deadline_at = datetime.now(UTC) - timedelta(hours=1)
            on_time.deadline_at = datetime.now(UTC) + timedelta(hours=1)
            for case in (late, on_time, never):
                engine.fire(case, "lapse", actor="system", as_system=True)
            db.session.commit()
            assert [(c.channel, c.deadline_met, c.closed_at is not None) for c in (late, on_time, never)] == [
                ("online", False, True), ("staff", True, True), ("online", None, True)]
    with app.test_request_context("/api/v1/cases"):
        from flask import g

        assert engine.request_channel() == "online"
        g._fc_api_client = object()
        assert engine.request_channel() == "api"


def test_a_missed_deadline_stays_missed(app):
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"sample": True})
        with tenant_context(alpha):
            case = engine.open_case("sample", applicant_email="a@example.com")
            case.deadline_at = datetime.now(UTC) - timedelta(days=1)
            engine.fire(case, "withdraw", actor="a@example.com", as_applicant=True)
            assert case.deadline_met is False
            case.state, case.deadline_at = "submitted", datetime.now(UTC) + timedelta(days=1)
            engine.fire(case, "withdraw", actor="a@example.com", as_applicant=True)
            assert case.deadline_met is False


def _statements(app, work) -> int:
    count = [0]

    def seen(*_args, **_kwargs):
        count[0] += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            work()
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    return count[0]


def test_statement_counts_do_not_grow_with_the_data(app):
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"sample": True})
        make_force("bravo", "BRV", {"sample": True})

    def add(first: int, count: int) -> None:
        with app.app_context():
            for n in range(first, first + count):
                day = 1 + n % 27
                case = add_case(alpha, n, f"2026-03-{day:02d} 10:00", channel=("online", "staff", "api")[n % 3],
                                closed=f"2026-04-{day:02d} 10:00" if n % 2 else None, met=bool(n % 4 == 1) if n % 2
                                else None, history=[(f"2026-03-{day:02d} 11:00", "pay", "awaiting_payment",
                                                     "submitted")])
                add_payment(alpha, case, 1000 + n, f"2026-03-{day:02d} 10:30",
                            refund=(100, f"2026-03-{day:02d} 12:00", "success") if n % 5 == 0 else None)

    def work() -> None:
        aggregation.rebuild(date(2026, 1, 1), date(2026, 4, 30))
        db.session.commit()
        with tenant_context(alpha):
            queries.monthly(PERIOD)
            queries.state_times(PERIOD)
            queries.backlog()
        queries.by_force(PERIOD)
        queries.open_by_force()

    add(1, 6)
    few = _statements(app, work)
    add(100, 30)
    many = _statements(app, work)
    assert few == many
    with app.app_context(), tenant_context(alpha):
        assert queries.monthly(PERIOD).total.total_applications == 36
