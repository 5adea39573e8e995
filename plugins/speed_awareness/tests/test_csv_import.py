"""Reading a ticket office's CSV of offers: encodings, headers, bad cells, duplicates and ineligible drivers."""

from __future__ import annotations

from datetime import date

import pytest
from frontcounter_speed_awareness.csv_import import INELIGIBLE, INVALID, MAX_ROWS, parse_offers

from .offer_files import HEADER, csv_bytes, row_values
from .offer_files import line as offer_line

TODAY = date(2025, 4, 1)
GOOD = row_values(TODAY)


def line(**changes: str) -> str:
    return offer_line(TODAY, **changes)


def parse(data: bytes, **kwargs):
    return parse_offers(data, today=TODAY, **kwargs)


def test_a_good_file_is_accepted_row_by_row():
    report = parse(csv_bytes(line(), line(reference="sa-1002", licence_number="drive 705150 a99xy")))
    assert report.file_problems == [] and report.rejected == []
    assert [r.reference for r in report.accepted] == ["SA-1001", "SA-1002"]
    first, second = report.accepted
    assert first.row_number == 2 and second.row_number == 3
    assert first.offence_date == date(2025, 3, 10) and first.admission_received_on == date(2025, 3, 20)
    assert first.limit_mph == 30 and first.recorded_mph == 36 and first.motorway is False
    assert second.licence_number == "DRIVE705150A99XY"
    assert report.can_import()
    assert "4821" not in repr(first)


def test_excels_utf8_with_byte_order_mark_is_read():
    data = b"\xef\xbb\xbf" + csv_bytes(line(driver_name="Siân Öztürk"))
    report = parse(data)
    assert report.file_problems == []
    assert report.accepted[0].driver_name == "Siân Öztürk"


def test_a_file_in_another_encoding_is_refused_not_guessed():
    report = parse(csv_bytes(line(driver_name="Siân Öztürk"), encoding="cp1252"))
    assert report.accepted == [] and report.rejected == []
    assert report.file_problems == [
        "The file must be saved as UTF-8 CSV. In Excel choose Save As, then “CSV UTF-8 (Comma delimited)”."
    ]
    assert not report.can_import(strict=False)


def test_columns_are_matched_in_any_order_and_case():
    names = HEADER.split(",")
    header = ",".join(n.upper().replace("_", " ") for n in reversed(names))
    row = ",".join(GOOD[n] for n in reversed(names))
    report = parse(csv_bytes(row, header=header))
    assert report.file_problems == [] and len(report.accepted) == 1


def test_optional_columns_may_be_left_out():
    required = [n for n in HEADER.split(",") if n not in ("email", "vehicle", "motorway", "last_course_date")]
    report = parse(csv_bytes(",".join(GOOD[n] for n in required), header=",".join(required)))
    assert report.file_problems == []
    assert report.accepted[0].vehicle == "car" and report.accepted[0].email == ""


def test_missing_and_unknown_columns_are_named():
    header = HEADER.replace("complete_by", "finish_by").replace(",pin", ",pin_code")
    report = parse(csv_bytes(line(), header=header))
    assert report.accepted == []
    assert report.file_problems[0] == "Columns missing: pin, complete_by."
    assert report.file_problems[1].startswith("Columns not recognised: pin_code, finish_by.")


def test_a_column_named_twice_is_refused():
    report = parse(csv_bytes(line() + ",x", header=HEADER + ",PIN"))
    assert report.file_problems == ["Columns named more than once: pin."]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b",,,\r\n"])
def test_an_empty_file_is_reported(data):
    report = parse(data)
    assert report.file_problems == ["The file is empty: it needs a header row and one row per offer."]


def test_a_header_with_no_offers_is_reported():
    report = parse(csv_bytes())
    assert report.file_problems == ["The file has a header row but no offers."]
    assert report.accepted == [] and report.rejected == []


def test_blank_rows_spreadsheets_leave_at_the_end_are_skipped():
    report = parse(csv_bytes(line(), ",,,,,,,,,,,,,,,", ""))
    assert report.rejected == [] and len(report.accepted) == 1


@pytest.mark.parametrize(
    ("cell", "value", "reason"),
    [
        ("offence_date", "31/02/2025", "offence_date: “31/02/2025” is not a date: use DD/MM/YYYY or YYYY-MM-DD"),
        ("offence_date", "10/03/25", "offence_date: “10/03/25” is not a date: use DD/MM/YYYY or YYYY-MM-DD"),
        ("offence_date", "03-10-2025", "offence_date: “03-10-2025” is not a date: use DD/MM/YYYY or YYYY-MM-DD"),
        ("book_by", "", "book_by: enter a date as DD/MM/YYYY or YYYY-MM-DD"),
        ("offence_date", "10/05/2025", "offence_date: is in the future"),
        ("recorded_mph", "36.5", "recorded_mph: “36.5” is not a whole number of mph"),
        ("limit_mph", "35", "limit_mph: 35 is not a UK speed limit"),
        ("recorded_mph", "30", "recorded_mph: 30 mph is not above the 30 mph limit"),
        ("recorded_mph", "400", "recorded_mph: 400 mph is not a plausible speed"),
        ("pin", "12", "pin: must be 4 to 8 digits"),
        ("pin", "12a4", "pin: must be 4 to 8 digits"),
        ("reference", "SA/1001", "reference: use up to 20 letters, digits and hyphens"),
        ("reference", "A" * 21, "reference: use up to 20 letters, digits and hyphens"),
        ("email", "not-an-email", "email: “not-an-email” is not an email address"),
        (
            "licence_number",
            "ABC123",
            "licence_number: enter a GB licence number (16 characters) or a Northern Ireland one (8 digits)",
        ),
        ("course_type", "speeding", "course_type: “speeding” is not a course this service offers"),
        ("motorway", "maybe", "motorway: “maybe” is not yes or no"),
        ("vehicle", "tractor", "vehicle: must be one of car, van, motorcycle, lorry, bus, other"),
        ("driver_name", "", "driver_name: enter a value"),
        ("complete_by", "01/04/2025", "The book-by date must not be after the complete-by date."),
    ],
)
def test_each_bad_cell_rejects_its_row_with_the_reason(cell, value, reason):
    report = parse(csv_bytes(line(), line(**{"reference": "SA-1002", cell: value})))
    assert [r.reference for r in report.accepted] == ["SA-1001"]
    (rejected,) = report.rejected
    assert rejected.row_number == 3 and rejected.kind == INVALID
    assert reason in rejected.reasons, rejected.reasons


