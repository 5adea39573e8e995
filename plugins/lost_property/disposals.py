"""Disposal of unclaimed property under the Police (Property) Regulations 1997: after the force's retention
period an item is listed; one member of staff proposes how (sale, destruction, donation, retention for police
use), a second (a supervisor, never the proposer) approves; sale proceeds and unclaimed cash go to the force's
Police Property Act Fund ledger."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.audit import record as audit
from frontcounter.bookings.queries import paginate
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_lost_property.categories import CATEGORIES
from frontcounter_lost_property.items import item_of, retention_ends, settings
from frontcounter_lost_property.models import Disposal, FoundItem, FundEntry

METHODS: tuple[tuple[str, LazyString], ...] = (
    ("sale", _l("Sale (proceeds to the Police Property Act Fund)")),
    ("destruction", _l("Destruction")),
    ("donation", _l("Donation to a charity")),
    ("police_use", _l("Retention for police use")),
)
METHOD_KEYS = tuple(k for k, _label in METHODS)
SENT_ON = tuple(c.key for c in CATEGORIES if c.send_on_to is not None)
MAX_PENCE = 10_000_000


class DisposalRefused(Exception):
    """A disposal step that may not happen; `message` says why, `code` is for programs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def method_label(key: str) -> str:
    """The label of a disposal method."""
    return str(dict(METHODS).get(key, key))


def due_query(today: date | None = None):  # type: ignore[no-untyped-def]
    """Items still in store whose retention period is over and with no disposal waiting, oldest first."""
    today = today or uk_today()
    cutoff = today - timedelta(days=int(settings()["retention_days"]))
    return (db.select(FoundItem).join(Case, Case.id == FoundItem.case_id)
            .outerjoin(Disposal, (Disposal.item_id == FoundItem.id) & (Disposal.status == "proposed"))
            .where(Case.state == "received", FoundItem.received_on <= cutoff, Disposal.id.is_(None),
                   FoundItem.category.not_in(SENT_ON))
            .order_by(FoundItem.received_on, FoundItem.id))


def due(page: int, today: date | None = None):  # type: ignore[no-untyped-def]
    """A page of items due for disposal."""
    return paginate(due_query(today), page, 25)


def waiting_approval() -> list[Disposal]:
    """Proposed disposals waiting for a second person, oldest first."""
    return list(db.session.scalars(db.select(Disposal).where(Disposal.status == "proposed").order_by(Disposal.id)))


def approved_disposal(case: Case) -> Disposal | None:
    """The approved disposal of a case's item, if any."""
    return db.session.scalar(db.select(Disposal).join(FoundItem, FoundItem.id == Disposal.item_id)
                             .where(FoundItem.case_id == case.id, Disposal.status == "approved"))


def propose(item: FoundItem, method: str, *, recipient: str, proceeds_pence: int, note: str, actor: str,
            today: date | None = None) -> Disposal:
    """List an unclaimed item for disposal; nothing happens until a second person approves."""
    today = today or uk_today()
    if item.case.state != "received":
        raise DisposalRefused(_("Only an item in store can be disposed of."), "wrong_state")
    ends = retention_ends(item)
    if item.category in SENT_ON:
        raise DisposalRefused(_("Passports, identity documents and bank cards are sent to their issuer, not disposed "
                                "of."), "send_on")
    if ends is None or ends > today:
        raise DisposalRefused(_("The retention period for this item is not over yet."), "too_early")
    if method not in METHOD_KEYS:
        raise DisposalRefused(_("Select how the item is to be disposed of"), "bad_method")
    if method != "sale" and proceeds_pence:
        raise DisposalRefused(_("Only a sale has proceeds"), "bad_proceeds")
    if not 0 <= proceeds_pence <= MAX_PENCE:
        raise DisposalRefused(_("Enter proceeds between £0 and £100,000"), "bad_proceeds")
    if db.session.scalar(db.select(Disposal.id).filter_by(item_id=item.id, status="proposed")) is not None:
        raise DisposalRefused(_("A disposal of this item is already waiting for approval."), "duplicate")
    disposal = Disposal(item_id=item.id, method=method, recipient=recipient.strip()[:200],
                        proceeds_pence=proceeds_pence, note=note.strip(), status="proposed", proposed_by=actor,
                        proposed_at=datetime.now(UTC))
    db.session.add(disposal)
    db.session.flush()
    audit("lost_property.disposal_proposed", target=f"disposal:{disposal.id}", actor=actor,
          after={"method": method, "proceeds_pence": proceeds_pence, "item": item.case.reference})
    return disposal


