"""Found items: reported online by a finder (with a hand-in appointment), handed in at the counter, received
into store (with the register check and matching), sent on, passed to officers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.bookings import Slot, book
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_token
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.tenancy.context import current_tenant
from frontcounter.tenancy.services import service_settings
from frontcounter.web.urls import external_url
from frontcounter_lost_property import notify
from frontcounter_lost_property.booking_rules import RULES
from frontcounter_lost_property.categories import category, finder_may_claim, label
from frontcounter_lost_property.dates import disposal_date, finder_claim_date
from frontcounter_lost_property.models import FoundItem
from frontcounter_lost_property.places import district
from frontcounter_lost_property.register import normalise_serial, register_for
from frontcounter_lost_property.workflow import SERVICE_KEY

FINDER_PHOTO = "finder-photo"
STAFF_PHOTO = "item-photo"
SYSTEM = "system: lost property"


@dataclass
class FoundReport:
    """What a finder told us (checked by the form)."""

    category: str
    description: str
    found_on: date
    found_where: str
    postcode: str
    serial: str
    wants_item: bool
    name: str
    email: str
    phone: str = ""
    photo_ids: list[int] = field(default_factory=list)


def settings() -> dict[str, Any]:
    """The force's lost property settings."""
    return service_settings(SERVICE_KEY)


def finder_link(case: Case) -> str:
    """The absolute link to the finder's page of their item (the case's tracking token opens it)."""
    return external_url("lost_property.item", reference=case.reference, token=tracking_token(case))


def item_of(case: Case) -> FoundItem:
    """The found item of a case."""
    return db.session.scalar(db.select(FoundItem).filter_by(case_id=case.id))


def _open(report: FoundReport, actor: str, account_id: int | None,
          channel: str | None = None) -> tuple[Case, FoundItem]:
    case = engine.open_case(
        SERVICE_KEY,
        applicant_email=report.email,
        applicant_name=report.name,
        account_id=account_id,
        data={"category": report.category},
        language=notify.current_language(),
        actor=actor,
        channel=channel,
    )
    item = FoundItem(
        case_id=case.id,
        category=report.category,
        description=report.description,
        serial=normalise_serial(report.serial),
        found_on=report.found_on,
        found_where=report.found_where,
        found_district=district(report.postcode),
        finder_name=report.name,
        finder_phone=report.phone,
        finder_wants_item=report.wants_item and finder_may_claim(report.category),
    )
    db.session.add(item)
    db.session.flush()
    if report.photo_ids:
        for document in db.session.scalars(
            db.select(Document).where(Document.id.in_(report.photo_ids), Document.case_id.is_(None),
                                      Document.kind == FINDER_PHOTO)
        ):
            document.case_id = case.id
    return case, item


def report_found(report: FoundReport, slot: Slot, *, actor: str, account_id: int | None = None) -> Case:
    """Open the case, book the hand-in slot and queue the confirmation (BookingRefused: nothing is kept)."""
    case, item = _open(report, actor, account_id)
    book(slot, case, actor=actor, rules=RULES)
    item.station = slot.location
    audit("lost_property.found_reported", target=f"case:{case.reference}",
          after={"category": item.category, "slot_id": slot.id})
    _confirmation(case, item, slot)
    return case


def _confirmation(case: Case, item: FoundItem, slot: Slot) -> None:
    from frontcounter.bookings.times import slot_when

    def build() -> tuple[str, str, list[str], str]:
        paragraphs = [
            _("Thank you for telling us about the item you found. Your reference is %(reference)s.",
              reference=case.reference),
            _("Bring it to %(station)s, %(when)s. Say your reference at the front counter.",
              station=slot.location, when=slot_when(slot.starts_at, slot.ends_at)),
        ]
        if item.category == "bank_cards":
            paragraphs.append(_("For a bank card you can instead cut it in half through the chip and send it "
                                "back to the bank or company named on it. Then you do not need to come in."))
        if item.finder_wants_item:
            paragraphs.append(_("If nobody claims it, we will email you when you can claim it yourself."))
        paragraphs.append(_("Follow what happens to it here:"))
        return _("Lost property: your reference %(reference)s", reference=case.reference), item.finder_name, \
            paragraphs, finder_link(case)

    notify.email(case.applicant_email, case.language, build)


