"""Read a camera or ticket office's CSV of offers into a report: the rows to create and every rejected row with why.

The parser creates nothing. offers.import_offers(report) creates the accepted rows, all in one
transaction. A row is rejected as "invalid" (its data is wrong: bad dates, a duplicate reference, ...)
or "ineligible" (its data is fine but the driver may not be offered a course). Ineligible offers are a
normal outcome (those drivers are prosecuted) and never stop an import; by default an invalid row
stops the whole file, so nothing is half-imported (see import_offers' `strict`).

The file: UTF-8 (with or without the byte order mark Excel writes), comma-separated, a header row
naming the columns in any order and any case (spaces or hyphens may stand for underscores). Rows are
numbered as a spreadsheet shows them: the header is row 1. Empty rows are skipped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from frontcounter_speed_awareness.offer_rows import (
    ALL_FIELDS,
    REQUIRED_FIELDS,
    OfferRow,
    check_row,
    normalise_reference,
)
from frontcounter_speed_awareness.rules import deadline_problems, eligibility_problems, uk_today

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
INVALID = "invalid"
INELIGIBLE = "ineligible"
EXTRA_CELLS = "__extra_cells__"

ExistingRefs = Callable[[set[str]], set[str]]
PreviousCourses = Callable[[set[str]], Mapping[str, Iterable[date]]]


@dataclass(frozen=True)
class RejectedRow:
    """A row that will not be created: its spreadsheet row number, reference, kind and every reason."""

    row_number: int
    reference: str
    kind: str
    reasons: tuple[str, ...]


@dataclass
class ImportReport:
    """What a file holds: offers that may be created, rejected rows, and problems with the file itself."""

    accepted: list[OfferRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> list[RejectedRow]:
        """Rejected rows whose data is wrong (fix and send again)."""
        return [r for r in self.rejected if r.kind == INVALID]

    @property
    def ineligible(self) -> list[RejectedRow]:
        """Rejected rows whose driver may not be offered a course (prosecute instead)."""
        return [r for r in self.rejected if r.kind == INELIGIBLE]

    def can_import(self, strict: bool = True) -> bool:
        """True when the accepted rows may be created: a readable file and, when strict, no invalid row."""
        return not self.file_problems and not (strict and self.invalid)


def _no_existing(refs: set[str]) -> set[str]:
    return set()


def _no_previous(licences: set[str]) -> Mapping[str, Iterable[date]]:
    return {}


def parse_offers(
    data: bytes,
    *,
    today: date | None = None,
    existing_refs: ExistingRefs = _no_existing,
    previous_courses: PreviousCourses = _no_previous,
) -> ImportReport:
    """Decode, check and report on a CSV of offers (nothing is created).

    `existing_refs(refs)` returns which of `refs` already exist (offers.existing_references for the
    force in scope); `previous_courses(licences)` returns the course dates known for each licence number
    (offers.previous_course_dates), used with the file's last_course_date for eligibility.
    """
    report = ImportReport()
    rows = _read_rows(data, report)
    if rows is None:
        return report
    return check_rows(
        rows, report, today=today or uk_today(), existing_refs=existing_refs, previous_courses=previous_courses
    )


def check_rows(
    rows: list[tuple[int, dict[str, Any]]],
    report: ImportReport,
    *,
    today: date,
    existing_refs: ExistingRefs = _no_existing,
    previous_courses: PreviousCourses = _no_previous,
) -> ImportReport:
    """Check (row number, fields) pairs into `report`: fields, deadlines, duplicates, then eligibility."""
    checked: list[tuple[int, str, OfferRow | None, list[str]]] = []
    for number, raw in rows:
        row, problems = check_row(raw, number, today)
        if row is not None:
            problems = deadline_problems(row.book_by, row.complete_by, row.offence_date, today)
        if raw.get(EXTRA_CELLS):
            problems.append(_("the row has more cells than the header has columns"))
        reference = row.reference if row else normalise_reference(str(raw.get("reference") or ""))
        checked.append((number, reference, row, problems))
    duplicates = _duplicates_in_file(checked)
    wanted = {ref for _n, ref, _row, _p in checked if ref}
    existing = {r.upper() for r in existing_refs(wanted)} if wanted else set()
    licences = {row.licence_number for _n, _r, row, _p in checked if row is not None}
    known_courses = previous_courses(licences) if licences else {}
    for number, reference, row, problems in checked:
        if reference in duplicates:
            rows_with = ", ".join(str(n) for n in duplicates[reference])
            problems.append(
                _("reference: %(ref)s is on more than one row (rows %(rows)s)", ref=reference, rows=rows_with)
            )
        if reference in existing:
            problems.append(_("reference: an offer with reference %(ref)s already exists", ref=reference))
        unfit: list[str] = []
        if row is not None:
            courses = [*known_courses.get(row.licence_number, ())]
            if row.last_course_on:
                courses.append(row.last_course_on)
            unfit = eligibility_problems(row, courses, row.admission_received_on)
        if problems:
            report.rejected.append(RejectedRow(number, reference, INVALID, tuple(problems + unfit)))
        elif unfit:
            report.rejected.append(RejectedRow(number, reference, INELIGIBLE, tuple(unfit)))
        else:
            report.accepted.append(row)
    return report


def _duplicates_in_file(checked: list[tuple[int, str, OfferRow | None, list[str]]]) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = {}
    for number, reference, _row, _problems in checked:
        if reference:
            seen.setdefault(reference, []).append(number)
    return {ref: numbers for ref, numbers in seen.items() if len(numbers) > 1}


def _column_key(name: str) -> str:
    return re.sub(r"[\s-]+", "_", (name or "").strip().lower())


def _read_rows(data: bytes, report: ImportReport) -> list[tuple[int, dict[str, Any]]] | None:
    """Decode the file and check its header; None (with file problems recorded) when it cannot be read."""
    if len(data) > MAX_BYTES:
        report.file_problems.append(
            _("The file is larger than %(mb)d MB: split it into smaller files.", mb=MAX_BYTES // (1024 * 1024))
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.file_problems.append(
            _("The file must be saved as UTF-8 CSV. In Excel choose Save As, then “CSV UTF-8 (Comma delimited)”.")
        )
        return None
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as error:
        report.file_problems.append(_("The file is not a readable CSV file (%(error)s).", error=str(error)))
        return None
    if not records or not any(cell.strip() for cell in records[0]):
        report.file_problems.append(_("The file is empty: it needs a header row and one row per offer."))
        return None
    header = [_column_key(name) for name in records[0]]
    if not _header_ok(header, report):
        return None
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in cells):
            fields = dict(zip(header, cells, strict=False))
            fields[EXTRA_CELLS] = any(cell.strip() for cell in cells[len(header) :])
            rows.append((number, fields))
    if not rows:
        report.file_problems.append(_("The file has a header row but no offers."))
    elif len(rows) > MAX_ROWS:
        report.file_problems.append(
            _(
                "The file has %(num)d offers, more than %(max)d: split it into smaller files.",
                num=len(rows),
                max=MAX_ROWS,
            )
        )
    return None if report.file_problems else rows


def _header_ok(header: list[str], report: ImportReport) -> bool:
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    unknown = [name or _("(blank)") for name in header if name not in ALL_FIELDS]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if missing:
        report.file_problems.append(_("Columns missing: %(names)s.", names=", ".join(missing)))
    if unknown:
        report.file_problems.append(
            _(
                "Columns not recognised: %(names)s. The columns are: %(all)s.",
                names=", ".join(unknown),
                all=", ".join(ALL_FIELDS),
            )
        )
    if repeated:
        report.file_problems.append(_("Columns named more than once: %(names)s.", names=", ".join(repeated)))
    return not (missing or unknown or repeated)
