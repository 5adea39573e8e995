"""Demo data for `frontcounter demo seed`: notices and applications in every state, for the force's authorities."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from frontcounter.calendar import force_calendar, uk_today
from frontcounter.cases.engine import fire
from frontcounter.extensions import db
from frontcounter_liquor.applications import open_application, record_outcome, respond
from frontcounter_liquor.authorities import authorities
from frontcounter_liquor.decisions import arrange_hearing, decide
from frontcounter_liquor.models import EventNotice
from frontcounter_liquor.notice_input import NoticeInput
from frontcounter_liquor.notices import give_notice, withdraw_notice
from frontcounter_liquor.workflow import LICENSING_ROLES

POSTCODES = {"bcp": "BH15 1AA", "dorset-council": "DT1 1XJ", "southampton": "SO14 7LY", "portsmouth": "PO1 2AL",
             "winchester": "SO23 9LJ"}


def _notice(n: int, authority: Any, start: date, *, who: str = "", hours: int = 5) -> NoticeInput:
    postcode = POSTCODES.get(authority.key, "")
    if not postcode:
        prefix = next((p for p in authority.postcodes if any(c.isdigit() for c in p)), authority.postcodes[0] + "1")
        postcode = f"{prefix} 1AA"
    starts = datetime.combine(start, time(18, 0))
    return NoticeInput(
        user_name=who or f"Demo Premises User {n}", user_dob=date(1980, 1, n % 28 + 1),
        user_email=f"ten-user-{n}@example.com", user_phone="", user_address=f"{n} High Street",
        personal_licence=n % 2 == 0, licence_number=f"PL/{1000 + n}" if n % 2 == 0 else "",
        licence_authority=authority.name if n % 2 == 0 else "", premises_address=f"Village Hall {n}\nChurch Road",
        premises_postcode=postcode, open_land="", starts_at=starts, ends_at=starts + timedelta(hours=hours),
        people=80 + n, activities=["entertainment"], alcohol=True, alcohol_where="on", authority=authority,
    )


def seed(tenant: Any) -> list[str]:
    """Create the demo notices and applications once (skipped when the force already has notices)."""
    found = authorities()
    if not found or db.session.scalar(db.select(EventNotice.id).limit(1)) is not None:
        return []
    cal, today = force_calendar(), uk_today()
    first, second = found[0], found[-1]
    far = cal.add_working_days(today, 25)
    near = cal.add_working_days(today, 7)
    actor = "demo"
    made: dict[str, str] = {}

    def give(n: int, authority: Any, start: date, **kw: Any) -> tuple[Any, Any]:
        case = give_notice(_notice(n, authority, start, **kw), today, source="online", actor=actor)
        return case, db.session.scalar(db.select(EventNotice).where(EventNotice.case_id == case.id))

    made["standard, awaiting a decision"] = give(1, first, far)[0].reference
    made["late, awaiting a decision"] = give(2, second, near)[0].reference
    case, notice = give(3, first, far + timedelta(days=7))
    decide(case, notice, "no_objection", objectives=[], reasons="", actor=actor, today=today)
    made["no objection"] = case.reference
    case, notice = give(4, second, far + timedelta(days=8))
    decide(case, notice, "modifications", objectives=[], reasons="Last entry 22:00; two door staff.", actor=actor,
           today=today)
    made["modifications agreed"] = case.reference
    case, notice = give(5, first, far + timedelta(days=14))
    decide(case, notice, "objection", objectives=["crime_and_disorder", "public_nuisance"],
           reasons="Disorder at the last two events at these premises.", actor=actor, today=today)
    arrange_hearing(case, notice, datetime.combine(far + timedelta(days=10), time(10, 0)), actor=actor)
    made["objection, hearing arranged"] = case.reference
    case, notice = give(6, second, near + timedelta(days=1))
    decide(case, notice, "objection", objectives=["public_safety"], reasons="Access for emergency vehicles is blocked.",
           actor=actor, today=today)
    made["late objection, counter notice"] = case.reference
    case, notice = give(10, second, far + timedelta(days=4))
    decide(case, notice, "objection", objectives=["protection_of_children"],
           reasons="An under-18s disco with a bar and no separation.", actor=actor, today=today)
    made["objection, hearing to be arranged"] = case.reference
    case, notice = give(8, second, far + timedelta(days=15))
    decide(case, notice, "objection", objectives=["public_nuisance"], reasons="Noise complaints from neighbours.",
           actor=actor, today=today)
    arrange_hearing(case, notice, datetime.combine(far + timedelta(days=9), time(14, 0)), actor=actor)
    fire(case, "hearing_allowed", actor=actor, as_system=True, note="Allowed with a finish time of 22:30.")
    made["event allowed after the hearing"] = case.reference
    case, notice = give(9, first, far + timedelta(days=16))
    withdraw_notice(case, notice, actor=notice.user_email)
    made["withdrawn"] = case.reference
    case, _n = give(7, first, far + timedelta(days=21), who="Demo Repeat User")
    made["24 hours apart broken: counter notice required"] = give(
        7, first, far + timedelta(days=21, hours=0), who="Demo Repeat User", hours=3)[0].reference
    for kind, name in (("premises_new", "The Anchor"), ("premises_variation", "The Crown"), ("personal", "")):
        values = {"kind": kind, "applicant_name": (name and f"{name} Ltd") or "Alex Demo",
                  "applicant_email": f"{kind}@example.com",
                  "premises_name": name, "premises_address": "1 Quay Street" if name else "",
                  "premises_postcode": POSTCODES.get(first.key, "") if name else "", "summary": "Demo application",
                  "authority": first, "authority_reference": f"LA/{kind}", "received_on": today,
                  "unspent_convictions": kind == "personal"}
        app_case = open_application(values, source="api", actor=actor)
        made[f"application {kind}, in consultation"] = app_case.reference
    values.update(kind="premises_new", applicant_email="granted@example.com", premises_name="The George",
                  premises_address="2 Quay Street", premises_postcode=POSTCODES.get(first.key, ""))
    app_case = open_application(values, source="api", actor=actor)
    from frontcounter_liquor.applications import application_of

    respond(app_case, application_of(app_case), "none", objectives=[], reasons="No concerns.", actor=actor, today=today)
    record_outcome(app_case, application_of(app_case), "granted", actor=actor, roles=frozenset(LICENSING_ROLES))
    made["application granted"] = app_case.reference
    values.update(applicant_email="none@example.com", premises_name="The Ship", premises_address="4 Quay Street")
    app_case = open_application(values, source="api", actor=actor)
    respond(app_case, application_of(app_case), "none", objectives=[], reasons="Conditions offered are enough.",
            actor=actor, today=today)
    made["application, no police representation"] = app_case.reference
    values.update(applicant_email="refused@example.com", premises_name="The Swan", premises_address="3 Quay Street")
    app_case = open_application(values, source="api", actor=actor)
    respond(app_case, application_of(app_case), "representation", objectives=["crime_and_disorder"],
            reasons="Drug dealing linked to the premises.", actor=actor, today=today)
    made["application with a police representation"] = app_case.reference
    app_case = open_application({**values, "applicant_email": "refused2@example.com", "premises_name": "The Bell"},
                                source="api", actor=actor)
    respond(app_case, application_of(app_case), "representation", objectives=["public_safety"],
            reasons="No safe means of escape.", actor=actor, today=today)
    record_outcome(app_case, application_of(app_case), "refused", actor=actor, roles=frozenset(LICENSING_ROLES))
    made["application refused"] = app_case.reference
    db.session.commit()
    return [f"  liquor: {state}: {reference}" for state, reference in made.items()]
