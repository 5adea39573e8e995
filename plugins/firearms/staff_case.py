"""What the firearms case page shows staff: the application's answers, referees, checks, visit and decision.

case_facts() reaches the core's staff case page through the case_page_context hook (as `firearms`), and
the visit page through its view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from frontcounter.extensions import db
from frontcounter.plugins import hookimpl
from frontcounter_firearms.checks import latest_checks
from frontcounter_firearms.decisions import address_lines, certificates_of, holder_name
from frontcounter_firearms.guards import application_of
from frontcounter_firearms.models import CheckStatus, Referee
from frontcounter_firearms.referee_changes import replacements_needed
from frontcounter_firearms.rules import MEDICAL_CONDITIONS, referees_needed
from frontcounter_firearms.staff_answers import answer_sections
from frontcounter_firearms.visits import field_officers, latest_booking, officer_of

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

KINDS: dict[str, LazyString] = {"grant": _l("Grant"), "renewal": _l("Renewal"), "variation": _l("Variation")}
CERTIFICATES: dict[str, LazyString] = {"fac": _l("Firearm certificate"), "sgc": _l("Shotgun certificate")}


def label(value: Any) -> str:
    """A stored choice shown to staff in the page's language: 'deer_stalking' becomes 'Deer stalking'."""
    from frontcounter_firearms.public_pages import CHOICES
    from frontcounter_firearms.visits import OUTCOMES

    key = str(value or "")
    for group in (*CHOICES.values(), dict(OUTCOMES)):
        if key in group:
            return str(group[key])
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def referee_status(referee: Referee) -> tuple[str, str]:
    """The referee's status as (text, tag colour class) for a GOV.UK tag."""
    if referee.declined_at is not None:
        return str(_l("Declined")), "govuk-tag--red"
    if referee.has_confirmed:
        return str(_l("Confirmed")), "govuk-tag--green"
    if referee.confirmed_at is not None:
        return str(_l("Replied: photo or declaration not confirmed")), "govuk-tag--orange"
    return str(_l("Waiting")), "govuk-tag--grey"


def _needed(application: dict[str, Any]) -> int | None:
    try:
        return referees_needed(application)
    except ValueError:
        return None


def visit_booking(case: Case) -> dict[str, Any] | None:
    """The case's booked home visit (its slot and allocated officer id) while one is booked, else None."""
    booking = latest_booking(case) if case.state == "visit_booked" else None
    if booking is None or booking.state != "confirmed":
        return None
    return {"booking": booking, "slot": booking.slot, "officer_id": officer_of(booking.slot)}


def case_facts(case: Case) -> dict[str, Any]:
    """Everything the firearms details partial shows about `case` (a few small queries)."""
    data = case.data or {}
    application = dict(application_of(case))
    medical = data.get("medical") or {}
    referees = list(db.session.scalars(db.select(Referee).where(Referee.case_id == case.id).order_by(Referee.id)))
    checks = sorted(latest_checks(case).values(), key=lambda row: row.system)
    return {
        "holder": holder_name(case),
        "kind": KINDS.get(application.get("kind", ""), label(application.get("kind"))),
        "certificates": [CERTIFICATES.get(c, label(c)) for c in application.get("certificates") or ()],
        "application": application,
        "fee_pence": data.get("fee_pence"),
        "personal": data.get("personal") or {},
        "address": address_lines(case),
        "addresses": (data.get("addresses") or {}).get("addresses") or [],
        "medical_yes": [text for key, text in MEDICAL_CONDITIONS if medical.get(key) is True],
        "medical_details": medical.get("details") or "",
        "gp": data.get("gp") or {},
        "convictions": data.get("convictions") or {},
        "firearms": (data.get("firearms") or {}).get("firearms") or [],
        "security": data.get("security") or {},
        "referees": [(r, *referee_status(r)) for r in referees],
        "referees_needed": _needed(application),
        "replace_referees": replacements_needed(case),
        "referee_details": {
            str(r.get("email") or "").strip().lower(): r for r in ((data.get("referees") or {}).get("referees") or [])
        },
        "checks": checks,
        "flagged": [row for row in checks if row.status == CheckStatus.FLAGGED.value],
        "check_errors": [row for row in checks if row.status == CheckStatus.ERROR.value],
        "issued": certificates_of(case),
        "refusal": data.get("refusal"),
        "s28b_extended_to": data.get("s28b_extended_to"),
        "visit": data.get("visit"),
        "paper": data.get("paper"),
        "label": label,
        "sections": answer_sections(data),
        "booking": visit_booking(case),
        "officers": field_officers(),
    }


@hookimpl(specname="case_page_context")
def firearms_case_page_context(case: Case) -> dict[str, Any]:
    """The firearms details for the core's staff case page (firearms/staff/_case_details.html reads `firearms`)."""
    return {"firearms": case_facts(case)}
