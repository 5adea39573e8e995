"""Force admins read (never edit) the audit log: filter by who, what, which record and when; newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict

from frontcounter.accounts.auth import staff_required
from frontcounter.accounts.models import Role
from frontcounter.audit.models import AuditEvent
from frontcounter.calendar import uk_time
from frontcounter.date_input import date_parts, is_blank, read_date
from frontcounter.extensions import MAX_OFFSET, db

bp = Blueprint("audit", __name__, url_prefix="/<force>/staff/admin/audit")

PER_PAGE = 50
UK = ZoneInfo("Europe/London")  # dates a force admin types are UK dates
FILTER_ARGS = ("actor", "action", "target", *(f"{d}-{p}" for d in ("from", "to") for p in ("day", "month", "year")))


@dataclass
class AuditFilter:
    """What a force admin asked the audit log for."""

    actor: str = ""
    action: str = ""
    target: str = ""
    date_from: date | None = None
    date_to: date | None = None


@bp.before_request
@staff_required(Role.FORCE_ADMIN)
def _admins_only() -> None:
    return None


def _date(args: MultiDict[str, str], prefix: str, what: str, errors: dict[str, str]) -> tuple[date | None, dict]:
    """A date filter, or None when left blank; the raw boxes to show again."""
    if is_blank(args, prefix):
        return None, date_parts(args, prefix)
    return read_date(args, prefix, errors, what, key=prefix), date_parts(args, prefix)


def parse_filter(args: MultiDict[str, str]) -> tuple[AuditFilter, dict[str, str], dict[str, dict]]:
    """Read the filter from query arguments; returns it, errors by field, and the raw date parts to redisplay."""
    errors: dict[str, str] = {}
    date_from, raw_from = _date(args, "from", _("date from"), errors)
    date_to, raw_to = _date(args, "to", _("date to"), errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = _("Date to must be the same as or after date from")
    f = AuditFilter(
        actor=args.get("actor", "").strip()[:320],
        action=args.get("action", "").strip()[:100],
        target=args.get("target", "").strip()[:200],
        date_from=date_from,
        date_to=date_to,
    )
    return f, errors, {"from": raw_from, "to": raw_to}


def _uk_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)


def audit_query(f: AuditFilter) -> Select:
    """Return the select for the current force's audit events matching `f`, newest first."""
    query = db.select(AuditEvent)
    if f.actor:
        query = query.where(AuditEvent.actor.icontains(f.actor, autoescape=True))
    if f.action:
        query = query.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.target:
        query = query.where(AuditEvent.target.icontains(f.target, autoescape=True))
    if f.date_from:
        query = query.where(AuditEvent.at >= _uk_midnight_utc(f.date_from))
    if f.date_to:
        query = query.where(AuditEvent.at < _uk_midnight_utc(f.date_to + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _value(value: Any) -> str:
    if value is None:
        return "–"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, str]]:
    """Each field of an event's before and after values, side by side."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [{"field": k, "before": _value(before.get(k)), "after": _value(after.get(k))} for k in keys]


@bp.get("")
def log() -> str:
    """The force's audit log, 50 events a page, filtered by actor, action, target and dates."""
    f, errors, raw_dates = parse_filter(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    events: list[AuditEvent] = []
    has_next = False
    if not errors:
        # One query a page: fetch one row more than a page to know whether there is a next one.
        offset = min((page - 1) * PER_PAGE, MAX_OFFSET)
        rows = db.session.scalars(audit_query(f).offset(offset).limit(PER_PAGE + 1)).all()
        events, has_next = list(rows[:PER_PAGE]), len(rows) > PER_PAGE
    args = {k: v for k, v in request.args.items() if k in FILTER_ARGS and v}
    return render_template(
        "audit/log.html",
        filter=f,
        errors=errors,
        raw_dates=raw_dates,
        events=events,
        page=page,
        has_next=has_next,
        first=(page - 1) * PER_PAGE + 1,
        args=args,
        changes=changes,
        uk_time=uk_time,
    )
