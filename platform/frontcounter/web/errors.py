"""Error pages in the GOV.UK style for people, JSON with a code for the API."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, ServiceUnavailable

from frontcounter.extensions import db
from frontcounter.tenancy.context import TenantScopeError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _json(code: int, status: str, message: str):  # type: ignore[no-untyped-def]
    return jsonify({"code": code, "status": status, "message": message}), code


def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
    if _wants_json():
        from frontcounter.extensions import api

        # flask-smorest's own format ({"code", "status", "message", "errors"}), plus the Allow header it drops.
        response = make_response(api.handle_http_exception(exc))
        valid = getattr(exc, "valid_methods", None)
        if exc.code == 405 and valid:
            response.headers["Allow"] = ", ".join(valid)
        return response
    return render_template("errors/http.html", error=exc), exc.code or 500


def _csrf_error(exc: CSRFError):  # type: ignore[no-untyped-def]
    if _wants_json():
        return _json(400, "Bad Request", "CSRF token missing or invalid.")
    return render_template("errors/csrf.html"), 400


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:
        log.warning("Rollback failed", exc_info=True)


def _unusable_value(exc: Exception):  # type: ignore[no-untyped-def]
    """A value the database cannot hold (a number out of range, a NUL byte): the caller's mistake."""
    _rollback()
    log.info("Refused a value the database cannot hold: %s", exc)
    message = _("A value you sent is too big or contains characters that are not allowed. Check it and try again.")
    if _wants_json():
        return jsonify({"code": 400, "status": "Bad Request", "message": message, "reason": "invalid_value"}), 400
    error = BadRequest(message)
    error.public_message = message  # type: ignore[attr-defined]
    return render_template("errors/http.html", error=error), 400


def is_database_outage(exc: BaseException) -> bool:
    """True for an error that means the database cannot be reached (not a bad query)."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def _outage(exc: Exception):  # type: ignore[no-untyped-def]
    """The database is unreachable: 503 with Retry-After; later requests recover by themselves."""
    _rollback()
    log.error("Database unavailable: %s", exc)
    message = _("Sorry, the service is unavailable. Try again in a few minutes.")
    headers = {"Retry-After": "30"}
    if _wants_json():
        body = {"code": 503, "status": "Service Unavailable", "message": message, "reason": "service_unavailable"}
        return jsonify(body), 503, headers
    try:
        html = render_template("errors/unavailable.html")
    except Exception:
        log.exception("Could not render the unavailable page")
        html = f"<!DOCTYPE html><title>{message}</title><h1>{message}</h1>"
    return html, 503, headers


def _unhandled(exc: Exception):  # type: ignore[no-untyped-def]
    if is_database_outage(exc):
        return _outage(exc)
    if isinstance(exc, (DataError, OverflowError)):
        return _unusable_value(exc)
    _rollback()
    if isinstance(exc, TenantScopeError):
        log.error("Tenant scope refused a query: %s", exc)
    else:
        log.exception("Unhandled error")
    if _wants_json():
        return _json(500, "Internal Server Error", _("Sorry, there is a problem with the service."))
    return render_template("errors/http.html", error=InternalServerError()), 500


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ServiceUnavailable, lambda exc: _outage(exc))
    app.register_error_handler(Exception, _unhandled)
