"""Refuse input no route can store, in one place, before any view sees it.

- URL converters: no NUL byte in a path value (a 404), `<int:...>` no bigger than an INTEGER column.
- The request: no NUL byte in a query string, form field or JSON string, no lone surrogate,
  JSON nested at most MAX_JSON_DEPTH deep and valid UTF-8 (a 400 with a clear message).
- `request.args.get(name, type=int)` clamps a number past a 32-bit column to the 32-bit range.
- Every marshmallow Integer field (API schemas, settings schemas) refuses numbers past 32 bits.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Request, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields as ma_fields
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

MAX_INT = 2**31 - 1
MIN_INT = -(2**31)
MAX_JSON_DEPTH = 32


class UnusableInput(BadRequest):
    """A 400 for input no route can use; `public_message` says why, in words a person can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.public_message = message
        self.data = {"message": message}  # the API's JSON error body carries it too


def _nul_message() -> str:
    return str(_l("The request contains a character that is not allowed (a NUL byte). Remove it and try again."))


class DatabaseIntConverter(IntegerConverter):
    """<int:...> route values limited to what an INTEGER column holds."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """The default <name> converter, which never matches a NUL byte (so such a path is a 404)."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


class SafePathConverter(PathConverter):
    """<path:...> without NUL bytes."""

    regex = "[^/\\x00].*?"

    def to_python(self, value: str) -> str:
        """A path value with a NUL byte anywhere matches nothing."""
        if "\x00" in value:
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return value


def _bounded(type_: Any) -> Any:
    if type_ is not int:
        return type_

    def whole(value: str) -> int:
        if len(value) > 50:  # int() of a huge digit string is slow, and no column holds it
            raise ValueError("too long")
        return min(max(int(value), MIN_INT), MAX_INT)

    return whole


def as_int32(text: str) -> int | None:
    """The whole number `text` spells (digits only) when an INTEGER column can hold it, else None."""
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_INT else None


class BoundedMultiDict(ImmutableMultiDict):
    """Query and form values where get(..., type=int) gives numbers a column can hold."""

    def get(self, key, default=None, type=None):  # type: ignore[no-untyped-def, override]
        """As MultiDict.get, with type=int clamped to 32 bits (page 10**20 is the last possible page)."""
        return super().get(key, default, _bounded(type))


class FrontcounterRequest(Request):
    """The request class: bounded integer look-ups on args and form."""

    parameter_storage_class = BoundedMultiDict


def _has_nul(values: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


def _check_json(value: Any, depth: int = 0) -> str | None:
    if depth > MAX_JSON_DEPTH:
        return str(_l("The JSON body is nested too deeply."))
    if isinstance(value, str):
        if "\x00" in value:
            return _nul_message()
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return str(_l("The JSON body contains text that is not valid Unicode (a lone surrogate)."))
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _check_json(key, depth + 1) or _check_json(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for item in value:
            problem = _check_json(item, depth + 1)
            if problem:
                return problem
    return None


def _documented_query_names() -> set[str] | None:
    """The query parameters the OpenAPI document gives this request's operation (None: not in the document)."""
    import re

    from flask import current_app

    from frontcounter.extensions import api

    names: dict[tuple[str, str], set[str]] | None = current_app.extensions.get("frontcounter.api_query_names")
    if names is None:
        names = {}
        for path, operations in api.spec.to_dict().get("paths", {}).items():
            for method, operation in operations.items():
                if isinstance(operation, dict):
                    names[(path, method)] = {
                        p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
                    }
        current_app.extensions["frontcounter.api_query_names"] = names
    rule = request.url_rule.rule if request.url_rule is not None else ""
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)
    return names.get((path, request.method.lower()))


def refuse_unusable_input() -> None:
    """Before every request: 400 for NUL bytes, bad JSON or invalid UTF-8 in a JSON body."""
    if _has_nul(request.args):
        raise UnusableInput(_nul_message())
    if request.path.startswith("/api/") and request.args:
        documented = _documented_query_names()
        unknown = sorted(set(request.args) - documented) if documented is not None else []
        if unknown:
            raise UnusableInput(str(_l("This address takes no query parameter named %(names)s.",
                                       names=", ".join(repr(name) for name in unknown))))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _has_nul(request.form):
            raise UnusableInput(_nul_message())
    if request.is_json and request.content_length != 0:
        raw = request.get_data(cache=True)
        if not raw:
            return
        try:
            value = json.loads(raw.decode("utf-8"))
        except RecursionError:  # the parser's own limit: far deeper than MAX_JSON_DEPTH
            raise UnusableInput(str(_l("The JSON body is nested too deeply."))) from None
        except (UnicodeDecodeError, ValueError):
            raise UnusableInput(str(_l("The request body is not valid JSON in UTF-8."))) from None
        problem = _check_json(value)
        if problem:
            raise UnusableInput(problem)


def _bound_marshmallow_integers() -> None:
    """Make every marshmallow Integer field refuse numbers past 32 bits (one place for all schemas)."""
    if getattr(ma_fields.Integer, "_fc_bounded", False):
        return
    original = ma_fields.Integer._validated
    out_of_range = "Must be between -2147483648 and 2147483647."
    ma_fields.Integer.default_error_messages = {
        **ma_fields.Integer.default_error_messages, "out_of_range": out_of_range
    }

    def _validated(self, value):  # type: ignore[no-untyped-def]
        number = original(self, value)
        if number is not None and not MIN_INT <= number <= MAX_INT:
            # Fields made before this patch (a plugin's schemas imported early) lack the message: fall back to it.
            raise ValidationError(self.error_messages.get("out_of_range", out_of_range))
        return number

    ma_fields.Integer._validated = _validated  # type: ignore[method-assign]
    ma_fields.Integer._fc_bounded = True  # type: ignore[attr-defined]


NO_NUL_PATTERN = "^[^\u0000]*$"


def document_input_limits(converter: Any, field: Any, ret: dict[str, Any]) -> dict[str, Any]:
    """apispec attribute function: the OpenAPI document says what this module refuses.

    Integer fields carry the 32-bit range they accept; text fields without a pattern of their own
    say that they cannot hold a NUL byte.
    """
    if isinstance(field, ma_fields.String) and "pattern" not in ret and "enum" not in ret:
        return {"pattern": NO_NUL_PATTERN}
    if not isinstance(field, ma_fields.Integer):
        return {}
    extra: dict[str, Any] = {"format": "int32"} if "format" not in ret else {}
    if "minimum" not in ret:
        extra["minimum"] = MIN_INT
    if "maximum" not in ret:
        extra["maximum"] = MAX_INT
    return extra


def init_app(app: Flask) -> None:
    """Install the converters, the request class and the input check (first of all before_request)."""
    app.request_class = FrontcounterRequest
    app.url_map.converters["int"] = DatabaseIntConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.url_map.converters["path"] = SafePathConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unusable_input)
    _bound_marshmallow_integers()
