"""Billing pages: the platform admin's prices, onboarding, credits and statements; a force admin's own statements."""

from __future__ import annotations

import io
from datetime import date

import pytest
from frontcounter.billing import statements
from frontcounter.billing.models import Price
from frontcounter.calendar import uk_today
from frontcounter.extensions import db
from frontcounter.tenancy import Tenant, tenant_context

from tests.conftest import PASSWORD, add_staff, csrf_token, staff_sign_in, submit, totp_code_for

ROOT = "root@platform.example.com"


@pytest.fixture
def platform_admin(app, forces):
    """A client signed in as a platform admin (password and second factor)."""
    from frontcounter.accounts.models import AccountKind
    from frontcounter.accounts.service import create_account

    with app.app_context():
        create_account(ROOT, PASSWORD, "Root", AccountKind.PLATFORM_ADMIN, verified=True)
        db.session.commit()
    client = app.test_client()
    submit(client, "/platform/sign-in", {"email": ROOT, "password": PASSWORD})
    page = client.get("/platform/two-factor").get_data(as_text=True)
    client.post("/platform/two-factor", data={"code": totp_code_for(app, ROOT), "csrf_token": csrf_token(page)})
    return client


def _march(app, force) -> None:
    from datetime import UTC, datetime

    from frontcounter.billing.ledger import record_transaction

    with app.app_context():
        with tenant_context(force):
            for n in range(3):
                record_transaction("paid_application", "sample", f"t:{n}", when=datetime(2026, 3, 2 + n, tzinfo=UTC))
        db.session.commit()


def _admin(app, force, email) -> object:
    add_staff(app, force, email, ["force_admin"])
    client = app.test_client()
    staff_sign_in(client, app, force.slug, email)
    return client


def test_the_billing_pages_need_a_platform_admin(app, client, forces):
    response = client.get("/platform/billing/")
    assert response.status_code == 302 and "/platform/sign-in" in response.headers["Location"]
    staff = _admin(app, forces[0], "admin@alpha.example.com")
    assert staff.get("/platform/billing/").status_code == 302


def test_the_platform_admin_sets_a_price_with_errors_shown_first(app, platform_admin):
    overview = platform_admin.get("/platform/billing/").get_data(as_text=True)
    assert "Parking permits" in overview and "£0.99 + VAT at 20%" in overview
    page = platform_admin.get("/platform/billing/prices/sample").get_data(as_text=True)
    bad = platform_admin.post("/platform/billing/prices/sample", data={
        "csrf_token": csrf_token(page), "price": "lots", "vat": "120", "effective_from-day": "1",
        "effective_from-month": "1", "effective_from-year": "2020"}).get_data(as_text=True)
    assert "There is a problem" in bad and 'href="#price"' in bad and 'href="#vat"' in bad
    assert 'href="#effective_from-day"' in bad and "must be today or in the future" in bad
    today = uk_today()
    done = platform_admin.post("/platform/billing/prices/sample", data={
        "csrf_token": csrf_token(page), "price": "1.50", "vat": "20", "effective_from-day": str(today.day),
        "effective_from-month": str(today.month), "effective_from-year": str(today.year)}, follow_redirects=True)
    assert "New price for Parking permits saved." in done.get_data(as_text=True)
    assert "£1.50 + VAT at 20%" in done.get_data(as_text=True)
    with app.app_context():
        assert [(p.net_pence, p.set_by) for p in db.session.scalars(db.select(Price))] == [(150, ROOT)]
    history = platform_admin.get("/platform/billing/prices/sample").get_data(as_text=True)
    assert 'id="price-history"' in history and ROOT in history
    assert platform_admin.get("/platform/billing/prices/nothing").status_code == 404
    refused = platform_admin.post("/platform/billing/prices/sample", data={"price": "1"})
    assert refused.status_code == 400  # no CSRF token


def test_onboarding_dates_and_a_credit(app, platform_admin, forces):
    page = platform_admin.get("/platform/billing/forces/alpha/onboarding").get_data(as_text=True)
    assert "Acceptance test signed off" in page
    fields = {"csrf_token": csrf_token(page), "letter_of_intent_on-day": "3", "letter_of_intent_on-month": "2",
              "letter_of_intent_on-year": "2026", "agreement_signed_on-day": "1", "agreement_signed_on-month": "1",
              "agreement_signed_on-year": "2026"}
    bad = platform_admin.post("/platform/billing/forces/alpha/onboarding", data=fields).get_data(as_text=True)
    assert "There is a problem" in bad and "on or after the step before it" in bad
    fields.update({"agreement_signed_on-month": "3", "acceptance_signed_off_on-day": "31",
                   "acceptance_signed_off_on-month": "3", "acceptance_signed_off_on-year": "2026"})
    saved = platform_admin.post("/platform/billing/forces/alpha/onboarding", data=fields, follow_redirects=True)
    assert "Onboarding dates for Alpha Police saved." in saved.get_data(as_text=True)
    assert "Acceptance test signed off on 31 March 2026" in saved.get_data(as_text=True)
    credit_page = platform_admin.get("/platform/billing/forces/alpha/credit").get_data(as_text=True)
    bad = platform_admin.post("/platform/billing/forces/alpha/credit",
                              data={"csrf_token": csrf_token(credit_page), "amount": "-5", "reason": ""})
    assert 'href="#amount"' in bad.get_data(as_text=True) and 'href="#reason"' in bad.get_data(as_text=True)
    ok = platform_admin.post("/platform/billing/forces/alpha/credit", follow_redirects=True,
                             data={"csrf_token": csrf_token(credit_page), "amount": "19.80", "reason": "Charged twice"})
    assert "it will be on the next statement" in ok.get_data(as_text=True)
    assert platform_admin.get("/platform/billing/forces/nowhere/credit").status_code == 404


