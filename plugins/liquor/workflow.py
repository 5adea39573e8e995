"""The licensing case type: a temporary event notice, or a licence application on which the police are consulted.

Temporary event notice: received (the objection window runs) -> no objection | modifications agreed (standard
only) | objected. Objected standard notice -> hearing arranged -> event allowed or counter notice; objected late
notice -> counter notice at once. A window that ends without a decision means no objection (window_closed,
fired by the periodic task). The decisions are fired as the system by decisions.py, which checks the staff
member's role, the window and the reasons and issues the notice; the core case page therefore offers none of them.

Licence application: received -> consultation (at once) -> representation made | no representation (or the
window ends) -> granted | refused, as the licensing authority reports.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.cases import State, Transition, Workflow

LICENSING_ROLES = ("caseworker", "supervisor")

WORKFLOW = Workflow(
    states=[
        State(
            "received",
            _l("Received by the police"),
            _l("The police have your notice and are deciding whether to object."),
            next_steps=_l("The police will tell you their decision within 3 working days of receiving it."),
        ),
        State(
            "no_objection",
            _l("No police objection"),
            _l("The police do not object to your event."),
            next_steps=_l("Unless the licensing authority tells you otherwise, your event can go ahead as notified."),
            terminal=True,
            notify=True,
        ),
        State(
            "modifications_agreed",
            _l("Changes agreed with the police"),
            _l("You and the police have agreed changes to your event, so the police do not object."),
            next_steps=_l("Run your event with the changes you agreed. The licensing authority has a copy."),
            terminal=True,
            notify=True,
        ),
        State(
            "objected",
            _l("The police object"),
            _l("The police have sent an objection notice to you and the licensing authority."),
            next_steps=_l("Read the objection notice. The licensing authority will tell you what happens next."),
            notify=True,
        ),
        State(
            "hearing_arranged",
            _l("Hearing arranged"),
            _l("The licensing authority will hold a hearing to decide whether your event can go ahead."),
            next_steps=_l("Go to the hearing, or tell the licensing authority if you cannot."),
            notify=True,
        ),
        State(
            "event_allowed",
            _l("Event allowed after the hearing"),
            _l("The licensing authority decided that your event can go ahead."),
            terminal=True,
            notify=True,
        ),
        State(
            "counter_notice",
            _l("Counter notice: the event cannot go ahead"),
            _l(
                "The licensing authority has given a counter notice, so the event cannot go ahead as a temporary "
                "event."
            ),
            terminal=True,
            notify=True,
        ),
        State("withdrawn", _l("Withdrawn"), _l("You withdrew your notice."), terminal=True, notify=True),
        State(
            "consultation",
            _l("Police consultation"),
            _l("The police are considering the application as a responsible authority."),
        ),
        State("representation_made", _l("Police representation made"), _l("The police have made a representation.")),
        State("no_representation", _l("No police representation"), _l("The police made no representation.")),
        State("granted", _l("Granted"), _l("The licensing authority granted the application."), terminal=True),
        State("refused", _l("Refused"), _l("The licensing authority refused the application."), terminal=True),
    ],
    transitions=[
        Transition("no_objection", ("received",), "no_objection", _l("No objection")),
        Transition("agree_modifications", ("received",), "modifications_agreed", _l("Agree modifications")),
        Transition("object", ("received",), "objected", _l("Object")),
        Transition("window_closed", ("received",), "no_objection", _l("Objection window ended")),
        Transition("arrange_hearing", ("objected",), "hearing_arranged", _l("Record the hearing date")),
        Transition("hearing_allowed", ("hearing_arranged",), "event_allowed", _l("Record: event allowed")),
        Transition(
            "counter_notice",
            ("received", "no_objection", "objected", "hearing_arranged"),
            "counter_notice",
            _l("Record the counter notice"),
        ),
        Transition("withdraw", ("received", "no_objection", "modifications_agreed"), "withdrawn", _l("Withdraw"),
                   by_applicant=True),
        Transition("consult", ("received",), "consultation", _l("Start the consultation")),
        Transition("represent", ("consultation",), "representation_made", _l("Make a representation")),
        Transition("no_representation", ("consultation",), "no_representation", _l("No representation")),
        Transition("consultation_closed", ("consultation",), "no_representation", _l("Consultation window ended")),
        Transition("grant", ("representation_made", "no_representation"), "granted", _l("Record: granted"),
                   roles=LICENSING_ROLES),
        Transition("refuse", ("representation_made", "no_representation"), "refused", _l("Record: refused"),
                   roles=LICENSING_ROLES),
    ],
)
