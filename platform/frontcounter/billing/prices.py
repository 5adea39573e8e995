"""Per-transaction prices: the platform admin's national price per service, each from a UK date, with history.

A price applies from its `effective_from` day (Europe/London) until the next one starts; old prices are kept.
Before any price is set a service costs what its plugin declares (`Service.extra["platform_charge_pence"]`)
or DEFAULT_NET_PENCE, with VAT at VAT_PERCENT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from frontcounter.audit import record as audit
from frontcounter.billing.models import Price
from frontcounter.calendar import uk_today
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.refusals import Refused
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant

DEFAULT_NET_PENCE = 99  # "0.99 + VAT or less for later services"
MAX_NET_PENCE = 100_000


class PriceRefused(Refused):
    """A price the platform admin may not set; `field` (also the `code`) names the form field at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field)
        self.field = field


@dataclass(frozen=True)
class Quote:
    """The price of one transaction of a service on a day: net pence and VAT rate (basis points)."""

    service_key: str
    net_pence: int
    vat_basis_points: int
    effective_from: date | None  # None: the service's declared default, no price set yet

    @property
    def vat_pence(self) -> int:
        """VAT on one transaction at this price, to the nearest penny (halves up)."""
        return vat_on(self.net_pence, self.vat_basis_points)


def vat_on(net_pence: int, basis_points: int) -> int:
    """VAT on `net_pence` at `basis_points` (2000 = 20%), to the nearest penny, halves away from zero."""
    value = (abs(net_pence) * basis_points + 5000) // 10000
    return value if net_pence >= 0 else -value


def default_vat_basis_points() -> int:
    """The standard VAT rate (VAT_PERCENT, 20 by default) in basis points."""
    return int(current_app.config.get("VAT_PERCENT", 20)) * 100


def declared_default(service_key: str) -> Quote:
    """What a service costs before the platform admin sets a price: its plugin's declared price, or 99p."""
    service = registry().services.get(service_key)
    declared = service.extra.get("platform_charge_pence") if service is not None else None
    net = int(declared) if declared is not None else DEFAULT_NET_PENCE
    return Quote(service_key, net, default_vat_basis_points(), None)


def price_on(service_key: str, day: date) -> Quote:
    """The price of one transaction of `service_key` on the UK date `day`."""
    row = db.session.scalar(
        db.select(Price)
        .where(Price.service_key == service_key, Price.effective_from <= day)
        .order_by(Price.effective_from.desc())
        .limit(1)
    )
    if row is None:
        return declared_default(service_key)
    return Quote(service_key, row.net_pence, row.vat_basis_points, row.effective_from)


def price_history() -> dict[str, list[Price]]:
    """Every price ever set, newest first, by service key (one query)."""
    history: dict[str, list[Price]] = {}
    for row in db.session.scalars(db.select(Price).order_by(Price.service_key, Price.effective_from.desc())):
        history.setdefault(row.service_key, []).append(row)
    return history


def prices_on(day: date, service_keys: list[str]) -> dict[str, Quote]:
    """Each service's price on `day`, from one query over the price history."""
    history = price_history()
    found: dict[str, Quote] = {}
    for key in service_keys:
        row = next((p for p in history.get(key, []) if p.effective_from <= day), None)
        found[key] = (Quote(key, row.net_pence, row.vat_basis_points, row.effective_from) if row is not None
                      else declared_default(key))
    return found


def set_price(service_key: str, net_pence: int, vat_basis_points: int, effective_from: date, *, actor: str) -> Price:
    """Add a price from `effective_from` (today or later, UK); audited in every force. Not committed."""
    if service_key not in registry().services:
        raise PriceRefused(_("Select a service"), "service")
    if not 0 <= net_pence <= MAX_NET_PENCE:
        raise PriceRefused(_("Enter a price between £0 and £1,000"), "price")
    if not 0 <= vat_basis_points <= 10000:
        raise PriceRefused(_("Enter a VAT rate between 0 and 100 percent"), "vat")
    if effective_from < uk_today():
        raise PriceRefused(_("The date the price starts must be today or in the future"), "effective_from")
    taken = db.session.scalar(db.select(Price.id).filter_by(service_key=service_key, effective_from=effective_from))
    if taken is not None:
        raise PriceRefused(_("A price for this service already starts on that day: choose another day"),
                           "effective_from")
    before = price_on(service_key, effective_from)
    row = Price(service_key=service_key, net_pence=net_pence, vat_basis_points=vat_basis_points,
                effective_from=effective_from, set_by=actor)
    db.session.add(row)
    db.session.flush()
    change = {
        "service": service_key,
        "effective_from": effective_from.isoformat(),
    }
    for tenant in db.session.scalars(db.select(Tenant).order_by(Tenant.id)).all():
        with tenant_context(tenant):  # each force's audit log shows the change to what it pays
            audit("billing.price_set", target=f"price:{service_key}", actor=actor,
                  before={**change, "net_pence": before.net_pence, "vat_basis_points": before.vat_basis_points},
                  after={**change, "net_pence": net_pence, "vat_basis_points": vat_basis_points})
    return row
