"""The statutory rules on our own tables: plausible dates of birth, an expired certificate cannot be renewed
or varied (a grant at the grant fee), the UK received date, and s.28B ending when the chief officer decides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_firearms.decisions import grant, mark_section_28b, refuse
from frontcounter_firearms.models import Certificate
from frontcounter_firearms.rules import expiry_for

from plugins.firearms.tests import test_public_journey as journey
from plugins.firearms.tests.support import open_application
from plugins.firearms.tests.test_public_journey import (
    APPLY,
    PERSONAL,
    answer,
    as_guest,
    dated,
    error_summary,
    goes_to,
)


@pytest.fixture
def client(app):
    """A browser without an account (its own cookies)."""
    return app.test_client()


TOO_YOUNG = "You must be 14 or older to apply online. Contact the firearms licensing team if you are younger"


def years_ago(years: int, days: int = 0) -> date:
    today = date.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (date.today() + timedelta(days=1), "Your date of birth must be in the past"),
        (years_ago(6), TOO_YOUNG),
        (years_ago(14, days=-1), TOO_YOUNG),  # 14 tomorrow
        (date(1800, 1, 1), "Enter a real date of birth: you cannot be more than 120 years old"),
    ],
)
def test_implausible_dates_of_birth_are_refused_with_a_govuk_error(client, firearms_forces, born, message):
    as_guest(client)
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "sgc"}), "personal")
    refused = answer(client, "personal", {**PERSONAL, **dated("date_of_birth", born)})
    assert error_summary(refused) == [message]
    assert 'href="#date_of_birth-day"' in refused.get_data(as_text=True)


def test_fourteen_today_may_apply(client, firearms_forces):
    as_guest(client)
    goes_to(answer(client, "application", {"kind": "grant", "certificates": "sgc"}), "personal")
    goes_to(answer(client, "personal", {**PERSONAL, **dated("date_of_birth", years_ago(14))}), "addresses")


def test_a_renewal_of_an_expired_certificate_becomes_a_grant_at_the_grant_fee_and_the_applicant_is_told(
    app, client, firearms_forces
):
    as_guest(client)
    expired = date.today() - timedelta(days=3)
    renewal = {
        "kind": "renewal",
        "certificates": "fac",
        "current_certificate_number": "ALP/FAC/2021/00042",
        **dated("current_certificate_expiry", expired),
    }
    moved_on = answer(client, "application", renewal)
    goes_to(moved_on, "personal")
    told = client.get(moved_on.headers["Location"]).get_data(as_text=True)
    assert "An expired certificate cannot be renewed or varied" in told
    journey.fill_in(client, application=renewal)
    check = client.get(f"{APPLY}/check").get_data(as_text=True)
    assert "£198.00" in check and "£131.00" not in check and 'id="now-a-grant"' in check
    journey.send(client)
    case = journey.the_case(app, firearms_forces[0])
    assert case.data["application"]["kind"] == "grant" and case.data["application"]["converted_from"] == "renewal"
    assert case.data["fee_pence"] == 19800 and not case.data.get("s28b_extended_to")


def test_a_variation_of_an_expired_certificate_becomes_a_grant(client, firearms_forces):
    as_guest(client)
    variation = {
        "kind": "variation",
        "certificates": "fac",
        "like_for_like": "yes",
        "current_certificate_number": "ALP/FAC/2021/00042",
        **dated("current_certificate_expiry", date.today() - timedelta(days=1)),
    }
    goes_to(answer(client, "application", variation), "personal")
    goes_to(answer(client, "personal", PERSONAL), "addresses")  # the whole grant questionnaire


def test_the_received_date_is_the_uk_date_around_midnight(app, client, firearms_forces, monkeypatch):
    import frontcounter.calendar as calendar

    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the application is received on 1 July.
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(calendar, "uk_now", lambda: late.astimezone(calendar.UK))
    monkeypatch.setitem(journey.ADDRESSES, "addresses-0-from_date-year", "2015")
    monkeypatch.setitem(journey.GP, "practices-0-from_date-year", "2014")
    as_guest(client)
    journey.fill_in(client, application={"kind": "grant", "certificates": "fac"})
    journey.send(client)
    assert journey.the_case(app, firearms_forces[0]).data["received_on"] == "2026-07-01"


def _renewal(app, alpha, expires_on: date, received_on: date) -> tuple[int, int]:
    with app.test_request_context(), tenant_context(alpha):
        old = Certificate(
            number="ALP/FAC/2021/00042",
            kind="fac",
            holder_name="Alex Archer",
            issued_on=expires_on - timedelta(days=5 * 365),
            expires_on=expires_on,
        )
        db.session.add(old)
        case = open_application(kind="renewal", fee_pence=13100)
        case.data = {
            **case.data,
            "application": {**case.data["application"], "current_certificate_number": old.number},
        }
        db.session.flush()
        assert mark_section_28b(case, received_on) == expires_on + timedelta(weeks=8)
        db.session.commit()
        return case.id, old.id


def test_a_renewal_granted_during_the_extension_runs_from_the_old_expiry_and_the_extension_ends(app, firearms_forces):
    alpha = firearms_forces[0]
    expires_on = date(2026, 3, 1)
    case_id, old_id = _renewal(app, alpha, expires_on, received_on=date(2025, 12, 1))
    decided = date(2026, 3, 20)  # within the 8 weeks after expiry
    with app.test_request_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        (new,) = grant(case, "test: supervisor", today=decided)
        old = db.session.get(Certificate, old_id)
        assert new.issued_on == decided and new.expires_on == expiry_for(expires_on) == date(2031, 3, 1)
        assert old.extended_to == decided and old.in_force_until == decided  # the decision ends the extension
        assert case.data["s28b_ended_on"] == decided.isoformat()


def test_a_refusal_ends_the_extension_before_its_eight_weeks(app, firearms_forces):
    alpha = firearms_forces[0]
    expires_on = date(2026, 3, 1)
    case_id, old_id = _renewal(app, alpha, expires_on, received_on=date(2025, 12, 1))
    with app.test_request_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        refuse(case, "Security not adequate.", "test: supervisor", today=date(2026, 3, 10))
        old = db.session.get(Certificate, old_id)
        assert old.in_force_until == date(2026, 3, 10) and not old.in_force_on(date(2026, 3, 11))


def test_a_decision_before_expiry_leaves_the_certificate_to_its_own_expiry(app, firearms_forces):
    alpha = firearms_forces[0]
    expires_on = date(2026, 3, 1)
    case_id, old_id = _renewal(app, alpha, expires_on, received_on=date(2025, 12, 1))
    with app.test_request_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        (new,) = grant(case, "test: supervisor", today=date(2026, 2, 1))
        old = db.session.get(Certificate, old_id)
        assert old.extended_to is None and old.in_force_until == expires_on
        assert new.expires_on == date(2031, 3, 1)
