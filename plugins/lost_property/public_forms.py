"""Read the public forms (what was found or lost, where and when, who you are) into values or errors by field id."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from frontcounter.bookings.forms import in_order, read_date
from frontcounter.calendar import uk_today
from frontcounter_lost_property.categories import category, finder_may_claim
from frontcounter_lost_property.places import district

FOUND_ORDER = ("description", "serial", "found_on-day", "found_where", "postcode", "photos", "wants_item", "name",
               "email", "phone")
LOST_ORDER = ("category", "description", "serial", "lost_from-day", "lost_to-day", "lost_where", "postcode", "name",
              "email", "phone")
SERIAL = re.compile(r"^[A-Za-z0-9 /-]{3,64}$")
PHONE = re.compile(r"^[0-9 +()-]{7,20}$")


def text(form: Mapping[str, str], name: str, errors: dict[str, str], message: str, *, limit: int = 200,
         required: bool = True) -> str:
    """A trimmed text field; an error when it is required and empty, or too long."""
    value = " ".join((form.get(name) or "").split()) if limit <= 300 else (form.get(name) or "").strip()
    if required and not value:
        errors[name] = message
    elif len(value) > limit:
        errors[name] = _("Must be %(num)d characters or fewer", num=limit)
    return value


def past_date(form: Mapping[str, str], prefix: str, errors: dict[str, str], what: str) -> date | None:
    """A GOV.UK date input that must be a real date, today or earlier, within the last year."""
    found = read_date(form, prefix, errors, what, future_only=False)
    if found is None:
        return None
    today = uk_today()
    if found > today:
        errors[f"{prefix}-day"] = _("%(what)s must be today or in the past", what=what.capitalize())
        return None
    if (today - found).days > 366:
        errors[f"{prefix}-day"] = _("%(what)s must be within the last year", what=what.capitalize())
        return None
    return found


def email(form: Mapping[str, str], errors: dict[str, str]) -> str:
    """A required email address in the correct format."""
    value = (form.get("email") or "").strip()
    if not value:
        errors["email"] = _("Enter your email address")
        return value
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        errors["email"] = _("Enter an email address in the correct format, like name@example.com")
    if len(value) > 320:
        errors["email"] = _("Enter an email address in the correct format, like name@example.com")
    return value


def phone(form: Mapping[str, str], errors: dict[str, str]) -> str:
    """An optional UK phone number."""
    value = (form.get("phone") or "").strip()
    if value and not PHONE.match(value):
        errors["phone"] = _("Enter a telephone number, like 01632 960 001 or 07700 900 982")
    return value


def serial(form: Mapping[str, str], errors: dict[str, str]) -> str:
    """An optional serial number or IMEI."""
    value = (form.get("serial") or "").strip()
    if value and not SERIAL.match(value):
        errors["serial"] = _("Serial number or IMEI must be 3 to 64 letters, numbers, spaces, hyphens or slashes")
    return value


def postcode(form: Mapping[str, str], errors: dict[str, str], *, required: bool = False) -> str:
    """A postcode or the first half of one ("BH1 1AA" or "BH1")."""
    value = " ".join((form.get("postcode") or "").upper().split())
    if not value:
        if required:
            errors["postcode"] = _("Enter a postcode, or the first half of one, like BH1")
        return value
    if not district(value):
        errors["postcode"] = _("Enter a real postcode, or the first half of one, like BH1 1AA or BH1")
    return value


def read_found(form: Mapping[str, str], category_key: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The found item's details and the finder's: values for the draft, and errors by field id."""
    errors: dict[str, str] = {}
    found = category(category_key)
    values: dict[str, Any] = {
        "description": text(form, "description", errors, _("Describe the item"), limit=1000),
        "serial": serial(form, errors) if found.has_serial else "",
        "found_where": text(form, "found_where", errors, _("Enter where you found it"), limit=300),
        "postcode": postcode(form, errors),
        "name": text(form, "name", errors, _("Enter your full name")),
        "email": email(form, errors),
        "phone": phone(form, errors),
    }
    found_on = past_date(form, "found_on", errors, _("the date you found it"))
    values["found_on"] = found_on.isoformat() if found_on else ""
    if finder_may_claim(category_key):
        choice = form.get("wants_item", "")
        if choice not in ("yes", "no"):
            errors["wants_item"] = _("Select yes if you would like the item if nobody claims it")
        values["wants_item"] = {"yes": True, "no": False}.get(choice)
    else:
        values["wants_item"] = False
    return values, in_order(errors, FOUND_ORDER)


def read_lost(form: Mapping[str, str], accepted: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """A lost report: values and errors by field id."""
    errors: dict[str, str] = {}
    category_key = form.get("category", "")
    if category_key not in accepted:
        errors["category"] = _("Select what you lost")
    values: dict[str, Any] = {"category": category_key}
    values["description"] = text(form, "description", errors, _("Describe the item"), limit=1000)
    values["serial"] = serial(form, errors)
    values["lost_where"] = text(form, "lost_where", errors, _("Enter where you lost it"), limit=300)
    values["postcode"] = postcode(form, errors)
    lost_from = past_date(form, "lost_from", errors, _("the first day it could have been lost"))
    lost_to = past_date(form, "lost_to", errors, _("the last day it could have been lost"))
    if lost_from and lost_to and lost_to < lost_from:
        errors["lost_to-day"] = _("The last day must be the same as or after the first day")
    values["lost_from"], values["lost_to"] = lost_from, lost_to
    values["name"] = text(form, "name", errors, _("Enter your full name"))
    values["email"] = email(form, errors)
    values["phone"] = phone(form, errors)
    return values, in_order(errors, LOST_ORDER)
