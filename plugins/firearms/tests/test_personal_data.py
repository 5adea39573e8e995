"""Firearms answers the data-protection hooks: find a person by email, name with date of birth or reference;
erase what may go (audited, other forces untouched); retention anonymises only what is past six years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from frontcounter.audit.models import AuditEvent
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.dataprotection import PersonQuery
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.personal_data import apply_retention, erase_person, find_person
from frontcounter.tenancy import tenant_context
from frontcounter_firearms.models import Referee

from .support import add_document, add_referee, fire, open_application

BORN = date(1980, 2, 3)


def _application(email: str = "alex@example.com", *, withdrawn: bool = True) -> Case:
    case = open_application(email=email)
    case.data = {**case.data, "personal": {**case.data["personal"], "date_of_birth": BORN.isoformat()}}
    add_document(case, "photo")
    add_referee(case, "Robin Reed")
    if withdrawn:
        fire(case, "withdraw", as_applicant=True)
    return case


@pytest.fixture
def people(app, firearms_forces):
    """In Alpha: Alex's withdrawn application and one still open; in Bravo, another force, Alex again."""
    alpha, bravo = firearms_forces
    with app.app_context():
        with tenant_context(alpha):
            ended, open_ = _application(), _application(withdrawn=False)
            db.session.commit()
            refs = ended.reference, open_.reference
        with tenant_context(bravo):
            _application()
            db.session.commit()
    return alpha, bravo, refs


@pytest.mark.parametrize(("query", "how"), [
    (PersonQuery(email="ALEX@example.com"), "email"),
    (PersonQuery(name="alex  archer", date_of_birth=BORN), "name and date of birth"),
    (PersonQuery(name="Alex Smith", previous_names=("Alex Archer",), date_of_birth=BORN), "name and date of birth"),
])
def test_a_person_is_found_with_their_applications_referees_and_uploads(app, people, query, how):
    alpha, _bravo, refs = people
    with app.app_context(), tenant_context(alpha):
        records = [r for r in find_person(query) if r.kind == "application"]
    assert sorted(r.reference for r in records) == sorted(refs)
    assert {r.matched_by for r in records} == {how}
    record = records[0]
    assert record.data["personal"]["date_of_birth"] == BORN.isoformat()
    assert record.data["referees"][0]["name"] == "Robin Reed"
    assert [d.title for d in record.documents] == ["photo.pdf"]


def test_a_reference_finds_one_application_and_a_wrong_birth_date_finds_none(app, people):
    alpha, _bravo, refs = people
    with app.app_context(), tenant_context(alpha):
        assert [r.reference for r in find_person(PersonQuery(references=(refs[0].lower(),)))] == [refs[0]]
        assert find_person(PersonQuery(name="Alex Archer", date_of_birth=date(1980, 2, 4))) == []
        as_referee = find_person(PersonQuery(email="robin.reed@example.com"))
        assert {r.kind for r in as_referee} == {"referee"} and len(as_referee) == 2  # for both of Alpha's applications


def test_erasing_anonymises_what_has_ended_keeps_what_is_open_and_is_audited(app, people):
    alpha, bravo, (ended_ref, open_ref) = people
    with app.app_context():
        with tenant_context(alpha):
            results = erase_person(PersonQuery(email="alex@example.com"), "Erasure request DP-7")
            db.session.commit()
            assert (results[0].service_key, results[0].anonymised) == ("firearms", 1)
            assert any(open_ref in note for note in results[0].notes)
            ended = db.session.scalar(db.select(Case).filter_by(reference=ended_ref))
            assert (ended.applicant_name, ended.applicant_email, ended.data, ended.state) == (
                "", "", {"erased": True}, "withdrawn")
            assert db.session.scalars(db.select(Referee).filter_by(case_id=ended.id)).all() == []
            assert db.session.scalars(db.select(Document).filter_by(case_id=ended.id)).all() == []
            kept = db.session.scalar(db.select(Case).filter_by(reference=open_ref))
            assert kept.applicant_email == "alex@example.com"
            event = db.session.scalar(db.select(AuditEvent).filter_by(action="person.erased"))
            assert event.after["reason"] == "Erasure request DP-7" and event.after["searched_on"] == ["email"]
            assert "alex@example.com" not in str(event.after)
            assert [r.reference for r in find_person(PersonQuery(email="alex@example.com"))] == [open_ref]
        with tenant_context(bravo):
            assert len(find_person(PersonQuery(email="alex@example.com"))) == 1  # another force: untouched


def test_retention_anonymises_applications_ended_over_six_years_ago_only(app, people):
    alpha, _bravo, (ended_ref, open_ref) = people
    with app.app_context(), tenant_context(alpha):
        recent = _application(email="recent@example.com")
        db.session.flush()
        today = uk_today()
        long_ago = datetime.combine(today.replace(year=today.year - 6) - timedelta(days=1), datetime.min.time(),
                                    tzinfo=UTC)
        just_inside = datetime.combine(today.replace(year=today.year - 6) + timedelta(days=2), datetime.min.time(),
                                       tzinfo=UTC)
        for reference, when in ((ended_ref, long_ago), (open_ref, long_ago), (recent.reference, just_inside)):
            db.session.execute(db.update(Case).where(Case.reference == reference).values(updated_at=when))
        db.session.commit()
        assert apply_retention(today) == 1
        db.session.commit()
        emails = dict(db.session.execute(db.select(Case.reference, Case.applicant_email)).all())
        assert emails == {ended_ref: "", open_ref: "alex@example.com", recent.reference: "recent@example.com"}
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="retention.applied"))
        assert event.target == "retention:firearms:ended-applications" and event.after["count"] == 1
        assert apply_retention(today) == 0  # done once