def approve(disposal: Disposal, *, actor: str) -> None:
    """The second person approves: the item is disposed of and money goes to the Fund ledger."""
    if disposal.status != "proposed":
        raise DisposalRefused(_("This disposal has already been decided."), "wrong_state")
    if actor == disposal.proposed_by:
        raise DisposalRefused(_("A different member of staff must approve the disposal."), "same_person")
    disposal.status, disposal.approved_by, disposal.approved_at = "approved", actor, datetime.now(UTC)
    item = disposal.item
    engine.fire(item.case, "dispose", actor=actor, note=method_label(disposal.method), public_note=False,
                as_system=True)
    amount = disposal.proceeds_pence if disposal.method == "sale" else 0
    if item.category == "cash" and item.cash_checked_pence:
        amount += item.cash_checked_pence  # unclaimed cash goes to the Fund whatever happens to its container
    if amount:
        db.session.add(FundEntry(
            entered_on=uk_today(), item_id=item.id, disposal_id=disposal.id,
            property_reference=item.property_reference,
            description=f"{disposal.method}: {item.description[:200]}", amount_pence=amount,
            recorded_by=disposal.proposed_by, approved_by=actor,
        ))
    audit("lost_property.disposal_approved", target=f"disposal:{disposal.id}", actor=actor,
          after={"fund_pence": amount})


def reject(disposal: Disposal, note: str, *, actor: str) -> None:
    """The second person does not approve: the item stays in store."""
    if disposal.status != "proposed":
        raise DisposalRefused(_("This disposal has already been decided."), "wrong_state")
    if actor == disposal.proposed_by:
        raise DisposalRefused(_("A different member of staff must decide the disposal."), "same_person")
    disposal.status, disposal.approved_by, disposal.approved_at = "rejected", actor, datetime.now(UTC)
    disposal.note = (disposal.note + "\n" + note.strip()).strip()
    audit("lost_property.disposal_rejected", target=f"disposal:{disposal.id}", actor=actor)


def ledger(page: int):  # type: ignore[no-untyped-def]
    """A page of the force's Fund ledger, newest first."""
    return paginate(db.select(FundEntry).order_by(FundEntry.entered_on.desc(), FundEntry.id.desc()), page, 50)


def ledger_total() -> int:
    """The Fund's total receipts in pence."""
    return int(db.session.scalar(db.select(db.func.coalesce(db.func.sum(FundEntry.amount_pence), 0))) or 0)


def ledger_csv() -> str:
    """The whole ledger as CSV (date, property reference, description, amount in pounds, who recorded and approved)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "property_reference", "description", "amount_gbp", "recorded_by", "approved_by"])
    rows = db.session.execute(db.select(FundEntry).order_by(FundEntry.entered_on, FundEntry.id)
                              .execution_options(yield_per=500)).scalars()
    for entry in rows:
        writer.writerow([entry.entered_on.isoformat(), entry.property_reference, _safe(entry.description),
                         f"{entry.amount_pence / 100:.2f}", entry.recorded_by, entry.approved_by])
    return out.getvalue()


def _safe(text: str) -> str:
    """Stop spreadsheet formulas in a cell."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def item_for_case(case: Case) -> FoundItem:
    """The found item of a case."""
    return item_of(case)
