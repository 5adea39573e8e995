"""The request's questions, page by page, and how each answer is checked.

The same checks serve the public pages, the staff form for postal and emailed requests, and the API:
each takes plain strings and returns the cleaned answers and an error message per field id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from frontcounter.calendar import uk_today

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s?[0-9][A-Z]{2}$", re.IGNORECASE)
Errors = dict[str, str]
Cleaned = dict[str, Any]

PAGES = ("who", "details", "addresses", "what", "receive")
TITLES: dict[str, LazyString] = {
    "who": _l("Who is the request for?"),
    "details": _l("Details of the person the request is about"),
    "addresses": _l("Addresses"),
    "what": _l("What information do you want?"),
    "receive": _l("How do you want to receive it?"),
}
FOR_WHOM = {"self": _l("Myself"), "other": _l("Someone who has authorised me to ask for them")}
SCOPES = {"everything": _l("Everything you hold about me"), "specific": _l("Specific information")}
DELIVERY = {"download": _l("A secure download link by email"), "post": _l("A paper copy by post")}
CHANNELS = {"online": _l("Online"), "post": _l("By post"), "email": _l("By email"), "api": _l("From another system")}


def _text(raw: Mapping[str, Any], key: str, limit: int) -> str:
    return str(raw.get(key) or "").strip()[:limit]


def _required(cleaned: Cleaned, errors: Errors, key: str, message: LazyString) -> None:
    if not cleaned.get(key):
        errors[key] = str(message)


def _choice(raw: Mapping[str, Any], key: str, choices: Mapping[str, Any], message: LazyString,
            cleaned: Cleaned, errors: Errors) -> None:
    value = _text(raw, key, 20)
    if value in choices:
        cleaned[key] = value
    else:
        errors[key] = str(message)


def read_date(raw: Mapping[str, Any], key: str) -> tuple[date | None, str]:
    """A date from day/month/year fields (`key-day`...) or ISO text (`key`); the date or a problem code."""
    if raw.get(key):
        try:
            return date.fromisoformat(str(raw[key])), ""
        except ValueError:
            return None, "invalid"
    parts = [str(raw.get(f"{key}-{p}") or "").strip() for p in ("day", "month", "year")]
    if not any(parts):
        return None, "missing"
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        return None, "invalid"
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])), ""
    except ValueError:
        return None, "invalid"


def check_who(raw: Mapping[str, Any]) -> tuple[Cleaned, Errors]:
    """Who the request is for; a representative gives their own name and how they may act."""
    cleaned: Cleaned = {}
    errors: Errors = {}
    _choice(raw, "for_whom", FOR_WHOM, _l("Select who the request is for"), cleaned, errors)
    if cleaned.get("for_whom") == "other":
        cleaned["requester_name"] = _text(raw, "requester_name", 200)
        cleaned["relationship"] = _text(raw, "relationship", 200)
        _required(cleaned, errors, "requester_name", _l("Enter your full name"))
        _required(cleaned, errors, "relationship", _l("Enter how you are authorised to act for them"))
    return cleaned, errors


def check_details(raw: Mapping[str, Any]) -> tuple[Cleaned, Errors]:
    """Name, previous names, date of birth and contact details."""
    cleaned: Cleaned = {
        "full_name": _text(raw, "full_name", 200),
        "previous_names": _text(raw, "previous_names", 1000),
        "email": _text(raw, "email", 320).lower(),
        "phone": _text(raw, "phone", 40),
    }
    errors: Errors = {}
    _required(cleaned, errors, "full_name", _l("Enter the full name"))
    born, problem = read_date(raw, "date_of_birth")
    if problem == "missing":
        errors["date_of_birth"] = str(_l("Enter the date of birth"))
    elif problem or born is None:
        errors["date_of_birth"] = str(_l("Date of birth must be a real date"))
    elif born >= uk_today() or born.year < 1900:
        errors["date_of_birth"] = str(_l("Date of birth must be in the past"))
    else:
        cleaned["date_of_birth"] = born.isoformat()
    if not cleaned["email"]:
        errors["email"] = str(_l("Enter an email address"))
    elif not EMAIL.match(cleaned["email"]):
        errors["email"] = str(_l("Enter an email address in the correct format, like name@example.com"))
    return cleaned, errors


def check_addresses(raw: Mapping[str, Any]) -> tuple[Cleaned, Errors]:
    """The current address and postcode, and every other address in the last 10 years."""
    cleaned: Cleaned = {
        "address": _text(raw, "address", 500),
        "postcode": _text(raw, "postcode", 10).upper(),
        "previous_addresses": _text(raw, "previous_addresses", 3000),
    }
    errors: Errors = {}
    _required(cleaned, errors, "address", _l("Enter the current address"))
    if not cleaned["postcode"]:
        errors["postcode"] = str(_l("Enter the postcode"))
    elif not POSTCODE.match(cleaned["postcode"]):
        errors["postcode"] = str(_l("Enter a real postcode"))
    return cleaned, errors


def check_what(raw: Mapping[str, Any]) -> tuple[Cleaned, Errors]:
    """Everything, or what in particular (incidents, dates, places, services), and known references."""
    cleaned: Cleaned = {"details": _text(raw, "details", 3000), "references": _text(raw, "references", 500)}
    errors: Errors = {}
    _choice(raw, "scope", SCOPES, _l("Select what information you want"), cleaned, errors)
    if cleaned.get("scope") == "specific":
        _required(cleaned, errors, "details", _l("Enter the information you want"))
    return cleaned, errors


def check_receive(raw: Mapping[str, Any]) -> tuple[Cleaned, Errors]:
    """How the response should reach the requester."""
    cleaned: Cleaned = {}
    errors: Errors = {}
    _choice(raw, "delivery", DELIVERY, _l("Select how you want to receive the information"), cleaned, errors)
    return cleaned, errors


CHECKS: dict[str, Callable[[Mapping[str, Any]], tuple[Cleaned, Errors]]] = {
    "who": check_who,
    "details": check_details,
    "addresses": check_addresses,
    "what": check_what,
    "receive": check_receive,
}


def check_all(raw: Mapping[str, Any]) -> tuple[Cleaned, Errors]:
    """Every page's checks at once (staff and API entry)."""
    cleaned: Cleaned = {}
    errors: Errors = {}
    for page in PAGES:
        page_cleaned, page_errors = CHECKS[page](raw)
        cleaned.update(page_cleaned)
        errors.update(page_errors)
    return cleaned, errors


