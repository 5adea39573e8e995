"""Finding one's own application by reference and email address, without saying whether it exists."""

from __future__ import annotations

from flask_babel import gettext as _

from frontcounter.cases import engine
from frontcounter.cases.notify import applicant_language
from frontcounter.cases.tracking import tracking_url
from frontcounter.notifications import send_email
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.context import current_tenant


def send_tracking_link(reference: str, email: str, ip: str) -> bool:
    """Email the tracking link when `reference` is this force's case of `email`; False when rate limited.

    Every attempt counts against the reference and the address (found or not), so the answer and
    the timing of the limit never tell whether the application exists. Commits.
    """
    from frontcounter.accounts import ratelimit  # at call time: accounts imports cases

    key = f"track:{current_tenant().slug}:{reference.upper()}"[:320]
    if ratelimit.is_locked(key, ip):
        return False
    case = engine.find_case(reference.upper())
    if case is not None and case.applicant_email.lower() == email.strip().lower():
        service = registry().services.get(case.service_key)
        with applicant_language(case):
            send_email(
                case.applicant_email,
                _("Your link to application %(reference)s", reference=case.reference),
                "email/case/tracking_link",
                case=case,
                service=service,
                link=tracking_url(case),
            )
    ratelimit.record(key, ip, False)  # commits (and the email with it)
    return True
