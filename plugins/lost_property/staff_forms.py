"""Read the staff forms (receiving an item, an item handed in at the counter, counts, disposals) into values or
errors by field id."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from frontcounter_lost_property.categories import BY_KEY
from frontcounter_lost_property.disposals import METHOD_KEYS
from frontcounter_lost_property.items import Receipt
from frontcounter_lost_property.public_forms import email, past_date, phone, postcode, serial, text

MONEY = re.compile(r"^£?\s*(\d{1,6})(?:\.(\d{2}))?$")
REFERENCE = re.compile(r"^[A-Za-z0-9/ -]{1,40}$")


def pence(value: str) -> int | None:
    """Pounds typed as 12, 12.50 or £12.50, in pence; None when it is not an amount."""
    found = MONEY.match((value or "").strip().replace(",", ""))
    if not found:
        return None
    return int(found.group(1)) * 100 + int(found.group(2) or 0)


def read_receipt(form: Mapping[str, str], category: str) -> tuple[Receipt | None, dict[str, str]]:
    """The receive form: property reference (blank: the next one), storage location, condition, station, cash."""
    errors: dict[str, str] = {}
    reference = (form.get("property_reference") or "").strip()
    if reference and not REFERENCE.match(reference):
        errors["property_reference"] = _("Property reference must be up to 40 letters, numbers, spaces, / or -")
    storage = text(form, "storage_location", errors, _("Enter where the item is stored"))
    condition = text(form, "condition", errors, _("Describe the item's condition"), limit=1000)
    station = text(form, "station", errors, _("Enter the station where the item is kept"), limit=300)
    cash = None
    if category == "cash":
        cash = pence(form.get("cash", ""))
        if cash is None:
            errors["cash"] = _("Enter the amount counted, like 25.50")
    if errors:
        return None, errors
    return Receipt(reference, storage, condition, station, cash), errors


def read_counter_item(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """An item handed in at the counter: what, where and when it was found, and the finder."""
    errors: dict[str, str] = {}
    category = form.get("category", "")
    if category not in BY_KEY:
        errors["category"] = _("Select what was handed in")
    values: dict[str, Any] = {
        "category": category,
        "description": text(form, "description", errors, _("Describe the item"), limit=1000),
        "serial": serial(form, errors),
        "found_where": text(form, "found_where", errors, _("Enter where it was found"), limit=300),
        "postcode": postcode(form, errors),
        "name": text(form, "name", errors, _("Enter the finder's full name")),
        "email": email(form, errors),
        "phone": phone(form, errors),
        "wants_item": form.get("wants_item") == "yes",
    }
    values["found_on"] = past_date(form, "found_on", errors, _("the date it was found"))
    return values, errors


def read_money(form: Mapping[str, str], name: str, errors: dict[str, str], message: str) -> int:
    """A required amount in pounds, as pence."""
    amount = pence(form.get(name, ""))
    if amount is None:
        errors[name] = message
        return 0
    return amount


def read_disposal(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The disposal proposal: method, recipient, proceeds (a sale only) and a note."""
    errors: dict[str, str] = {}
    method = form.get("method", "")
    if method not in METHOD_KEYS:
        errors["method"] = _("Select how the item is to be disposed of")
    proceeds = 0
    if method == "sale":
        proceeds = read_money(form, "proceeds", errors, _("Enter the sale proceeds, like 40.00"))
    recipient = text(form, "recipient", errors, "", required=False)
    if method in ("donation", "sale") and not recipient:
        errors["recipient"] = _("Enter who receives or buys the item")
    note = text(form, "note", errors, "", limit=1000, required=False)
    return {"method": method, "proceeds_pence": proceeds, "recipient": recipient, "note": note}, errors
