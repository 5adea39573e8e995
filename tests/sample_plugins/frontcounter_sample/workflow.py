"""The sample service's case type: a parking permit application."""

from __future__ import annotations

from datetime import timedelta

from frontcounter.cases import State, Timer, Transition, Workflow
from frontcounter.payments import PAID

WORKFLOW = Workflow(
    states=[
        State("awaiting_payment", "Waiting for payment", "Pay the fee to send your application.",
              next_steps="Pay the fee."),
        State("submitted", "Received", "We have your application and fee.",
              next_steps="A caseworker will check it within 5 working days.", notify=True,
              deadline=timedelta(days=5)),
        State("checking", "Being checked", "A caseworker is checking your application.", deadline=timedelta(days=3)),
        State("issued", "Permit issued", "Your permit has been issued.", terminal=True, notify=True),
        State("refused", "Refused", "Your application was refused.", terminal=True, notify=True),
        State("lapsed", "Closed: not paid", "We closed the application because the fee was not paid.",
              terminal=True, notify=True),
        State("withdrawn", "Withdrawn", "You withdrew your application.", terminal=True),
    ],
    transitions=[
        Transition("pay", ("awaiting_payment",), "submitted", "Record payment", guards=(PAID,)),
        Transition("start_check", ("submitted",), "checking", "Start checking", roles=("caseworker",)),
        Transition("approve", ("checking",), "issued", "Issue permit", roles=("supervisor",), guards=(PAID,)),
        Transition("refuse", ("checking",), "refused", "Refuse", roles=("supervisor",), needs_note=True),
        Transition("lapse", ("awaiting_payment",), "lapsed", "Close unpaid"),
        Transition("withdraw", ("awaiting_payment", "submitted"), "withdrawn", "Withdraw", by_applicant=True),
    ],
    timers=[
        Timer("awaiting_payment", timedelta(days=7), transition="lapse"),
        Timer("checking", timedelta(days=2), remind="still_checking"),
    ],
)
