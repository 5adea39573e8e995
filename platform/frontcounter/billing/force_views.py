"""Force admin pages: the force's own statements (and their CSV and PDF), never another force's."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for

from frontcounter.accounts.auth import staff_required
from frontcounter.accounts.models import Role
from frontcounter.billing import statements
from frontcounter.billing.documents import download, statement_csv, statement_pdf
from frontcounter.billing.labels import line_label, money, percent, uk_day
from frontcounter.billing.models import Statement
from frontcounter.billing.months import month_name, parse_month
from frontcounter.tenancy.context import current_tenant

bp = Blueprint("billing_force", __name__, url_prefix="/<force>/staff/admin/statements")


@bp.before_request
@staff_required(Role.FORCE_ADMIN)
def _admins_only() -> None:
    return None


def _statement_or_404(month: str) -> Statement:
    first = parse_month(month) or abort(404)
    return statements.statement_for(first) or abort(404)  # scoped to the current force: fails closed


@bp.get("/")
def statements_list() -> str:
    """The force's issued statements, newest first."""
    found = statements.statements()
    names = {s.month: month_name(parse_month(s.month)) for s in found}  # type: ignore[arg-type]
    return render_template("billing/force_statements.html", statements=found, names=names, money=money)


@bp.get("/<month>")
def statement(month: str) -> str:
    """One of the force's statements."""
    found = _statement_or_404(month)
    tenant = current_tenant()
    return render_template(
        "billing/statement.html", statement=found, uk_day=uk_day, force_name=tenant.display_name,
        month_name=month_name(parse_month(month)), line_label=line_label, money=money,  # type: ignore[arg-type]
        percent=percent, back=url_for(".statements_list", force=tenant.slug),
        csv_url=url_for(".statement_csv_view", force=tenant.slug, month=month),
        pdf_url=url_for(".statement_pdf_view", force=tenant.slug, month=month),
    )


@bp.get("/<month>/csv")
def statement_csv_view(month: str) -> Response:
    """The statement as CSV."""
    found = _statement_or_404(month)
    return download(statement_csv(found, current_tenant().name).encode("utf-8-sig"), "text/csv; charset=utf-8",
                     f"statement-{found.number}.csv")


@bp.get("/<month>/pdf")
def statement_pdf_view(month: str) -> Response:
    """The statement as PDF."""
    found = _statement_or_404(month)
    return download(statement_pdf(found), "application/pdf", f"statement-{found.number}.pdf")

