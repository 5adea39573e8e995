"""The plugin's rows: certificate numbers unique per force, dates in force, referees and checks kept per force."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_firearms.checks import DemoIntelligenceCheck, IntelligenceCheck, latest_checks, run_checks
from frontcounter_firearms.models import BackgroundCheck, Certificate, Referee, certificate_number
from frontcounter_firearms.rules import expiry_for, section_28b_extension
from sqlalchemy.exc import IntegrityError

from .support import add_referee, open_application


@pytest.fixture
def workflow_on(app, monkeypatch):
    from frontcounter_firearms.workflow import WORKFLOW

    monkeypatch.setattr(app.extensions["frontcounter.plugins"].services["firearms"], "workflow", WORKFLOW)


def certificate(number: str, issued: date = date(2026, 3, 15), **extra) -> Certificate:
    return Certificate(
        number=number, kind="fac", holder_name="Alex Archer", issued_on=issued, expires_on=expiry_for(issued), **extra
    )


def test_certificate_numbers_name_the_force_kind_year_and_serial():
    assert certificate_number("ALP", "fac", 2026, 123) == "ALP/FAC/2026/00123"
    assert certificate_number("BRV", "sgc", 2027, 1) == "BRV/SGC/2027/00001"
    with pytest.raises(ValueError):
        certificate_number("ALP", "rfd", 2026, 1)


def test_a_certificate_number_is_unique_within_a_force_not_across_forces(app, firearms_forces):
    alpha, bravo = firearms_forces
    with app.app_context():
        for force in (alpha, bravo):
            with tenant_context(force):
                db.session.add(certificate("X/FAC/2026/00001"))
                db.session.commit()
        with tenant_context(alpha):
            db.session.add(certificate("X/FAC/2026/00001"))
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()
            assert len(db.session.scalars(db.select(Certificate)).all()) == 1


def test_a_certificate_is_in_force_until_expiry_or_its_extension_unless_revoked(app, firearms_forces):
    with app.app_context(), tenant_context(firearms_forces[0]):
        plain = certificate("A/1", date(2021, 3, 15))
        assert plain.in_force_until == date(2026, 3, 15)
        assert plain.in_force_on(date(2026, 3, 15)) and not plain.in_force_on(date(2026, 3, 16))
        assert not plain.in_force_on(date(2021, 3, 14))
        extended = certificate("A/2", date(2021, 3, 15))
        extended.extended_to = section_28b_extension(extended.expires_on, date(2026, 1, 5))
        assert extended.in_force_on(date(2026, 5, 10)) and not extended.in_force_on(date(2026, 5, 11))
        revoked = certificate("A/3", revoked_at=datetime.now(UTC))
        assert not revoked.in_force_on(date(2026, 6, 1))


def test_referees_and_checks_are_seen_only_inside_their_force(app, firearms_forces, workflow_on):
    alpha, bravo = firearms_forces
    with app.app_context():
        with tenant_context(alpha):
            case = open_application()
            add_referee(case, "Robin Reed")
            run_checks(case, {"surname": "Archer"}, [DemoIntelligenceCheck()])
            db.session.commit()
        with tenant_context(bravo):
            assert db.session.scalars(db.select(Referee)).all() == []
            assert db.session.scalars(db.select(BackgroundCheck)).all() == []
        with tenant_context(alpha):
            referee = db.session.scalars(db.select(Referee)).one()
            assert referee.has_confirmed and referee.token_nonce


def test_a_referee_who_declined_or_has_not_confirmed_everything_has_not_confirmed():
    now = datetime.now(UTC)
    assert Referee(confirmed_at=now, photo_likeness=True, declaration=True).has_confirmed
    assert not Referee(confirmed_at=now, photo_likeness=True, declaration=True, declined_at=now).has_confirmed
    assert not Referee(confirmed_at=now, photo_likeness=False, declaration=True).has_confirmed
    assert not Referee(confirmed_at=None, photo_likeness=True, declaration=True).has_confirmed


def test_the_demo_adapter_is_an_intelligence_check_that_flags_chosen_surnames():
    demo = DemoIntelligenceCheck()
    assert isinstance(demo, IntelligenceCheck)
    assert demo.check({"surname": "Archer"}).status == "clear"
    assert demo.check({"surname": " FLAGGED "}).status == "flagged"
    assert demo.check({"surname": "watchlist"}).status == "flagged"
    assert demo.check({"surname": "Unavailable"}).status == "error"
    assert DemoIntelligenceCheck(flagged_surnames=("smith",)).check({"surname": "Smith"}).status == "flagged"


def test_the_latest_check_per_system_is_the_one_that_counts(app, firearms_forces, workflow_on):
    with app.app_context(), tenant_context(firearms_forces[0]):
        case = open_application()
        run_checks(
            case,
            {"surname": "Unavailable"},
            [DemoIntelligenceCheck(name="pnc"), DemoIntelligenceCheck()],
            now=datetime(2026, 3, 1, tzinfo=UTC),
        )
        run_checks(
            case, {"surname": "Archer"}, [DemoIntelligenceCheck(name="pnc")], now=datetime(2026, 3, 2, tzinfo=UTC)
        )
        assert {name: row.status for name, row in latest_checks(case).items()} == {"pnc": "clear", "demo": "error"}
        db.session.rollback()