def test_issuing_on_demand_shows_every_force_with_national_totals(app, platform_admin, forces):
    alpha, _bravo = forces
    _march(app, alpha)
    page = platform_admin.get("/platform/billing/?month=2026-03").get_data(as_text=True)
    assert "Statements for March 2026" in page and page.count("Not issued yet") == 2
    issued = platform_admin.post("/platform/billing/statements", follow_redirects=True,
                                 data={"csrf_token": csrf_token(page), "month": "2026-03", "force": "all"})
    text = issued.get_data(as_text=True)
    assert "Statements for March 2026 issued." in text and "Not issued yet" not in text
    assert 'id="national-total">£3.56<' in text  # 297p net; VAT rounded once on the line: 59p
    one = platform_admin.get("/platform/billing/forces/alpha/statements/2026-03").get_data(as_text=True)
    assert "ALP-202603" in one and "Parking permits: transactions" in one
    assert platform_admin.get("/platform/billing/forces/alpha/statements/2026-13").status_code == 404
    running = platform_admin.post("/platform/billing/statements", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "month": uk_today().strftime("%Y-%m"), "force": "alpha"})
    assert "once the month has ended" in running.get_data(as_text=True)
    csv_file = platform_admin.get("/platform/billing/forces/alpha/statements/2026-03/csv")
    assert csv_file.headers["Content-Disposition"] == 'attachment; filename="statement-ALP-202603.csv"'
    assert "Parking permits: transactions,3,0.99,2.97,20%,0.59,3.56" in csv_file.get_data(as_text=True)


def test_a_force_admin_sees_only_their_own_statements(app, forces):
    from pypdf import PdfReader

    alpha, bravo = forces
    _march(app, alpha)
    with app.app_context():
        for force in forces:
            statements.issue(db.session.get(Tenant, force.id), date(2026, 3, 1), actor="test")
        statements.issue(db.session.get(Tenant, alpha.id), date(2026, 2, 1), actor="test")
        db.session.commit()
    alpha_admin = _admin(app, alpha, "admin@alpha.example.com")
    dashboard = alpha_admin.get("/alpha/staff/").get_data(as_text=True)
    assert "/alpha/staff/admin/statements/" in dashboard
    listing = alpha_admin.get("/alpha/staff/admin/statements/").get_data(as_text=True)
    assert "March 2026" in listing and "February 2026" in listing and "BRV-" not in listing
    page = alpha_admin.get("/alpha/staff/admin/statements/2026-03").get_data(as_text=True)
    assert "ALP-202603" in page and "£3.56" in page
    pdf = alpha_admin.get("/alpha/staff/admin/statements/2026-03/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.headers["Cache-Control"] == "private, no-store"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "ALP-202603" in text and "£3.56" in text
    # Bravo's admin, through Bravo's own pages, never reaches Alpha's statement; nor through Alpha's.
    bravo_admin = _admin(app, bravo, "admin@bravo.example.com")
    bravo_page = bravo_admin.get("/bravo/staff/admin/statements/2026-03").get_data(as_text=True)
    assert "BRV-202603" in bravo_page and "ALP-" not in bravo_page
    assert bravo_admin.get("/bravo/staff/admin/statements/2026-02").status_code == 404
    assert bravo_admin.get("/alpha/staff/admin/statements/2026-03").status_code in (302, 403, 404)
    assert bravo_admin.get("/alpha/staff/admin/statements/2026-03/csv").status_code in (302, 403, 404)
    caseworker = app.test_client()
    add_staff(app, alpha, "worker@alpha.example.com", ["caseworker"])
    staff_sign_in(caseworker, app, "alpha", "worker@alpha.example.com")
    assert caseworker.get("/alpha/staff/admin/statements/").status_code == 403
    assert alpha_admin.get("/alpha/staff/admin/statements/March").status_code == 404


def test_the_statement_pages_are_in_welsh(app, forces):
    alpha, _bravo = forces
    with app.app_context():
        db.session.get(Tenant, alpha.id).languages = ["en", "cy"]
        db.session.commit()
        statements.issue(db.session.get(Tenant, alpha.id), date(2026, 3, 1), actor="test")
        db.session.commit()
    admin = _admin(app, alpha, "admin@alpha.example.com")
    admin.get("/language/cy?next=/alpha/staff/admin/statements/")
    listing = admin.get("/alpha/staff/admin/statements/").get_data(as_text=True)
    assert 'lang="cy"' in listing and "Datganiadau" in listing and "Mawrth 2026" in listing
