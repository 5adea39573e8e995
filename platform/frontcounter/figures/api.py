"""The figures API for force systems: GET /api/v1/figures/monthly, /backlog and /states (the token's force only,
for tokens with the supervisor role; a token for some services sees only theirs)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _

from frontcounter.api.problems import ApiErrorSchema, ApiProblem
from frontcounter.api.token_auth import TokenAuthBlueprint, current_api_client
from frontcounter.figures import pages, queries
from frontcounter.figures.api_schemas import (
    BacklogQuerySchema,
    BacklogSchema,
    FigureQuerySchema,
    MonthlyFiguresSchema,
    StateTimesSchema,
)
from frontcounter.figures.filters import MAX_MONTHS
from frontcounter.figures.queries import Period
from frontcounter.figures.ukdays import month_start, uk_today

blp = TokenAuthBlueprint("figures_api", __name__, url_prefix="/api/v1/figures",
                         description="Management figures of the token's force")
ROLES = frozenset({"supervisor"})  # force_admin is never granted to a token


def _allowed() -> set[str]:
    client = current_api_client()
    if client.roles.isdisjoint(ROLES):
        raise ApiProblem(403, "forbidden", _("Figures need a token with the supervisor role."))
    return {key for key, _name in pages.service_choices(False) if client.allows(key)}


def _service(args: dict[str, Any]) -> str | None:
    service = args.get("service")
    if service is not None and service not in _allowed():
        raise ApiProblem(422, "unknown_service", _("The force has no service %(key)s for this token.", key=service))
    return service


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def _period(args: dict[str, Any]) -> Period:
    last = _month(args["to"]) if args.get("to") else month_start(uk_today())
    first = _month(args["from_"]) if args.get("from_") else queries.last_months(12, last).first
    if last < first:
        raise ApiProblem(422, "invalid_period", _("The end of the period must be the same as or after the start"))
    if len(Period(first, last).months) > MAX_MONTHS:
        raise ApiProblem(422, "invalid_period", _("The period can be up to %(count)d months long", count=MAX_MONTHS))
    return Period(first, last)


def _mine(key: str, allowed: set[str]) -> bool:
    return not current_api_client().services or key in allowed


@blp.get("/monthly")
@blp.arguments(FigureQuerySchema, location="query")
@blp.response(200, MonthlyFiguresSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="The token lacks the supervisor role")
@blp.alt_response(422, schema=ApiErrorSchema, description="A month, the period or the service is not valid")
def monthly(args: dict[str, Any]) -> dict[str, Any]:
    """Applications by channel, transactions, income, refunds and deadline compliance per month and service."""
    allowed, service, period = _allowed(), _service(args), _period(args)
    figures = queries.monthly(period, service)
    rows = [{
        "month": month.strftime("%Y-%m"), "service": key,
        "applications": {**{c: f.applications.get(c, 0) for c in queries.CHANNELS}, "total": f.total_applications},
        "transactions": f.payments, "income_pence": f.income_pence, "refunds": f.refunds,
        "refunded_pence": f.refunded_pence, "net_income_pence": f.net_pence, "closed": f.closed,
        "closed_with_deadline": f.deadline_checked, "deadline_met": f.deadline_met,
        "deadline_compliance_percent": f.compliance,
    } for (month, key), f in sorted(figures.by_month_service.items()) if _mine(key, allowed)]
    return {"from_": period.first.strftime("%Y-%m"), "to": period.last.strftime("%Y-%m"), "months": rows}


@blp.get("/backlog")
@blp.arguments(BacklogQuerySchema, location="query")
@blp.response(200, BacklogSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="The token lacks the supervisor role")
@blp.alt_response(422, schema=ApiErrorSchema, description="The service is not valid")
def backlog(args: dict[str, Any]) -> dict[str, Any]:
    """Open cases now per service, by days since they were opened, and how many are past their deadline."""
    allowed, service = _allowed(), _service(args)
    now = datetime.now(UTC)
    rows = [{"service": b.service_key, "days_0_7": b.ages["0-7"], "days_8_30": b.ages["8-30"],
             "days_31_90": b.ages["31-90"], "days_over_90": b.ages["91+"], "total": b.total, "overdue": b.overdue}
            for b in queries.backlog(service, now=now) if _mine(b.service_key, allowed)]
    return {"counted_at": now, "services": rows}


@blp.get("/states")
@blp.arguments(FigureQuerySchema, location="query")
@blp.response(200, StateTimesSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="The token lacks the supervisor role")
@blp.alt_response(422, schema=ApiErrorSchema, description="A month, the period or the service is not valid")
def states(args: dict[str, Any]) -> dict[str, Any]:
    """The average time cases spent in each workflow state, for stays that ended in the period."""
    allowed, service, period = _allowed(), _service(args), _period(args)
    rows = [{"service": s.service_key, "state": s.state, "state_label": pages.state_name(s.service_key, s.state),
             "stays": s.visits, "average_seconds": round(s.seconds / s.visits) if s.visits else 0,
             "average_days": s.average_days}
            for s in queries.state_times(period, service) if _mine(s.service_key, allowed)]
    return {"from_": period.first.strftime("%Y-%m"), "to": period.last.strftime("%Y-%m"), "states": rows}
