"""One offer as a camera or ticket office sends it: the fields, how each is read, and every reason a row is wrong.

Used by the CSV import and meant for the API too: values may be text (a CSV cell) or already typed
(a date, an int or a bool from JSON).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from frontcounter_speed_awareness.courses import parse_course_type
from frontcounter_speed_awareness.rules import MOTORCYCLE

REQUIRED_FIELDS = (
    "reference",
    "pin",
    "driver_name",
    "licence_number",
    "offence_date",
    "location",
    "limit_mph",
    "recorded_mph",
    "course_type",
    "admission_date",
    "book_by",
    "complete_by",
)
OPTIONAL_FIELDS = ("email", "vehicle", "motorway", "last_course_date")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

VEHICLES = ("car", "van", MOTORCYCLE, "lorry", "bus", "other")
SPEED_LIMITS = (10, 15, 20, 30, 40, 50, 60, 70)
MAX_RECORDED_MPH = 200
MAX_TEXT = 200

_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
_PIN = re.compile(r"^\d{4,8}$")
# Great Britain: 16 characters (surname, date of birth, initials, digits); Northern Ireland: 8 digits.
_GB_LICENCE = re.compile(r"^[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z0-9]{2}$")
_NI_LICENCE = re.compile(r"^\d{8}$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_INTEGER = re.compile(r"^\d{1,4}$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class OfferRow:
    """A checked offer, ready to be created. `pin` is the plain PIN: never show, log or store it."""

    row_number: int
    reference: str
    pin: str
    driver_name: str
    email: str
    licence_number: str
    offence_date: date
    location: str
    motorway: bool
    vehicle: str
    limit_mph: int
    recorded_mph: int
    course_type: str
    admission_received_on: date
    book_by: date
    complete_by: date
    last_course_on: date | None

    def __repr__(self) -> str:
        return f"OfferRow(row {self.row_number}, {self.reference})"


def normalise_reference(text: str) -> str:
    """A reference as stored and compared: upper case, no surrounding spaces."""
    return (text or "").strip().upper()


def normalise_licence(text: str) -> str:
    """A driving licence number as stored and compared: upper case, no spaces."""
    return re.sub(r"\s+", "", text or "").upper()


def parse_date(value: Any) -> date | None:
    """Read a date given as DD/MM/YYYY or YYYY-MM-DD (or a date already); None when it is not a real date."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    uk, iso = _UK_DATE.match(text), _ISO_DATE.match(text)
    try:
        if uk:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        return None
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class _RowReader:
    """Reads one row's fields, collecting a message for each problem."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.problems: list[str] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(f"{field}: {message}")

    def text(self, field: str, *, required: bool = True) -> str:
        value = _text(self.raw.get(field))
        if required and not value:
            self.problem(field, _("enter a value"))
        elif len(value) > MAX_TEXT:
            self.problem(field, _("must be %(max)d characters or fewer", max=MAX_TEXT))
        return value

    def day(self, field: str, *, required: bool = True) -> date | None:
        raw = self.raw.get(field)
        if not required and not _text(raw):
            return None
        found = parse_date(raw)
        if found is None:
            if _text(raw):
                self.problem(field, _("“%(value)s” is not a date: use DD/MM/YYYY or YYYY-MM-DD", value=_text(raw)))
            else:
                self.problem(field, _("enter a date as DD/MM/YYYY or YYYY-MM-DD"))
        return found

    def whole_number(self, field: str) -> int | None:
        raw = self.raw.get(field)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        text = _text(raw)
        if not _INTEGER.match(text):
            self.problem(
                field,
                _("“%(value)s” is not a whole number of mph", value=text) if text else _("enter a whole number of mph"),
            )
            return None
        return int(text)

    def yes_no(self, field: str) -> bool:
        raw = self.raw.get(field)
        if isinstance(raw, bool):
            return raw
        text = _text(raw).lower()
        if text in _YES:
            return True
        if text not in _NO:
            self.problem(field, _("“%(value)s” is not yes or no", value=_text(raw)))
        return False


def check_row(raw: Mapping[str, Any], row_number: int, today: date) -> tuple[OfferRow | None, list[str]]:
    """Read and check one offer's fields (not eligibility or duplicates); return the row or every problem."""
    read = _RowReader(raw)
    reference = normalise_reference(read.text("reference"))
    if reference and not _REFERENCE.match(reference):
        read.problem("reference", _("use up to 20 letters, digits and hyphens"))
    pin = _text(raw.get("pin"))
    if not _PIN.match(pin):
        read.problem("pin", _("must be 4 to 8 digits"))
    driver_name = read.text("driver_name")
    email = _check_email(read, _text(raw.get("email")))
    licence = normalise_licence(_text(raw.get("licence_number")))
    if not (_GB_LICENCE.match(licence) or _NI_LICENCE.match(licence)):
        read.problem(
            "licence_number", _("enter a GB licence number (16 characters) or a Northern Ireland one (8 digits)")
        )
    offence_date = read.day("offence_date")
    if offence_date and offence_date > today:
        read.problem("offence_date", _("is in the future"))
    location = read.text("location")
    motorway = read.yes_no("motorway")
    vehicle = (_text(raw.get("vehicle")) or "car").lower()
    if vehicle not in VEHICLES:
        read.problem("vehicle", _("must be one of %(choices)s", choices=", ".join(VEHICLES)))
    limit_mph, recorded_mph = _check_speeds(read)
    course_type = parse_course_type(_text(raw.get("course_type")))
    if course_type is None:
        read.problem(
            "course_type", _("“%(value)s” is not a course this service offers", value=_text(raw.get("course_type")))
        )
    admission = read.day("admission_date")
    if admission and admission > today:
        read.problem("admission_date", _("is in the future"))
    book_by, complete_by = read.day("book_by"), read.day("complete_by")
    last_course_on = read.day("last_course_date", required=False)
    if read.problems:
        return None, read.problems
    return OfferRow(
        row_number=row_number,
        reference=reference,
        pin=pin,
        driver_name=driver_name,
        email=email,
        licence_number=licence,
        offence_date=offence_date,
        location=location,
        motorway=motorway,
        vehicle=vehicle,
        limit_mph=limit_mph,
        recorded_mph=recorded_mph,
        course_type=course_type,
        admission_received_on=admission,
        book_by=book_by,
        complete_by=complete_by,
        last_course_on=last_course_on,
    ), []


def _check_email(read: _RowReader, email: str) -> str:
    if not email:
        return ""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        read.problem("email", _("“%(value)s” is not an email address", value=email))
        return ""


def _check_speeds(read: _RowReader) -> tuple[int | None, int | None]:
    limit_mph, recorded_mph = read.whole_number("limit_mph"), read.whole_number("recorded_mph")
    if limit_mph is not None and limit_mph not in SPEED_LIMITS:
        read.problem("limit_mph", _("%(value)d is not a UK speed limit", value=limit_mph))
    if recorded_mph is not None and recorded_mph > MAX_RECORDED_MPH:
        read.problem("recorded_mph", _("%(value)d mph is not a plausible speed", value=recorded_mph))
    elif limit_mph is not None and recorded_mph is not None and recorded_mph <= limit_mph:
        read.problem(
            "recorded_mph", _("%(speed)d mph is not above the %(limit)d mph limit", speed=recorded_mph, limit=limit_mph)
        )
    return limit_mph, recorded_mph
