"""Marshmallow fields for the application's answers, each with the GOV.UK-style message people see."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from frontcounter.calendar import uk_today
from marshmallow import Schema, ValidationError, fields, validate

YES_OR_NO = _l("Select yes or no")
REAL_DATE = _l("Enter a real date, for example 27 3 2007")
EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")


def plain_messages(messages: Any) -> Any:
    """Return a marshmallow error tree with every message as text in a list (lazy ones translated now)."""
    if isinstance(messages, dict):
        return {key: plain_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [plain_messages(m) if isinstance(m, dict | list) else str(m) for m in messages]
    return [str(messages)]


class PageSchema(Schema):
    """A schema whose errors are always lists of text per field, however the message was declared."""

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        """Raise the error again with its messages made plain."""
        raise ValidationError(plain_messages(error.messages), valid_data=error.valid_data) from error


def refuse(message: LazyString | str, field: str | None = None) -> ValidationError:
    """Return a ValidationError for `message` (translated now) on `field`, or on the whole page."""
    return ValidationError([str(message)], field) if field else ValidationError([str(message)])


class Text(fields.String):
    """A trimmed string: required (with `missing` as the message) unless `missing` is None, at most `max_length`."""

    def __init__(self, missing: LazyString | None = None, *, max_length: int = 200, **kwargs: Any) -> None:
        too_long = _l("Enter no more than %(max)s characters", max=max_length)
        extra = kwargs.pop("validate", None)
        kwargs["validate"] = [validate.Length(max=max_length, error=too_long), *([extra] if extra else [])]
        if missing is None:
            kwargs.setdefault("load_default", "")
        else:
            kwargs["required"] = True
            kwargs["error_messages"] = {"required": missing, "null": missing, "invalid": missing}
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if self.required and not text:
            raise self.make_error("required")
        return text


class Postcode(Text):
    """A UK postcode, tidied to capitals with one space (e.g. 'sw1a2aa' becomes 'SW1A 2AA')."""

    def __init__(self, missing: LazyString | None = None, **kwargs: Any) -> None:
        super().__init__(missing, max_length=10, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return text
        match = _POSTCODE.fullmatch(re.sub(r"\s+", "", text.upper()))
        if match is None:
            raise refuse(_l("Enter a real postcode, like SW1A 2AA"))
        return f"{match.group(1)} {match.group(2)}"


def email_address(missing: LazyString) -> Text:
    """A required email address, trimmed."""
    return Text(missing, max_length=320, validate=validate.Email(error=EMAIL_FORMAT))


def yes_no(message: LazyString = YES_OR_NO) -> fields.Boolean:
    """A required yes/no answer ('yes', 'no', true, false)."""
    return fields.Boolean(required=True, error_messages={"required": message, "null": message, "invalid": message})


def when(
    missing: LazyString,
    *,
    optional: bool = False,
    past: LazyString | None = None,
    extra: list[Callable[[date], None]] | None = None,
) -> fields.Date:
    """A date (ISO 'YYYY-MM-DD', as a date input is joined up), required with `missing` unless `optional`;
    with `past`, dates after today are refused with that message; `extra` checks follow."""
    messages = {"required": missing, "null": missing, "invalid": REAL_DATE}
    checks = [_not_after_today(past)] if past is not None else []
    checks.extend(extra or [])
    if optional:
        return fields.Date(load_default=None, allow_none=True, error_messages=messages, validate=checks)
    return fields.Date(required=True, error_messages=messages, validate=checks)


def _not_after_today(message: LazyString) -> Callable[[date], None]:
    def check(value: date) -> None:
        if value > uk_today():
            raise refuse(message)

    return check


MIN_AGE = 14  # the youngest who may apply online (and the youngest who may hold a section 1 firearm)
MAX_AGE = 120


def plausible_birth_date(value: date) -> None:
    """Refuse a date of birth that makes the applicant under 14 or over 120 today (UK date)."""
    today = uk_today()
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if value > today:
        return  # the 'in the past' check says so
    if age < MIN_AGE:
        raise refuse(
            _l("You must be 14 or older to apply online. Contact the firearms licensing team if you are younger")
        )
    if age > MAX_AGE:
        raise refuse(_l("Enter a real date of birth: you cannot be more than 120 years old"))


def whole_number(missing: LazyString, low: int, high: int, out_of_range: LazyString) -> fields.Integer:
    """A required whole number from `low` to `high`."""
    return fields.Integer(
        required=True,
        validate=validate.Range(min=low, max=high, error=out_of_range),
        error_messages={"required": missing, "null": missing, "invalid": missing},
    )


def one_of(choices: tuple[str, ...], missing: LazyString) -> fields.String:
    """A required choice among `choices` (radios or a select)."""
    return fields.String(
        required=True,
        validate=validate.OneOf(choices, error=missing),
        error_messages={"required": missing, "null": missing, "invalid": missing},
    )
