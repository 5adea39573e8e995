"""Session reports for the force in scope: places, bookings, attendance, fill rate and income per session.

Two grouped queries whatever the number of sessions: one counts confirmed bookings and attendance per
session, one sums the successful payments of the cases booked on them. Cancelled sessions are left out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from frontcounter.bookings import Booking, BookingState, Slot
from frontcounter.bookings.times import in_uk, uk_to_utc
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.payments.models import Payment, PaymentState
from frontcounter.tenancy.services import service_settings
from frontcounter_speed_awareness.courses import course_label
from frontcounter_speed_awareness.offers import SERVICE_KEY
from sqlalchemy import case as when
from sqlalchemy import func

ATTENDED_STATES = ("attended", "completed")
WITHDRAWN_STATES = ("withdrawn", "returned_to_prosecution")
MAX_DAYS = 366


@dataclass(frozen=True)
class SessionFigures:
    """One session's figures (income in pence; central charge = paid drivers x the force's central charge)."""

    slot_id: int
    starts_at: datetime
    course_type: str
    location: str
    places: int
    booked: int
    attended: int
    withdrawn: int
    paid: int
    income_pence: int
    central_pence: int

    @property
    def fill_rate(self) -> float:
        """Booked places as a percentage of places (0 for a session with none)."""
        return round(100 * self.booked / self.places, 1) if self.places else 0.0

    @property
    def force_pence(self) -> int:
        """The force's part of the income, after the central charge."""
        return self.income_pence - self.central_pence


@dataclass(frozen=True)
class SessionReport:
    """The sessions from `start` to `end` (UK dates, both included) and their totals."""

    start: date
    end: date
    sessions: list[SessionFigures]

    def total(self, name: str) -> int:
        """The sum of one figure over every session."""
        return sum(getattr(s, name) for s in self.sessions)

    @property
    def fill_rate(self) -> float:
        """All booked places as a percentage of all places."""
        places = self.total("places")
        return round(100 * self.total("booked") / places, 1) if places else 0.0


def session_report(start: date, end: date) -> SessionReport:
    """The report for sessions starting from `start` to `end` (UK dates, both included)."""
    since, until = uk_to_utc(start, time(0, 0)), uk_to_utc(end + timedelta(days=1), time(0, 0))
    confirmed = (Booking.state == BookingState.CONFIRMED.value) & (Booking.case_id == Case.id)
    counts = db.session.execute(
        db.select(
            Slot.id,
            Slot.starts_at,
            Slot.kind,
            Slot.location,
            Slot.capacity,
            func.count(Booking.id),
            func.count(when((Case.state.in_(ATTENDED_STATES), Booking.id))),
            func.count(when((Case.state.in_(WITHDRAWN_STATES), Booking.id))),
        )
        .outerjoin(Booking, (Booking.slot_id == Slot.id) & (Booking.state == BookingState.CONFIRMED.value))
        .outerjoin(Case, confirmed)
        .where(
            Slot.service_key == SERVICE_KEY,
            Slot.cancelled_at.is_(None),
            Slot.starts_at >= since,
            Slot.starts_at < until,
        )
        .group_by(Slot.id, Slot.starts_at, Slot.kind, Slot.location, Slot.capacity)
        .order_by(Slot.starts_at, Slot.id)
    ).all()
    money = _income_by_slot([row[0] for row in counts])
    central = int(service_settings(SERVICE_KEY)["central_charge_pence"])
    sessions = []
    for slot_id, starts_at, kind, location, capacity, booked, attended, withdrawn in counts:
        paid, income = money.get(slot_id, (0, 0))
        sessions.append(
            SessionFigures(
                slot_id, starts_at, kind, location, capacity, booked, attended, withdrawn, paid, income, paid * central
            )
        )
    return SessionReport(start, end, sessions)


def _income_by_slot(slot_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Slot id -> (drivers who paid, pence paid less refunds) for the confirmed bookings on those slots."""
    if not slot_ids:
        return {}
    rows = db.session.execute(
        db.select(
            Booking.slot_id,
            func.count(func.distinct(Payment.case_id)),
            func.coalesce(func.sum(Payment.amount_pence - Payment.refunded_pence), 0),
        )
        .join(Payment, Payment.case_id == Booking.case_id)
        .where(
            Booking.slot_id.in_(slot_ids),
            Booking.state == BookingState.CONFIRMED.value,
            Payment.state == PaymentState.SUCCESS.value,
        )
        .group_by(Booking.slot_id)
    ).all()
    return {slot_id: (int(paid), int(income)) for slot_id, paid, income in rows}


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(report: SessionReport) -> str:
    """The report as CSV text (amounts in pounds), one row per session and a totals row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Date"),
            _("Start"),
            _("Course"),
            _("Where"),
            _("Places"),
            _("Booked"),
            _("Attended"),
            _("Withdrawn"),
            _("Fill rate %%") % (),  # the catalogue keeps "%%"; formatting leaves one "%"
            _("Income"),
            _("Central charge"),
            _("Force income"),
        ]
    )
    for s in report.sessions:
        local = in_uk(s.starts_at)
        writer.writerow(
            [
                local.date().isoformat(),
                local.strftime("%H:%M"),
                _cell(course_label(s.course_type)),
                _cell(s.location),
                s.places,
                s.booked,
                s.attended,
                s.withdrawn,
                f"{s.fill_rate:.1f}",
                _pounds(s.income_pence),
                _pounds(s.central_pence),
                _pounds(s.force_pence),
            ]
        )
    writer.writerow(
        [
            _("Total"),
            "",
            "",
            "",
            report.total("places"),
            report.total("booked"),
            report.total("attended"),
            report.total("withdrawn"),
            f"{report.fill_rate:.1f}",
            _pounds(report.total("income_pence")),
            _pounds(report.total("central_pence")),
            _pounds(report.total("force_pence")),
        ]
    )
    return out.getvalue()


def _pounds(pence: int) -> str:
    return f"{pence / 100:.2f}"
