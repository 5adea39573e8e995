"""Tracking links (and payment return links) expire after the force's setting, and a new one can be emailed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.conftest import csrf_token, link_in, mailbox

DAY = 24 * 3600


def _case(app, force):
    from frontcounter.cases.engine import open_case
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        case = open_case("sample", applicant_email="ann@example.com", applicant_name="Ann Applicant")
        db.session.commit()
        return case.id, case.reference


def _token(app, force, case_id: int, age_days: float, monkeypatch) -> str:
    from frontcounter.cases.models import Case
    from frontcounter.cases.tracking import tracking_token
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    then = time.time() - age_days * DAY
    with app.app_context(), tenant_context(force), monkeypatch.context() as patch:
        patch.setattr("itsdangerous.timed.time.time", lambda: then)
        return tracking_token(db.session.get(Case, case_id))


def _set_days(app, force, days: int) -> None:
    from frontcounter.extensions import db
    from frontcounter.tenancy import Tenant

    with app.app_context():
        db.session.get(Tenant, force.id).tracking_link_days = days
        db.session.commit()


def test_a_link_works_within_the_forces_limit_and_not_after(app, client, forces, monkeypatch):
    case_id, reference = _case(app, forces[0])
    fresh = _token(app, forces[0], case_id, 89, monkeypatch)
    old = _token(app, forces[0], case_id, 91, monkeypatch)
    assert app.test_client().get(f"/alpha/track/{reference}?token={fresh}").status_code == 200
    response = client.get(f"/alpha/track/{reference}?token={old}")
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)

    _set_days(app, forces[0], 30)
    assert app.test_client().get(f"/alpha/track/{reference}?token={fresh}").status_code == 410


def test_an_expired_link_page_emails_a_new_link_only_to_the_applicant(app, client, forces, monkeypatch):
    case_id, reference = _case(app, forces[0])
    old = _token(app, forces[0], case_id, 120, monkeypatch)
    page = client.get(f"/alpha/track/{reference}?token={old}").get_data(as_text=True)
    token = csrf_token(page)
    wrong = client.post(f"/alpha/track/{reference}/new-link", data={"email": "eve@example.com", "csrf_token": token})
    right = client.post(f"/alpha/track/{reference}/new-link", data={"email": "Ann@example.com", "csrf_token": token})
    assert wrong.status_code == right.status_code == 200
    assert "Check your email" in wrong.get_data(as_text=True) and "Check your email" in right.get_data(as_text=True)
    assert mailbox(app, "eve@example.com") == []
    [email] = mailbox(app, "ann@example.com")
    link = link_in(email, f"/alpha/track/{reference}")
    assert app.test_client().get(link).status_code == 200


def test_a_blank_email_on_the_expired_link_page_is_an_error_summary(app, client, forces, monkeypatch):
    case_id, reference = _case(app, forces[0])
    old = _token(app, forces[0], case_id, 120, monkeypatch)
    token = csrf_token(client.get(f"/alpha/track/{reference}?token={old}").get_data(as_text=True))
    response = client.post(f"/alpha/track/{reference}/new-link", data={"email": "", "csrf_token": token})
    assert response.status_code == 410 and "govuk-error-summary" in response.get_data(as_text=True)


def test_an_old_payment_return_link_no_longer_opens_the_case(app, client, forces):
    from frontcounter.extensions import db
    from frontcounter.payments.models import Payment
    from frontcounter.payments.service import pay_in_sandbox
    from frontcounter.tenancy import tenant_context

    case_id, _reference = _case(app, forces[0])
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.cases.models import Case

        payment = pay_in_sandbox(db.session.get(Case, case_id), 2500, "Fee", fulfil_transition=None)
        db.session.commit()
        public_id = payment.public_id
    assert client.get(f"/alpha/payments/{public_id}/return").status_code == 302
    with app.app_context(), tenant_context(forces[0]):
        row = db.session.scalar(db.select(Payment).filter_by(public_id=public_id))
        row.created_at = datetime.now(UTC) - timedelta(days=91)
        db.session.commit()
    response = app.test_client().get(f"/alpha/payments/{public_id}/return")
    assert response.status_code == 410