def first_unanswered(answers: Mapping[str, Any]) -> str | None:
    """The first page whose answers are missing or no longer pass their checks."""
    for page in PAGES:
        if CHECKS[page](answers)[1]:
            return page
    return None


def summary(answers: Mapping[str, Any]) -> list[tuple[Any, str, str]]:
    """The check-your-answers rows: label, answer as text, and the page that asks it."""
    from flask_babel import format_date

    born = answers.get("date_of_birth")
    rows: list[tuple[Any, str, str]] = [(_l("Request for"), str(FOR_WHOM[answers["for_whom"]]), "who")]
    if answers.get("for_whom") == "other":
        rows.append((_l("Your name"), f"{answers.get('requester_name', '')} ({answers.get('relationship', '')})",
                     "who"))
    wanted = str(SCOPES[answers["scope"]])
    if answers.get("scope") == "specific":
        wanted = f"{wanted}: {answers.get('details', '')}"
    rows += [
        (_l("Full name"), answers.get("full_name", ""), "details"),
        (_l("Previous names"), answers.get("previous_names", ""), "details"),
        (_l("Date of birth"), format_date(date.fromisoformat(born), "d MMMM yyyy") if born else "", "details"),
        (_l("Email address"), answers.get("email", ""), "details"),
        (_l("Phone number"), answers.get("phone", ""), "details"),
        (_l("Current address"), f"{answers.get('address', '')}\n{answers.get('postcode', '')}", "addresses"),
        (_l("Other addresses in the last 10 years"), answers.get("previous_addresses", ""), "addresses"),
        (_l("Information wanted"), wanted, "what"),
        (_l("Reference numbers"), answers.get("references", ""), "what"),
        (_l("How to receive it"), str(DELIVERY[answers["delivery"]]), "receive"),
    ]
    return [(label, ", ".join(line.strip() for line in str(value).splitlines() if line.strip()), page)
            for label, value, page in rows]
