"""Claims: the owner (invited when staff confirm a match) answers the questions staff set and sends proof;
the finder may claim after the finder period where the category allows. Staff decide; the person books a
collection time; at the counter staff check photo ID and hand the item over."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.audit import record as audit
from frontcounter.bookings import Slot, confirm, hold
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_lost_property import notify
from frontcounter_lost_property.booking_rules import COLLECTION, RULES, booking_of
from frontcounter_lost_property.categories import label
from frontcounter_lost_property.items import finder_claim_opens, finder_link, item_of
from frontcounter_lost_property.lost import report_link
from frontcounter_lost_property.models import Claim, FoundItem, LostReport, Match

MAX_QUESTIONS = 5


class ClaimRefused(Exception):
    """A claim step that may not happen now; `message` says why, `code` is for the API."""

    def __init__(self, message: str, code: str = "wrong_state") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def approved_claim(case: Case) -> Claim | None:
    """The item's accepted claim (waiting for collection or collected), if any."""
    return db.session.scalar(
        db.select(Claim).join(FoundItem, FoundItem.id == Claim.item_id)
        .where(FoundItem.case_id == case.id, Claim.status.in_(("approved", "returned")))
    )


def claims_of_item(item: FoundItem) -> list[Claim]:
    """Every claim to an item, oldest first."""
    return list(db.session.scalars(db.select(Claim).where(Claim.item_id == item.id).order_by(Claim.id)))


def claim_of_report(report: LostReport) -> Claim | None:
    """The owner's newest claim arising from a lost report, if any."""
    return db.session.scalar(
        db.select(Claim).where(Claim.report_id == report.id).order_by(Claim.id.desc()).limit(1))


def _link_for(claim: Claim) -> str:
    if claim.kind == "owner" and claim.report_id is not None:
        return report_link(db.session.get(LostReport, claim.report_id))
    return finder_link(claim.item.case)


def _language(claim: Claim) -> str:
    if claim.report_id is not None:
        return db.session.get(LostReport, claim.report_id).language
    return claim.item.case.language


def _tell(claim: Claim, subject: LazyString, *paragraphs: LazyString | str) -> None:
    def build() -> tuple[str, str, list[str], str]:
        return str(subject), claim.name, [str(p) for p in paragraphs], _link_for(claim)

    notify.email(claim.email, _language(claim), build)


def invite_owner(match: Match, questions: list[str], *, actor: str) -> Claim:
    """Open the owner's claim with the questions staff set and email them the link."""
    report = match.report
    cleaned = [q.strip() for q in questions if q.strip()][:MAX_QUESTIONS]
    claim = Claim(item_id=match.item_id, report_id=report.id, kind="owner", name=report.name, email=report.email,
                  questions=cleaned, answers=[], status="invited", created_at=datetime.now(UTC))
    db.session.add(claim)
    db.session.flush()
    audit("lost_property.owner_invited", target=f"claim:{claim.id}", actor=actor,
          after={"report": report.reference, "item": match.item.case.reference})
    _tell(claim, _l("Lost property: an item that may be yours has been handed in"),
          _l("An item that may be the one you reported lost has been handed in to us."),
          _l("To claim it, answer a few questions and send proof that it is yours, such as a receipt or a photo "
          "of you with it. Open your report here:"))
    return claim


def submit_claim(claim: Claim, answers: list[str], proof_ids: list[int], *, actor: str) -> None:
    """The owner's answers and proof: the claim waits for a decision."""
    if claim.status != "invited":
        raise ClaimRefused(_("This claim has already been sent."))
    claim.answers = answers
    claim.proof_document_ids = proof_ids
    claim.status = "submitted"
    audit("lost_property.claim_submitted", target=f"claim:{claim.id}", actor=actor,
          after={"answers": len(answers), "proofs": len(proof_ids)})


def finder_may_claim_now(item: FoundItem) -> bool:
    """True when the finder period is over, the item is still in store and the finder has not claimed yet."""
    opens = finder_claim_opens(item)
    if opens is None or opens > uk_today() or item.case.state != "received":
        return False
    return not any(c.kind == "finder" for c in claims_of_item(item))


