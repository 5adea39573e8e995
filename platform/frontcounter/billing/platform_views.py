"""Platform admin billing pages: prices, force onboarding, credits and every force's statements."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from frontcounter.accounts.auth import current_account, platform_admin_required
from frontcounter.billing import onboarding, prices, statements
from frontcounter.billing.documents import download, statement_csv, statement_pdf
from frontcounter.billing.labels import billable_label, line_label, money, percent, service_name, uk_day
from frontcounter.billing.months import has_ended, month_key, month_name, next_month, parse_month, previous_month
from frontcounter.billing.queries import all_forces, billable_services, force_by_slug
from frontcounter.calendar import uk_today
from frontcounter.date_input import date_parts, is_blank, read_date
from frontcounter.extensions import db
from frontcounter.plugins.fields import pounds_to_pence
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant

bp = Blueprint("billing_platform", __name__, url_prefix="/platform/billing")
MAX_REASON = 300


@bp.before_request
@platform_admin_required
def _platform_admins_only() -> None:
    return None


def _actor() -> str:
    account = current_account()
    return account.email if account is not None else "platform admin"


def _month_arg() -> date:
    return parse_month(request.args.get("month")) or previous_month()


def _force_or_404(slug: str) -> Tenant:
    return force_by_slug(slug) or abort(404)


@bp.get("/")
def overview() -> str:
    """Prices, every force's onboarding and the month's statements with national totals."""
    first = _month_arg()
    services = billable_services()
    return render_template(
        "billing/platform.html", services=services,
        quotes=prices.prices_on(uk_today(), [s.key for s in services]), national=statements.national_month(first),
        onboarding=onboarding.all_onboarding(), stage=onboarding.stage, month=month_key(first),
        month_name=month_name(first), month_ended=has_ended(first), money=money, percent=percent,
        service_name=service_name, billable_label=billable_label, uk_day=uk_day,
        previous=month_key(previous_month(first)), following=_following(first),
    )


def _following(first: date) -> str | None:
    nxt = next_month(first)
    return month_key(nxt) if has_ended(nxt) else None


@bp.route("/prices/<service_key>", methods=["GET", "POST"])
def price(service_key: str) -> Response | str:
    """A service's price history and a form for a new price from a day on."""
    service = registry().services.get(service_key) or abort(404)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"price": "", "vat": str(prices.default_vat_basis_points() / 100).removesuffix(".0")}
    if request.method == "POST":
        form = request.form
        values = {"price": form.get("price", "").strip()[:20], "vat": form.get("vat", "").strip()[:10],
                  **{f"effective_from-{k}": v for k, v in date_parts(form, "effective_from").items()}}
        net = _pence(values["price"], errors)
        vat = _basis_points(values["vat"], errors)
        starts = read_date(form, "effective_from", errors, _("the date the price starts"), future_only=True)
        if not errors and net is not None and vat is not None and starts is not None:
            try:
                prices.set_price(service_key, net, vat, starts, actor=_actor())
            except prices.PriceRefused as refused:
                errors[_PRICE_FIELDS.get(refused.field, "price")] = refused.message
            else:
                db.session.commit()
                flash(_("New price for %(service)s saved.", service=service.name), "success")
                return redirect(url_for(".overview"))
    return render_template(
        "billing/price.html", service=service, history=prices.price_history().get(service_key, []),
        current=prices.price_on(service_key, uk_today()), values=values, errors=errors, money=money,
        percent=percent,
    )


_PRICE_FIELDS = {"price": "price", "vat": "vat", "effective_from": "effective_from-day", "service": "price"}


def _pence(text: str, errors: dict[str, str]) -> int | None:
    if not text:
        errors["price"] = _("Enter the price per transaction, like 0.99")
        return None
    try:
        value = pounds_to_pence(text)
    except ValueError:
        errors["price"] = _("Enter the price in pounds and pence, like 0.99")
        return None
    if value > prices.MAX_NET_PENCE:
        errors["price"] = _("Enter a price between £0 and £1,000")
        return None
    return value


def _basis_points(text: str, errors: dict[str, str]) -> int | None:
    try:
        value = round(float(text.removesuffix("%")) * 100)
        if not 0 <= value <= 10000 or text.lower() in {"nan", "inf"}:
            raise ValueError(text)
    except ValueError:
        errors["vat"] = _("Enter a VAT rate between 0 and 100 percent, like 20")
        return None
    return value


