"""Emails to the applicant when their case enters a state the public should hear about."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from flask_babel import gettext as _
from jinja2 import TemplateNotFound

from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_url
from frontcounter.cases.workflow import State
from frontcounter.notifications import send_email
from frontcounter.plugins.manager import registry


def _template(service_key: str, state: str) -> str:
    specific = f"email/case/{service_key}/{state}"
    try:
        current_app.jinja_env.get_template(f"{specific}.txt")
        return specific
    except TemplateNotFound:
        return "email/case/state_changed"


@contextmanager
def applicant_language(case: Case) -> Iterator[None]:
    """Write everything in the block (an email's subject and body) in the language the applicant chose."""
    from frontcounter.web.i18n import in_language

    with in_language(case.language):
        yield


def notify_state(case: Case, state: State, note: str = "") -> None:
    """Queue the email for `state` (a plugin may supply email/case/<service>/<state>.txt/.html), with staff's `note`."""
    with applicant_language(case):
        _notify_state(case, state, note)


def _notify_state(case: Case, state: State, note: str) -> None:
    service = registry().services[case.service_key]
    subject = _("%(service)s: %(status)s (%(reference)s)", service=service.name, status=state.public_label,
                reference=case.reference)
    send_email(case.applicant_email, subject, _template(case.service_key, state.name), case=case, state=state,
               service=service, link=tracking_url(case), note=note,
               note_heading=state.email_note)


def notify_reminder(case: Case, reminder: str) -> None:
    """Queue a reminder email named by a timer (template email/case/<service>/<reminder>)."""
    with applicant_language(case):
        _notify_reminder(case, reminder)


def _notify_reminder(case: Case, reminder: str) -> None:
    service = registry().services[case.service_key]
    subject = _("%(service)s: reminder (%(reference)s)", service=service.name, reference=case.reference)
    template = f"email/case/{case.service_key}/{reminder}"
    try:
        current_app.jinja_env.get_template(f"{template}.txt")
    except TemplateNotFound:
        template = "email/case/reminder"
    send_email(case.applicant_email, subject, template, case=case, service=service, link=tracking_url(case),
               reminder=reminder)
