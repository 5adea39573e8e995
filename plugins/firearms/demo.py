"""Demonstration firearms cases for a force: one or two at every stage, moved there through the workflow
engine as the applicant, referees, payments and staff would (deterministic names, idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from frontcounter.bookings.times import uk_to_utc
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.records import save_document
from frontcounter.extensions import db
from frontcounter.payments.service import pay_in_sandbox
from frontcounter.tenancy import TenantRef
from frontcounter_firearms.checks import DemoIntelligenceCheck, run_checks
from frontcounter_firearms.decisions import uk_today
from frontcounter_firearms.guards import GP_INFORMATION, PHOTO
from frontcounter_firearms.jobs import person_of
from frontcounter_firearms.models import Certificate, Referee, certificate_number
from frontcounter_firearms.rules import fee_for
from frontcounter_firearms.visits import arrange_visit, field_officers

SERVICE = "firearms"
ACTOR = "demo: firearms"
EMAIL_DOMAIN = "firearms.demo.example"


@dataclass(frozen=True)
class DemoCase:
    """One demonstration applicant and the state their case is taken to."""

    forenames: str
    surname: str
    stage: str
    kind: str = "grant"
    certificates: tuple[str, ...] = ("fac",)


CASES: tuple[DemoCase, ...] = (
    DemoCase("Ava", "Archer", "awaiting_payment"),
    DemoCase("Ben", "Baker", "submitted", certificates=("sgc",)),
    DemoCase("Cara", "Cole", "incomplete"),
    DemoCase("Dev", "Dale", "awaiting_referees_gp", certificates=("fac", "sgc")),
    DemoCase("Eve", "Evans", "referees_overdue", certificates=("sgc",)),
    DemoCase("Finn", "Flagged", "background_checks"),
    DemoCase("Gwen", "Gray", "visit_to_arrange"),
    DemoCase("Hal", "Hughes", "visit_booked", certificates=("fac", "sgc")),
    DemoCase("Isla", "Irving", "decision"),
    DemoCase("Jack", "Jones", "granted", certificates=("fac", "sgc")),
    DemoCase("Kira", "King", "refused", certificates=("sgc",)),
    DemoCase("Liam", "Lowe", "appealed"),
    DemoCase("Mia", "Moss", "withdrawn", certificates=("sgc",)),
    DemoCase("Nia", "Nash", "closed", certificates=("sgc",)),
    DemoCase("Omar", "Oakes", "lapsed"),
    DemoCase("Pat", "Owen", "submitted", kind="renewal", certificates=("sgc",)),
)


def _email(person: DemoCase) -> str:
    return f"{person.forenames}.{person.surname}@{EMAIL_DOMAIN}".lower()


def _answers(person: DemoCase, tenant: TenantRef, index: int, current: str = "") -> dict[str, Any]:
    today = uk_today()
    postcode = f"{(tenant.code or 'AB')[:2].upper()}{index % 9 + 1} {index % 9 + 1}AA"
    address = {
        "line1": f"{index + 1} Orchard Lane",
        "line2": "",
        "town": f"{tenant.area or tenant.name}",
        "postcode": postcode,
    }
    return {
        "application": {
            "kind": person.kind,
            "certificates": list(person.certificates),
            "like_for_like": False,
            "current_certificate_number": current,
        },
        "personal": {
            "title": "Ms" if index % 2 else "Mr",
            "forenames": person.forenames,
            "surname": person.surname,
            "previous_names": [],
            "date_of_birth": (today - timedelta(days=365 * (30 + index))).isoformat(),
            "place_of_birth": "Exeter, England",
            "height_cm": 170 + index,
            "nationality": "British",
            "occupation": "Farmer" if index % 3 == 0 else "Engineer",
            "address": address,
            "phone": f"01632 960 {index:03d}",
            "email": _email(person),
            "work_address": "",
        },
        "addresses": {"addresses": [{**address, "from_date": "2015-04-01", "to_date": None}]},
        "medical": {"details": ""},
        "convictions": {"has_convictions": False, "convictions": []},
        "firearms": {
            "firearms": [
                {
                    "type": "rifle",
                    "calibre": ".22",
                    "quantity": 1,
                    "ammunition_to_hold": 500,
                    "ammunition_to_acquire": 250,
                    "reason": "target_shooting",
                    "club_name": f"{tenant.area or tenant.name} Rifle Club",
                }
            ]
        }
        if "fac" in person.certificates
        else {},
        "security": {"storage": "gun_cabinet", "storage_location": "Bolted to the wall of the utility room"},
        "received_on": today.isoformat(),
    }


def _document(case: Case, kind: str) -> None:
    save_document(
        b"%PDF-1.4 demonstration",
        case=case,
        kind=kind,
        filename=f"{kind}.pdf",
        content_type="application/pdf",
        actor=ACTOR,
    )


def _fire(case: Case, name: str, note: str = "") -> None:
    engine.fire(case, name, actor=ACTOR, as_system=True, note=note)


def _paid(case: Case) -> None:
    pay_in_sandbox(case, case.data["fee_pence"], "Firearms licensing fee")


def _accepted(case: Case) -> None:
    _paid(case)
    _document(case, PHOTO)
    _fire(case, "accept")


def _referees(case: Case, person: DemoCase, *, confirmed: bool) -> None:
    for number in range(2 if "fac" in person.certificates else 1):
        referee = Referee(
            case_id=case.id,
            name=f"Referee {number + 1} for {person.surname}",
            email=f"referee{number + 1}.{person.surname.lower()}@{EMAIL_DOMAIN}",
            relationship="friend",
            years_known=10,
            lives_in_gb=True,
        )
        if confirmed:
            referee.confirmed_at = datetime.now(UTC)
            referee.photo_likeness = referee.declaration = True
        db.session.add(referee)
    db.session.flush()


def _checked(case: Case, person: DemoCase) -> None:
    _accepted(case)
    _referees(case, person, confirmed=True)
    _document(case, GP_INFORMATION)
    _fire(case, "start_checks")
    run_checks(case, person_of(case), [DemoIntelligenceCheck()])


def _to_visit(case: Case, person: DemoCase) -> None:
    _checked(case, person)
    _fire(case, "checks_done")


def _booked(case: Case, person: DemoCase) -> None:
    _to_visit(case, person)
    officers = field_officers()
    starts_at = uk_to_utc(uk_today(), time(10 + case.id % 6))
    arrange_visit(
        case,
        starts_at,
        officers[0][0] if officers else None,
        actor=ACTOR,
        now=starts_at - timedelta(days=1),
        as_system=True,
    )


def _decided(case: Case, person: DemoCase) -> None:
    _booked(case, person)
    case.data = {
        **case.data,
        "visit": {
            "checked": ["cabinet_bolted", "identity"],
            "notes": "Cabinet bolted to a solid wall; keys kept separately.",
            "outcome": "satisfactory",
        },
    }
    _fire(case, "record_visit", note="Satisfactory. Cabinet bolted to a solid wall.")


STAGES: dict[str, Callable[[Case, DemoCase], None]] = {
    "awaiting_payment": lambda case, person: None,
    "submitted": lambda case, person: _paid(case),
    "incomplete": lambda case, person: (_paid(case), _fire(case, "return_incomplete", "Please upload a photo.")),
    "awaiting_referees_gp": lambda case, person: (_accepted(case), _referees(case, person, confirmed=False)),
    "referees_overdue": lambda case, person: (
        _accepted(case),
        _referees(case, person, confirmed=False),
        _fire(case, "flag_referees_overdue"),
    ),
    "background_checks": _checked,
    "visit_to_arrange": _to_visit,
    "visit_booked": _booked,
    "decision": _decided,
    "granted": lambda case, person: (_decided(case, person), _fire(case, "grant")),
    "refused": lambda case, person: (_decided(case, person), _fire(case, "refuse", "Good reason not shown.")),
    "appealed": lambda case, person: (
        _decided(case, person),
        _fire(case, "refuse", "Security was not adequate."),
        _fire(case, "record_appeal", "Notice of appeal received."),
    ),
    "withdrawn": lambda case, person: (_paid(case), _fire(case, "withdraw")),
    "closed": lambda case, person: (
        _decided(case, person),
        _fire(case, "refuse", "Not a fit person."),
        _fire(case, "close_appeal_window"),
    ),
    "lapsed": lambda case, person: _fire(case, "lapse"),
}


def _held_certificate(person: DemoCase, tenant: TenantRef, index: int) -> Certificate:
    """A certificate the renewal applicant already holds, expiring in 10 weeks (so a reminder is due)."""
    expires = uk_today() + timedelta(weeks=10)
    issued = expires.replace(year=expires.year - 5)
    row = Certificate(
        number=certificate_number(tenant.code, "sgc", issued.year, 90000 + index),
        kind="sgc",
        holder_name=f"{person.forenames} {person.surname}",
        holder_email=_email(person),
        issued_on=issued,
        expires_on=expires,
    )
    db.session.add(row)
    db.session.flush()
    return row


def seed(tenant: TenantRef) -> int:
    """Create the demonstration cases in the current force (none when they exist); return how many."""
    exists = db.session.scalar(
        db.select(Case.id).where(Case.service_key == SERVICE, Case.applicant_email.like(f"%@{EMAIL_DOMAIN}")).limit(1)
    )
    if exists is not None:
        return 0
    for index, person in enumerate(CASES):
        current = _held_certificate(person, tenant, index).number if person.kind == "renewal" else ""
        answers = _answers(person, tenant, index, current)
        answers["fee_pence"] = fee_for(answers["application"]).pence
        case = engine.open_case(
            SERVICE,
            applicant_email=_email(person),
            applicant_name=f"{person.forenames} {person.surname}",
            data=answers,
            actor=ACTOR,
        )
        if person.kind == "renewal":
            from frontcounter_firearms.decisions import mark_section_28b

            mark_section_28b(case, uk_today())
        STAGES[person.stage](case, person)
    return len(CASES)