@bp.route("/forces/<slug>/onboarding", methods=["GET", "POST"])
def onboarding_view(slug: str) -> Response | str:
    """Record the dates a force reached each onboarding step (audited)."""
    tenant = _force_or_404(slug)
    row = onboarding.onboarding_for(tenant.id)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for step in onboarding.STEPS:
        day = getattr(row, step.field) if row is not None else None
        if day is not None:
            values.update({f"{step.field}-day": str(day.day), f"{step.field}-month": str(day.month),
                           f"{step.field}-year": str(day.year)})
    if request.method == "POST":
        form = request.form
        values = {}
        dates: dict[str, date | None] = {}
        for step in onboarding.STEPS:
            values.update({f"{step.field}-{k}": v for k, v in date_parts(form, step.field).items()})
            dates[step.field] = None if is_blank(form, step.field) else read_date(
                form, step.field, errors, _("the date of ‘%(step)s’", step=step.label))
        if not errors:
            try:
                onboarding.record_dates(tenant, dates, actor=_actor())
            except onboarding.OnboardingRefused as refused:
                errors.update({f"{field}-day": message for field, message in refused.errors.items()})
            else:
                db.session.commit()
                flash(_("Onboarding dates for %(force)s saved.", force=tenant.name), "success")
                return redirect(url_for(".overview"))
    return render_template("billing/onboarding.html", force=tenant, steps=onboarding.STEPS, values=values,
                           errors=errors)


@bp.route("/forces/<slug>/credit", methods=["GET", "POST"])
def credit(slug: str) -> Response | str:
    """Give a force a credit (a correction), carried onto its next statement."""
    tenant = _force_or_404(slug)
    errors: dict[str, str] = {}
    values = {"amount": "", "reason": ""}
    if request.method == "POST":
        values = {"amount": request.form.get("amount", "").strip()[:20],
                  "reason": request.form.get("reason", "").strip()}
        try:
            amount = pounds_to_pence(values["amount"])
            if amount <= 0 or amount > prices.MAX_NET_PENCE * 100:
                raise ValueError(amount)
        except ValueError:
            errors["amount"] = _("Enter the credit in pounds and pence, between £0.01 and £100,000")
        if not values["reason"]:
            errors["reason"] = _("Enter the reason for the credit")
        elif len(values["reason"]) > MAX_REASON:
            errors["reason"] = _("The reason must be %(max)d characters or fewer", max=MAX_REASON)
        if not errors:
            statements.add_credit(tenant, amount, values["reason"], actor=_actor())
            db.session.commit()
            flash(_("Credit for %(force)s saved: it will be on the next statement.", force=tenant.name), "success")
            return redirect(url_for(".overview"))
    return render_template("billing/credit.html", force=tenant, values=values, errors=errors)


@bp.post("/statements")
def issue() -> Response:
    """Issue the month's statement for one force or for every force that has none (on demand)."""
    first = parse_month(request.form.get("month"))
    if first is None:
        abort(400)
    if not has_ended(first):
        flash(_("You can issue statements for %(month)s once the month has ended.", month=month_name(first)),
              "error")
        return redirect(url_for(".overview", month=month_key(first)))
    chosen = request.form.get("force", "")
    forces = all_forces() if chosen == "all" else [_force_or_404(chosen)]
    for tenant in forces:
        statements.issue(tenant, first, actor=_actor())
    db.session.commit()
    flash(_("Statements for %(month)s issued.", month=month_name(first)), "success")
    return redirect(url_for(".overview", month=month_key(first)))


def _statement_or_404(tenant: Tenant, month: str) -> Any:
    first = parse_month(month) or abort(404)
    return statements.statement_for(first) or abort(404)


@bp.get("/forces/<slug>/statements/<month>")
def statement(slug: str, month: str) -> str:
    """One force's issued statement."""
    tenant = _force_or_404(slug)
    with tenant_context(tenant):
        found = _statement_or_404(tenant, month)  # its lines load with it, so the page is drawn as the platform's
    return render_template(
        "billing/statement.html", statement=found, uk_day=uk_day, force_name=tenant.display_name,
        month_name=month_name(parse_month(month)), line_label=line_label, money=money, percent=percent,
        back=url_for(".overview", month=month),
        csv_url=url_for(".statement_csv_view", slug=slug, month=month),
        pdf_url=url_for(".statement_pdf_view", slug=slug, month=month),
    )


@bp.get("/forces/<slug>/statements/<month>/csv")
def statement_csv_view(slug: str, month: str) -> Response:
    """One force's statement as CSV."""
    tenant = _force_or_404(slug)
    with tenant_context(tenant):
        found = _statement_or_404(tenant, month)
        return download(statement_csv(found, tenant.name).encode("utf-8-sig"), "text/csv; charset=utf-8",
                         f"statement-{found.number}.csv")


@bp.get("/forces/<slug>/statements/<month>/pdf")
def statement_pdf_view(slug: str, month: str) -> Response:
    """One force's statement as PDF."""
    tenant = _force_or_404(slug)
    with tenant_context(tenant):
        found = _statement_or_404(tenant, month)
        return download(statement_pdf(found), "application/pdf", f"statement-{found.number}.pdf")

