"""The figures pages: a force's at /<force>/staff/figures/ (force admins and supervisors) and the national one
at /platform/figures/ (platform admins), each with CSV downloads of the same figures."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from frontcounter.accounts.auth import platform_admin_required, staff_required
from frontcounter.figures import csv as figure_csv
from frontcounter.figures import pages, queries
from frontcounter.figures.filters import Filters, read_filters
from frontcounter.tenancy.context import current_tenant

bp = Blueprint("figures", __name__, url_prefix="/<force>/staff/figures")
national_bp = Blueprint("platform_figures", __name__, url_prefix="/platform/figures")
ROLES = ("force_admin", "supervisor")


def _filters(national: bool) -> tuple[Filters, list[tuple[str, str]]]:
    choices = pages.service_choices(national)
    return read_filters(request.args, [key for key, _name in choices]), choices


def _download(text: str, name: str) -> Response:
    return Response("\ufeff" + text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "no-store"})


def _prefix(national: bool) -> str:
    return "national" if national else current_tenant().slug


def _page(national: bool) -> str:
    filters, choices = _filters(national)
    return render_template("figures/page.html", choices=choices, **pages.page_figures(filters, national=national))


def _monthly(national: bool) -> Response:
    filters, _choices = _filters(national)
    monthly = queries.monthly(filters.period, filters.service, national=national)
    return _download(figure_csv.monthly_csv(monthly), f"{_prefix(national)}-figures-by-month")


def _backlog(national: bool) -> Response:
    filters, _choices = _filters(national)
    return _download(figure_csv.backlog_csv(queries.backlog(filters.service, national=national)),
                     f"{_prefix(national)}-backlog")


def _states(national: bool) -> Response:
    filters, _choices = _filters(national)
    stays = queries.state_times(filters.period, filters.service, national=national)
    return _download(figure_csv.states_csv(stays), f"{_prefix(national)}-time-in-state")


@bp.get("/")
@staff_required(*ROLES)
def force_page() -> str:
    """The force's management information: charts, tables and downloads."""
    return _page(False)


@bp.get("/monthly.csv")
@staff_required(*ROLES)
def force_monthly() -> Response:
    """The force's figures per month and service as CSV."""
    return _monthly(False)


@bp.get("/backlog.csv")
@staff_required(*ROLES)
def force_backlog() -> Response:
    """The force's open cases by age as CSV."""
    return _backlog(False)


@bp.get("/states.csv")
@staff_required(*ROLES)
def force_states() -> Response:
    """The force's average time in each state as CSV."""
    return _states(False)


@national_bp.get("/")
@platform_admin_required
def national_page() -> str:
    """The national management information, with every force's figures."""
    return _page(True)


@national_bp.get("/monthly.csv")
@platform_admin_required
def national_monthly() -> Response:
    """National figures per month and service as CSV."""
    return _monthly(True)


@national_bp.get("/backlog.csv")
@platform_admin_required
def national_backlog() -> Response:
    """National open cases by age as CSV."""
    return _backlog(True)


@national_bp.get("/states.csv")
@platform_admin_required
def national_states() -> Response:
    """National average time in each state as CSV."""
    return _states(True)


@national_bp.get("/forces.csv")
@platform_admin_required
def national_forces() -> Response:
    """Every force's figures over the period as CSV."""
    filters, _choices = _filters(True)
    return _download(figure_csv.forces_csv(pages.force_rows(filters)), "national-figures-by-force")


@bp.app_template_filter("figures_service")
def service_filter(key: str) -> str:
    """A service's name from its key, in templates."""
    return pages.service_name(key)
