"""Home visits by firearms enquiry officers: arranging one (a one-place slot booked for the case), the day's
visits for an officer, and the visit record (checklist, notes, photos, outcome) that moves the case on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.accounts.queries import staff_choices
from frontcounter.audit import record as audit
from frontcounter.bookings import Booking, BookingState, Slot, SlotSpec, book, create_slots
from frontcounter.bookings.times import UK
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_firearms.decisions import address_lines
from frontcounter_firearms.public_visits import VISIT, VISIT_RULES

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

SERVICE = "firearms"
VISIT_KIND = VISIT  # the same slots the applicant chooses from online
VISIT_MINUTES = 120
PHOTO_KIND = "visit-photo"
# Staff book the time agreed on the phone, however soon it is.
STAFF_RULES = replace(VISIT_RULES, min_notice_hours=0)

SECURITY_CHECKS: tuple[tuple[str, LazyString], ...] = (
    ("cabinet_bolted", _l("Cabinet (or gun room) is bolted to a solid wall or floor")),
    ("cabinet_standard", _l("Cabinet meets BS 7558, or is of equal strength")),
    ("keys_secure", _l("Keys are kept secure and away from the cabinet")),
    ("ammunition_separate", _l("Ammunition is stored separately, in a locked compartment or container")),
    ("not_visible", _l("Cabinet is out of sight of visitors and windows")),
    ("alarm", _l("Intruder alarm, if declared, is fitted and working")),
)
CROSS_CHECKS: tuple[tuple[str, LazyString], ...] = (
    ("identity", _l("Identity confirmed against photo ID, and the photo is a likeness")),
    ("addresses", _l("Addresses of the last 5 years match the application")),
    ("medical", _l("Medical declaration discussed and matches the GP's information")),
    ("firearms", _l("Firearms, calibres and ammunition quantities match the application")),
    ("good_reason", _l("Good reason confirmed (club membership or land permission seen)")),
    ("household", _l("Other people living at the address discussed")),
)
CHECK_KEYS = tuple(key for key, _label in SECURITY_CHECKS + CROSS_CHECKS)

OUTCOMES: tuple[tuple[str, LazyString], ...] = (
    ("satisfactory", _l("Satisfactory: send for a decision with no concerns")),
    ("concerns", _l("Concerns: send for a decision with my concerns noted")),
    ("not_completed", _l("Not completed: the visit must be arranged again")),
)
OUTCOME_KEYS = tuple(key for key, _label in OUTCOMES)


@dataclass(frozen=True)
class Visit:
    """One booked home visit: the booking, its slot, its case, and whether it is the officer's own."""

    booking: Booking
    slot: Slot
    case: Case
    mine: bool

    @property
    def address(self) -> list[str]:
        """The applicant's home address as lines."""
        return address_lines(self.case)

    @property
    def postcode(self) -> str:
        """The applicant's postcode (for the map link)."""
        return str((((self.case.data or {}).get("personal") or {}).get("address") or {}).get("postcode") or "")

    @property
    def map_url(self) -> str:
        """A map of the postcode on OpenStreetMap (opens the phone's browser or maps app)."""
        return map_url(self.postcode or ", ".join(self.address))

    @property
    def phone(self) -> str:
        """The applicant's phone number."""
        return str(((self.case.data or {}).get("personal") or {}).get("phone") or "")


def map_url(query: str) -> str:
    """An OpenStreetMap search for `query` (a postcode or an address)."""
    return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"


def uk_day(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a UK calendar day starts and ends (23 or 25 hours when the clocks change)."""
    start = datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=UK).astimezone(UTC)
    return start, end


def officer_of(slot: Slot) -> int | None:
    """The staff member the visit slot is allocated to, if any."""
    officer = (slot.details or {}).get("officer_id")
    return int(officer) if isinstance(officer, int) or (isinstance(officer, str) and officer.isdigit()) else None


def visits_on(day: date, me: int | None) -> list[Visit]:
    """The force's booked home visits on a UK `day`, soonest first; `mine` when allocated or assigned to `me`."""
    start, end = uk_day(day)
    rows = db.session.execute(
        db.select(Booking, Slot, Case)
        .join(Slot, Slot.id == Booking.slot_id)
        .join(Case, Case.id == Booking.case_id)
        .where(
            Slot.service_key == SERVICE,
            Slot.kind == VISIT_KIND,
            Slot.starts_at >= start,
            Slot.starts_at < end,
            Booking.state == BookingState.CONFIRMED.value,
        )
        .order_by(Slot.starts_at, Booking.id)
    ).all()
    visits = []
    for booking, slot, case in rows:
        officer = officer_of(slot)
        mine = me is not None and (officer == me or (officer is None and case.assignee_id == me))
        visits.append(Visit(booking, slot, case, mine))
    return visits


def field_officers() -> list[tuple[int, str]]:
    """The force's field officers (and force admins, who hold every role), by name."""
    return staff_choices("field_officer")


def arrange_visit(
    case: Case,
    starts_at: datetime,
    officer_id: int | None,
    *,
    actor: str,
    now: datetime | None = None,
    as_system: bool = False,
) -> Booking:
    """Book a home visit for `case` at `starts_at` (UTC) with an officer, and fire book_visit; not committed.

    Raises BookingRefused (a time in the past, a clash) or TransitionRefused (wrong state, role).
    """
    spec = SlotSpec(
        kind=VISIT_KIND,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=VISIT_MINUTES),
        capacity=1,
        location=", ".join(address_lines(case))[:300],
        details={"officer_id": officer_id, "case": case.reference},
    )
    with db.session.begin_nested():
        (slot,) = create_slots(SERVICE, [spec], actor=actor)
        booking = book(slot, case, actor=actor, rules=STAFF_RULES, now=now)
        engine.fire(
            case, "book_visit", actor=actor, as_system=as_system, public_note=False, note=_("Home visit booked")
        )
    return booking


