"""Lost reports: filed by the public, followed with a signed link, expired after the force's period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from frontcounter.accounts.tokens import make_token, read_token
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.tenancy.context import current_tenant
from frontcounter.web.urls import external_url
from frontcounter_lost_property import notify
from frontcounter_lost_property.dates import report_expiry
from frontcounter_lost_property.items import settings
from frontcounter_lost_property.matching import propose_after_commit
from frontcounter_lost_property.models import LostReport
from frontcounter_lost_property.places import district
from frontcounter_lost_property.register import normalise_serial

TOKEN_PURPOSE = "lost-property-report"  # noqa: S105 - a token purpose, not a secret


@dataclass
class LostDetails:
    """What the owner told us (checked by the form)."""

    category: str
    description: str
    serial: str
    lost_from: date
    lost_to: date
    lost_where: str
    postcode: str
    name: str
    email: str
    phone: str = ""


def next_reference() -> str:
    """The next lost report reference of the force, e.g. DOR-LR-26-000042."""
    today = uk_today()
    number = engine.next_number("lost_property:lost", today.year)
    return f"{current_tenant().code}-LR-{today.year % 100:02d}-{number:06d}"


def report_token(report: LostReport) -> str:
    """A token that opens this report's page (and nothing else)."""
    return make_token(TOKEN_PURPOSE, {"id": report.id, "ref": report.reference})


def report_from_token(reference: str, token: str | None) -> LostReport | None:
    """The force's report with this reference when the token grants it, else None."""
    data = read_token(TOKEN_PURPOSE, token or "", max_age=None) if token else None
    if not data or data.get("ref") != reference:
        return None
    return db.session.scalar(db.select(LostReport).filter_by(id=int(data["id"]), reference=reference))


def report_link(report: LostReport) -> str:
    """The absolute link to the report's page, for emails."""
    return external_url("lost_property.lost_report", reference=report.reference, token=report_token(report))


def file_report(details: LostDetails) -> LostReport:
    """Record a lost report, queue its matching and its acknowledgement (not committed)."""
    today = uk_today()
    report = LostReport(
        reference=next_reference(),
        category=details.category,
        description=details.description,
        serial=normalise_serial(details.serial),
        lost_from=details.lost_from,
        lost_to=details.lost_to,
        lost_where=details.lost_where,
        lost_district=district(details.postcode),
        name=details.name,
        email=details.email.strip().lower(),
        phone=details.phone,
        language=notify.current_language(),
        status="open",
        expires_on=report_expiry(today, int(settings()["lost_report_days"])),
        created_at=datetime.now(UTC),
    )
    db.session.add(report)
    db.session.flush()
    audit("lost_property.lost_reported", target=f"lost:{report.reference}", actor=f"guest:{report.email}",
          after={"category": report.category})
    acknowledge(report)
    propose_after_commit(report)  # after the email, so both outbox messages go in one insert at commit
    return report


def acknowledge(report: LostReport) -> None:
    """Email the reference, the expiry date and the link."""
    def build() -> tuple[str, str, list[str], str]:
        return (
            _("Lost property: your report %(reference)s", reference=report.reference),
            report.name,
            [
                _("We have your report of a lost item. Your reference is %(reference)s.", reference=report.reference),
                _("We compare it with items handed in to us and email you if one may be yours. Your report "
                  "stays open until %(date)s.", date=format_date(report.expires_on, "d MMMM yyyy")),
                _("See your report here:"),
            ],
            report_link(report),
        )

    notify.email(report.email, report.language, build)


def expire(report: LostReport) -> bool:
    """Close an open report past its expiry date and tell the owner; False when it is not due."""
    if report.status != "open" or report.expires_on >= uk_today():
        return False
    report.status = "expired"
    audit("lost_property.lost_expired", target=f"lost:{report.reference}", actor="system: lost property")

    def build() -> tuple[str, str, list[str], str]:
        return (
            _("Lost property: your report %(reference)s has closed", reference=report.reference),
            report.name,
            [_("Your report of a lost item has now closed. No item matching it has been handed in."),
             _("If you still need it, you can report the item lost again.")],
            "",
        )

    notify.email(report.email, report.language, build)
    return True