def next_property_reference() -> str:
    """The next property reference of the force, e.g. DOR/P/26/000123 (the label on the bag)."""
    today = uk_today()
    number = engine.next_number("lost_property:property", today.year)
    return f"{current_tenant().code}/P/{today.year % 100:02d}/{number:06d}"


@dataclass
class Receipt:
    """What staff record when an item comes into store."""

    property_reference: str
    storage_location: str
    condition: str
    station: str
    cash_pence: int | None = None


def receive(case: Case, receipt: Receipt, *, actor: str) -> FoundItem:
    """Take the item into store: record it, fire "receive", check the register, propose matches."""
    item = item_of(case)
    item.property_reference = receipt.property_reference or next_property_reference()
    item.storage_location = receipt.storage_location
    item.condition = receipt.condition
    item.station = receipt.station or item.station
    item.received_on = uk_today()
    item.received_by = actor
    if item.category == "cash":
        item.cash_pence = receipt.cash_pence
        item.cash_counted_by = actor
    with force_locale(case.language):  # the finder's "received" email, in their language
        engine.fire(case, "receive", actor=actor, as_system=True)
    audit("lost_property.received", target=f"case:{case.reference}",
          after={"property_reference": item.property_reference, "storage": item.storage_location,
                 "cash_pence": item.cash_pence})
    _check_register(case, item)
    if case.state == "received":
        from frontcounter_lost_property.matching import propose_for_item

        propose_for_item(item)
    return item


def _check_register(case: Case, item: FoundItem) -> None:
    if not item.serial:
        return
    result = register_for(settings()["property_register"]).check(item.serial)
    item.register_result = result.status
    item.register_note = result.note
    audit("lost_property.register_checked", target=f"case:{case.reference}",
          after={"serial": item.serial, "result": result.status})
    if result.stolen:
        engine.fire(case, "flag_crime", actor=SYSTEM, as_system=True, public_note=False,
                    note=_("The national property register says: %(note)s", note=result.note))


class CashRefused(Exception):
    """The second count may not be recorded; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_cash(item: FoundItem, pence: int, *, actor: str) -> None:
    """The second member of staff's count: someone else, the same amount; both are recorded."""
    if item.cash_pence is None or item.cash_checked_by:
        raise CashRefused(_("There is no count waiting to be checked."))
    if actor == item.cash_counted_by:
        raise CashRefused(_("A different member of staff must do the second count."))
    if pence != item.cash_pence:
        raise CashRefused(_("The amounts do not agree. Count the cash again together and correct the record."))
    item.cash_checked_pence = pence
    item.cash_checked_by = actor
    audit("lost_property.cash_checked", target=f"item:{item.id}",
          after={"pence": pence, "first": item.cash_counted_by, "second": actor})


def send_on(case: Case, *, actor: str) -> None:
    """Send a passport or ID document to the issuing authority, a bank card to its issuer: recorded."""
    item = item_of(case)
    destination = category(item.category).send_on_to
    if destination is None:
        raise engine.TransitionRefused(_("Only passports, identity documents and bank cards are sent on."),
                                       "guard_failed")
    item.sent_to = str(destination)
    engine.fire(case, "send_on", actor=actor, note=item.sent_to, as_system=True)


def finder_claim_opens(item: FoundItem) -> date | None:
    """The first day the finder may claim the item, or None when they may not (category, or not wanted)."""
    return finder_claim_date(item.category, item.received_on, item.finder_wants_item,
                             int(settings()["finder_claim_days"]))


def retention_ends(item: FoundItem) -> date | None:
    """The first day an unclaimed item may be disposed of (None before it is received)."""
    return disposal_date(item.received_on, int(settings()["retention_days"]))


def describe(item: FoundItem) -> str:
    """A short line for lists: category and the start of the description."""
    text = item.description if len(item.description) <= 60 else item.description[:57] + "..."
    return f"{label(item.category)}: {text}"


def hand_in_at_counter(report: FoundReport, receipt: Receipt, *, actor: str) -> Case:
    """An item handed in at the counter: open its case and receive it at once (not committed)."""
    case, _item = _open(report, actor, None, channel="staff")
    receive(case, receipt, actor=actor)
    return case
