"""Everything the applicant gave, for staff: each question page's answers as labelled rows, walked from the
page schemas themselves, so a field added to the form shows on the staff case page and the officer's view.

Every schema field needs a label in LABELS (a test checks); values are shown in the page's language
(choices translated, dates as '12 May 1978', yes/no as words).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter_firearms.dates import long_date
from frontcounter_firearms.public_pages import CHOICES, QUESTIONS, TITLES, ApplicationPage
from frontcounter_firearms.rules import MEDICAL_CONDITIONS
from frontcounter_firearms.schemas import PAGES, AddressSchema
from marshmallow import Schema, fields

LABELS: dict[str, LazyString] = {
    "kind": _l("Applying for"),
    "certificates": _l("Certificates"),
    "like_for_like": _l("Like-for-like variation"),
    "converted_from": _l("Asked for, before the certificate had expired"),
    "current_certificate_number": _l("Current certificate number"),
    "current_certificate_expiry": _l("Current certificate expires"),
    "title": _l("Title"),
    "surname": _l("Surname"),
    "forenames": _l("Forenames"),
    "previous_names": _l("Previous names"),
    "date_of_birth": _l("Date of birth"),
    "place_of_birth": _l("Place of birth"),
    "height_cm": _l("Height (cm)"),
    "nationality": _l("Nationality"),
    "occupation": _l("Occupation"),
    "address": _l("Address"),
    "phone": _l("Phone number"),
    "email": _l("Email address"),
    "work_address": _l("Work address"),
    "addresses": _l("Address"),
    "line1": _l("Address line 1"),
    "line2": _l("Address line 2 (optional)"),
    "town": _l("Town or city"),
    "postcode": _l("Postcode"),
    "from_date": _l("From"),
    "to_date": _l("To"),
    "details": _l("Details"),
    "practices": _l("GP practice"),
    "name": _l("Name"),
    "consent_to_contact_gp": _l("Agrees to us contacting their GP"),
    "has_convictions": _l("Convictions or cautions"),
    "convictions": _l("Conviction or caution"),
    "date": _l("Date"),
    "offence": _l("Offence"),
    "court_or_force": _l("Court or police force"),
    "outcome": _l("Sentence or outcome"),
    "firearms": _l("Firearm"),
    "type": _l("Type"),
    "calibre": _l("Calibre"),
    "quantity": _l("How many"),
    "ammunition_to_hold": _l("Rounds to hold"),
    "ammunition_to_acquire": _l("Rounds to buy at one time"),
    "reason": _l("Reason"),
    "club_name": _l("Club"),
    "land_details": _l("Land with permission to shoot"),
    "reason_details": _l("Reason in their words"),
    "storage": _l("Storage"),
    "storage_location": _l("Where in the home"),
    "alarm": _l("Intruder alarm"),
    "ammunition_stored_separately": _l("Ammunition stored separately"),
    "referees": _l("Referee"),
    "country": _l("Lives in"),
    "relationship": _l("How they know the applicant"),
    "years_known": _l("Years known (applicant's answer)"),
    "firearms_dealer": _l("Registered firearms dealer"),
    "police": _l("Police officer or staff"),
    **dict(MEDICAL_CONDITIONS),
}


@dataclass(frozen=True)
class Row:
    """One answer: its path in Case.data (e.g. 'personal.height_cm'), label and value as text."""

    path: str
    label: str
    value: str


@dataclass(frozen=True)
class Group:
    """A block of answers: the page's own, or one item of a list (an address, a firearm, a referee)."""

    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Section:
    """One question page of the application and its answers."""

    page: str
    title: str
    groups: list[Group]


def schema_of(page: str) -> type[Schema]:
    """The schema class whose fields the page asks (the application page adds the certificate's expiry)."""
    return ApplicationPage if page == "application" else PAGES[page]


def nested_schema(field: fields.Field) -> type[Schema] | Schema:
    """The schema a Nested field (or a list of them) holds."""
    inner = field.inner if isinstance(field, fields.List) else field
    return inner.nested  # type: ignore[attr-defined, no-any-return]


def declared(schema: type[Schema] | Schema) -> dict[str, fields.Field]:
    """A schema's declared fields, in order."""
    return dict(schema._declared_fields)


def _choice(name: str, value: Any) -> str:
    group = CHOICES.get("kind" if name == "converted_from" else name) or {}
    return str(group.get(str(value), value))


def show(name: str, field: fields.Field, value: Any) -> str:
    """An answer as staff read it."""
    if value is None or value == "" or value == []:
        return _("now") if name == "to_date" else _("Not given")
    if isinstance(field, fields.Boolean):
        return _("Yes") if value else _("No")
    if isinstance(field, fields.Date):
        return long_date(date.fromisoformat(str(value)))
    if isinstance(field, fields.Nested) and nested_schema(field) is AddressSchema:
        return ", ".join(str(value.get(k)) for k in ("line1", "line2", "town", "postcode") if value.get(k))
    if isinstance(field, fields.List):
        return ", ".join(_choice(name, item) for item in value)
    return _choice(name, value)


def _rows(schema: type[Schema] | Schema, answers: Mapping[str, Any], path: str) -> tuple[list[Row], list[Group]]:
    rows: list[Row] = []
    groups: list[Group] = []
    for name, field in declared(schema).items():
        label = str(LABELS.get(name, name))
        value = answers.get(name)
        is_list_of_items = isinstance(field, fields.List) and isinstance(field.inner, fields.Nested)
        if is_list_of_items:
            for i, item in enumerate(value or [], start=1):
                inner_rows, _inner = _rows(nested_schema(field), item or {}, f"{path}.{name}.{i - 1}")
                groups.append(Group(_("%(item)s %(number)s", item=label, number=i), inner_rows))
        elif isinstance(field, fields.Nested) and nested_schema(field) is not AddressSchema:
            inner_rows, inner_groups = _rows(nested_schema(field), value or {}, f"{path}.{name}")
            rows.extend(inner_rows)
            groups.extend(inner_groups)
        else:
            rows.append(Row(f"{path}.{name}", label, show(name, field, value)))
    return rows, groups


def answer_sections(data: Mapping[str, Any]) -> list[Section]:
    """Every question page the case has answers for, with its rows, in the application's order."""
    sections = []
    for page in QUESTIONS:
        answers = data.get(page)
        if not isinstance(answers, Mapping):
            continue
        rows, groups = _rows(schema_of(page), answers, page)
        sections.append(Section(page, str(TITLES[page]), [Group("", rows), *groups] if rows else groups))
    return sections
