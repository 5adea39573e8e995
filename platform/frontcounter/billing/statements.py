"""Monthly statements: a force's transactions by service, refunds, the joining fee and credits, issued once.

Lines come from grouped queries on the ledger (PlatformCharge) and are stored when the statement is issued;
an issued statement is never recomputed or changed (Statement and StatementLine are append-only).
Corrections are Credit rows, carried as negative lines onto the force's next statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import Select, func
from sqlalchemy.exc import IntegrityError

from frontcounter.audit import record as audit
from frontcounter.billing.ledger import REFUND
from frontcounter.billing.models import Credit, PlatformCharge, Statement, StatementLine
from frontcounter.billing.months import has_ended, month_bounds, month_key, next_month, previous_month
from frontcounter.billing.onboarding import all_onboarding, onboarding_for
from frontcounter.billing.prices import default_vat_basis_points, vat_on
from frontcounter.extensions import db
from frontcounter.refusals import Refused
from frontcounter.tenancy.context import platform_wide, tenant_context
from frontcounter.tenancy.models import Tenant

SWEEPER = "system: sweeper"
TRANSACTION, JOINING_FEE, CREDIT = "transaction", "joining_fee", "credit"


class StatementRefused(Refused):
    """A statement that cannot be issued yet; `code` is stable ("not_ended")."""


@dataclass(frozen=True)
class Line:
    """A statement line before it is stored."""

    kind: str
    service_key: str
    description: str
    quantity: int
    unit_pence: int
    net_pence: int
    vat_basis_points: int

    @property
    def vat_pence(self) -> int:
        """VAT on the line's net amount, rounded once per line."""
        return vat_on(self.net_pence, self.vat_basis_points)


def _transaction_lines(first: date) -> list[Line]:
    start, end = month_bounds(first)
    rows = db.session.execute(
        db.select(PlatformCharge.service_key, PlatformCharge.kind, PlatformCharge.amount_pence,
                  PlatformCharge.vat_basis_points, func.count(PlatformCharge.id), func.sum(PlatformCharge.amount_pence))
        .where(PlatformCharge.occurred_at >= start, PlatformCharge.occurred_at < end)
        .group_by(PlatformCharge.service_key, PlatformCharge.kind, PlatformCharge.amount_pence,
                  PlatformCharge.vat_basis_points)
        .order_by(PlatformCharge.service_key, PlatformCharge.kind == REFUND, PlatformCharge.amount_pence.desc())
    ).all()
    lines = []
    for service_key, kind, unit, rate, count, total in rows:
        is_refund = kind == REFUND
        description = "Refunded in full: charge reversed" if is_refund else f"Transactions ({kind})"
        lines.append(Line(REFUND if is_refund else TRANSACTION, service_key, description, int(count), int(unit),
                          int(total), int(rate)))
    return lines


def _joining_fee_line(tenant_id: int, first: date) -> Line | None:
    fee = int(current_app.config.get("JOINING_FEE_PENCE") or 0)
    row = onboarding_for(tenant_id)
    signed_off = row.acceptance_signed_off_on if row is not None else None
    if fee <= 0 or signed_off is None or signed_off >= next_month(first):
        return None  # never before the acceptance test is signed off
    charged = db.session.scalar(db.select(StatementLine.id).filter_by(kind=JOINING_FEE).limit(1))
    if charged is not None:
        return None  # exactly once
    return Line(JOINING_FEE, "", f"Joining fee (acceptance test signed off {signed_off.isoformat()})", 1, fee, fee,
                default_vat_basis_points())


def _open_credits(first: date) -> list[Credit]:
    _start, end = month_bounds(first)
    return list(db.session.scalars(
        db.select(Credit).where(Credit.statement_id.is_(None), Credit.created_at < end).order_by(Credit.id)
    ))


def draft(first: date) -> tuple[list[Line], list[Credit]]:
    """The current force's lines for the month as they would be issued now, and the credits they carry."""
    lines = _transaction_lines(first)
    fee = _joining_fee_line(_tenant_id(), first)
    if fee is not None:
        lines.append(fee)
    credits = _open_credits(first)
    lines.extend(Line(CREDIT, "", f"Credit: {c.reason}"[:300], 1, -c.net_pence, -c.net_pence, c.vat_basis_points)
                 for c in credits)
    return lines, credits


def _tenant_id() -> int:
    from frontcounter.tenancy.context import current_tenant

    return current_tenant().id


def statement_for(first: date) -> Statement | None:
    """The current force's issued statement for the month, if any."""
    return db.session.scalar(db.select(Statement).filter_by(month=month_key(first)))


