"""What the service holds about a person, erasing it on request, and retention, through the hooks."""

from __future__ import annotations

from datetime import date

from frontcounter.appendonly import erasing
from frontcounter.cases.models import Case
from frontcounter.dataprotection import PersonQuery
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy import tenant_context
from frontcounter_liquor.models import EventNotice

from plugins.liquor.tests.support import give

RECEIVED = date(2026, 11, 2)


def _hook(name):
    return registry().hook_for_service("liquor", name)


def test_a_person_is_found_by_email_or_name_and_date_of_birth(ctx, forces):
    alpha, bravo = forces
    reference = give(alpha, RECEIVED, date(2026, 11, 27))
    give(bravo, RECEIVED, date(2026, 11, 27), premises_postcode="SO14 7LY")
    with tenant_context(alpha):
        [[by_email]] = _hook("person_data")(tenant=alpha, person=PersonQuery(email="SAM@example.com"))
        assert (by_email.reference, by_email.matched_by, by_email.data["postcode"]) == (reference, "email", "BH15 1AA")
        [[by_name]] = _hook("person_data")(
            tenant=alpha, person=PersonQuery(name="sam organiser", date_of_birth=date(1980, 4, 1)))
        assert by_name.matched_by == "name and date of birth"
        assert _hook("person_data")(tenant=alpha, person=PersonQuery(email="other@example.com")) == [[]]


def test_erasure_anonymises_the_person_and_keeps_the_notice_for_the_limits(ctx, forces):
    alpha, _bravo = forces
    reference = give(alpha, RECEIVED, date(2026, 11, 27))
    with tenant_context(alpha):
        [result] = _hook("erase_person")(tenant=alpha, person=PersonQuery(email="sam@example.com"), reason="request")
        db.session.commit()
        assert result.anonymised == 1
        notice = db.session.scalar(db.select(EventNotice))
        assert (notice.user_name, notice.user_email, notice.premises_postcode) == ("[erased]", "", "BH15 1AA")
        assert db.session.scalar(db.select(Case.applicant_email).filter_by(reference=reference)) == ""
        assert _hook("person_data")(tenant=alpha, person=PersonQuery(email="sam@example.com")) == [[]]


def test_retention_erases_notices_two_years_after_the_event(ctx, forces):
    alpha, _bravo = forces
    give(alpha, RECEIVED, date(2026, 11, 27))
    with tenant_context(alpha):
        [policies] = _hook("retention_policies")(tenant=alpha)
        notices = next(p for p in policies if p.key == "liquor-notices")
        with erasing("retention"):
            assert notices.apply(date(2028, 12, 31)) == 0
            assert notices.apply(date(2029, 1, 1)) == 1
            db.session.commit()
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0
        assert db.session.scalar(db.select(db.func.count(EventNotice.id))) == 0
