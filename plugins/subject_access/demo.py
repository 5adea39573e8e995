"""Demonstration requests for a force: every stage, some due this week, some overdue, some over three months
old, and a year of answered requests for the compliance figures."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from typing import Any

from frontcounter.calendar import add_calendar_months, force_calendar, uk_today
from frontcounter.cases import engine
from frontcounter.documents.records import save_document
from frontcounter.extensions import db
from frontcounter_subject_access import rules
from frontcounter_subject_access.models import SarItem, SarRequest
from frontcounter_subject_access.requests import ID_EVIDENCE, open_request, sync_deadline
from PIL import Image, ImageDraw

PEOPLE = ["Alex Morgan", "Sam Patel", "Jo Evans", "Chris Taylor", "Pat Hughes", "Robin Shah", "Kim Davies",
          "Lee Walsh", "Morgan Price", "Jamie Clarke", "Ash Collins", "Drew Bennett"]
# (name index, days since received, stage to reach, regime)
OPEN = [
    (0, 3, "awaiting_identity", rules.UK_GDPR),
    (1, 5, "identity_check", rules.UK_GDPR),
    (2, 9, "searching", rules.UK_GDPR),
    (3, 26, "review", rules.PART3),
    (4, 41, "searching", rules.UK_GDPR),  # overdue
    (5, 110, "review", rules.PART3),  # overdue, over three months
    (6, 20, "approval", rules.UK_GDPR),
    (7, 12, "searching", rules.UK_GDPR),  # extended
]
SYSTEM = "system: demo data"


def _id_card(name: str) -> bytes:
    image = Image.new("RGB", (420, 260), "#f3f2f1")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 410, 250), outline="#1d70b8", width=4)
    draw.text((30, 40), "DRIVING LICENCE (DEMO)", fill="#0b0c0c")
    draw.text((30, 90), name.upper(), fill="#0b0c0c")
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _answers(name: str, n: int) -> dict[str, Any]:
    return {"for_whom": "self", "full_name": name, "previous_names": "",
            "date_of_birth": date(1970 + n * 2, 1 + n % 12, 1 + n).isoformat(),
            "email": f"{name.split()[0].lower()}.{name.split()[1].lower()}@example.com", "phone": "",
            "address": f"{n + 1} High Street", "postcode": "BH1 1AA", "previous_addresses": "",
            "scope": "everything", "details": "", "references": "", "delivery": "download"}


def _fire(case: Any, *names: str) -> None:
    for name in names:
        engine.fire(case, name, actor=SYSTEM, as_system=True)


def _start_clock(case: Any, sar: SarRequest, received: date, stage: str) -> None:
    save_document(_id_card(sar.full_name), case=case, kind=ID_EVIDENCE, filename="driving-licence.png",
                  content_type="image/png", public=False, actor=SYSTEM)
    sar.identity_status, sar.identity_received_on = "received", received
    _fire(case, "evidence_received")
    if stage == "identity_check":
        return
    sar.identity_status = "accepted"
    sar.clock_started_on = received
    sar.due_on = rules.statutory_deadline(received, force_calendar())


def _request(name: str, n: int, received: date, stage: str, regime: str) -> SarRequest:
    case, sar = open_request(_answers(name, n), received_on=received, channel="online" if n % 3 else "post",
                             actor=SYSTEM, regime=regime)
    if stage == "awaiting_identity":
        return sar
    _start_clock(case, sar, received, stage)
    if stage == "identity_check":
        return sar
    _fire(case, "accept_identity")
    db.session.add(SarItem(case_id=case.id, source="system", origin="Records management system", kind="record",
                           reference=f"CRIME-{2400 + n}", summary="Crime report where the requester is the victim",
                           data={"reported": received.isoformat(), "role": "victim"}, included=True,
                           decision="disclose" if stage in ("approval", "closed") else ""))
    if stage == "searching":
        return sar
    _fire(case, "finish_search")
    if stage == "review":
        return sar
    sar.outcome, sar.submitted_by = "disclosure", "caseworker@demo"
    _fire(case, "send_for_approval")
    if stage == "approval":
        return sar
    sar.approved_by = "supervisor@demo"
    _fire(case, "approve", "close")
    return sar


def seed(tenant: Any) -> list[str]:
    """Requests in every stage for the force (once), and answered ones over the last year."""
    if db.session.scalar(db.select(SarRequest.id).limit(1)) is not None:
        return []
    today = uk_today()
    lines = []
    for n, days, stage, regime in OPEN:
        sar = _request(PEOPLE[n], n, today - timedelta(days=days), stage, regime)
        if n == 7:
            sar.extended_due_on = rules.extended_deadline(sar.clock_started_on, 2, force_calendar())
            sar.extension_reason, sar.extended_on = "Records held on several archived systems", today
            sync_deadline(engine.find_case(sar.reference), sar)
        lines.append(f"subject access {sar.reference}: {stage} ({sar.email})")
    # A year of answered requests: most in time, some late, for the monthly compliance figure.
    for month in range(1, 12):
        first = add_calendar_months(today.replace(day=1), -month)
        for k in range(3):
            n = (month + k) % len(PEOPLE)
            received = first + timedelta(days=2 + k * 5)
            sar = _request(PEOPLE[n], n, received - timedelta(days=30), "closed", rules.UK_GDPR)
            late = (month + k) % 4 == 0
            sar.responded_on = (sar.due_on + timedelta(days=6)) if late else (sar.due_on - timedelta(days=3))
            sar.closed_on = sar.responded_on
    db.session.flush()
    return lines