def visit_record(case: Case) -> dict[str, Any]:
    """What has been recorded of the case's visit so far (checklist, notes, outcome)."""
    return dict((case.data or {}).get("visit") or {})


def save_visit(
    case: Case,
    checked: list[str],
    notes: str,
    *,
    actor: str,
    outcome: str = "",
    photos: list[FileStorage] | None = None,
) -> dict[str, Any]:
    """Keep the visit's checklist, notes and photos (staff-only documents) on the case; audited; not committed.

    Raises UploadRejected for a bad photo (the caller rolls back).
    """
    from frontcounter.documents.uploads import IMAGES, store_upload

    for photo in photos or []:
        store_upload(photo, case, PHOTO_KIND, allowed=IMAGES, public=False)
    record = {
        **visit_record(case),
        "checked": [key for key in CHECK_KEYS if key in checked],
        "notes": notes.strip(),
        "updated_by": actor,
        "updated_at": datetime.now(UTC).isoformat(),
    }
    if outcome:
        record["outcome"] = outcome
    case.data = {**case.data, "visit": record}
    audit("firearms.visit_saved", target=f"case:{case.reference}", after=record, actor=actor)
    return record


def outcome_note(record: dict[str, Any]) -> str:
    """The history note for the visit's outcome: what was ticked off and the officer's notes."""
    labels = dict(OUTCOMES)
    done = len(record.get("checked") or [])
    parts = [
        str(labels.get(record.get("outcome", ""), "")),
        _("%(done)s of %(total)s checks confirmed.", done=done, total=len(CHECK_KEYS)),
        record.get("notes") or "",
    ]
    return " ".join(part for part in parts if part)


def record_outcome(case: Case, record: dict[str, Any], *, actor: str) -> None:
    """Move the case on from the visit: to a decision (the applicant is emailed), or back to arrange another
    (the old booking is then cancelled and the applicant asked to choose again, by the public side's hook);
    not committed."""
    transition = "rearrange_visit" if record.get("outcome") == "not_completed" else "record_visit"
    engine.fire(case, transition, actor=actor, note=outcome_note(record), public_note=False)
    if transition == "record_visit":
        from frontcounter_firearms.referee_changes import tell_applicant

        tell_applicant(
            case,
            _("Your home visit has been recorded (%(reference)s)", reference=case.reference),
            [
                _("The firearms enquiry officer has recorded your home visit."),
                _("Your application is now with a senior officer for a decision. We will write to you."),
            ],
        )


def visit_day(visit_booking: Booking) -> date:
    """The UK date the booked visit is on."""
    from frontcounter.bookings.times import in_uk

    return in_uk(visit_booking.slot.starts_at).date()


def latest_booking(case: Case) -> Booking | None:
    """The case's most recent visit booking (the live one while a visit is booked)."""
    return db.session.scalar(db.select(Booking).where(Booking.case_id == case.id).order_by(Booking.id.desc()).limit(1))


def allocate(case: Case, officer_id: int | None, *, actor: str) -> Booking:
    """Give the case's booked visit to an enquiry officer (None: nobody); audited; not committed.

    Raises LookupError when the case has no booked visit.
    """
    booking = latest_booking(case)
    if booking is None or booking.state != BookingState.CONFIRMED.value:
        raise LookupError("no booked visit")
    slot = booking.slot
    before = officer_of(slot)
    slot.details = {**(slot.details or {}), "officer_id": officer_id}
    audit(
        "firearms.visit_allocated",
        target=f"case:{case.reference}",
        before={"officer_id": before},
        after={"officer_id": officer_id},
        actor=actor,
    )
    return booking
