"""Unpaid cases: where to pay, and the "pay later" email with a link to pay from any device."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from frontcounter.cases.models import Case
from frontcounter.cases.notify import applicant_language
from frontcounter.cases.tracking import tracking_token
from frontcounter.notifications import send_email
from frontcounter.payments.guards import is_paid
from frontcounter.plugins.manager import registry
from frontcounter.web.urls import external_url


def awaits_payment(case: Case) -> bool:
    """True when the case's service takes payment online and the case is waiting for it."""
    service = registry().services.get(case.service_key)
    if service is None or not service.pay_endpoint or service.workflow is None:
        return False
    try:
        transition = service.workflow.transition(service.payment_transition)
    except KeyError:
        return False
    return case.state in transition.source and not is_paid(case)


def pay_url(case: Case, *, external: bool = False) -> str | None:
    """The link to pay for an unpaid case (it carries the tracking token), or None when nothing is owed."""
    if not awaits_payment(case):
        return None
    endpoint = registry().services[case.service_key].pay_endpoint
    build = external_url if external else url_for
    return build(endpoint, reference=case.reference, token=tracking_token(case))


def email_pay_link(case: Case) -> bool:
    """Email the applicant the link to pay later; False when nothing is owed. Not committed."""
    link = pay_url(case, external=True)
    if link is None:
        return False
    service = registry().services[case.service_key]
    with applicant_language(case):
        send_email(
            case.applicant_email,
            _("Pay for your application %(reference)s", reference=case.reference),
            "email/payments/pay_later",
            case=case,
            service=service,
            link=link,
        )
    return True
