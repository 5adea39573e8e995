"""Offer CSV files as a ticket office sends them, for the tests."""

from __future__ import annotations

from datetime import date, timedelta

HEADER = (
    "reference,pin,driver_name,email,licence_number,offence_date,location,limit_mph,recorded_mph,course_type,"
    "admission_date,book_by,complete_by,vehicle,motorway,last_course_date"
)
LICENCE = "DRIVE705150A99XY"


def row_values(today: date) -> dict[str, str]:
    """One eligible offer, its dates relative to `today`: offence 22 days ago, admission 10 days later,
    book within 29 days, complete within 90 (dates in both formats the import reads)."""
    return {
        "reference": "SA-1001",
        "pin": "4821",
        "driver_name": "Ann Driver",
        "email": "ann@example.com",
        "licence_number": LICENCE,
        "offence_date": (today - timedelta(days=22)).strftime("%d/%m/%Y"),
        "location": "A38 Bristol Road",
        "limit_mph": "30",
        "recorded_mph": "36",
        "course_type": "national_speed_awareness",
        "admission_date": (today - timedelta(days=12)).isoformat(),
        "book_by": (today + timedelta(days=29)).strftime("%d/%m/%Y"),
        "complete_by": (today + timedelta(days=90)).strftime("%d/%m/%Y"),
        "vehicle": "car",
        "motorway": "no",
        "last_course_date": "",
    }


def line(today: date, **changes: str) -> str:
    """A CSV line for the offer of row_values(today) with `changes`."""
    values = {**row_values(today), **changes}
    return ",".join(values[name] for name in HEADER.split(","))


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    """A whole file: the header, then `lines`, with Windows line endings as Excel writes them."""
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)