def statements() -> list[Statement]:
    """The current force's issued statements, newest first (one a month: a few dozen at most)."""
    return list(db.session.scalars(db.select(Statement).order_by(Statement.month.desc())))


def issue(tenant: Tenant, first: date, *, actor: str) -> Statement:
    """Issue the force's statement for the month (once; issuing again returns the same one). Not committed.

    Raises StatementRefused("not_ended") while the month is still running in the UK.
    """
    with tenant_context(tenant):
        existing = statement_for(first)
        if existing is not None:
            return existing
        if not has_ended(first):
            raise StatementRefused("The month has not ended yet.", "not_ended")
        lines, credits = draft(first)
        net = sum(line.net_pence for line in lines)
        vat = sum(line.vat_pence for line in lines)
        try:
            with db.session.begin_nested():
                statement = Statement(
                    month=month_key(first), number=f"{tenant.code}-{first.year:04d}{first.month:02d}",
                    net_pence=net, vat_pence=vat, total_pence=net + vat,
                    transactions=sum(line.quantity for line in lines if line.kind == TRANSACTION),
                    issued_at=datetime.now(UTC), issued_by=actor,
                    lines=[
                        StatementLine(position=n, kind=line.kind, service_key=line.service_key,
                                      description=line.description, quantity=line.quantity,
                                      unit_pence=line.unit_pence, net_pence=line.net_pence,
                                      vat_basis_points=line.vat_basis_points, vat_pence=line.vat_pence,
                                      total_pence=line.net_pence + line.vat_pence)
                        for n, line in enumerate(lines, start=1)
                    ],
                )
                db.session.add(statement)
                db.session.flush()
                for credit in credits:
                    credit.statement_id = statement.id
                db.session.flush()
        except IntegrityError:  # issued at the same moment by another process: that one stands
            again = statement_for(first)
            if again is None:
                raise
            return again
        audit("billing.statement_issued", target=f"statement:{statement.number}", actor=actor,
              after={"month": statement.month, "net_pence": net, "vat_pence": vat, "total_pence": net + vat})
        return statement


def add_credit(tenant: Tenant, net_pence: int, reason: str, *, actor: str) -> Credit:
    """Owe the force `net_pence` (plus VAT): a credit on its next statement; audited. Not committed."""
    with tenant_context(tenant):
        credit = Credit(net_pence=net_pence, vat_basis_points=default_vat_basis_points(), reason=reason,
                        created_by=actor, created_at=datetime.now(UTC))
        db.session.add(credit)
        db.session.flush()
        audit("billing.credit_added", target=f"credit:{credit.id}", actor=actor,
              after={"net_pence": net_pence, "reason": reason})
        return credit


@dataclass(frozen=True)
class NationalMonth:
    """Every force's statement for one month (None where not issued) and the national totals."""

    rows: list[tuple[Tenant, Statement | None]]
    net_pence: int
    vat_pence: int
    total_pence: int
    transactions: int


def national_month(first: date) -> NationalMonth:
    """Every force with its statement for the month, and the totals over those issued (two queries)."""
    tenants = db.session.scalars(db.select(Tenant).order_by(Tenant.name)).all()
    with platform_wide("platform admin: every force's statement for a month"):
        issued = {s.tenant_id: s for s in db.session.scalars(db.select(Statement).filter_by(month=month_key(first)))}
    rows = [(t, issued.get(t.id)) for t in tenants]
    found = list(issued.values())
    return NationalMonth(
        rows, sum(s.net_pence for s in found), sum(s.vat_pence for s in found), sum(s.total_pence for s in found),
        sum(s.transactions for s in found),
    )


def issue_due() -> int:
    """Sweeper task: issue last month's statement for every force that has none yet (and had not left)."""
    first = previous_month()
    with platform_wide("sweeper: which forces already have last month's statement"):
        done = set(db.session.scalars(db.select(Statement.tenant_id).filter_by(month=month_key(first))))
    onboarding = all_onboarding()
    issued = 0
    for tenant in db.session.scalars(db.select(Tenant).order_by(Tenant.id)).all():
        left = onboarding[tenant.id].left_on if tenant.id in onboarding else None
        if tenant.id in done or (left is not None and left < first):
            continue
        issue(tenant, first, actor=SWEEPER)
        db.session.commit()  # one force at a time: a failure later leaves these issued
        issued += 1
    return issued


def statements_query() -> Select[tuple[Statement]]:
    """The current force's statements, newest first, as a query to page through."""
    return db.select(Statement).order_by(Statement.month.desc())
