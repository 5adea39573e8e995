"""The firearms workflow as declared: every transition's sources, target, roles and guards; states and timers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from frontcounter.cases import Workflow
from frontcounter_firearms.settings import FirearmsSettings
from frontcounter_firearms.workflow import OPEN, WORKFLOW

CASEWORK = ("caseworker", "supervisor")
BOOKING = ("caseworker", "field_officer")
FIELD = ("field_officer",)
DECIDE = ("supervisor",)
SYSTEM = ()
ALL_CHECKS = ("fee_settled", "photo", "referees_confirmed", "gp_information", "checks_complete")

# name: (sources, target, roles, by applicant, guards, needs a note)
TRANSITIONS = {
    "pay": (("awaiting_payment",), "submitted", SYSTEM, False, ("fee_settled",), False),
    "lapse": (("awaiting_payment",), "lapsed", SYSTEM, False, (), False),
    "return_incomplete": (("submitted",), "incomplete", CASEWORK, False, (), True),
    "resubmit": (("incomplete",), "submitted", CASEWORK, True, (), False),
    "accept": (("submitted",), "awaiting_referees_gp", CASEWORK, False, ("fee_settled", "photo"), False),
    "flag_referees_overdue": (
        ("awaiting_referees_gp",),
        "referees_overdue",
        SYSTEM,
        False,
        ("referees_outstanding",),
        False,
    ),
    "change_referees": (("referees_overdue",), "awaiting_referees_gp", CASEWORK, True, (), False),
    "start_checks": (
        ("awaiting_referees_gp", "referees_overdue"),
        "background_checks",
        CASEWORK,
        False,
        ("referees_confirmed", "gp_information"),
        False,
    ),
    "checks_done": (("background_checks",), "visit_to_arrange", CASEWORK, False, ("checks_complete",), False),
    "book_visit": (("visit_to_arrange",), "visit_booked", BOOKING, False, (), False),
    "rearrange_visit": (("visit_booked",), "visit_to_arrange", BOOKING, False, (), True),
    "record_visit": (("visit_booked",), "decision", FIELD, False, (), True),
    "record_phone_enquiry": (("visit_to_arrange",), "decision", FIELD, False, ("renewal_only",), True),
    "refer_back": (("decision",), "visit_to_arrange", DECIDE, False, (), True),
    "grant": (("decision",), "granted", DECIDE, False, ALL_CHECKS, False),
    "refuse": (("decision",), "refused", DECIDE, False, (), True),
    "close_appeal_window": (("refused",), "closed", SYSTEM, False, (), False),
    "record_appeal": (("refused", "closed"), "appealed", DECIDE, False, (), True),
    "appeal_allowed": (("appealed",), "granted", DECIDE, False, (), True),
    "appeal_dismissed": (("appealed",), "closed", DECIDE, False, (), True),
    "withdraw": (OPEN, "withdrawn", CASEWORK, True, (), False),
}

# state: (terminal, the applicant is emailed on entering it)
STATES = {
    "awaiting_payment": (False, False),
    "submitted": (False, True),
    "incomplete": (False, True),
    "awaiting_referees_gp": (False, True),
    "referees_overdue": (False, True),
    "background_checks": (False, True),
    "visit_to_arrange": (False, False),
    "visit_booked": (False, False),  # the booking email is the one the applicant gets
    "decision": (False, False),
    "granted": (True, True),
    "refused": (False, True),
    "appealed": (False, True),
    "closed": (True, False),
    "withdrawn": (True, True),
    "lapsed": (True, True),
}


def test_the_workflow_is_valid_and_opens_awaiting_payment():
    rebuilt = Workflow(states=WORKFLOW.states, transitions=WORKFLOW.transitions, timers=WORKFLOW.timers)
    assert rebuilt.initial.name == "awaiting_payment"


def test_every_transition_is_declared_as_the_table_says():
    assert {t.name for t in WORKFLOW.transitions} == set(TRANSITIONS)


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_transition(name):
    sources, target, roles, by_applicant, guards, needs_note = TRANSITIONS[name]
    transition = WORKFLOW.transition(name)
    assert set(transition.source) == set(sources)
    assert transition.target == target
    assert set(transition.roles) == set(roles)
    assert transition.by_applicant is by_applicant
    assert tuple(g.name for g in transition.guards) == guards
    assert transition.needs_note is needs_note
    assert str(transition.label)


def test_every_state_is_declared_as_the_table_says_and_tells_the_public_what_next():
    assert [s.name for s in WORKFLOW.states] == list(STATES)
    for state in WORKFLOW.states:
        assert (state.terminal, state.notify) == STATES[state.name], state.name
        assert str(state.public_label) and str(state.public_description) and str(state.next_steps), state.name


def test_every_state_can_be_reached_and_every_open_state_can_be_left():
    reached, frontier = {WORKFLOW.initial.name}, [WORKFLOW.initial.name]
    while frontier:
        for transition in WORKFLOW.transitions_from(frontier.pop()):
            if transition.target not in reached:
                reached.add(transition.target)
                frontier.append(transition.target)
    assert reached == set(STATES)
    for state in WORKFLOW.states:
        if not state.terminal:
            assert WORKFLOW.transitions_from(state.name), state.name


def test_the_applicant_may_withdraw_until_a_decision_but_not_after():
    withdraw = WORKFLOW.transition("withdraw")
    assert "decision" in withdraw.source
    assert not {"granted", "refused", "appealed", "closed", "lapsed"} & set(withdraw.source)


def test_only_a_supervisor_decides_and_caseworkers_cannot():
    for name in ("grant", "refuse"):
        assert WORKFLOW.transition(name).roles == ("supervisor",)


# state: (after, fires, or reminds)
TIMERS = {
    "awaiting_payment": (timedelta(days=28), "lapse", None),
    "incomplete": (timedelta(days=14), None, "incomplete_reminder"),
    "awaiting_referees_gp": ("referee_days", "flag_referees_overdue", None),  # the force's setting
    "refused": (timedelta(days=22), "close_appeal_window", None),
}


def test_timers_are_declared_as_the_table_says():
    assert {t.state: (t.after, t.transition, t.remind) for t in WORKFLOW.timers} == TIMERS


def test_the_referee_timer_reads_a_setting_whose_default_is_the_statutory_seven_days():
    assert FirearmsSettings().load({})["referee_days"] == 7
    assert TIMERS["awaiting_referees_gp"][0] in FirearmsSettings().fields
