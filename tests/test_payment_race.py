"""Two payments of one case completing at the same moment: each payer sees the normal page, never a 500."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm.exc import StaleDataError

from tests.support.race import race


def _two_paid_payments(app, force) -> tuple[str, str]:
    """A case with two payments the payers have both completed at the provider (neither returned yet)."""
    from frontcounter.cases.engine import open_case
    from frontcounter.extensions import db
    from frontcounter.payments.models import Payment
    from frontcounter.payments.providers.sandbox import SandboxProvider
    from frontcounter.payments.service import start_payment
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        case = open_case("sample", applicant_email="ann@example.com", applicant_name="Ann Applicant")
        db.session.flush()
        for _ in range(2):
            start_payment(case, 2500, "Permit fee", fulfil_transition="pay")
        db.session.flush()
        payments = db.session.scalars(db.select(Payment).filter_by(case_id=case.id).order_by(Payment.id)).all()
        for payment in payments:
            SandboxProvider().choose(payment, "success")
        db.session.commit()
        return payments[0].public_id, payments[1].public_id


def test_a_return_that_meets_a_concurrent_change_of_the_case_retries_and_shows_the_normal_page(
    app, client, forces, monkeypatch
):
    from frontcounter.payments import payer_views

    first, _second = _two_paid_payments(app, forces[0])
    real = payer_views.sync
    calls = []

    def sync_meeting_a_race(payment):  # the other payment moved the case between our read and our write
        calls.append(payment.public_id)
        if len(calls) == 1:
            real(payment)
            raise StaleDataError("UPDATE statement on table 'case' expected to update 1 row(s); 0 were matched.")
        return real(payment)

    monkeypatch.setattr(payer_views, "sync", sync_meeting_a_race)
    response = client.get(f"/alpha/payments/{first}/return")
    assert response.status_code == 302
    assert len(calls) == 2
    location = urlsplit(response.headers["Location"])
    page = client.get(f"{location.path}?{location.query}")
    assert page.status_code == 200 and "Payment received" in page.get_data(as_text=True)


@pytest.mark.postgres_only
def test_two_payments_of_one_case_returning_together_both_get_the_normal_page(app, forces):
    from frontcounter.audit.models import AuditEvent
    from frontcounter.cases.models import Case
    from frontcounter.extensions import db
    from frontcounter.payments.models import Payment
    from frontcounter.tenancy import tenant_context

    for _ in range(8):
        first, second = _two_paid_payments(app, forces[0])
        urls = [f"/alpha/payments/{first}/return", f"/alpha/payments/{second}/return"]
        statuses = race([lambda url=url: app.test_client().get(url).status_code for url in urls])
        assert statuses == [302, 302]
        with app.app_context(), tenant_context(forces[0]):
            rows = db.session.scalars(db.select(Payment).where(Payment.public_id.in_([first, second]))).all()
            assert {row.state for row in rows} == {"success"}
            assert db.session.get(Case, rows[0].case_id).state == "submitted"
            duplicates = db.session.scalars(
                db.select(AuditEvent.target).where(AuditEvent.action == "payment.duplicate")
            ).all()
            # The payment that came second is the duplicate, refunded automatically: exactly one per case.
            assert len([t for t in duplicates if any(row.public_id in (t or "") for row in rows)]) == 1, duplicates
