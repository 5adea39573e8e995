"""Logs: JSON lines in production with the request id, force, user and route on every line."""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, Response, g, has_request_context, request

from frontcounter.observability.requestid import current_request_id

access_log = logging.getLogger("frontcounter.access")


class ContextFilter(logging.Filter):
    """Adds request_id, force, user and route to every record (empty outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record; never drops one."""
        from frontcounter.tenancy.context import current_tenant_or_none

        tenant = current_tenant_or_none()
        record.request_id = current_request_id() or ""
        given_force = record.__dict__.pop("given_force", "")  # from log_access, outside a request context
        record.force = tenant.slug if tenant else given_force
        record.user = ""
        record.route = record.__dict__.pop("given_route", "")
        if has_request_context():
            record.route = request.url_rule.rule if request.url_rule else request.path[:200]
            account = g.get("_fc_account")
            record.user = f"account:{account.id}" if account is not None else ""
        return True


def _json_handler() -> logging.Handler:
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(force)s %(user)s %(route)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    return handler


def _text_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s %(force)s] %(message)s")
    )
    return handler


def configure_logging(fmt: str, level: str = "INFO") -> None:
    """Send the platform's logs to stderr as JSON lines ("json") or readable text ("text"), stamped with context."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_frontcounter", False):
            root.removeHandler(handler)
    handler = _json_handler() if fmt == "json" else _text_handler()
    handler._frontcounter = True  # type: ignore[attr-defined]
    handler.addFilter(ContextFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # Python's warnings become log lines too (JSON in production), not bare text


def _started() -> None:
    g._fc_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.get("_fc_started")
    if started is not None:
        log_access(request.method, request.path, response.status_code, started)
    return response


def log_access(method: str, path: str, status: int, started: float, **context: str) -> None:
    """Write one access line; `context` (force, route) stands in for a request context that is not there."""
    access_log.info(
        "%s %s %s", method, path[:200], status,
        extra={"status": status, "method": method, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
               **{f"given_{name}": value for name, value in context.items()}},
    )


def init_app(app: Flask) -> None:
    """Configure logging from LOG_FORMAT / LOG_LEVEL and log one access line per request (when ACCESS_LOG)."""
    if app.config.get("LOG_FORMAT"):
        configure_logging(app.config["LOG_FORMAT"], app.config.get("LOG_LEVEL", "INFO"))
    if app.config.get("ACCESS_LOG"):
        app.before_request(_started)
        app.after_request(_log_request)
