"""When a referee declines or replies: the applicant is told, and a replacement referee can be named online
(by the applicant from the tracking page, or by staff from the case page) and is emailed their own link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_token
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.web.urls import external_url
from frontcounter_firearms import rules
from frontcounter_firearms.guards import application_of
from frontcounter_firearms.models import Referee
from frontcounter_firearms.referees_public import ANSWERING_STATES, request_reference
from frontcounter_firearms.rules import GB_COUNTRIES
from frontcounter_firearms.schemas import RefereeSchema

REPLACE_TRANSITION = "change_referees"


def case_referees(case: Case) -> list[Referee]:
    """The case's referees in the order they were named (declined ones included)."""
    return list(db.session.scalars(db.select(Referee).where(Referee.case_id == case.id).order_by(Referee.id)))


def referees_needed(case: Case) -> int:
    """How many referees the application needs (two with a firearm certificate, else one; 0 when not known)."""
    try:
        return rules.referees_needed(application_of(case))
    except ValueError:
        return 0


def replacements_needed(case: Case) -> int:
    """How many referees must still be named because someone declined (0 when the case no longer waits)."""
    if case.state not in ANSWERING_STATES:
        return 0
    standing = sum(1 for referee in case_referees(case) if referee.declined_at is None)
    return max(0, referees_needed(case) - standing)


def tracking_link(case: Case) -> str:
    """The applicant's tracking page, signed so a guest can open it from an email."""
    return external_url("firearms.case", reference=case.reference, token=tracking_token(case))


def tell_applicant(case: Case, subject: str, lines: list[str], *, link_text: str = "") -> None:
    """Email the applicant a short notice about their case, with a link to their tracking page."""
    send_email(
        case.applicant_email,
        subject,
        "email/firearms/notice",
        greeting=case.applicant_name or case.applicant_email,
        lines=lines,
        link=tracking_link(case),
        link_text=link_text or _("See your application"),
    )


def referee_answered(referee: Referee, case: Case) -> None:
    """Tell the applicant that a referee confirmed or declined (and, when declined, how to name another)."""
    if referee.declined_at is not None:
        tell_applicant(
            case,
            _("A referee cannot act for you (%(reference)s)", reference=case.reference),
            [
                _("%(referee)s has told us they cannot act as your referee.", referee=referee.name),
                _("Name a new referee online so we can carry on with your application."),
            ],
            link_text=_("Name a new referee"),
        )
    else:
        tell_applicant(
            case,
            _("A referee has replied (%(reference)s)", reference=case.reference),
            [_("%(referee)s has replied to confirm your details.", referee=referee.name)],
        )


class ReplacementRefused(Exception):
    """A replacement referee could not be named: `errors` maps form field names to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(dict(errors))
        self.errors = dict(errors)


def name_replacement(case: Case, answers: Mapping[str, Any], *, actor: str, by_staff: bool) -> Referee:
    """Add a new referee (answers cleaned by RefereeSchema) in place of one who declined, email them their
    link, and take a flagged case back to waiting for referees; not committed. Raises ReplacementRefused."""
    if replacements_needed(case) == 0:
        raise ReplacementRefused({"form": _("No referee needs replacing on this application.")})
    taken = {r.email.casefold() for r in case_referees(case)}
    if str(answers["email"]).strip().casefold() in taken:
        raise ReplacementRefused({"email": _("This person is already a referee on this application")})
    referee = Referee(
        case_id=case.id,
        name=answers["name"],
        email=str(answers["email"]).strip().lower(),
        phone=answers.get("phone") or "",
        relationship=answers["relationship"],
        years_known=answers["years_known"],
        lives_in_gb=answers["country"] in GB_COUNTRIES,
    )
    db.session.add(referee)
    listed = list(((case.data or {}).get("referees") or {}).get("referees") or [])
    case.data = {**case.data, "referees": {"referees": [*listed, dict(answers)]}}
    db.session.flush()
    if case.state == "referees_overdue":  # back to waiting: every referee yet to answer is asked (hook)
        engine.fire(case, REPLACE_TRANSITION, actor=actor, as_applicant=not by_staff)
    else:
        request_reference(referee, case)
    audit(
        "firearms.referee.replaced",
        target=f"case:{case.reference}",
        after={"referee": referee.email, "by_staff": by_staff},
        actor=actor,
    )
    return referee


def replacement_schema() -> RefereeSchema:
    """The questions asked about a replacement referee (the same as on the application)."""
    return RefereeSchema()


def read_replacement(case: Case, form: Any) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Read a replacement referee from a posted form: (answers, {}) or (None, message by field name)."""
    from frontcounter_firearms.public_forms import field_errors, read_form
    from frontcounter_firearms.rules import referee_problems
    from frontcounter_firearms.schemas import applicant_of
    from marshmallow import ValidationError

    schema = replacement_schema()
    try:
        answers = schema.dump(schema.load(read_form(schema, form)))
    except ValidationError as invalid:
        errors: dict[str, str] = {}
        for name, _href, message in field_errors(schema, invalid.messages):
            errors.setdefault(name, message)
        return None, errors
    problems = referee_problems(answers, applicant_of(case.data or {}))
    if problems:
        return None, {"form": " ".join(problems)}
    return answers, {}
