"""Error pages in the GOV.UK style for people, JSON with a code for the API."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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


def _unhandled(exc: Exception):  # type: ignore[no-untyped-def]
    db.session.rollback()
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
    app.register_error_handler(Exception, _unhandled)
