"""Data protection (what the service holds about a person, erasure, the retention schedule through the core
hooks) and the service in Welsh (pages and emails in the language the person used)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.dataprotection import PersonQuery
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy import tenant_context
from frontcounter.testing import mailbox, make_force, submit
from frontcounter_lost_property.models import Claim, FoundItem, LostReport

from .conftest import add_item
from .test_journeys import as_guest, date_fields

TODAY = uk_today()


def _report(email="olly@example.com", status="open", expires_on=None) -> LostReport:
    return LostReport(reference=f"ALP-LR-26-{db.session.scalar(db.select(db.func.count(LostReport.id))) + 1:06d}",
                      category="cash", description="Purse", serial="", lost_from=TODAY, lost_to=TODAY,
                      lost_where="Park", name="Olly Owner", email=email, status=status,
                      expires_on=expires_on or TODAY, created_at=datetime.now(UTC))


def test_person_data_finds_the_finder_the_owner_and_the_claimant(app, forces):
    alpha = forces[0]
    reference = add_item(app, alpha, email="pat@example.com")
    with app.app_context(), tenant_context(alpha):
        db.session.add(_report(email="pat@example.com"))
        item = db.session.scalar(db.select(FoundItem))
        db.session.add(Claim(item_id=item.id, kind="owner", name="Pat", email="pat@example.com", questions=["Q?"],
                             answers=["A"], status="submitted", created_at=datetime.now(UTC)))
        db.session.commit()
        from frontcounter_lost_property.privacy import person_data

        records = person_data(PersonQuery(email="PAT@example.com"))
        assert sorted(r.kind for r in records) == ["claim", "found_item", "lost_report"]
        assert {r.reference for r in records if r.kind == "found_item"} == {reference}
        assert person_data(PersonQuery(references=(reference,)))[0].data["name"] == "Fay Finder"
        assert person_data(PersonQuery(email="nobody@example.com")) == []
    with app.app_context(), tenant_context(forces[1]):
        assert person_data(PersonQuery(email="pat@example.com")) == []


def test_erasure_anonymises_people_and_keeps_the_property_record(app, forces):
    alpha = forces[0]
    add_item(app, alpha, email="pat@example.com")
    from frontcounter.appendonly import erasing
    from frontcounter_lost_property.privacy import erase_person, person_data

    with app.app_context(), tenant_context(alpha), erasing("test: request to erase"):
        db.session.add(_report(email="pat@example.com"))
        db.session.flush()
        result = erase_person(PersonQuery(email="pat@example.com"), "request")
        db.session.commit()
        assert result.anonymised == 2
        assert person_data(PersonQuery(email="pat@example.com")) == []
        item = db.session.scalar(db.select(FoundItem))
        assert item.finder_name == "erased" and item.description == "Gold ring engraved J and M"
        assert item.property_reference.startswith("ALP/P/")
        assert erase_person(PersonQuery(email="pat@example.com"), "again") is None


def test_the_retention_schedule_anonymises_a_year_after_the_end(app, forces):
    alpha = forces[0]
    from frontcounter_lost_property.privacy import retention_policies

    with app.app_context(), tenant_context(alpha):
        db.session.add(_report(status="expired", expires_on=TODAY - timedelta(days=400)))
        db.session.add(_report(email="recent@example.com", status="expired", expires_on=TODAY - timedelta(days=30)))
        db.session.commit()
        [policy] = retention_policies()
        assert policy.service_key == "lost_property"
        assert policy.apply(TODAY) == 1
        db.session.commit()
        names = sorted(r.name for r in db.session.scalars(db.select(LostReport)))
        assert names == ["Olly Owner", "erased"]


def test_the_core_hooks_answer_for_the_service(app, forces):
    add_item(app, forces[0], email="pat@example.com")
    with app.app_context(), tenant_context(forces[0]) as ref:
        hook = registry().hook_for_service("lost_property", "person_data")
        found = [r for answer in hook(tenant=ref, person=PersonQuery(email="pat@example.com")) for r in answer]
        assert [r.kind for r in found] == ["found_item"]
        policies = registry().hook_for_service("lost_property", "retention_policies")(tenant=ref)
        assert [p.key for answer in policies for p in answer] == ["finished-items-and-reports"]


def test_a_welsh_speaker_reports_a_loss_in_welsh_and_gets_a_welsh_email(app, client):
    with app.app_context():
        make_force("gwent", "GWE", {"lost_property": True}, languages=["en", "cy"], name="Gwent Police")
    client.get("/language/cy?next=/gwent/")
    as_guest(client, "gwent")
    page = client.get("/gwent/lost_property/lost").get_data(as_text=True)
    assert "Rhoi gwybod am rywbeth a gollwyd gennych" in page
    response = submit(client, "/gwent/lost_property/lost", {"category": ""})
    assert "Dewiswch beth a gollwyd gennych" in response.get_data(as_text=True)
    response = submit(client, "/gwent/lost_property/lost", {
        "category": "cash", "description": "Pwrs du", "lost_where": "Parc", "name": "Owain",
        "email": "owain@example.com",
        **date_fields("lost_from", TODAY - timedelta(days=2)),
        **date_fields("lost_to", TODAY)})
    assert response.status_code == 302
    [email] = mailbox(app, "owain@example.com")
    assert "Eiddo coll: eich adroddiad" in email.subject
    assert "Mae eich adroddiad am eitem goll gennym" in email.text_body
    with app.app_context():
        from frontcounter.tenancy import Tenant

        gwent = db.session.scalar(db.select(Tenant).filter_by(slug="gwent"))
        with tenant_context(gwent):
            assert db.session.scalar(db.select(LostReport)).language == "cy"
            assert db.session.scalars(db.select(Case)).all() == []


def test_a_welsh_finder_hears_that_the_item_was_received_in_welsh(app, forces):
    from frontcounter_lost_property.items import Receipt, receive

    reference = add_item(app, forces[0], received_days_ago=None, email="gwen@example.com")
    with app.app_context(), app.test_request_context(), tenant_context(forces[0]):
        case = db.session.scalar(db.select(Case).filter_by(reference=reference))
        case.language = "cy"
        receive(case, Receipt("", "Silff A", "Da", "Gorsaf"), actor="desk@alpha.police.uk")
        db.session.commit()
    email = mailbox(app, "gwen@example.com")[-1]
    assert "Wedi'i rhoi i ni a'i chadw'n ddiogel" in email.subject


def test_photos_of_reports_never_finished_are_deleted_after_two_days(app, forces):
    import io

    from frontcounter.documents.models import Document
    from frontcounter.documents.uploads import store_upload
    from frontcounter_lost_property.privacy import anonymise_finished
    from werkzeug.datastructures import FileStorage

    from .test_journeys import png

    with app.app_context(), app.test_request_context(), tenant_context(forces[0]):
        old = store_upload(FileStorage(io.BytesIO(png()), "a.png"), None, "finder-photo")
        new = store_upload(FileStorage(io.BytesIO(png()), "b.png"), None, "finder-photo")
        old.created_at = datetime.now(UTC) - timedelta(days=3)
        db.session.commit()
        new_id = new.id
        assert anonymise_finished(TODAY) == 1
        db.session.commit()
        assert [d.id for d in db.session.scalars(db.select(Document))] == [new_id]