def test_every_reason_for_a_row_is_given():
    report = parse(csv_bytes(line(pin="1", offence_date="yesterday", limit_mph="fast", email="x")))
    (rejected,) = report.rejected
    assert [r.split(":")[0] for r in rejected.reasons] == ["pin", "email", "offence_date", "limit_mph"]


def test_a_northern_ireland_licence_number_is_accepted():
    report = parse(csv_bytes(line(licence_number="12345678")))
    assert report.accepted[0].licence_number == "12345678"


def test_a_reference_twice_in_the_file_rejects_every_row_with_it():
    report = parse(csv_bytes(line(), line(reference="SA-1002"), line(reference="sa-1001 ")))
    assert [r.reference for r in report.accepted] == ["SA-1002"]
    assert [(r.row_number, r.reasons) for r in report.rejected] == [
        (2, ("reference: SA-1001 is on more than one row (rows 2, 4)",)),
        (4, ("reference: SA-1001 is on more than one row (rows 2, 4)",)),
    ]


def test_a_reference_the_force_already_has_is_rejected():
    asked: list[set[str]] = []

    def existing(refs: set[str]) -> set[str]:
        asked.append(refs)
        return {"SA-1001"}

    report = parse(csv_bytes(line(), line(reference="SA-1002")), existing_refs=existing)
    assert asked == [{"SA-1001", "SA-1002"}]
    assert [r.reference for r in report.accepted] == ["SA-1002"]
    assert report.rejected[0].reasons == ("reference: an offer with reference SA-1001 already exists",)


def test_ineligible_drivers_are_reported_and_not_created_but_do_not_block_the_file():
    report = parse(
        csv_bytes(
            line(),
            line(reference="SA-1002", recorded_mph="43"),
            line(reference="SA-1003", offence_date="01/02/2025", admission_date="16/03/2025"),
            line(reference="SA-1004", last_course_date="01/06/2023"),
            line(reference="SA-1005", course_type="ride"),
        )
    )
    assert [r.reference for r in report.accepted] == ["SA-1001"]
    assert all(r.kind == INELIGIBLE for r in report.rejected)
    reasons = {r.reference: r.reasons for r in report.rejected}
    assert reasons == {
        "SA-1002": ("43 mph is too fast for a course in a 30 mph limit: the most is 42 mph.",),
        "SA-1003": ("The admission arrived 43 days after the offence: it must arrive within 42 days.",),
        "SA-1004": ("The driver attended a course on 01/06/2023, less than 3 years before the offence.",),
        "SA-1005": ("The RIDE course is only for offences on a motorcycle.",),
    }
    assert report.can_import(strict=True)


def test_courses_the_force_already_knows_of_count_for_eligibility():
    def previous(licences: set[str]) -> dict[str, list[date]]:
        assert licences == {"DRIVE705150A99XY"}
        return {"DRIVE705150A99XY": [date(2024, 5, 1)]}

    report = parse(csv_bytes(line()), previous_courses=previous)
    assert report.rejected[0].kind == INELIGIBLE


def test_an_invalid_row_blocks_a_strict_import_an_ineligible_one_does_not():
    report = parse(csv_bytes(line(), line(reference="SA-1002", offence_date="32/01/2025")))
    assert not report.can_import(strict=True)
    assert report.can_import(strict=False)


def test_a_row_with_more_cells_than_columns_is_rejected():
    report = parse(csv_bytes(line(), line(reference="SA-1002") + ",surprise"))
    assert report.rejected[0].reasons == ("the row has more cells than the header has columns",)


def test_quoted_cells_with_commas_and_line_breaks_are_read():
    report = parse(csv_bytes(line(location='"Junction 4, M5\nnorthbound"', motorway="yes")))
    assert report.accepted[0].location == "Junction 4, M5\nnorthbound"
    assert report.accepted[0].motorway is True


def test_broken_quoting_is_reported_not_a_crash():
    report = parse(csv_bytes(line(location='"unterminated')))
    assert report.file_problems and report.accepted == []


def test_too_many_rows_are_refused_with_advice():
    rows = [line(reference=f"R{n}") for n in range(MAX_ROWS + 1)]
    report = parse(csv_bytes(*rows))
    assert report.file_problems == [
        f"The file has {MAX_ROWS + 1} offers, more than {MAX_ROWS}: split it into smaller files."
    ]
