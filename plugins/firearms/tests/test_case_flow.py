"""The firearms workflow run by the core engine: guards on real rows, roles, timers and the applicant's emails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from frontcounter.cases import engine
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.cases.timers import fire_due_timers
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import mailbox
from frontcounter_firearms.checks import DemoIntelligenceCheck, run_checks
from frontcounter_firearms.guards import GP_INFORMATION
from frontcounter_firearms.workflow import WORKFLOW

from .support import add_document, add_referee, attempt, fire, open_application, pay, to_decision, to_referees_stage


@pytest.fixture
def firearms_workflow(app, monkeypatch):
    """The firearms service with its workflow declared (what hooks.py will say once it registers WORKFLOW)."""
    monkeypatch.setattr(app.extensions["frontcounter.plugins"].services["firearms"], "workflow", WORKFLOW)


@pytest.fixture
def alpha(app, firearms_forces, firearms_workflow):
    """Work inside Alpha Police, with the firearms workflow."""
    with app.app_context(), tenant_context(firearms_forces[0]) as force:
        yield force
        db.session.rollback()


def states(case) -> list[str]:
    return [
        e.to_state for e in db.session.scalars(db.select(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.id))
    ]


def test_a_grant_moves_on_only_when_each_guard_is_met(app, alpha):
    case = open_application()
    assert attempt(case, "pay") == "The fee has not been paid."
    pay(case)
    fire(case, "pay")
    assert attempt(case, "accept", roles=("caseworker",)) == "The applicant's photo has not been uploaded."
    add_document(case, "photo")
    fire(case, "accept", roles=("caseworker",))

    assert attempt(case, "start_checks") == "0 of the 2 referees needed have confirmed."
    add_referee(case, "Robin Reed")
    add_referee(case, "Sam Smith", likeness=False)  # confirmed, but not that the photo is a likeness
    assert attempt(case, "start_checks") == "1 of the 2 referees needed have confirmed."
    add_referee(case, "Kim King")
    assert attempt(case, "start_checks") == "The GP's medical information has not been received."
    add_document(case, GP_INFORMATION)
    fire(case, "start_checks")

    assert attempt(case, "checks_done", roles=("caseworker",)) == "Run the background checks first."
    run_checks(case, {"surname": "Unavailable"}, [DemoIntelligenceCheck(name="pnc")])
    assert attempt(case, "checks_done", roles=("caseworker",)) == "Run these background checks again: pnc."
    run_checks(case, {"surname": "Archer"}, [DemoIntelligenceCheck(name="pnc")])
    fire(case, "checks_done", roles=("caseworker",))

    assert attempt(case, "record_phone_enquiry", roles=("field_officer",), note="Spoke by phone.") == (
        "Only a renewal can be enquired into by phone: arrange a home visit."
    )
    fire(case, "book_visit", roles=("caseworker",))
    fire(case, "record_visit", roles=("field_officer",), note="Security checked.")
    fire(case, "grant", roles=("supervisor",))
    db.session.commit()

    assert states(case) == [
        "awaiting_payment",
        "submitted",
        "awaiting_referees_gp",
        "background_checks",
        "visit_to_arrange",
        "visit_booked",
        "decision",
        "granted",
    ]
    subjects = [m.subject for m in mailbox(app, "alex@example.com")]
    assert any("Received" in s for s in subjects) and any("Granted" in s for s in subjects)


def test_a_free_like_for_like_variation_needs_no_payment_but_a_paid_one_does(alpha):
    free = open_application(kind="variation", fee_pence=0)
    fire(free, "pay")
    owed = open_application(kind="variation", fee_pence=4700)
    assert attempt(owed, "pay") == "The fee has not been paid."


def test_a_shotgun_certificate_needs_one_referee(alpha):
    case = open_application(certificates=("sgc",), fee_pence=19400)
    to_referees_stage(case)
    add_document(case, GP_INFORMATION)
    add_referee(case, "Robin Reed", confirmed=False)
    assert attempt(case, "start_checks") == "0 of the 1 referees needed have confirmed."
    add_referee(case, "Sam Smith")
    fire(case, "start_checks")


def test_a_renewal_may_be_enquired_into_by_phone(alpha):
    case = open_application(kind="renewal", fee_pence=13100)
    to_referees_stage(case)
    add_referee(case, "Robin Reed")
    add_referee(case, "Sam Smith")
    add_document(case, GP_INFORMATION)
    fire(case, "start_checks")
    run_checks(case, {"surname": "Archer"}, [DemoIntelligenceCheck()])
    fire(case, "checks_done", roles=("caseworker",))
    assert attempt(case, "record_phone_enquiry", roles=("field_officer",)) == "Enter a note to say why."
    fire(case, "record_phone_enquiry", roles=("field_officer",), note="Renewal: no changes, security unchanged.")
    assert case.state == "decision"


@pytest.mark.parametrize(
    ("name", "allowed", "refused"),
    [
        ("grant", ("supervisor",), ("caseworker", "field_officer")),
        ("refuse", ("supervisor",), ("caseworker", "field_officer")),
        ("refer_back", ("supervisor",), ("caseworker", "field_officer")),
    ],
)
def test_only_a_supervisor_decides(alpha, name, allowed, refused):
    case = open_application()
    to_decision(case)
    for role in refused:
        with pytest.raises(engine.TransitionRefused) as caught:
            engine.fire(case, name, actor="t", roles=(role,), note="Reasons.")
        assert caught.value.code == "forbidden"
    fire(case, name, roles=allowed, note="Reasons.")


def test_only_a_field_officer_records_the_visit(alpha):
    case = open_application()
    to_referees_stage(case)
    add_referee(case, "Robin Reed")
    add_referee(case, "Sam Smith")
    add_document(case, GP_INFORMATION)
    fire(case, "start_checks")
    run_checks(case, {"surname": "Archer"}, [DemoIntelligenceCheck()])
    fire(case, "checks_done", roles=("caseworker",))
    fire(case, "book_visit", roles=("field_officer",))
    assert (
        attempt(case, "record_visit", roles=("caseworker",), note="x")
        == "Your role does not allow you to record the home visit."
    )
    fire(case, "record_visit", roles=("field_officer",), note="Visited.")


def test_the_applicant_may_withdraw_before_a_decision_but_not_after_a_grant(alpha):
    waiting = open_application()
    to_decision(waiting)
    fire(waiting, "withdraw", as_applicant=True)
    assert waiting.state == "withdrawn"
    granted = open_application()
    to_decision(granted)
    fire(granted, "grant", roles=("supervisor",))
    assert attempt(granted, "withdraw", as_applicant=True) == "You cannot withdraw a case that is granted."


def test_referees_not_replying_in_seven_days_flag_the_case_and_tell_the_applicant(app, alpha):
    silent = open_application(email="silent@example.com")
    to_referees_stage(silent)
    add_referee(silent, "Robin Reed", confirmed=False)
    waiting_for_gp = open_application(email="gp@example.com")
    to_referees_stage(waiting_for_gp)
    add_referee(waiting_for_gp, "Robin Reed")
    add_referee(waiting_for_gp, "Sam Smith")
    db.session.commit()
    silent_id, gp_id = silent.id, waiting_for_gp.id
    start = datetime.now(UTC)

    assert fire_due_timers(now=start + timedelta(days=6, hours=23)) == 0
    fire_due_timers(now=start + timedelta(days=8))  # the 7th day ends at midnight in the UK
    with tenant_context(alpha):
        assert db.session.get(Case, silent_id).state == "referees_overdue"
        assert db.session.get(Case, gp_id).state == "awaiting_referees_gp"  # every referee replied: not flagged
    assert any("Referees have not replied" in m.subject for m in mailbox(app, "silent@example.com"))

    with tenant_context(alpha):
        silent = db.session.get(Case, silent_id)
        fire(silent, "change_referees", as_applicant=True)
        assert silent.state == "awaiting_referees_gp"


def test_the_referee_timer_follows_the_forces_referee_days_to_the_end_of_the_uk_day(alpha):
    from frontcounter.calendar import uk_end_of_day, uk_today
    from frontcounter.cases.models import CaseTimer
    from frontcounter.tenancy.models import TenantService

    db.session.scalar(db.select(TenantService).filter_by(service_key="firearms")).settings = {"referee_days": 10}
    db.session.flush()
    case = open_application()
    to_referees_stage(case)
    timer = db.session.scalar(db.select(CaseTimer).filter_by(case_id=case.id, state="awaiting_referees_gp"))
    due = timer.due_at if timer.due_at.tzinfo else timer.due_at.replace(tzinfo=UTC)
    assert due == uk_end_of_day(uk_today() + timedelta(days=10))


def test_the_appeal_window_closes_the_day_after_its_21st_day_and_a_late_appeal_can_still_be_recorded(alpha):
    case = open_application()
    to_decision(case)
    assert attempt(case, "refuse", roles=("supervisor",)) == "Enter a note to say why."
    fire(case, "refuse", roles=("supervisor",), note="Not satisfied the applicant can be permitted to possess.")
    db.session.commit()
    case_id, refused_at = case.id, datetime.now(UTC)

    fire_due_timers(now=refused_at + timedelta(days=21, hours=23))
    with tenant_context(alpha):
        assert db.session.get(Case, case_id).state == "refused"
    fire_due_timers(now=refused_at + timedelta(days=22, minutes=1))
    with tenant_context(alpha):
        case = db.session.get(Case, case_id)
        assert case.state == "closed"
        fire(case, "record_appeal", roles=("supervisor",), note="Crown Court notice of appeal received.")
        fire(case, "appeal_allowed", roles=("supervisor",), note="Appeal allowed: grant directed.")
        assert case.state == "granted"


def test_an_intelligence_system_that_fails_is_recorded_as_an_error_not_as_clear(alpha):
    class Broken:
        name = "pnd"

        def check(self, person):
            raise ConnectionError("timeout")

    case = open_application()
    rows = run_checks(case, {"surname": "Watchlist"}, [DemoIntelligenceCheck(), Broken()])
    assert [(r.system, r.status) for r in rows] == [("demo", "flagged"), ("pnd", "error")]
    assert rows[0].detail == "Demonstration record found for surname Watchlist."
