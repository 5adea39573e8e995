"""Cases and workflow, exercised through the sample plugin's permit application."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from frontcounter.cases import engine
from frontcounter.cases.models import Case, CaseEvent, CaseHistoryIsAppendOnly
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, csrf_token, mailbox, staff_sign_in


def _apply(client, force="alpha", email="app@example.com", holder="Ann Applicant"):
    page = client.get(f"/{force}/sample/").get_data(as_text=True)
    token = csrf_token(page) if "csrf_token" in page else None
    response = client.post(f"/{force}/sample/apply", data={"holder": holder, "email": email, "vehicle": "AB12CDE",
                                                            **({"csrf_token": token} if token else {})})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def _case(app, force, reference) -> Case:
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        db.session.expunge(case)
        return case


def _fire(app, force, reference, name, **kw):
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        if name == "pay":
            from frontcounter.payments.service import pay_in_sandbox

            pay_in_sandbox(case, 2500, "Permit fee")
        else:
            engine.fire(case, name, actor="test", as_system=True, **kw)
        db.session.commit()


def test_references_are_per_force_service_and_year(app, client, forces):
    year = datetime.now(UTC).year % 100
    first = _apply(client)
    second = _apply(client)
    bravo = _apply(client, force="bravo")
    assert f"/alpha/track/ALP-SM-{year:02d}-000001?token=" in first
    assert f"ALP-SM-{year:02d}-000002" in second
    assert f"BRV-SM-{year:02d}-000001" in bravo


def _take_number(app, force, rollback: bool = False) -> int:
    with app.app_context(), tenant_context(force):
        number = engine.next_number("sample:race", 2026)
        if rollback:
            db.session.rollback()
        else:
            db.session.commit()
        return number


def test_reference_numbers_are_never_used_twice_even_when_taken_together(app, forces):
    from frontcounter.testing.race import race

    alpha = forces[0]
    first = _take_number(app, alpha, rollback=True)
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    # PostgreSQL takes the number in a transaction of its own, kept when the submission is rolled back (a gap).
    assert _take_number(app, alpha) == (first + 1 if postgres else first)
    numbers = race([lambda: _take_number(app, alpha) for _ in range(8 if postgres else 1)])
    assert len(set(numbers)) == len(numbers) and max(numbers) - min(numbers) == len(numbers) - 1
    assert _take_number(app, forces[1]) == 1  # each force counts on its own


def test_tracking_link_shows_the_timeline_and_only_with_a_valid_token(app, client, forces):
    link = _apply(client)
    reference = re.search(r"/track/([^?]+)", link).group(1)
    page = client.get(link).get_data(as_text=True)
    assert "Waiting for payment" in page and "Pay the fee." in page
    stranger = app.test_client()
    assert stranger.get(f"/alpha/track/{reference}").status_code == 404
    assert stranger.get(f"/alpha/track/{reference}?token=forged").status_code == 404
    # A token for one case does not open another.
    other = re.search(r"/track/([^?]+)", _apply(stranger)).group(1)
    token = link.split("token=")[1]
    assert app.test_client().get(f"/alpha/track/{other}?token={token}").status_code == 404
    # Nor does it work through another force.
    assert app.test_client().get(f"/bravo/track/{reference}?token={token}").status_code == 404


def test_illegal_transition_is_refused_with_a_clear_error(app, client, forces):
    reference = re.search(r"/track/([^?]+)", _apply(client)).group(1)
    with app.app_context(), tenant_context(forces[0]):
        case = engine.find_case(reference)
        with pytest.raises(engine.TransitionRefused) as wrong_state:
            engine.fire(case, "approve", actor="t", as_system=True)
        assert wrong_state.value.code == "wrong_state"
        assert "waiting for payment" in wrong_state.value.message
        with pytest.raises(engine.TransitionRefused) as guard:
            engine.fire(case, "pay", actor="t", as_system=True)
        assert guard.value.code == "guard_failed" and guard.value.message == "The fee has not been paid."
        with pytest.raises(engine.TransitionRefused) as unknown:
            engine.fire(case, "teleport", actor="t", as_system=True)
        assert unknown.value.code == "unknown_transition"
        db.session.rollback()
        assert engine.find_case(reference).state == "awaiting_payment"
        assert [e.transition for e in engine.find_case(reference).events] == ["opened"]


def test_roles_decide_who_fires_each_transition_from_the_case_page(app, client, forces):
    reference = re.search(r"/track/([^?]+)", _apply(client)).group(1)
    _fire(app, forces[0], reference, "pay")
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    add_staff(app, forces[0], "sup@alpha.example.com", ["supervisor"])
    cw, sup = app.test_client(), app.test_client()
    staff_sign_in(cw, app, "alpha", "cw@alpha.example.com")
    staff_sign_in(sup, app, "alpha", "sup@alpha.example.com")
    page = cw.get(f"/alpha/staff/work/case/{reference}").get_data(as_text=True)
    assert 'data-transition="start_check"' in page and 'data-transition="approve"' not in page
    cw.post(f"/alpha/staff/work/case/{reference}/transition",
            data={"transition": "start_check", "csrf_token": csrf_token(page)})
    assert _case(app, forces[0], reference).state == "checking"
    # A caseworker cannot approve, even by posting the form by hand.
    refused = cw.post(f"/alpha/staff/work/case/{reference}/transition",
                      data={"transition": "approve", "csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Your role does not allow you to issue permit" in refused.get_data(as_text=True)
    assert _case(app, forces[0], reference).state == "checking"
    # Refusal needs a note.
    sup_page = sup.get(f"/alpha/staff/work/case/{reference}").get_data(as_text=True)
    no_note = sup.post(f"/alpha/staff/work/case/{reference}/transition",
                       data={"transition": "refuse", "note": " ", "csrf_token": csrf_token(sup_page)},
                       follow_redirects=True)
    assert "Enter a note to say why." in no_note.get_data(as_text=True)
    sup.post(f"/alpha/staff/work/case/{reference}/transition",
             data={"transition": "approve", "csrf_token": csrf_token(sup_page)})
    case = _case(app, forces[0], reference)
    assert case.state == "issued"
    with app.app_context(), tenant_context(forces[0]):
        history = db.session.scalars(db.select(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.id)).all()
        assert [(e.transition, e.from_state, e.to_state, e.actor) for e in history] == [
            ("opened", None, "awaiting_payment", "app@example.com"),
            ("pay", "awaiting_payment", "submitted", "system: payments"),
            ("start_check", "submitted", "checking", "cw@alpha.example.com"),
            ("approve", "checking", "issued", "sup@alpha.example.com"),
        ]
        history[0].note = "rewritten"
        with pytest.raises(CaseHistoryIsAppendOnly):
            db.session.commit()
        db.session.rollback()


def test_applicant_is_emailed_at_states_the_public_hears_about(app, client, forces):
    reference = re.search(r"/track/([^?]+)", _apply(client, email="mail@example.com")).group(1)
    assert mailbox(app, "mail@example.com") == []  # awaiting payment: no email
    _fire(app, forces[0], reference, "pay")
    [received] = [m for m in mailbox(app, "mail@example.com") if not m.subject.startswith("Payment received")]
    assert received.subject == f"Parking permits: Received ({reference})"
    assert "A caseworker will check it within 5 working days." in received.text_body
    assert f"/alpha/track/{reference}?token=" in received.text_body
    assert received.status == "delivered"
    _fire(app, forces[0], reference, "start_check")
    _fire(app, forces[0], reference, "approve")
    issued = mailbox(app, "mail@example.com")[-1]
    assert "Good news: parking permit" in issued.text_body  # the plugin's own template for that state


def test_timers_fire_transitions_and_reminders_when_due(app, client, forces):
    from frontcounter.cases.timers import fire_due_timers

    unpaid = re.search(r"/track/([^?]+)", _apply(client, email="late@example.com")).group(1)
    checking = re.search(r"/track/([^?]+)", _apply(client, email="slow@example.com")).group(1)
    _fire(app, forces[0], checking, "pay")
    _fire(app, forces[0], checking, "start_check")
    with app.app_context():
        assert fire_due_timers(datetime.now(UTC) + timedelta(days=1)) == 0
        assert fire_due_timers(datetime.now(UTC) + timedelta(days=8)) == 2
        assert fire_due_timers(datetime.now(UTC) + timedelta(days=9)) == 0  # each fires once
    assert _case(app, forces[0], unpaid).state == "lapsed"
    assert _case(app, forces[0], checking).state == "checking"
    assert "reminder" in mailbox(app, "slow@example.com")[-1].subject
    assert mailbox(app, "late@example.com")[-1].subject.startswith("Parking permits: Closed: not paid")


def test_a_timer_is_cancelled_when_the_case_moves_on(app, client, forces):
    from frontcounter.cases.timers import fire_due_timers

    reference = re.search(r"/track/([^?]+)", _apply(client)).group(1)
    _fire(app, forces[0], reference, "pay")
    with app.app_context():
        assert fire_due_timers(datetime.now(UTC) + timedelta(days=30)) == 0
    assert _case(app, forces[0], reference).state == "submitted"


def test_queue_filters_sorts_by_deadline_and_paginates(app, client, forces):
    refs = [re.search(r"/track/([^?]+)", _apply(client, holder=f"Person {i}")).group(1) for i in range(28)]
    for ref in refs[:27]:
        _fire(app, forces[0], ref, "pay")
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", "cw@alpha.example.com")
    first = staff.get("/alpha/staff/work/sample/?state=submitted").get_data(as_text=True)
    assert "27 cases" in first
    listed = re.findall(r"/alpha/staff/work/case/([A-Z0-9-]+)", first)
    assert listed == refs[:25]  # soonest deadline first, 25 a page
    assert 'href="/alpha/staff/work/sample/?state=submitted&amp;page=2"' in first  # filters kept
    second = staff.get("/alpha/staff/work/sample/?state=submitted&page=2").get_data(as_text=True)
    assert re.findall(r"/alpha/staff/work/case/([A-Z0-9-]+)", second) == refs[25:27]
    # Assign one to me and filter.
    page = staff.get(f"/alpha/staff/work/case/{refs[3]}").get_data(as_text=True)
    staff.post(f"/alpha/staff/work/case/{refs[3]}/assign", data={"assignee": "me", "csrf_token": csrf_token(page)})
    mine = staff.get("/alpha/staff/work/sample/?assignee=me").get_data(as_text=True)
    assert re.findall(r"/alpha/staff/work/case/([A-Z0-9-]+)", mine) == [refs[3]]
    assert "1 open case" in mine
    overdue = staff.get("/alpha/staff/work/sample/?overdue=yes").get_data(as_text=True)
    assert "0 open cases" in overdue


def test_queue_page_costs_a_fixed_number_of_queries(app, client, forces):
    from sqlalchemy import event

    for i in range(30):
        _apply(client, holder=f"P{i}")
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", "cw@alpha.example.com")
    counts = []
    with app.app_context():
        engine_ = db.engine
    statements: list[str] = []

    def count(*args, **kwargs):
        statements.append(args[2])

    event.listen(engine_, "before_cursor_execute", count)
    try:
        staff.get("/alpha/staff/work/sample/")
        counts.append(len(statements))
        statements.clear()
        for i in range(30):
            _apply(client, holder=f"Q{i}")
        statements.clear()
        staff.get("/alpha/staff/work/sample/?page=2")
        counts.append(len(statements))
    finally:
        event.remove(engine_, "before_cursor_execute", count)
    assert counts[0] == counts[1], counts


def test_workflow_diagram_is_shown_to_staff(app, forces):
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", "cw@alpha.example.com")
    page = staff.get("/alpha/staff/work/sample/workflow").get_data(as_text=True)
    assert "stateDiagram-v2" in page
    assert "checking --&gt; issued: approve (supervisor)" in page
    assert "awaiting_payment --&gt; lapsed: after 7 days" in page


def test_signed_in_applicant_sees_their_cases_and_plugins_hear_of_transitions(app, client, forces):
    from frontcounter_sample import hooks

    from tests.conftest import PASSWORD, public_account, submit

    public_account(app, "owner@example.com")
    submit(client, "/account/sign-in", {"email": "owner@example.com", "password": PASSWORD})
    hooks.CALLS.clear()
    link = _apply(client, email="ignored@example.com")
    reference = re.search(r"/track/([^?]+)", link).group(1)
    assert reference in client.get("/alpha/your-cases").get_data(as_text=True)
    assert client.get(f"/alpha/track/{reference}").status_code == 200  # no token needed: it is theirs
    _fire(app, forces[0], reference, "pay")
    assert ("case_transitioned", f"{reference}:pay") in hooks.CALLS


def test_a_case_records_when_it_closed_so_queues_can_skip_closed_work(app, client, forces):
    reference = re.search(r"/track/([^?]+)", _apply(client)).group(1)
    assert _case(app, forces[0], reference).closed_at is None
    _fire(app, forces[0], reference, "pay")
    assert _case(app, forces[0], reference).closed_at is None
    _fire(app, forces[0], reference, "start_check")
    _fire(app, forces[0], reference, "refuse", note="Not eligible")
    closed = _case(app, forces[0], reference)
    assert closed.state == "refused" and closed.closed_at is not None
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(db.func.count(Case.id)).where(Case.closed_at.is_(None))) == 0
