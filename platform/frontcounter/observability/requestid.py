"""The request id: taken from `X-Request-ID` (or made), carried into logs, jobs, emails and webhooks."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

from flask import Flask, Response, request

_current: ContextVar[str | None] = ContextVar("frontcounter_request_id", default=None)
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
HEADER = "X-Request-ID"


def current_request_id() -> str | None:
    """The id of the request (or of the request that queued the job) being handled now."""
    return _current.get()


def set_request_id(value: str | None) -> object:
    """Make `value` the current request id (for a job); returns a token for `reset_request_id`."""
    return _current.set(value)


def reset_request_id(token: object) -> None:
    """Put back the request id that was current before `set_request_id`."""
    _current.reset(token)  # type: ignore[arg-type]


def new_request_id() -> str:
    """A fresh random request id."""
    return secrets.token_hex(16)  # as random as uuid4().hex, without making a UUID object


def sensible(given: str) -> bool:
    """True when a caller's `X-Request-ID` may be used as the request id."""
    return _VALID.match(given) is not None


def _begin() -> None:
    given = request.headers.get(HEADER, "")
    _current.set(given if sensible(given) else new_request_id())


def _finish(response: Response) -> Response:
    response.headers[HEADER] = _current.get() or ""
    return response


def init_app(app: Flask) -> None:
    """Give every request an id (the caller's `X-Request-ID` when it is sensible) and echo it back."""
    app.before_request(_begin)
    app.after_request(_finish)
