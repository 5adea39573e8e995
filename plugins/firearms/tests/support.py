"""Helpers that move a firearms case along as the applicant, referees, GP and staff would, through the engine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.records import save_document
from frontcounter.extensions import db
from frontcounter.payments.models import Payment, PaymentState
from frontcounter_firearms.checks import DemoIntelligenceCheck, run_checks
from frontcounter_firearms.guards import GP_INFORMATION, PHOTO
from frontcounter_firearms.models import Referee


def open_application(
    kind: str = "grant",
    certificates: tuple[str, ...] = ("fac",),
    fee_pence: int = 19800,
    email: str = "alex@example.com",
) -> Case:
    """Open a case as the applicant sending the form (in the current force)."""
    data: dict[str, Any] = {
        "application": {"kind": kind, "certificates": list(certificates)},
        "fee_pence": fee_pence,
        "personal": {"forenames": "Alex", "surname": "Archer"},
    }
    return engine.open_case("firearms", applicant_email=email, applicant_name="Alex Archer", data=data)


def attempt(case: Case, name: str, *, note: str = "", **who: Any) -> str | None:
    """Fire `name` (as the system unless `roles`/`as_applicant` say otherwise); return why it was refused, or None."""
    if not who:
        who = {"as_system": True}
    try:
        engine.fire(case, name, actor="test", note=note, **who)
    except engine.TransitionRefused as refused:
        return refused.message
    return None


def fire(case: Case, name: str, **kwargs: Any) -> None:
    """Fire `name`, failing the test if it is refused."""
    reason = attempt(case, name, **kwargs)
    assert reason is None, f"{name} refused: {reason}"


def pay(case: Case, pence: int = 19800) -> Payment:
    """Record a successful payment, as the payments module does when the provider confirms it."""
    payment = Payment(
        case_id=case.id,
        provider="sandbox",
        amount_pence=pence,
        description="Firearms fee",
        state=PaymentState.SUCCESS.value,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


def add_document(case: Case, kind: str) -> None:
    """Store a document of `kind` on the case (the applicant's photo, the GP's information)."""
    save_document(
        b"%PDF-1.4 test", case=case, kind=kind, filename=f"{kind}.pdf", content_type="application/pdf", actor="test"
    )


def add_referee(case: Case, name: str, *, confirmed: bool = True, likeness: bool = True) -> Referee:
    """Add a referee who has (or has not yet) confirmed by their link."""
    referee = Referee(
        case_id=case.id,
        name=name,
        email=f"{name.lower().replace(' ', '.')}@example.com",
        relationship="friend",
        years_known=5,
        lives_in_gb=True,
    )
    if confirmed:
        referee.confirmed_at = datetime.now(UTC)
        referee.photo_likeness = likeness
        referee.declaration = True
    db.session.add(referee)
    db.session.flush()
    return referee


def to_referees_stage(case: Case) -> None:
    """Pay (or owe nothing), upload the photo and have the case accepted as complete."""
    if case.data.get("fee_pence"):
        pay(case, case.data["fee_pence"])
    fire(case, "pay")
    add_document(case, PHOTO)
    fire(case, "accept", roles=("caseworker",))


def to_decision(case: Case) -> None:
    """Take a new case all the way to a supervisor's decision."""
    to_referees_stage(case)
    for name in ("Robin Reed", "Sam Smith"):
        add_referee(case, name)
    add_document(case, GP_INFORMATION)
    fire(case, "start_checks")
    run_checks(case, case.data["personal"], [DemoIntelligenceCheck()])
    fire(case, "checks_done", roles=("caseworker",))
    fire(case, "book_visit", roles=("field_officer",))
    fire(case, "record_visit", roles=("field_officer",), note="Cabinet bolted to wall; form cross-checked.")


def scanned_pdf() -> bytes:
    """A one-page PDF, as a scanner makes (uploads are parsed and cleaned, so it must be a real one)."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
