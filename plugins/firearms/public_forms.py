"""Between HTML forms and the page schemas: flat field names like 'addresses-0-from_date-day' both ways.

A page's form names its fields after the schema: nested fields join with '-', list items carry their
index ('referees-1-email'), GOV.UK date inputs add '-day', '-month' and '-year', yes/no radios post
'yes' or 'no', and a list of words (checkboxes, or one per line in a textarea) repeats its name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict

DATE_PARTS = ("day", "month", "year")


def _item_indexes(form: MultiDict[str, str], key: str) -> list[int]:
    pattern = re.compile(re.escape(key) + r"-(\d{1,3})-")
    return sorted({int(m.group(1)) for name in form if (m := pattern.match(name))})


def _read_date(form: MultiDict[str, str], key: str) -> str | None:
    day, month, year = (form.get(f"{key}-{part}", "").strip() for part in DATE_PARTS)
    if not (day or month or year):
        return None
    if not (day.isdecimal() and month.isdecimal() and year.isdecimal() and len(year) == 4):
        return "not-a-date"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def read_form(schema: Schema, form: MultiDict[str, str], prefix: str = "") -> dict[str, Any]:
    """Return the raw answers for `schema` from a posted form (fields left out are simply missing)."""
    raw: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key = prefix + name
        if isinstance(field, fields.Nested):
            raw[name] = read_form(field.schema, form, f"{key}-")
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            raw[name] = [read_form(field.inner.schema, form, f"{key}-{i}-") for i in _item_indexes(form, key)]
        elif isinstance(field, fields.List):
            raw[name] = [line.strip() for value in form.getlist(key) for line in value.splitlines() if line.strip()]
        elif isinstance(field, fields.Date):
            value = _read_date(form, key)
            if value is not None:
                raw[name] = value
        elif form.get(key) is not None and not (isinstance(field, fields.Boolean) and form.get(key) == ""):
            raw[name] = form.get(key)
    return raw


def _text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


def form_values(schema: Schema, answers: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return the flat form values that show `answers` (cleaned, as stored) in the page's fields again."""
    values: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key, value = prefix + name, answers.get(name)
        if isinstance(field, fields.Nested):
            values.update(form_values(field.schema, value or {}, f"{key}-"))
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            for i, item in enumerate(value or []):
                values.update(form_values(field.inner.schema, item or {}, f"{key}-{i}-"))
        elif isinstance(field, fields.List):
            values[key] = [str(v) for v in value or []]
        elif isinstance(field, fields.Date) and value:
            day = date.fromisoformat(str(value))
            values.update({f"{key}-day": str(day.day), f"{key}-month": str(day.month), f"{key}-year": str(day.year)})
        else:
            values[key] = _text(value)
    return values


def posted_values(form: MultiDict[str, str]) -> dict[str, Any]:
    """Return a posted form as values to show again (lists for repeated names), without the CSRF token."""
    return {
        key: items if len(items) > 1 else items[0] for key, items in form.lists() if key not in ("csrf_token", "action")
    }


def _field_at(schema: Schema | None, path: list[str]) -> fields.Field | None:
    field: fields.Field | None = None
    for part in path:
        if part.isdecimal():
            continue
        if schema is None or part not in schema.fields:
            return None
        field = schema.fields[part]
        inner = field.inner if isinstance(field, fields.List) else field
        schema = inner.schema if isinstance(inner, fields.Nested) else None
    return field


def _messages(errors: Any, path: list[str]) -> Iterator[tuple[list[str], str]]:
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            yield from _messages(value, path if key == "_schema" else [*path, str(key)])
    elif isinstance(errors, list | tuple):
        for item in errors:
            yield from _messages(item, path)
    else:
        yield path, str(errors)


def field_errors(schema: Schema, errors: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Return (field name, element id to link to, message) for each error, in the order they came."""
    found = []
    for path, message in _messages(errors, []):
        name = "-".join(path) or "form"
        field = _field_at(schema, path)
        href = f"{name}-day" if isinstance(field, fields.Date) else name
        found.append((name, href, message))
    return found
