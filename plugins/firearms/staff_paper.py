"""Paper applications (assisted digital): a caseworker types in Form 201's first pages for the applicant.

The answers go through the same page schemas as the online form (schemas.py); the scanned paper form
is kept as a staff-only document. The case opens waiting for payment and the applicant is emailed the
tracking link to pay online (a free like-for-like variation goes straight on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.cases import engine
from frontcounter.cases.notify import notify_state
from frontcounter.date_input import joined_date
from frontcounter.tenancy.services import service_settings
from frontcounter_firearms.decisions import mark_section_28b
from frontcounter_firearms.rules import fee_for
from frontcounter_firearms.schemas import applicant_of, clean_page
from marshmallow import ValidationError

if TYPE_CHECKING:
    from frontcounter.cases.models import Case
    from werkzeug.datastructures import FileStorage, MultiDict

SERVICE = "firearms"
PAPER_FORM_KIND = "paper-form"
PERSONAL_FIELDS = ("title", "surname", "forenames", "place_of_birth", "height_cm", "nationality", "occupation")
PERSONAL_FIELDS += ("phone", "email", "work_address")
ADDRESS_FIELDS = ("line1", "line2", "town", "postcode")


@dataclass
class PaperForm:
    """What the caseworker typed (to show again), the cleaned answers, and any errors by field id."""

    values: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    received_on: date | None = None


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """Turn marshmallow's error tree into the first message per field id ('address-postcode')."""
    if isinstance(messages, dict):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}-{key}" if prefix else str(key))
            for inner, text in _flatten(value, name).items():
                flat.setdefault(inner, text)
        return flat
    if isinstance(messages, list) and messages and not isinstance(messages[0], dict | list):
        return {prefix or "form": str(messages[0])}
    return {prefix or "form": str(messages)}


def _raw_application(form: MultiDict[str, str]) -> dict[str, Any]:
    return {
        "kind": form.get("kind") or None,
        "certificates": form.getlist("certificates"),
        "current_certificate_number": form.get("current_certificate_number", ""),
    }


def _raw_personal(form: MultiDict[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {name: form.get(name, "") for name in PERSONAL_FIELDS}
    raw["height_cm"] = raw["height_cm"].strip() or None
    raw["date_of_birth"] = joined_date(form, "date_of_birth")
    raw["address"] = {name: form.get(f"address-{name}", "") for name in ADDRESS_FIELDS}
    return raw


def read_paper_form(form: MultiDict[str, str], today: date) -> PaperForm:
    """Validate the paper form's answers with the online form's page schemas."""
    result = PaperForm(values=form.to_dict(flat=False))
    answers: dict[str, Any] = {}
    for page, raw in (("application", _raw_application(form)), ("personal", _raw_personal(form))):
        try:
            answers[page] = clean_page(page, raw, answers, today)
        except ValidationError as err:
            result.errors.update(_flatten(err.messages))
    received = joined_date(form, "received_on")
    try:
        result.received_on = date.fromisoformat(received) if received else None
    except ValueError:
        result.received_on = None
    if result.received_on is None:
        result.errors["received_on"] = _("Enter the date the paper form was received, for example 27 3 2026")
    elif result.received_on > today:
        result.errors["received_on"] = _("The date the paper form was received must be today or in the past")
    result.answers = answers
    return result


def open_paper_application(
    answers: Mapping[str, Any], received_on: date, *, actor: str, scan: FileStorage | None = None
) -> Case:
    """Open the case for a paper application (audited; not committed). Raises UploadRejected for a bad scan."""
    application = answers["application"]
    quote = fee_for(application, service_settings(SERVICE))
    applicant = applicant_of(answers)
    data = {
        **answers,
        "fee_pence": quote.pence,
        "received_on": received_on.isoformat(),
        "paper": {"received_on": received_on.isoformat(), "entered_by": actor},
    }
    case = engine.open_case(
        SERVICE, applicant_email=applicant["email"], applicant_name=applicant["name"], data=data, actor=actor,
        channel="staff",
    )
    mark_section_28b(case, received_on)
    if scan is not None and scan.filename:
        from frontcounter.documents.uploads import store_upload

        store_upload(scan, case, PAPER_FORM_KIND, public=False)
    audit(
        "firearms.paper_application",
        target=f"case:{case.reference}",
        after={"kind": application["kind"], "certificates": application["certificates"], "fee_pence": quote.pence},
        actor=actor,
    )
    if quote.pence == 0:
        engine.fire(case, "pay", actor=actor, as_system=True, note=_("No fee: like-for-like variation."))
    else:
        workflow = engine.workflow_for(SERVICE)
        notify_state(case, workflow.state(case.state))  # the tracking link, to pay online
    return case