def finder_claim(case: Case, *, actor: str) -> Claim:
    """The finder claims an unclaimed item after the finder period: the claim waits for a decision."""
    item = item_of(case)
    if not finder_may_claim_now(item):
        raise ClaimRefused(_("You cannot claim this item now."), "not_allowed")
    claim = Claim(item_id=item.id, kind="finder", name=item.finder_name or case.applicant_name,
                  email=case.applicant_email, questions=[], answers=[], status="submitted",
                  created_at=datetime.now(UTC))
    db.session.add(claim)
    db.session.flush()
    audit("lost_property.finder_claimed", target=f"claim:{claim.id}", actor=actor, after={"item": case.reference})
    return claim


def decide(claim: Claim, approve: bool, note: str, *, actor: str) -> None:
    """Accept or refuse a sent claim; an accepted one moves the item to "awaiting collection"."""
    if claim.status != "submitted":
        raise ClaimRefused(_("Only a claim that has been sent can be decided."))
    if not approve and not note.strip():
        raise ClaimRefused(_("Enter the reason for refusing the claim."), "note_required")
    claim.status = "approved" if approve else "refused"
    claim.decided_by = actor
    claim.decision_note = note.strip()
    audit("lost_property.claim_decided", target=f"claim:{claim.id}", actor=actor,
          after={"status": claim.status, "kind": claim.kind})
    if approve:
        engine.fire(claim.item.case, "approve_claim", actor=actor, note=_("Claim accepted"), as_system=True)
        _tell(claim, _l("Lost property: your claim has been accepted"),
              _l("Your claim has been accepted."),
              _l("Choose a time to collect the item. Bring photo ID, such as a passport or driving licence."))
    else:
        _tell(claim, _l("Lost property: your claim has not been accepted"),
              _l("We could not accept your claim to the item."), note.strip())


def book_collection(claim: Claim, slot: Slot, *, actor: str):  # type: ignore[no-untyped-def]
    """Book the person whose claim was accepted a time to collect the item (BookingRefused when not)."""
    if claim.status != "approved":
        raise ClaimRefused(_("Only an accepted claim can book a collection time."), "not_allowed")
    if slot.kind != COLLECTION:
        raise ClaimRefused(_("Choose a collection time."), "wrong_kind")
    booking = hold(slot, claim.item.case, email=claim.email, actor=actor, rules=RULES)
    confirm(booking, actor=actor, rules=RULES)
    from frontcounter.bookings.times import slot_when

    def build() -> tuple[str, str, list[str], str]:
        return (_("Lost property: your collection time"), claim.name,
                [_("Collect the item at %(station)s, %(when)s.", station=slot.location,
                   when=slot_when(slot.starts_at, slot.ends_at)),
                 _("Bring photo ID, such as a passport or driving licence.")], _link_for(claim))

    notify.email(claim.email, _language(claim), build)
    return booking


def collection_of(claim: Claim):  # type: ignore[no-untyped-def]
    """The collection appointment booked for an accepted claim, if any."""
    return booking_of(claim.item.case, COLLECTION)


def hand_over(claim: Claim, id_checked: str, *, actor: str) -> None:
    """The person collected the item: the photo ID seen is recorded, the item is returned."""
    if claim.status != "approved":
        raise ClaimRefused(_("Only an accepted claim can collect the item."), "not_allowed")
    if not id_checked.strip():
        raise ClaimRefused(_("Enter the photo ID you checked"), "id_required")
    claim.status = "returned"
    claim.id_checked = id_checked.strip()[:200]
    claim.returned_by = actor
    claim.returned_at = datetime.now(UTC)
    note = _("Returned to the owner") if claim.kind == "owner" else _("Returned to the finder")
    with force_locale(claim.item.case.language):  # the finder hears of it in their language
        engine.fire(claim.item.case, "hand_over", actor=actor, note=note, public_note=False, as_system=True)
    if claim.report_id is not None:
        db.session.get(LostReport, claim.report_id).status = "claimed"
    audit("lost_property.handed_over", target=f"claim:{claim.id}", actor=actor,
          after={"id_checked": claim.id_checked, "kind": claim.kind})


def claim_title(claim: Claim) -> str:
    """A line for lists: who claims what."""
    who = _("Owner") if claim.kind == "owner" else _("Finder")
    return f"{who}: {claim.name} – {label(claim.item.category)}"


def claim_lapsed(case: Case) -> None:
    """The item went back into store uncollected: its accepted claim lapses (called when "claim_lapsed" fires)."""
    claim = approved_claim(case)
    if claim is not None and claim.status == "approved":
        claim.status = "lapsed"
        audit("lost_property.claim_lapsed", target=f"claim:{claim.id}", actor="system: lost property")
